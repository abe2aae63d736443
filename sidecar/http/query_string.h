// The parameters of a request's query string, read as Go's url.ParseQuery reads them, so that an
// endpoint modelled on a Go server (Prometheus' HTTP API) sees the same values: pairs split at
// '&', the name and value percent-decoded with '+' as a space, a pair without '=' has an empty
// value, and a pair that cannot be decoded (a bad %-escape, a ';') is skipped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specwatch {

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// In the order given; a name may repeat (`file[]=a&file[]=b`).
QueryParameters parse_query_string(std::string_view query);

// The first value of `name`, as Go's Values.Get; none when absent.
std::optional<std::string> first_value(const QueryParameters& parameters, std::string_view name);

// Every value of `name`, in order.
std::vector<std::string> all_values(const QueryParameters& parameters, std::string_view name);

}  // namespace specwatch
