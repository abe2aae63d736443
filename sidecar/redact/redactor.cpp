#include "sidecar/redact/redactor.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace specwatch {

namespace {

bool is_ascii_alnum(std::size_t byte) {
  return (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
         (byte >= 'A' && byte <= 'Z');
}

// The bytes whose entry names some pattern.
ByteTable any_pattern(const std::array<std::uint32_t, 256>& patterns) {
  ByteTable bytes{};
  for (std::size_t byte = 0; byte < patterns.size(); ++byte) bytes[byte] = patterns[byte] != 0;
  return bytes;
}

// The Redactor's per-byte tables of the enabled patterns.
struct ScanTables {
  std::array<std::uint32_t, 256> triggers{};
  std::array<std::uint32_t, 256> followers{};
  std::uint32_t at_end = 0;
  std::array<std::uint32_t, 256> after{};
};

ScanTables scan_tables(std::span<const PatternSpec> patterns, std::uint32_t enabled) {
  ScanTables tables;
  std::uint32_t starts_word = 0;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (((enabled >> i) & 1U) == 0) continue;
    const std::uint32_t bit = 1U << i;
    const PatternSpec& pattern = patterns[i];
    for (char trigger : pattern.triggers)
      tables.triggers[static_cast<unsigned char>(trigger)] |= bit;
    if (pattern.followers.empty()) {
      for (auto& follower : tables.followers) follower |= bit;
      tables.at_end |= bit;
    }
    for (char follower : pattern.followers) {
      tables.followers[static_cast<unsigned char>(follower)] |= bit;
    }
    if (pattern.starts_word) starts_word |= bit;
  }
  for (std::size_t byte = 0; byte < tables.after.size(); ++byte) {
    tables.after[byte] = is_ascii_alnum(byte) ? ~starts_word : ~std::uint32_t{0};
  }
  return tables;
}

}  // namespace

Redactor::Redactor(const RedactionConfig& config)
    : user_patterns_(std::make_shared<const std::vector<UserPattern>>(
          config.user_patterns.begin(),
          config.user_patterns.begin() +
              static_cast<std::ptrdiff_t>(
                  std::min(config.user_patterns.size(), kMaxUserPatterns)))),  // config checks it
      patterns_(builtin_patterns().begin(), builtin_patterns().end()),
      min_length_(std::numeric_limits<std::size_t>::max()),
      scan_(ByteTable{}, ByteTable{}) {
  static_assert(kBuiltinPatternCount + kMaxUserPatterns == kMaxRedactionPatterns);
  for (const UserPattern& pattern : *user_patterns_) {
    patterns_.push_back(user_pattern_spec(pattern));
  }
  for (std::size_t i = 0; i < patterns_.size(); ++i) {
    if (!config.patterns.enabled(i)) continue;
    enabled_mask_ |= 1U << i;
    min_length_ = std::min<std::size_t>(min_length_, patterns_[i].min_length);
  }
  const ScanTables tables = scan_tables(patterns_, enabled_mask_);
  triggers_ = tables.triggers;
  followers_ = tables.followers;
  at_end_ = tables.at_end;
  after_ = tables.after;
  scan_ = TriggerScan(any_pattern(triggers_), any_pattern(followers_));
}

std::optional<RedactionMatch> Redactor::find(std::string_view text, std::size_t from,
                                             std::size_t floor) const {
  if (text.size() < min_length_) return std::nullopt;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  for (std::size_t block = from; block < text.size(); block += kTriggerBlock) {
    std::uint32_t bits = scan_.block(text, block);
    while (bits != 0) {
      const std::size_t i = block + static_cast<std::size_t>(std::countr_zero(bits));
      bits &= bits - 1;
      std::uint32_t candidates = triggers_[byte(i)];
      candidates &= i + 1 < text.size() ? followers_[byte(i + 1)] : at_end_;
      if (i > 0) candidates &= after_[byte(i - 1)];
      while (candidates != 0) {
        const auto pattern = static_cast<std::size_t>(std::countr_zero(candidates));
        candidates &= candidates - 1;
        if (const MatchSpan span = patterns_[pattern].find_at(text, i, floor)) {
          return RedactionMatch{span.begin, span.end, pattern, i};
        }
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
