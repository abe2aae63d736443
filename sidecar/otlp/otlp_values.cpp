#include "sidecar/otlp/otlp_values.h"

#include <array>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sidecar/core/utf8.h"
#include "sidecar/otlp/otlp_json.h"

namespace specwatch::wire {
namespace {

// The payloads of an array or kvlist value, in order.
template <typename F>
bool for_each_payload(const AnyValueState& s, F&& f) {
  if (!f(s.first)) return false;
  for (std::string_view more : s.more) {
    if (!f(more)) return false;
  }
  return true;
}

}  // namespace

// A string field: must be UTF-8, as protobuf's parser requires of proto3 strings.
bool read_string(const Field& f, std::string_view& out) {
  if (!is_valid_utf8(f.bytes)) return false;
  out = f.bytes;
  return true;
}

namespace {

// The two lower-case hex digits of every byte value, so that a byte costs one load and one
// two-byte store: the trace, span and parent ids of every span are written as hex (32 bytes per
// span), and a digit per nibble took about 500 instructions per span.
constexpr std::array<std::array<char, 2>, 256> kHexPairs = [] {
  constexpr char kDigits[] = "0123456789abcdef";
  std::array<std::array<char, 2>, 256> pairs{};
  for (std::size_t b = 0; b < 256; ++b) pairs[b] = {kDigits[b >> 4], kDigits[b & 0x0f]};
  return pairs;
}();

#if defined(__SSE2__)
// The hex digits of the nibbles in `n` (each 0 to 15, in its own byte): '0' + n, and 39 more
// ('a' - '0' - 10) where n is above 9.
inline __m128i hex_digits(__m128i n) {
  const __m128i letters = _mm_and_si128(_mm_cmpgt_epi8(n, _mm_set1_epi8(9)), _mm_set1_epi8(39));
  return _mm_add_epi8(_mm_add_epi8(n, _mm_set1_epi8('0')), letters);
}

// The high and low nibble of each byte of `bytes`, in their own bytes.
inline void split_nibbles(__m128i bytes, __m128i& high, __m128i& low) {
  const __m128i mask = _mm_set1_epi8(0x0f);
  high = _mm_and_si128(_mm_srli_epi16(bytes, 4), mask);
  low = _mm_and_si128(bytes, mask);
}
#endif

// Lower-case hex of `n` bytes into 2 * n chars: 16 and 8 bytes at a time with SSE2 (a trace id
// is one step, a span id one more: the pair table's byte at a time cost about 110 instructions
// per id), the pair table for the rest.
void write_hex(const unsigned char* in, std::size_t n, char* out) {
  std::size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    __m128i high, low;
    split_nibbles(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i)), high, low);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * i),
                     hex_digits(_mm_unpacklo_epi8(high, low)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * i + 16),
                     hex_digits(_mm_unpackhi_epi8(high, low)));
  }
  if (i + 8 <= n) {
    __m128i high, low;
    split_nibbles(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + i)), high, low);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * i),
                     hex_digits(_mm_unpacklo_epi8(high, low)));
    i += 8;
  }
#endif
  for (; i < n; ++i) std::memcpy(out + 2 * i, kHexPairs[in[i]].data(), 2);
}

}  // namespace

// Lower-case hex of raw bytes, written into the document's memory.
void emit_hex(Handler* h, std::string_view bytes) {
  if (bytes.empty()) {
    h->String("", 0, false);
    return;
  }
  auto* out = static_cast<char*>(h->GetAllocator().Malloc(bytes.size() * 2));
  write_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
  h->String(out, static_cast<rapidjson::SizeType>(bytes.size() * 2), false);
}

