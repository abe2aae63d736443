// Reading a file source's checkpoint document the way tests of delivery need it.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "tests/integration/support/temp_dir.h"

namespace specwatch::testing {

// The offset of the first file in a file source's checkpoint
// (<state_dir>/checkpoints/<source>.json); 0 when there is none yet.
inline std::uint64_t first_checkpoint_offset(const std::string& path) {
  if (!std::filesystem::exists(path)) return 0;
  rapidjson::Document doc;
  const std::string text = read_file(path);
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data")) return 0;
  const rapidjson::Value& files = doc["data"]["files"];
  return files.IsArray() && !files.Empty() ? files[0]["offset"].GetUint64() : 0;
}

}  // namespace specwatch::testing
