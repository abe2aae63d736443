// Builds the sinks of the `exporters:` list, each by its type's factory.
#pragma once

#include <memory>
#include <vector>

#include "exporters/common/sink_services.h"
#include "exporters/exporter_config.h"
#include "sidecar/core/sink.h"

namespace specwatch {

std::vector<std::unique_ptr<Sink>> make_sinks(const std::vector<ExporterConfig>& exporters,
                                              const SinkServices& services);

}  // namespace specwatch
