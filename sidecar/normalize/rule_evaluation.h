// A rule's conditions (`when:`) and the value specs of its assignments (`set:`), evaluated
// against one record.
//
// Part of the normalizer's one translation unit (normalize.cpp includes it; nothing else may):
// the hot path stays one unit so that the compiler inlines across its parts, as it did when
// they were one file. Hence the unnamed namespace.
#pragma once

#include <algorithm>
#include <regex>
#include <string>
#include <string_view>

#include "sidecar/normalize/value_conversion.h"

namespace specwatch {
namespace {

bool run_regex(const CompiledRegex& r, std::string_view text, Context& ctx) {
  // libstdc++'s regex engine recurses once per character: a long line would exhaust the stack.
  // Regexes see at most the first kMaxRegexInput bytes (so a trailing capture is truncated).
  if (text.size() > kMaxRegexInput) text = text.substr(0, kMaxRegexInput);
  if (!r.literal.empty() && text.find(r.literal) == std::string_view::npos) return false;
  std::cmatch m;
  if (!std::regex_search(text.data(), text.data() + text.size(), m, r.re)) return false;
  for (std::size_t g = 0; g < r.group_slots.size(); ++g) {
    const int slot = r.group_slots[g];
    if (slot < 0) continue;
    const auto& sub = m[g + 1];
    if (sub.matched) {
      ctx.captures[slot] = std::string_view(sub.first, static_cast<std::size_t>(sub.length()));
    }
  }
  return true;
}

bool holds(const Condition& c, Context& ctx) {
  const Scalar v = resolve(c.field, ctx);
  switch (c.op) {
    case Condition::Op::kExists:
      return !v.absent();
    case Condition::Op::kMissing:
      return v.absent();
    case Condition::Op::kEquals:
    case Condition::Op::kIn: {
      std::string_view t;
      if (!as_text(v, ctx, t)) return false;
      return std::any_of(c.values.begin(), c.values.end(),
                         [&](const std::string& value) { return same_text(value, t); });
    }
    case Condition::Op::kContains:
      return v.type == Scalar::Type::kString && v.s.find(c.values[0]) != std::string_view::npos;
    case Condition::Op::kPrefix:
      return v.type == Scalar::Type::kString && v.s.starts_with(c.values[0]);
    case Condition::Op::kRegex:
      return v.type == Scalar::Type::kString && run_regex(c.regex, v.s, ctx);
  }
  return false;
}

// Evaluates one ValueSpec. kAbsent lets the next spec of the assignment try.
Status evaluate(const ValueSpec& spec, Context& ctx, Scalar& out) {
  if (!spec.when_exists.empty() && resolve(spec.when_exists, ctx).absent()) {
    return Status::kAbsent;
  }
  if (!spec.between_start.empty()) {
    std::int64_t start = 0, end = 0;
    const Status a =
        to_time(resolve(spec.between_start, ctx), Convert::kNone, start, *ctx.time_memo);
    const Status b = to_time(resolve(spec.between_end, ctx), Convert::kNone, end, *ctx.time_memo);
    if (a == Status::kInvalid || b == Status::kInvalid) return Status::kInvalid;
    if (a == Status::kAbsent || b == Status::kAbsent) return Status::kAbsent;
    if (end < start) return Status::kInvalid;
    out = Scalar::number(static_cast<double>(end - start) / 1e9);
    return Status::kOk;
  }
  Scalar v = spec.has_constant ? Scalar::text(spec.constant) : resolve(spec.field, ctx);
  if (v.absent()) return Status::kAbsent;
  // Text already in lowercase (most providers' names) is taken as it is, without the copy.
  if (spec.lowercase && v.type == Scalar::Type::kString &&
      std::any_of(v.s.begin(), v.s.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    std::string& lower = *ctx.scratch;
    lower.assign(v.s);
    for (char& c : lower) c = ascii_lower(c);
    v.s = lower;
  }
  if (!spec.map.empty() || !spec.contains_map.empty()) {
    std::string_view key;
    bool mapped = false;
    if (as_text(v, ctx, key)) {
      for (const auto& [from, to] : spec.map) {
        if (same_text(from, key)) {
          v = Scalar::text(to);
          mapped = true;
          break;
        }
      }
      if (!mapped) {
        for (const auto& [needle, to] : spec.contains_map) {
          // needle is lowercase: compare case-insensitively without copying.
          auto it = std::search(key.begin(), key.end(), needle.begin(), needle.end(),
                                [](char a, char b) { return ascii_lower(a) == b; });
          if (it != key.end() || needle.empty()) {
            v = Scalar::text(to);
            mapped = true;
            break;
          }
        }
      }
    }
    if (!mapped && spec.has_default) v = Scalar::text(spec.default_value);
    if (!mapped && spec.mapped_only) return Status::kAbsent;
  }
  switch (spec.convert) {
    case Convert::kNsToS:
    case Convert::kUsToS:
    case Convert::kMsToS:
      if (!to_seconds(v, seconds_divisor(spec.convert))) return Status::kInvalid;
      break;
    case Convert::kPercentToRatio: {
      double x;
      std::string_view t = v.s;
      if (v.type == Scalar::Type::kString && !t.empty() && t.back() == '%') {
        t.remove_suffix(1);
        if (!parse_double(t, x)) return Status::kInvalid;
      } else if (!numeric(v, x)) {
        return Status::kInvalid;
      }
      v = Scalar::number(x / 100.0);
      break;
    }
    default:
      break;
  }
  out = v;
  return Status::kOk;
}

}  // namespace
}  // namespace specwatch
