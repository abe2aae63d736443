// Builds a Kafka exporter from its settings (the `exporters:` entry of type `kafka`).
#pragma once

#include <memory>

#include "exporters/common/sink_services.h"
#include "exporters/kafka/kafka_sink.h"

namespace specwatch {

std::unique_ptr<Sink> make_kafka_sink(KafkaSinkSettings settings, const SinkServices& services);

}  // namespace specwatch
