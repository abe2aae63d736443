// User-defined redaction patterns (`redaction.patterns`): a credential format the built-ins do
// not know, such as a payment provider's `sk_live_…` or an internal `acme_tok_…`, described by a
// literal prefix and the characters and length of what follows. No regular expression: the
// Redactor tries the pattern only where its prefix's first byte occurs, like a built-in, and the
// one generic matcher compares the prefix and runs over the body with a 256-bit byte set.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sidecar/redact/pattern_spec.h"

namespace specwatch {

inline constexpr std::string_view kDefaultUserPatternCharset = "A-Za-z0-9_-";
inline constexpr std::size_t kDefaultUserPatternMinLength = 16;
inline constexpr std::size_t kDefaultUserPatternMaxLength = 256;
// Bounds of min_length / max_length: a longer run is no token, and the bound keeps the work at
// one trigger bounded whatever the input.
inline constexpr std::size_t kMaxUserPatternLength = 4096;
inline constexpr std::size_t kMinUserPatternPrefix = 3;
inline constexpr std::size_t kMaxUserPatternName = 64;

// The bytes of a charset already known to be valid (parse_charset checks it): single characters
// and ranges `a-z`; a `-` first or last is itself.
constexpr ByteSet charset_bytes(std::string_view text) {
  ByteSet set;
  for (std::size_t i = 0; i < text.size();) {
    if (i + 2 < text.size() && text[i + 1] == '-') {
      for (int c = text[i]; c <= text[i + 2]; ++c) set.add(static_cast<unsigned char>(c));
      i += 3;
    } else {
      set.add(static_cast<unsigned char>(text[i]));
      ++i;
    }
  }
  return set;
}

struct UserPattern {
  std::string name;    // [a-z][a-z0-9_]*: the marker's and the `pattern` label's value
  std::string prefix;  // literal, case-sensitive, printable ASCII without spaces, >= 3 bytes
  std::string charset = std::string(kDefaultUserPatternCharset);  // as written
  ByteSet body = charset_bytes(kDefaultUserPatternCharset);       // `charset` parsed
  std::size_t min_length = kDefaultUserPatternMinLength;          // of the body, after the prefix
  std::size_t max_length = kDefaultUserPatternMaxLength;

  bool operator==(const UserPattern&) const = default;
};

// A name a user pattern may take: 1 to 64 of [a-z0-9_], starting with a letter (it is a
// Prometheus label value and part of the marker).
bool is_valid_pattern_name(std::string_view name);

// Whether every byte is printable ASCII other than a space (a prefix, a charset).
bool is_printable_ascii_word(std::string_view text);

// Checks and parses a charset (see charset_bytes): printable ASCII without spaces, ranges not
// reversed, not empty. nullopt with `problem` set when it is not valid.
std::optional<ByteSet> parse_charset(std::string_view text, std::string& problem);

// The Redactor's entry for `pattern`: its views point into `pattern`, which must outlive it.
PatternSpec user_pattern_spec(const UserPattern& pattern);

}  // namespace specwatch
