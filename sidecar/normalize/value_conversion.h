// Conversions of a Scalar into what an event field holds: text, numbers, unix time, booleans,
// outcomes and severities (case-insensitive words, numeric log levels).
//
// Part of the normalizer's one translation unit (normalize.cpp includes it; nothing else may):
// the hot path stays one unit so that the compiler inlines across its parts, as it did when
// they were one file. Hence the unnamed namespace.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "sidecar/core/ascii.h"
#include "sidecar/normalize/path_resolution.h"

namespace specwatch {
namespace {

// The text of a scalar, for comparisons and maps. Numbers are written into ctx.number_text.
bool as_text(const Scalar& v, Context& ctx, std::string_view& out) {
  switch (v.type) {
    case Scalar::Type::kString:
      out = v.s;
      return true;
    case Scalar::Type::kBool:
      out = v.b ? "true" : "false";
      return true;
    case Scalar::Type::kInt: {
      auto r = std::to_chars(ctx.number_text, ctx.number_text + sizeof ctx.number_text, v.i);
      out = std::string_view(ctx.number_text, r.ptr - ctx.number_text);
      return true;
    }
    case Scalar::Type::kDouble: {
      auto r = std::to_chars(ctx.number_text, ctx.number_text + sizeof ctx.number_text, v.d);
      out = std::string_view(ctx.number_text, r.ptr - ctx.number_text);
      return true;
    }
    default:
      return false;
  }
}

bool parse_int(std::string_view t, std::int64_t& out) {
  auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty();
}

// `convert: model_family`: the name without a trailing release date, "-YYYY-MM-DD" (OpenAI's
// "gpt-4o-mini-2024-07-18") or "-YYYYMMDD" (Anthropic's "claude-sonnet-4-5-20250929"), or the
// alias suffix "-latest", so that a call's dated response model and its request model name the
// same series. A view into the input: nothing is copied.
std::string_view model_family(std::string_view name) {
  constexpr std::string_view kLatest = "-latest";
  if (name.size() > kLatest.size() && name.ends_with(kLatest)) {
    return name.substr(0, name.size() - kLatest.size());
  }
  auto digits = [](std::string_view t) {
    return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const std::size_t n = name.size();
  if (n > 11 && name[n - 11] == '-' && name[n - 6] == '-' && name[n - 3] == '-' &&
      digits(name.substr(n - 10, 4)) && digits(name.substr(n - 5, 2)) &&
      digits(name.substr(n - 2, 2))) {
    return name.substr(0, n - 11);
  }
  if (n > 9 && name[n - 9] == '-' && digits(name.substr(n - 8))) return name.substr(0, n - 9);
  return name;
}

bool parse_double(std::string_view t, double& out) {
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty() && std::isfinite(out);
}

bool numeric(const Scalar& v, double& out) {
  switch (v.type) {
    case Scalar::Type::kInt:
      out = static_cast<double>(v.i);
      return true;
    case Scalar::Type::kDouble:
      out = v.d;
      return true;
    case Scalar::Type::kString:
      return parse_double(v.s, out);
    default:
      return false;
  }
}

// What a number is divided by to be seconds, for the conversions ns_to_s, us_to_s and ms_to_s;
// 0 for any other conversion.
constexpr double seconds_divisor(Convert c) {
  switch (c) {
    case Convert::kNsToS:
      return 1e9;
    case Convert::kUsToS:
      return 1e6;
    case Convert::kMsToS:
      return 1e3;
    default:
      return 0;
  }
}

// `v` as seconds for one of those conversions (`divisor`, seconds_divisor): false when `v` is not
// numeric. The same whether the value spec is evaluated or read as plain.
bool to_seconds(Scalar& v, double divisor) {
  double x;
  if (!numeric(v, x)) return false;
  v = Scalar::number(x / divisor);
  return true;
}

// Unix time of a number in the given unit; without unit, guessed from its magnitude.
std::int64_t unix_number_to_ns(double x, Convert unit) {
  switch (unit) {
    case Convert::kUnixS:
      return static_cast<std::int64_t>(x * 1e9);
    case Convert::kUnixMs:
      return static_cast<std::int64_t>(x * 1e6);
    case Convert::kUnixUs:
      return static_cast<std::int64_t>(x * 1e3);
    case Convert::kUnixNs:
      return static_cast<std::int64_t>(x);
    default:
      break;
  }
  const double a = std::fabs(x);
  if (a < 1e11) return static_cast<std::int64_t>(x * 1e9);
  if (a < 1e14) return static_cast<std::int64_t>(x * 1e6);
  if (a < 1e17) return static_cast<std::int64_t>(x * 1e3);
  return static_cast<std::int64_t>(x);
}

enum class Status : std::uint8_t { kOk, kAbsent, kInvalid };

Status to_time(const Scalar& v, Convert unit, std::int64_t& out, IsoTimeMemo& memo) {
  if (v.absent()) return Status::kAbsent;
  if (v.type == Scalar::Type::kString) {
    if (auto t = parse_iso_time(v.s, memo)) {
      out = *t;
      return Status::kOk;
    }
    double x;
    if (!parse_double(v.s, x)) return Status::kInvalid;
    out = unix_number_to_ns(x, unit);
    return Status::kOk;
  }
  if (v.type == Scalar::Type::kInt) {
    out = unit == Convert::kUnixNs ? v.i : unix_number_to_ns(static_cast<double>(v.i), unit);
    return Status::kOk;
  }
  if (v.type == Scalar::Type::kDouble) {
    out = unix_number_to_ns(v.d, unit);
    return Status::kOk;
  }
  return Status::kInvalid;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != b[i]) return false;
  }
  return true;
}

bool to_int(const Scalar& v, std::int64_t& out) {
  switch (v.type) {
    case Scalar::Type::kInt:
      out = v.i;
      return true;
    case Scalar::Type::kDouble:
      if (v.d != std::floor(v.d) || std::fabs(v.d) > 9e15) return false;
      out = static_cast<std::int64_t>(v.d);
      return true;
    case Scalar::Type::kString: {
      if (parse_int(v.s, out)) return true;
      double d;
      if (!parse_double(v.s, d) || d != std::floor(d) || std::fabs(d) > 9e15) return false;
      out = static_cast<std::int64_t>(d);
      return true;
    }
    default:
      return false;
  }
}

bool to_bool(const Scalar& v, bool& out) {
  switch (v.type) {
    case Scalar::Type::kBool:
      out = v.b;
      return true;
    case Scalar::Type::kInt:
      if (v.i != 0 && v.i != 1) return false;
      out = v.i == 1;
      return true;
    case Scalar::Type::kString:
      if (iequals(v.s, "true") || iequals(v.s, "yes") || v.s == "1") {
        out = true;
        return true;
      }
      if (iequals(v.s, "false") || iequals(v.s, "no") || v.s == "0") {
        out = false;
        return true;
      }
      return false;
    default:
      return false;
  }
}

bool to_outcome(const Scalar& v, bool llm, Outcome& out) {
  if (v.type == Scalar::Type::kBool) {
    out = v.b ? Outcome::kSuccess : (llm ? Outcome::kError : Outcome::kFailure);
    return true;
  }
  if (v.type != Scalar::Type::kString) return false;
  const std::string_view s = v.s;
  if (iequals(s, "success") || iequals(s, "ok") || iequals(s, "completed") ||
      iequals(s, "succeeded") || iequals(s, "true")) {
    out = Outcome::kSuccess;
  } else if (iequals(s, "failure") || iequals(s, "failed") || iequals(s, "fail") ||
             iequals(s, "false")) {
    out = llm ? Outcome::kError : Outcome::kFailure;
  } else if (iequals(s, "error") || iequals(s, "errored")) {
    out = Outcome::kError;
  } else {
    return false;
  }
  return true;
}

bool to_severity(const Scalar& v, Severity& out) {
  if (v.type == Scalar::Type::kInt) {  // pino / bunyan numeric levels
    switch (v.i) {
      case 10:
      case 20:
        out = Severity::kDebug;
        return true;
      case 30:
        out = Severity::kInfo;
        return true;
      case 40:
        out = Severity::kWarn;
        return true;
      case 50:
        out = Severity::kError;
        return true;
      case 60:
        out = Severity::kFatal;
        return true;
      default:
        return false;
    }
  }
  if (v.type != Scalar::Type::kString) return false;
  const std::string_view s = v.s;
  // The usual spellings first, compared four letters at a time (ASCII letters differ from their
  // capitals in bit 5 only, so OR-ing it in lowercases them; every word here is letters only).
  if (s.size() == 4 || s.size() == 5) {
    std::uint32_t head;
    std::memcpy(&head, s.data(), 4);
    head |= 0x20202020u;
    const auto word = [](const char(&w)[5]) {
      std::uint32_t x;
      std::memcpy(&x, w, 4);
      return x;
    };
    const char last = ascii_lower(s.back());
    const auto found = [&out](Severity severity) {
      out = severity;
      return true;
    };
    if (s.size() == 4) {
      if (head == word("info")) return found(Severity::kInfo);
      if (head == word("warn")) return found(Severity::kWarn);
    } else if (head == word("erro") && last == 'r') {
      return found(Severity::kError);
    } else if (head == word("debu") && last == 'g') {
      return found(Severity::kDebug);
    }
  }
  if (iequals(s, "debug") || iequals(s, "trace") || iequals(s, "verbose")) {
    out = Severity::kDebug;
  } else if (iequals(s, "info") || iequals(s, "information") || iequals(s, "notice")) {
    out = Severity::kInfo;
  } else if (iequals(s, "warn") || iequals(s, "warning")) {
    out = Severity::kWarn;
  } else if (iequals(s, "error") || iequals(s, "err")) {
    out = Severity::kError;
  } else if (iequals(s, "fatal") || iequals(s, "critical") || iequals(s, "crit") ||
             iequals(s, "panic") || iequals(s, "emergency") || iequals(s, "alert")) {
    out = Severity::kFatal;
  } else {
    return false;
  }
  return true;
}

}  // namespace
}  // namespace specwatch
