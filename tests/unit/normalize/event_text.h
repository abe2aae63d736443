// Test helpers: a one-line text of a CanonicalEvent naming every field (absent ones as "-"), so
// that tests compare whole events exactly; and readers that frame the sample files the way the
// tools write them.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "sidecar/normalize/event.h"

namespace specwatch::test {

std::string describe(const CanonicalEvent& event);
std::vector<std::string> describe(const std::vector<CanonicalEvent>& events);

std::string read_file(const std::string& path);
std::vector<std::string> read_lines(const std::string& path);
// Back-to-back JSON values (json-stream and ndjson both), each parsed into its own document.
// Text that is not valid JSON ends the reading (see `invalid` for ndjson line by line).
std::vector<rapidjson::Document> read_json_values(const std::string& path);

}  // namespace specwatch::test
