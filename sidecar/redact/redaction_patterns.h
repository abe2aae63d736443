// The built-in secret patterns of the redactor, each a hand-written matcher with a stable name
// (the `pattern` label of specwatch_redactions_total). sidecar/redact/README.md has the table of
// what each one matches and why its bounds are what they are.
//
// A matcher is called only at a byte listed in its `triggers` (the Redactor's pre-filter) and
// answers the span to replace, or nothing. It never matches a non-ASCII byte, so replacing a
// match keeps the UTF-8 around it intact.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace specwatch {

// The bytes [begin, end) of `text` to replace.
struct MatchSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Called with text[at] one of the pattern's trigger bytes. `floor` is where the text not yet
// copied starts: a match must not begin before it (only a pattern that looks backwards from its
// trigger, such as an e-mail address, needs it).
using PatternMatcher = std::optional<MatchSpan> (*)(std::string_view text, std::size_t at,
                                                    std::size_t floor);

struct PatternSpec {
  std::string_view name;      // stable: a label value and a configuration value
  std::string_view triggers;  // the bytes at which `match` is tried
  PatternMatcher match;
  bool enabled_by_default;
  std::size_t min_length;  // the shortest text it can match (lets short values skip the scan)
};

// Index into builtin_patterns(); the order is the order of the table in the README.
enum class BuiltinPattern : std::uint8_t {
  kAnthropicApiKey,
  kOpenAiApiKey,
  kGroqApiKey,
  kGoogleApiKey,
  kAwsAccessKeyId,
  kAwsSecretAccessKey,
  kGithubToken,
  kBearerToken,
  kUrlPassword,
  kPrivateKey,
  kEmailAddress,  // personal data, off by default
  kPhoneNumber,   // personal data, off by default
};
inline constexpr std::size_t kBuiltinPatternCount = 12;

std::span<const PatternSpec> builtin_patterns();
const PatternSpec& builtin_pattern(BuiltinPattern pattern);

// Which built-in patterns are on. Later, user-defined patterns (a name and an expression) will
// sit beside it in RedactionConfig and be appended to the Redactor's table after the built-ins.
class PatternSet {
 public:
  // Every pattern whose enabled_by_default is true.
  static PatternSet defaults();
  static PatternSet none() { return PatternSet(); }

  // False when no built-in pattern has this name.
  bool set(std::string_view name, bool enabled);
  void set(BuiltinPattern pattern, bool enabled) {
    bits_.set(static_cast<std::size_t>(pattern), enabled);
  }
  bool enabled(BuiltinPattern pattern) const {
    return bits_.test(static_cast<std::size_t>(pattern));
  }
  bool enabled(std::size_t index) const { return bits_.test(index); }

  bool operator==(const PatternSet&) const = default;

 private:
  std::bitset<kBuiltinPatternCount> bits_;
};

// The `redaction:` configuration section (docs/CONFIGURATION.md).
struct RedactionConfig {
  PatternSet patterns = PatternSet::defaults();

  bool operator==(const RedactionConfig&) const = default;
};

// Whether a built-in pattern has this name.
std::optional<BuiltinPattern> find_builtin_pattern(std::string_view name);

}  // namespace specwatch
