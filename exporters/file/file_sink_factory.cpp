#include "exporters/file/file_sink_factory.h"

namespace specwatch {

std::unique_ptr<Sink> make_file_sink(FileSinkSettings settings, const SinkServices& services) {
  return std::make_unique<FileSink>(std::move(settings), services.pricing(), services.redaction,
                                    services.registry, services.logger);
}

}  // namespace specwatch
