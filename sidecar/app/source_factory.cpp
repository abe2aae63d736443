#include "sidecar/app/source_factory.h"

#include <type_traits>

#include "sidecar/sources/file/file_source.h"

namespace specwatch {

std::unique_ptr<Source> make_source(const SourceConfig& config, const SourceServices& services) {
  return std::visit(
      [&](const auto& settings) -> std::unique_ptr<Source> {
        using Settings = std::decay_t<decltype(settings)>;
        static_assert(std::is_same_v<Settings, FileSourceConfig>, "a source type without a case");
        return std::make_unique<FileSource>(settings, services.tail, services.batch_max_records,
                                            services.state_dir, services.consumer, services.logger,
                                            services.errors, services.file_metrics);
      },
      config.settings);
}

}  // namespace specwatch
