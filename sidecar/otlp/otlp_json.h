// OTLP/JSON: the JSON encoding of OTLP messages, read into the generated protobuf classes so that
// both encodings flow through the same code afterwards.
//
// Rules (the OTLP/JSON mapping): field names in lowerCamelCase (the proto field names are
// accepted too); unknown fields are ignored; trace_id, span_id and parent_span_id are hex
// strings, other bytes fields base64; enums as integers (their names are accepted too); 64-bit
// integers as JSON numbers or decimal strings; doubles as numbers or "NaN", "Infinity",
// "-Infinity". null means "not set".
//
// Why reflection rather than protobuf's own JsonStringToMessage: the OTLP mapping differs from
// proto3 JSON in the id fields (hex, not base64), and a walker over RapidJSON gives precise error
// paths ("resourceSpans[0].scopeSpans[0].spans[1].traceId: ...").
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

namespace specwatch {

// Fills `message` (cleared first) from the JSON text. Returns "" on success, otherwise an error
// message such as "invalid JSON at offset 12: Missing a name for object member."
std::string parse_otlp_json(std::string_view text, google::protobuf::Message& message);

// Lower-case hex of raw bytes.
std::string to_hex(std::string_view bytes);
void append_hex(std::string& out, std::string_view bytes);
// Standard base64 with padding.
void append_base64(std::string& out, std::string_view bytes);

}  // namespace specwatch
