// Reading the OTLP common messages (AnyValue, KeyValue, KeyValueList, ArrayValue) from the
// protobuf wire format straight into RapidJSON values, through the SAX handler interface of a
// rapidjson::Document: each object or array is allocated once, at its exact size, and strings
// refer to the request's bytes. Every function that takes a Handler* only validates when it is
// null (what protobuf's parser would refuse: truncation, strings that are not UTF-8, too deep).
// Used by otlp_records.cpp; the attribute mapping is documented in README.md.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/otlp/protobuf_wire.h"

namespace specwatch::wire {

using Handler = rapidjson::Document;  // the document is the SAX handler that builds the values

inline constexpr int kMaxValueDepth = 32;  // nested arrays / kvlists deeper than this become null

inline bool is_bytes(const Field& f) {
  return f.type == Type::kLengthDelimited;
}

// A string field: must be UTF-8, as protobuf's parser requires of proto3 strings.
bool read_string(const Field& f, std::string_view& out);

// String values and keys refer to the request's bytes (copy = false); never a null pointer.
// Inline: a span record has 17 keys of its own.
inline void emit_string(Handler* h, std::string_view s) {
  h->String(s.empty() ? "" : s.data(), static_cast<rapidjson::SizeType>(s.size()), false);
}
inline void emit_key(Handler* h, std::string_view key) {
  h->Key(key.empty() ? "" : key.data(), static_cast<rapidjson::SizeType>(key.size()), false);
}
// Lower-case hex of raw bytes, written into the document's memory.
void emit_hex(Handler* h, std::string_view bytes);

// One AnyValue as its fields arrive: the value set last wins (a oneof), and a message value sent
// twice in a row is merged, as protobuf's parser does. Message payloads are kept as views.
struct AnyValueState {
  std::uint32_t kind = 0;  // field number of the value set last; 0: none
  Field scalar;            // string, bool, int, double, bytes
  std::string_view first;  // array / kvlist payloads, merged in order
  std::vector<std::string_view> more;
};

// Adds the fields of one AnyValue message to `s`.
bool scan_any(std::string_view bytes, AnyValueState& s, int message_depth);

// Emits the value (or only validates it when h == nullptr). Deeper than kMaxValueDepth it is
// validated and emitted as null.
bool walk_any(const AnyValueState& s, int depth, int message_depth, Handler* h);

// A KeyValue: its key, then its value. With h == nullptr only validates.
bool walk_key_value(std::string_view bytes, int depth, int message_depth, Handler* h);

// The KeyValues in field `number` of each message in `messages`, as one object.
template <typename Messages>
bool walk_key_values(const Messages& messages, std::uint32_t number, int depth, int message_depth,
                     Handler* h) {
  if (h != nullptr) h->StartObject();
  rapidjson::SizeType members = 0;
  for (std::string_view message : messages) {
    Reader r(message);
    Field f;
    while (r.next(f)) {
      if (f.number != number || !is_bytes(f)) continue;
      if (!walk_key_value(f.bytes, depth, message_depth + 1, h)) return false;
      ++members;
    }
    if (r.failed()) return false;
  }
  if (h != nullptr) h->EndObject(members);
  return true;
}

// The KeyValue messages `key_values` (their bytes, each a field of a message at nesting level
// `message_depth`), as one object. With h == nullptr only validates.
bool walk_key_value_list(std::span<const std::string_view> key_values, int depth, int message_depth,
                         Handler* h);

// Calls f(field) for every field of `message` with this number and wire type.
template <typename F>
bool for_each_field(std::string_view message, std::uint32_t number, Type type, F&& f) {
  Reader r(message);
  Field field;
  while (r.next(field)) {
    if (field.number == number && field.type == type && !f(field)) return false;
  }
  return !r.failed();
}

// Validates a message's fields that are never emitted: strings (`strings`) and KeyValue lists
// (`key_values`). Depth: the message's own nesting level.
bool validate(std::string_view message, std::initializer_list<std::uint32_t> strings,
              std::initializer_list<std::uint32_t> key_values, int message_depth);

// The service.name of a resource: the first such attribute with a non-empty string value.
bool find_service(std::string_view resource, int message_depth, std::string& service);

}  // namespace specwatch::wire
