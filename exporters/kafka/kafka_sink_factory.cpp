#include "exporters/kafka/kafka_sink_factory.h"

namespace specwatch {

std::unique_ptr<Sink> make_kafka_sink(KafkaSinkSettings settings, const SinkServices& services) {
  settings.state_dir = services.state_dir;
  return std::make_unique<KafkaSink>(std::move(settings), services.pricing(), services.redaction,
                                     services.registry, services.logger);
}

}  // namespace specwatch
