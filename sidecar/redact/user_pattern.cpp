#include "sidecar/redact/user_pattern.h"

#include <algorithm>

namespace specwatch {
namespace {

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// prefix + min_body..max_body body bytes; the prefix starts a word and the body ends one (the
// byte after it is no letter or digit), so a longer token of another alphabet is not cut in two.
// The body is read at most max_body + 1 bytes far: the work at one trigger is bounded.
MatchSpan prefix_run(std::string_view text, std::size_t at, std::size_t, const PatternSpec& spec) {
  const PrefixRun& run = spec.run;
  if (at > 0 && is_alnum(text[at - 1])) return kNoMatch;
  if (text.size() - at < run.prefix.size() + run.min_body ||
      text.compare(at, run.prefix.size(), run.prefix) != 0) {
    return kNoMatch;
  }
  const std::size_t body = at + run.prefix.size();
  const std::size_t limit =
      text.size() - body > run.max_body ? body + run.max_body + 1 : text.size();
  std::size_t end = body;
  while (end < limit && run.body.contains(text[end])) ++end;
  const std::size_t length = end - body;
  if (length < run.min_body || length > run.max_body) return kNoMatch;
  if (end < text.size() && is_alnum(text[end])) return kNoMatch;
  return MatchSpan{at, end};
}

}  // namespace

bool is_valid_pattern_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserPatternName) return false;
  if (name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool is_printable_ascii_word(std::string_view text) {
  for (char c : text) {
    if (c <= ' ' || c > '~') return false;  // also every byte >= 0x80 (char may be signed)
  }
  return true;
}

std::optional<ByteSet> parse_charset(std::string_view text, std::string& problem) {
  if (text.empty()) {
    problem = "must not be empty";
    return std::nullopt;
  }
  if (!is_printable_ascii_word(text)) {
    problem = "must be printable ASCII without spaces (got \"" + std::string(text) + "\")";
    return std::nullopt;
  }
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    if (text[i + 1] == '-' && text[i] > text[i + 2]) {
      problem = "range \"" + std::string(text.substr(i, 3)) + "\" is reversed";
      return std::nullopt;
    }
    if (text[i + 1] == '-') i += 2;  // a range: the next element starts after it
  }
  return charset_bytes(text);
}

PatternSpec user_pattern_spec(const UserPattern& pattern) {
  const std::string_view prefix = pattern.prefix;
  return PatternSpec{
      pattern.name,
      prefix.substr(0, 1),
      prefix_run,
      true,
      true,  // prefix_run rejects a prefix after a letter or digit
      static_cast<std::uint32_t>(pattern.prefix.size() + pattern.min_length),
      prefix.substr(std::min<std::size_t>(prefix.size(), 1), 1),  // empty for a 1-byte prefix
      PrefixRun{prefix, pattern.body, pattern.min_length, pattern.max_length},
  };
}

}  // namespace specwatch
