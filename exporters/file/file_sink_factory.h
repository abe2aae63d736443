// Builds a file exporter from its settings (the `exporters:` entry of type `file`).
#pragma once

#include <memory>

#include "exporters/common/sink_services.h"
#include "exporters/file/file_sink.h"

namespace specwatch {

std::unique_ptr<Sink> make_file_sink(FileSinkSettings settings, const SinkServices& services);

}  // namespace specwatch
