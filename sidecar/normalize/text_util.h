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

// The date, hour and minute `YYYY-MM-DD?hh:mm`: its length never varies.
inline constexpr std::size_t kIsoPrefix = 16;

// The last date, hour and minute parse_iso_time(text, memo) converted. Records of one stream
// mostly carry the same date, hour and minute as the one before: only the seconds, the fraction
// and the zone then remain to be read.
//
// The zone that followed (`Z`, `-08:00`, none) is remembered too, with its offset: a stream's
// records mostly share it.
struct IsoTimeMemo {
  std::uint64_t prefix[2] = {0, 0};  // the first kIsoPrefix bytes
  std::int64_t secs = 0;
  bool valid = false;
  // The text after the seconds and fraction (at most kIsoZoneBytes bytes; all of them are in
  // `zone`, see zone_key in text_util.cpp) and its offset in seconds.
  std::uint64_t zone = 0;
  std::size_t zone_size = 0;
  std::int64_t zone_offset = 0;
  bool zone_valid = false;
};
inline constexpr std::size_t kIsoZoneBytes = 8;
// The same result as parse_iso_time(text), reusing and updating `memo`.
std::optional<std::int64_t> parse_iso_time(std::string_view text, IsoTimeMemo& memo);

// std::regex has no named groups: rewrites `(?<name>...)` into `(...)` and reports, for every
// capturing group in order, its name (empty for an unnamed group). Throws std::invalid_argument
// on an unterminated group name.
std::string strip_named_groups(std::string_view pattern, std::vector<std::string>& group_names);

// The longest literal byte string every match of the ECMAScript `pattern` must contain (empty
// when none can be derived safely, e.g. when the pattern has an alternation).
std::string required_literal(std::string_view pattern);

}  // namespace specwatch
