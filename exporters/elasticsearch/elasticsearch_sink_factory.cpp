#include "exporters/elasticsearch/elasticsearch_sink_factory.h"

namespace specwatch {

std::unique_ptr<Sink> make_elasticsearch_sink(ElasticsearchSinkSettings settings,
                                              const SinkServices& services) {
  settings.state_dir = services.state_dir;
  return std::make_unique<ElasticsearchSink>(std::move(settings), services.pricing(),
                                             services.redaction, services.registry,
                                             services.logger);
}

}  // namespace specwatch
