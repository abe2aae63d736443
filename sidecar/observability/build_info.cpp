#include "sidecar/observability/build_info.h"

#include <prometheus/gauge.h>

#include <string>

namespace specwatch {

void register_build_info(prometheus::Registry& registry, std::string_view version) {
  prometheus::BuildGauge()
      .Name("specwatch_build_info")
      .Help("Build information of the running specwatch sidecar; the value is always 1.")
      .Register(registry)
      .Add({{"version", std::string(version)}})
      .Set(1);
}

}  // namespace specwatch
