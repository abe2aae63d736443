#include "exporters/exporter_factory.h"

#include "exporters/elasticsearch/elasticsearch_sink_factory.h"
#include "exporters/file/file_sink_factory.h"
#include "exporters/kafka/kafka_sink_factory.h"

namespace specwatch {

std::vector<std::unique_ptr<Sink>> make_sinks(const std::vector<ExporterConfig>& exporters,
                                              const SinkServices& services) {
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.reserve(exporters.size());
  for (const ExporterConfig& exporter : exporters) {
    std::visit(
        [&](const auto& settings) {
          using T = std::decay_t<decltype(settings)>;
          if constexpr (std::is_same_v<T, FileExporterConfig>) {
            sinks.push_back(make_file_sink(
                FileSinkSettings{exporter.name, exporter.sources, settings}, services));
          } else if constexpr (std::is_same_v<T, KafkaExporterConfig>) {
            sinks.push_back(make_kafka_sink(
                KafkaSinkSettings{exporter.name, exporter.sources, settings, {}}, services));
          } else if constexpr (std::is_same_v<T, ElasticsearchExporterConfig>) {
            sinks.push_back(make_elasticsearch_sink(
                ElasticsearchSinkSettings{exporter.name, exporter.sources, settings, {}},
                services));
          }
        },
        exporter.settings);
  }
  return sinks;
}

}  // namespace specwatch
