// Flat binary records of byte strings, each a u32 length (little-endian) and its bytes: what an
// exporter keeps in its disk spool (the Kafka exporter's messages, the Elasticsearch exporter's
// bulk items), so that the delivery thread reads back exactly what it will send, with no JSON
// work.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace specwatch {

inline void append_field(std::string& out, std::string_view text) {
  const auto length = static_cast<std::uint32_t>(text.size());
  char bytes[4];
  std::memcpy(bytes, &length, 4);
  out.append(bytes, 4);
  out.append(text);
}

// Takes the next field of `rest` into `out` (a view into `rest`'s bytes); false when `rest` is
// too short for it.
inline bool take_field(std::string_view& rest, std::string_view& out) {
  if (rest.size() < 4) return false;
  std::uint32_t length;
  std::memcpy(&length, rest.data(), 4);
  rest.remove_prefix(4);
  if (rest.size() < length) return false;
  out = rest.substr(0, length);
  rest.remove_prefix(length);
  return true;
}

}  // namespace specwatch
