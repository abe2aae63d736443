// A reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/): tags,
// varints, fixed32/64 and length-delimited fields, with unknown fields and groups skipped.
// Why not the generated classes alone: decoding OTLP spans into messages and then into pipeline
// records copied every string twice and allocated per attribute; reading the wire directly lets
// the span records refer to the request's bytes (see otlp_records.h).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace specwatch::wire {

enum class Type : std::uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// The nesting limit of protobuf's own parser: deeper input is refused, never recursed into.
inline constexpr int kMaxMessageDepth = 100;

struct Field {
  std::uint32_t number = 0;
  Type type = Type::kVarint;
  std::uint64_t scalar = 0;  // kVarint, kFixed64, kFixed32
  std::string_view bytes;    // kLengthDelimited
};

// read_varint() past its first two bytes: the loop over up to 10 bytes, from the start.
inline bool read_long_varint(const char*& p, const char* end, std::uint64_t& out) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 70 && p != end; shift += 7) {
    const auto byte = static_cast<std::uint8_t>(*p++);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) {
      out = value;
      return true;
    }
  }
  return false;
}

// Reads the varint at `p` (not past `end`) into `out` and moves `p` past it. False when it is
// truncated or longer than 10 bytes. Varints of one and two bytes without the loop: almost every
// tag, and the lengths of attributes, strings and spans (the loop was about 550 instructions of a
// GenAI span's decoding).
inline bool read_varint(const char*& p, const char* end, std::uint64_t& out) {
  if (p != end) {
    const auto first = static_cast<std::uint8_t>(p[0]);
    if (first < 0x80) {
      out = first;
      ++p;
      return true;
    }
    if (end - p >= 2 && static_cast<std::uint8_t>(p[1]) < 0x80) {
      out = (first & 0x7fU) | static_cast<std::uint64_t>(static_cast<std::uint8_t>(p[1])) << 7;
      p += 2;
      return true;
    }
  }
  return read_long_varint(p, end, out);
}

// The fixed32 / fixed64 of `size` bytes at `p` (whatever the machine's byte order).
inline std::uint64_t read_little_endian(const char* p, int size) {
  if constexpr (std::endian::native == std::endian::little) {
    if (size == 8) {
      std::uint64_t value;
      std::memcpy(&value, p, 8);
      return value;
    }
  }
  std::uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i) value = value << 8 | static_cast<std::uint8_t>(p[i]);
  return value;
}

class Reader {
 public:
  explicit Reader(std::string_view message) : p_(message.data()), end_(p_ + message.size()) {}

  // The next field, skipping groups. False at the end of the message or on malformed input;
  // failed() tells which.
  bool next(Field& field) {
    while (p_ != end_) {
      std::uint64_t tag;
      if (!varint(tag)) return fail();
      const auto number = static_cast<std::uint32_t>(tag >> 3);
      if (number == 0 || tag >> 32 != 0) return fail();
      field.number = number;
      field.type = static_cast<Type>(tag & 7);
      switch (field.type) {
        case Type::kVarint:
          if (!varint(field.scalar)) return fail();
          return true;
        case Type::kFixed64:
          if (end_ - p_ < 8) return fail();
          field.scalar = little_endian(8);
          return true;
        case Type::kFixed32:
          if (end_ - p_ < 4) return fail();
          field.scalar = little_endian(4);
          return true;
        case Type::kLengthDelimited: {
          std::uint64_t length;
          if (!varint(length) || length > static_cast<std::uint64_t>(end_ - p_)) return fail();
          field.bytes = std::string_view(p_, static_cast<std::size_t>(length));
          p_ += length;
          return true;
        }
        case Type::kStartGroup:
          if (!skip_group(number, 1)) return fail();
          continue;  // a group is never a field of the OTLP messages: skipped like any unknown
        default:
          return fail();  // an end-group without its start, or wire types 6 and 7
      }
    }
    return false;
  }

  bool failed() const { return failed_; }

 private:
  bool fail() {
    failed_ = true;
    p_ = end_;
    return false;
  }

  bool varint(std::uint64_t& out) { return read_varint(p_, end_, out); }

  std::uint64_t little_endian(int size) {
    const std::uint64_t value = read_little_endian(p_, size);
    p_ += size;
    return value;
  }

  // Skips up to the end-group tag of `number`, nested groups included.
  bool skip_group(std::uint32_t number, int depth) {
    if (depth > kMaxMessageDepth) return false;
    while (p_ != end_) {
      std::uint64_t tag;
      if (!varint(tag)) return false;
      const auto inner = static_cast<std::uint32_t>(tag >> 3);
      if (inner == 0 || tag >> 32 != 0) return false;
      std::uint64_t ignored;
      switch (static_cast<Type>(tag & 7)) {
        case Type::kVarint:
          if (!varint(ignored)) return false;
          break;
        case Type::kFixed64:
          if (end_ - p_ < 8) return false;
          p_ += 8;
          break;
        case Type::kFixed32:
          if (end_ - p_ < 4) return false;
          p_ += 4;
          break;
        case Type::kLengthDelimited:
          if (!varint(ignored) || ignored > static_cast<std::uint64_t>(end_ - p_)) return false;
          p_ += ignored;
          break;
        case Type::kStartGroup:
          if (!skip_group(inner, depth + 1)) return false;
          break;
        case Type::kEndGroup:
          return inner == number;
        default:
          return false;
      }
    }
    return false;  // no end-group
  }

  const char* p_;
  const char* end_;
  bool failed_ = false;
};

inline double as_double(std::uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

}  // namespace specwatch::wire
