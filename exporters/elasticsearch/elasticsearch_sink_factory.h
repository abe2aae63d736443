// Builds an Elasticsearch exporter from its settings (the `exporters:` entry of type
// `elasticsearch`).
#pragma once

#include <memory>

#include "exporters/common/sink_services.h"
#include "exporters/elasticsearch/elasticsearch_sink.h"

namespace specwatch {

std::unique_ptr<Sink> make_elasticsearch_sink(ElasticsearchSinkSettings settings,
                                              const SinkServices& services);

}  // namespace specwatch
