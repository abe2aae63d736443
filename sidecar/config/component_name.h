// The names of configured components (sources, exporters) become metric label values, so they
// share one rule: [a-z0-9][a-z0-9_.-]*.
#pragma once

#include <string_view>

namespace specwatch {

bool is_valid_component_name(std::string_view name);

}  // namespace specwatch
