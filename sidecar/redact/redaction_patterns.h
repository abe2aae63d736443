// The built-in secret patterns of the redactor, each a hand-written matcher with a stable name
// (the `pattern` label of specwatch_redactions_total). sidecar/redact/README.md has the table of
// what each one matches and why its bounds are what they are.
//
// A matcher is called only at a byte listed in its `triggers` (the Redactor's pre-filter) and
// answers the span to replace, or nothing. It never matches a non-ASCII byte, so replacing a
// match keeps the UTF-8 around it intact. User-defined patterns (user_pattern.h) follow the
// built-ins in the Redactor's table; RedactionConfig holds both the definitions and the choice.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/redact/pattern_spec.h"
#include "sidecar/redact/user_pattern.h"

namespace specwatch {

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
// Room left in the Redactor's table for `redaction.patterns`.
inline constexpr std::size_t kMaxUserPatterns = kMaxRedactionPatterns - kBuiltinPatternCount;

std::span<const PatternSpec> builtin_patterns();
const PatternSpec& builtin_pattern(BuiltinPattern pattern);

// Which patterns are on, by index in the Redactor's table: the built-ins (BuiltinPattern), then
// the user-defined patterns in the order written.
class PatternSet {
 public:
  // Every built-in whose enabled_by_default is true, and every user-defined pattern.
  static PatternSet defaults();
  static PatternSet none() { return PatternSet(); }

  // False when no built-in pattern has this name (user patterns are set by index).
  bool set(std::string_view name, bool enabled);
  void set(BuiltinPattern pattern, bool enabled) {
    bits_.set(static_cast<std::size_t>(pattern), enabled);
  }
  void set(std::size_t index, bool enabled) { bits_.set(index, enabled); }
  bool enabled(BuiltinPattern pattern) const {
    return bits_.test(static_cast<std::size_t>(pattern));
  }
  bool enabled(std::size_t index) const { return bits_.test(index); }

  bool operator==(const PatternSet&) const = default;

 private:
  std::bitset<kMaxRedactionPatterns> bits_;
};

// A name in `disabled_patterns` or `enabled_patterns`, as written. Names are resolved once every
// pattern is known: an exporter's choice may name a user pattern of the `redaction:` section,
// which the file may define after the exporter (redaction_section.h, resolve_pattern_choice).
struct NamedPattern {
  std::string name;
  bool enabled = false;
  std::string key;  // "redaction.disabled_patterns[0]", for messages
  int line = 0;     // 1-based, where it was written
  int column = 0;
};

// The `redaction:` configuration section (docs/CONFIGURATION.md), or an exporter's own choice.
struct RedactionConfig {
  // `redaction.patterns`: appended to the Redactor's table after the built-ins, at most
  // kMaxUserPatterns. An exporter's own choice gets the section's (exporter_redaction.h).
  std::vector<UserPattern> user_patterns;
  PatternSet patterns = PatternSet::defaults();  // which of the table are on
  std::vector<NamedPattern> choice;              // the names `patterns` was resolved from

  // What applies, not how it was written: moving a line changes nothing.
  bool operator==(const RedactionConfig& other) const {
    return user_patterns == other.user_patterns && patterns == other.patterns;
  }
};

// Whether a built-in pattern has this name.
std::optional<BuiltinPattern> find_builtin_pattern(std::string_view name);
// The index in the Redactor's table of the built-in or user pattern of this name.
std::optional<std::size_t> find_pattern(std::string_view name,
                                        const std::vector<UserPattern>& user_patterns);

}  // namespace specwatch
