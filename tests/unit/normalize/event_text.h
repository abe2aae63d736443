// Test helpers: a one-line text of a CanonicalEvent naming every field (absent ones as "-"), so
// that tests compare whole events exactly; normalize() into a reused buffer, checked against a
// fresh vector; and readers that frame the sample files the way the tools write them.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "sidecar/core/event.h"
#include "sidecar/normalize/compiled_profile.h"
#include "sidecar/normalize/event_buffer.h"

namespace specwatch::test {

std::string describe(const CanonicalEvent& event);
std::vector<std::string> describe(const std::vector<CanonicalEvent>& events);
std::vector<std::string> describe(const EventBuffer& events);

// Normalizes `record` into `buffer` (cleared first; a test reuses it from record to record, so
// that its layout caches are used) and returns describe() of its events, after checking with
// gtest that a fresh vector (no cache) gets the same events and reason: the caches are speed-ups
// only.
std::vector<std::string> normalize_checked(const CompiledProfile& profile,
                                           const rapidjson::Value& record, EventBuffer& buffer);

// Checks with gtest that `record`, read the pipeline's way (written out as JSON and parsed by
// JsonParser::parse_view, so that the normalizer reads it on simdjson's tape rather than as a
// RapidJSON value), gives `reason` and `events` (describe() of the events). Every helper that
// normalizes a RapidJSON value calls it, so that each test checks both kinds of JsonRef.
void expect_same_on_tape(const CompiledProfile& profile, const rapidjson::Value& record,
                         std::string_view reason, const std::vector<std::string>& events);

std::string read_file(const std::string& path);
std::vector<std::string> read_lines(const std::string& path);
// Back-to-back JSON values (json-stream and ndjson both), each parsed into its own document.
// Text that is not valid JSON ends the reading (see `invalid` for ndjson line by line).
std::vector<rapidjson::Document> read_json_values(const std::string& path);

}  // namespace specwatch::test
