// Replaces secrets in a piece of text by a fixed marker, "[REDACTED:<pattern>]".
//
// Built for text that is almost always clean (label values, log fields, whole exported
// documents): a value shorter than the shortest enabled pattern returns at once; otherwise a
// first pass finds the bytes that may be a trigger (the first bytes of the enabled patterns'
// prefixes and a few structural characters: ':', '-', '@'), 16 bytes at a time (TriggerScan).
// Each such byte is checked in three 256-entry tables, the patterns it triggers, those the next
// byte may continue (`k` after `s` for `sk-`) and those the byte before allows (a prefix starts a
// word): only a pattern that passes all three has its matcher run (hand-written for a built-in,
// prefix + body run for a user pattern). No regular expressions, no allocation unless something
// is replaced. bench/redact and docs/PERFORMANCE.md have the figures.
//
// The marker is ASCII and the matchers match ASCII only, so redacted text stays valid UTF-8
// whenever the input was. Thread-safe: a Redactor is immutable after construction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/redact/redaction_patterns.h"
#include "sidecar/redact/trigger_scan.h"

namespace specwatch {

// Matches per pattern, indexed like Redactor::patterns().
using PatternCounts = std::array<std::uint32_t, kMaxRedactionPatterns>;

struct RedactionMatch {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t pattern = 0;  // index into Redactor::patterns()
  std::size_t trigger = 0;  // the byte at which the pattern was found
};

class Redactor {
 public:
  explicit Redactor(const RedactionConfig& config = {});

  // Every pattern the redactor knows, enabled or not (the built-ins first, in the order of
  // BuiltinPattern, then the user-defined ones in the order written); PatternCounts and
  // RedactionMatch::pattern index this.
  std::span<const PatternSpec> patterns() const { return patterns_; }
  bool enabled(std::size_t pattern) const { return (enabled_mask_ >> pattern) & 1U; }

  // The first match whose trigger byte is at or after `from` and which begins at or after
  // `floor`.
  std::optional<RedactionMatch> find(std::string_view text, std::size_t from = 0,
                                     std::size_t floor = 0) const;
  bool contains_secret(std::string_view text) const { return find(text).has_value(); }

  // Appends `text` to `out` with every match replaced by its marker. Returns the number of
  // matches (0: `text` was appended unchanged) and adds them, per pattern, to `counts`.
  std::size_t redact(std::string_view text, std::string& out,
                     PatternCounts* counts = nullptr) const;
  std::string redacted(std::string_view text, PatternCounts* counts = nullptr) const {
    std::string out;
    redact(text, out, counts);
    return out;
  }

  // "[REDACTED:<name>]".
  static std::string marker(std::string_view pattern_name);

 private:
  // The user patterns' names and prefixes, which patterns_ views: shared, so that a copy of the
  // Redactor views the same immutable storage.
  std::shared_ptr<const std::vector<UserPattern>> user_patterns_;
  std::vector<PatternSpec> patterns_;
  std::uint32_t enabled_mask_ = 0;
  std::size_t min_length_ = 0;  // of the enabled patterns; SIZE_MAX when none is enabled
  std::array<std::uint32_t, 256> triggers_{};  // per byte: the enabled patterns it triggers
  // Per byte after a trigger: the patterns it may continue (PatternSpec::followers).
  std::array<std::uint32_t, 256> followers_{};
  std::uint32_t at_end_ = 0;  // the patterns a trigger may match as the text's last byte
  // Per byte before a trigger: the patterns that may begin after it (all but those starting a
  // word after a letter or digit).
  std::array<std::uint32_t, 256> after_{};
  TriggerScan scan_;
};

}  // namespace specwatch
