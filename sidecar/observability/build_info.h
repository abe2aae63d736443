// specwatch_build_info{version="..."} 1: lets dashboards show which version runs where.
#pragma once

#include <prometheus/registry.h>

#include <string_view>

namespace specwatch {

void register_build_info(prometheus::Registry& registry, std::string_view version);

}  // namespace specwatch
