#include "sidecar/redact/redactor.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace specwatch {

Redactor::Redactor(const RedactionConfig& config)
    : user_patterns_(std::make_shared<const std::vector<UserPattern>>(
          config.user_patterns.begin(),
          config.user_patterns.begin() +
              static_cast<std::ptrdiff_t>(
                  std::min(config.user_patterns.size(), kMaxUserPatterns)))),  // config checks it
      patterns_(builtin_patterns().begin(), builtin_patterns().end()),
      min_length_(std::numeric_limits<std::size_t>::max()) {
  static_assert(kBuiltinPatternCount + kMaxUserPatterns == kMaxRedactionPatterns);
  for (const UserPattern& pattern : *user_patterns_) {
    patterns_.push_back(user_pattern_spec(pattern));
  }
  for (std::size_t i = 0; i < patterns_.size(); ++i) {
    if (!config.patterns.enabled(i)) continue;
    enabled_mask_ |= 1U << i;
    min_length_ = std::min(min_length_, patterns_[i].min_length);
    for (char trigger : patterns_[i].triggers) {
      triggers_[static_cast<unsigned char>(trigger)] |= 1U << i;
    }
  }
}

std::optional<RedactionMatch> Redactor::find(std::string_view text, std::size_t from,
                                             std::size_t floor) const {
  if (text.size() < min_length_) return std::nullopt;
  for (std::size_t i = from; i < text.size(); ++i) {
    std::uint32_t candidates = triggers_[static_cast<unsigned char>(text[i])];
    while (candidates != 0) {
      const auto pattern = static_cast<std::size_t>(std::countr_zero(candidates));
      candidates &= candidates - 1;
      if (const MatchSpan span = patterns_[pattern].find_at(text, i, floor)) {
        return RedactionMatch{span.begin, span.end, pattern, i};
      }
    }
  }
  return std::nullopt;
}

std::size_t Redactor::redact(std::string_view text, std::string& out, PatternCounts* counts) const {
  std::size_t matches = 0;
  std::size_t copied = 0;
  std::size_t scan_from = 0;
  while (auto match = find(text, scan_from, copied)) {
    if (match->begin > match->trigger + 1) {
      // A match that begins after its trigger (the password after "scheme://user:", the token
      // after "Bearer ") skips the bytes in between: they are redacted on their own.
      out.append(text.substr(copied, match->trigger + 1 - copied));
      matches +=
          redact(text.substr(match->trigger + 1, match->begin - match->trigger - 1), out, counts);
    } else {
      out.append(text.substr(copied, match->begin - copied));
    }
    out.append("[REDACTED:");
    out.append(patterns_[match->pattern].name);
    out.push_back(']');
    if (counts != nullptr) ++(*counts)[match->pattern];
    ++matches;
    copied = match->end;
    scan_from = std::max(match->end, match->trigger + 1);
  }
  out.append(text.substr(copied));
  return matches;
}

std::string Redactor::marker(std::string_view pattern_name) {
  std::string text = "[REDACTED:";
  text.append(pattern_name);
  text.push_back(']');
  return text;
}

}  // namespace specwatch
