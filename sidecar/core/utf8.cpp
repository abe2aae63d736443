#include "sidecar/core/utf8.h"

#include <cstdint>
#include <cstring>

namespace specwatch {

std::size_t utf8_sequence_length(std::string_view text) {
  if (text.empty()) return 0;
  auto b0 = static_cast<unsigned char>(text[0]);
  if (b0 < 0x80) return 1;
  auto cont = [&](std::size_t i) {
    return i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    auto b1 = static_cast<unsigned char>(text[1]);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;  // overlong
    if (b0 == 0xED && b1 > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    auto b1 = static_cast<unsigned char>(text[1]);
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Whether every byte of `text` is ASCII, from a few word reads: all 8-byte words and one last,
// overlapping word; below 8 bytes two overlapping 4-byte reads, below 4 the bytes. Why: most
// strings checked are short (an OTLP span's attribute keys and values, 25 per span), and the
// byte-by-byte tail of the general loop cost more than the words (57 instructions per string).
bool all_ascii(std::string_view text) {
  const char* p = text.data();
  const std::size_t n = text.size();
  if (n >= 8) {
    std::uint64_t any = 0;
    std::uint64_t word;
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&word, p + i, 8);
      any |= word;
    }
    std::memcpy(&word, p + n - 8, 8);
    return ((any | word) & kHighBits) == 0;
  }
  if (n >= 4) {
    std::uint32_t first, last;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    return ((first | last) & 0x80808080U) == 0;
  }
  unsigned char any = 0;
  for (std::size_t i = 0; i < n; ++i) any |= static_cast<unsigned char>(p[i]);
  return (any & 0x80) == 0;
}

}  // namespace

bool is_ascii(std::string_view text) {
  return all_ascii(text);
}

bool is_valid_utf8(std::string_view text) {
  if (all_ascii(text)) return true;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    // Skip ASCII eight bytes at a time.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if (word & kHighBits) break;
      i += 8;
    }
    if (i >= n) break;
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = utf8_sequence_length(text.substr(i));
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::size_t sanitize_utf8(std::string& text) {
  if (is_valid_utf8(text)) return 0;
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t replaced = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t len = utf8_sequence_length(std::string_view(text).substr(i));
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++replaced;
      ++i;
    } else {
      out.append(text, i, len);
      i += len;
    }
  }
  text.swap(out);
  return replaced;
}

}  // namespace specwatch