namespace {

// A scalar AnyValue: string (1), bool (2), int (3), double (4), bytes (7); null for none (0).
void emit_scalar(Handler* h, std::uint32_t kind, const Field& scalar) {
  switch (kind) {
    case 1:
      emit_string(h, scalar.bytes);
      break;
    case 2:
      h->Bool(scalar.scalar != 0);
      break;
    case 3:
      h->Int64(static_cast<std::int64_t>(scalar.scalar));
      break;
    case 4: {
      const double d = wire::as_double(scalar.scalar);
      if (std::isnan(d)) {
        h->String("NaN", 3, false);
      } else if (std::isinf(d)) {
        if (d > 0) {
          h->String("Infinity", 8, false);
        } else {
          h->String("-Infinity", 9, false);
        }
      } else {
        h->Double(d);
      }
      break;
    }
    case 7: {
      std::string encoded;
      append_base64(encoded, scalar.bytes);
      h->String(encoded.data(), static_cast<rapidjson::SizeType>(encoded.size()), true);
      break;
    }
    default:
      h->Null();  // an AnyValue with nothing set
      break;
  }
}

// The field at `p` if its tag is the one byte `tag` and it is length-delimited (a one-byte tag
// of wire type 2); moves `p` past it.
bool take_bytes(const char*& p, const char* end, char tag, std::string_view& out) {
  if (p == end || *p != tag) return false;
  ++p;
  std::uint64_t length;
  if (!read_varint(p, end, length) || length > static_cast<std::uint64_t>(end - p)) return false;
  out = std::string_view(p, static_cast<std::size_t>(length));
  p += length;
  return true;
}

enum class Plain : std::uint8_t { kDone, kInvalid, kOther };

// Almost every attribute is a KeyValue as protobuf's serializers write it: the key (field 1),
// then the value (field 2) holding one string, bool, int or double field, or none. Read here in
// one pass over the bytes (about a third of the general reading's instructions); anything else
// -- fields reordered or repeated, unknown fields, arrays, kvlists, bytes, malformed input -- is
// kOther and goes the general way, which decides alike for what both read
// (OtlpWire.KeyValuesAsSerializedAndAsWrittenByHandDecodeAlike).
Plain walk_plain_key_value(std::string_view bytes, Handler* h) {
  constexpr char kKeyTag = 0x0a;    // KeyValue.key = 1, length-delimited
  constexpr char kValueTag = 0x12;  // KeyValue.value = 2, length-delimited
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  std::string_view key;
  std::string_view value;
  if (!take_bytes(p, end, kKeyTag, key) || !take_bytes(p, end, kValueTag, value) || p != end)
    return Plain::kOther;
  std::uint32_t kind = 0;  // an empty AnyValue: null
  Field scalar;
  const char* v = value.data();
  const char* const v_end = v + value.size();
  if (v != v_end) {
    switch (*v) {
      case 0x0a:  // string_value = 1
        kind = 1;
        if (!take_bytes(v, v_end, 0x0a, scalar.bytes)) return Plain::kOther;
        break;
      case 0x10:  // bool_value = 2, varint
      case 0x18:  // int_value = 3, varint
        kind = *v == 0x10 ? 2 : 3;
        ++v;
        if (!read_varint(v, v_end, scalar.scalar)) return Plain::kOther;
        break;
      case 0x21:  // double_value = 4, fixed64
        kind = 4;
        ++v;
        if (v_end - v < 8) return Plain::kOther;
        scalar.scalar = read_little_endian(v, 8);
        v += 8;
        break;
      default:
        return Plain::kOther;
    }
    if (v != v_end) return Plain::kOther;
  }
  // A string attribute whose bytes are all ASCII (its tags and lengths are, below 128 bytes) holds
  // a key and a value that are valid UTF-8: one check of about fifty bytes instead of two calls.
  const bool ascii_string = kind == 1 && is_ascii(bytes);
  if (!ascii_string && (!is_valid_utf8(key) || (kind == 1 && !is_valid_utf8(scalar.bytes)))) {
    return Plain::kInvalid;
  }
  if (h != nullptr) {
    emit_key(h, key);
    emit_scalar(h, kind, scalar);
  }
  return Plain::kDone;
}

}  // namespace

// Adds the fields of one AnyValue message to `s`.
bool scan_any(std::string_view bytes, AnyValueState& s, int message_depth) {
  if (message_depth > wire::kMaxMessageDepth) return false;
  Reader r(bytes);
  Field f;
  while (r.next(f)) {
    bool message = false;
    switch (f.number) {
      case 1:
        if (!is_bytes(f)) continue;
        if (!is_valid_utf8(f.bytes)) return false;
        break;
      case 2:
      case 3:
        if (f.type != Type::kVarint) continue;
        break;
      case 4:
        if (f.type != Type::kFixed64) continue;
        break;
      case 5:
      case 6:
        if (!is_bytes(f)) continue;
        message = true;
        break;
      case 7:
        if (!is_bytes(f)) continue;
        break;
      default:
        continue;  // unknown field
    }
    if (message && s.kind == f.number) {
      s.more.push_back(f.bytes);
      continue;
    }
    // A message value being replaced was parsed all the same: it must be valid.
    if ((s.kind == 5 || s.kind == 6) && !walk_any(s, kMaxValueDepth + 1, message_depth, nullptr))
      return false;
    s.kind = f.number;
    s.scalar = f;
    s.first = f.bytes;
    s.more.clear();
  }
  return !r.failed();
}

