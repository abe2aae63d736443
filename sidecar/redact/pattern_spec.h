// What the Redactor knows of one pattern: its name, the bytes at which it is tried, its matcher
// and the parameters the matcher reads. Built-in patterns (redaction_patterns.*) are hand-written
// matchers with their bounds in code; a user-defined pattern (user_pattern.*) is the one generic
// matcher, `prefix + body run`, with its parameters in `PrefixRun`. Both are called the same way,
// with the spec itself, so that the scan needs no second kind of table entry.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace specwatch {

// Room in the Redactor's table: one bit per pattern in its trigger table and its enabled mask.
inline constexpr std::size_t kMaxRedactionPatterns = 32;

// The bytes [begin, end) of `text` to replace; a match is never empty, so `end == 0` means none.
// Returned by value in two registers (an std::optional of it would go through memory, and the
// matcher call is on the scan's hot path).
struct MatchSpan {
  std::size_t begin = 0;
  std::size_t end = 0;

  explicit operator bool() const { return end != 0; }
};
inline constexpr MatchSpan kNoMatch{};

// A set of byte values (the characters a user pattern's body may hold): 256 bits, one test per
// byte on the hot path.
class ByteSet {
 public:
  constexpr void add(unsigned char byte) { words_[byte >> 6U] |= std::uint64_t{1} << (byte & 63U); }
  constexpr bool contains(char c) const {
    const auto byte = static_cast<unsigned char>(c);
    return ((words_[byte >> 6U] >> (byte & 63U)) & 1U) != 0;
  }
  bool operator==(const ByteSet&) const = default;

 private:
  std::array<std::uint64_t, 4> words_{};
};

// The parameters of a `prefix + body run` pattern: the literal prefix, starting a word, then
// min_body..max_body bytes of `body`, not followed by a letter or digit.
struct PrefixRun {
  std::string_view prefix;
  ByteSet body;
  std::size_t min_body = 0;
  std::size_t max_body = 0;
};

struct PatternSpec;

// Called with text[at] one of the pattern's trigger bytes and the pattern's own spec (whose
// `run` a parameterised matcher reads; a built-in ignores it). `floor` is where the text not yet
// copied starts: a match must not begin before it (only a pattern that looks backwards from its
// trigger, such as an e-mail address, needs it).
// The spec comes last so that a built-in, which ignores it, gets its other arguments in the
// registers it had before patterns took parameters (bench/redact: no extra instruction per call).
using PatternMatcher = MatchSpan (*)(std::string_view text, std::size_t at, std::size_t floor,
                                     const PatternSpec& spec);

// 128 bytes (aligned to a cache line): the scan indexes the table by a shift, not a multiply.
// `starts_word` and `followers` are promises about `match` that let the scan skip the call:
// tests/unit/redact/trigger_filter_test.cpp checks them against the matchers.
struct alignas(64) PatternSpec {
  std::string_view name;      // stable: a label value and a configuration value
  std::string_view triggers;  // the bytes at which `match` is tried
  PatternMatcher match;
  bool enabled_by_default;
  // Never matches at a trigger right after an ASCII letter or digit (`sk-`, `Bearer`: a prefix
  // begins a word), so the scan calls it only where a word starts.
  bool starts_word;
  std::uint32_t min_length;  // the shortest text it can match (lets short values skip the scan)
  // The bytes that may follow the trigger in a match (`k` after the `s` of `sk-`, `/` after the
  // `:` of `://`); empty: any byte, or none (the trigger may end the text).
  std::string_view followers;
  PrefixRun run{};  // what a parameterised matcher reads (user patterns)

  MatchSpan find_at(std::string_view text, std::size_t at, std::size_t floor = 0) const {
    return match(text, at, floor, *this);
  }
};
static_assert(sizeof(PatternSpec) == 128);

}  // namespace specwatch
