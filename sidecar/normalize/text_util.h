// Small helpers of the profile engine: timestamp parsing and regex preparation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace specwatch {

// Parses `YYYY-MM-DD[T| ]hh:mm:ss[.,fraction][Z|±hh:mm|±hhmm]` into unix nanoseconds. A time
// without zone is UTC. Returns nullopt when the text is not such a time.
std::optional<std::int64_t> parse_iso_time(std::string_view text);

// std::regex has no named groups: rewrites `(?<name>...)` into `(...)` and reports, for every
// capturing group in order, its name (empty for an unnamed group). Throws std::invalid_argument
// on an unterminated group name.
std::string strip_named_groups(std::string_view pattern, std::vector<std::string>& group_names);

// The longest literal byte string every match of the ECMAScript `pattern` must contain (empty
// when none can be derived safely, e.g. when the pattern has an alternation).
std::string required_literal(std::string_view pattern);

}  // namespace specwatch