// A KeyValue: its key, then its value. With h == nullptr only validates.
bool walk_key_value(std::string_view bytes, int depth, int message_depth, Handler* h) {
  if (message_depth > wire::kMaxMessageDepth) return false;
  // Where the general way would emit the value as null for its depth, or refuse it for its
  // nesting, it takes the general way.
  if (depth <= kMaxValueDepth && message_depth < wire::kMaxMessageDepth) {
    const Plain plain = walk_plain_key_value(bytes, h);
    if (plain != Plain::kOther) return plain == Plain::kDone;
  }
  Reader r(bytes);
  Field f;
  std::string_view key;
  AnyValueState value;
  while (r.next(f)) {
    if (f.number == 1 && is_bytes(f)) {
      if (!read_string(f, key)) return false;
    } else if (f.number == 2 && is_bytes(f)) {
      if (!scan_any(f.bytes, value, message_depth + 1)) return false;
    }
  }
  if (r.failed()) return false;
  if (h != nullptr) emit_key(h, key);
  return walk_any(value, depth, message_depth + 1, h);
}

bool walk_key_value_list(std::span<const std::string_view> key_values, int depth, int message_depth,
                         Handler* h) {
  if (h != nullptr) h->StartObject();
  for (std::string_view key_value : key_values) {
    if (!walk_key_value(key_value, depth, message_depth + 1, h)) return false;
  }
  if (h != nullptr) h->EndObject(static_cast<rapidjson::SizeType>(key_values.size()));
  return true;
}

// Emits the value (or only validates it when h == nullptr). Deeper than kMaxValueDepth it is
// validated and emitted as null.
bool walk_any(const AnyValueState& s, int depth, int message_depth, Handler* h) {
  if (h != nullptr && depth > kMaxValueDepth) {
    if (!walk_any(s, depth, message_depth, nullptr)) return false;
    h->Null();
    return true;
  }
  switch (s.kind) {
    case 5: {  // ArrayValue { repeated AnyValue values = 1; }
      if (h != nullptr) h->StartArray();
      rapidjson::SizeType elements = 0;
      const bool ok = for_each_payload(s, [&](std::string_view payload) {
        Reader r(payload);
        Field f;
        while (r.next(f)) {
          if (f.number != 1 || !is_bytes(f)) continue;
          AnyValueState element;
          if (!scan_any(f.bytes, element, message_depth + 2)) return false;
          if (!walk_any(element, depth + 1, message_depth + 2, h)) return false;
          ++elements;
        }
        return !r.failed();
      });
      if (!ok) return false;
      if (h != nullptr) h->EndArray(elements);
      return true;
    }
    case 6: {  // KeyValueList { repeated KeyValue values = 1; }
      std::vector<std::string_view> payloads{s.first};
      payloads.insert(payloads.end(), s.more.begin(), s.more.end());
      return walk_key_values(payloads, 1, depth + 1, message_depth + 1, h);
    }
    default:
      break;
  }
  if (h != nullptr) emit_scalar(h, s.kind, s.scalar);  // scalars were checked by scan_any
  return true;
}

// Validates a message's fields that are never emitted: strings (`strings`) and KeyValue lists
// (`key_values`). Depth: the message's own nesting level.
bool validate(std::string_view message, std::initializer_list<std::uint32_t> strings,
              std::initializer_list<std::uint32_t> key_values, int message_depth) {
  if (message_depth > wire::kMaxMessageDepth) return false;
  Reader r(message);
  Field f;
  while (r.next(f)) {
    if (!is_bytes(f)) continue;
    for (std::uint32_t n : strings) {
      if (f.number == n && !is_valid_utf8(f.bytes)) return false;
    }
    for (std::uint32_t n : key_values) {
      if (f.number == n && !walk_key_value(f.bytes, 1, message_depth + 1, nullptr)) return false;
    }
  }
  return !r.failed();
}

// The service.name of a resource: the first such attribute with a non-empty string value.
bool find_service(std::string_view resource, int message_depth, std::string& service) {
  return for_each_field(resource, 1, Type::kLengthDelimited, [&](const Field& kv) {
    if (!service.empty()) return true;
    std::string_view key;
    AnyValueState value;
    const bool ok = for_each_field(kv.bytes, 1, Type::kLengthDelimited,
                                   [&](const Field& f) { return read_string(f, key); }) &&
                    for_each_field(kv.bytes, 2, Type::kLengthDelimited, [&](const Field& f) {
                      return scan_any(f.bytes, value, message_depth + 2);
                    });
    if (!ok) return false;
    if (key == "service.name" && value.kind == 1 && !value.scalar.bytes.empty())
      service.assign(value.scalar.bytes);
    return true;
  });
}

}  // namespace specwatch::wire
