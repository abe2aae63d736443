#include "sidecar/normalize/text_util.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace specwatch {
namespace {

bool read_digits(std::string_view t, std::size_t& pos, int count, int& value) {
  if (pos + count > t.size()) return false;
  value = 0;
  for (int i = 0; i < count; ++i) {
    char c = t[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool expect(std::string_view t, std::size_t& pos, char c) {
  if (pos >= t.size() || t[pos] != c) return false;
  ++pos;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = static_cast<int>(y - era * 400);
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool is_meta(char c) {
  switch (c) {
    case '.':
    case '^':
    case '$':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case '*':
    case '+':
    case '?':
    case '|':
    case '\\':
      return true;
    default:
      return false;
  }
}

}  // namespace

namespace {

// `YYYY-MM-DD[T| ]hh:mm` (always kIsoPrefix bytes): seconds since the epoch, or nullopt.
std::optional<std::int64_t> parse_iso_prefix(std::string_view t) {
  std::size_t p = 0;
  int year, month, day, hour, minute;
  if (!read_digits(t, p, 4, year) || !expect(t, p, '-') || !read_digits(t, p, 2, month) ||
      !expect(t, p, '-') || !read_digits(t, p, 2, day)) {
    return std::nullopt;
  }
  if (p >= t.size() || (t[p] != 'T' && t[p] != ' ' && t[p] != 't')) return std::nullopt;
  ++p;
  if (!read_digits(t, p, 2, hour) || !expect(t, p, ':') || !read_digits(t, p, 2, minute)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) {
    return std::nullopt;
  }
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60;
}

// All bytes of a text of at most kIsoZoneBytes bytes, for IsoTimeMemo::zone (with its length:
// equal keys and lengths mean equal texts).
std::uint64_t zone_key(std::string_view t) {
  const char* p = t.data();
  const std::size_t n = t.size();
  if (n >= 4) {
    std::uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    return x | static_cast<std::uint64_t>(y) << 32;
  }
  std::uint64_t k = 0;
  for (std::size_t i = 0; i < n; ++i)
    k |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return k;
}

// The leading decimal digits of the 8 bytes at `p` (`run` of them, 0..8), as the number the 8
// bytes would spell with every byte from the first non-digit on replaced by '0'. Branch-free:
// per byte, a high bit marks a byte below '0' (the subtraction borrows), above '9' (the addition
// carries into bit 7) or not ASCII; only the lowest marked byte counts, and the bytes below it,
// all digits, neither borrow nor carry. The digits are then combined in pairs, fours and eights
// by multiplications.
void read_fraction8(const char* p, std::uint64_t& value, std::size_t& run) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  const std::uint64_t marked = ((x - '0' * kOnes) | (x + 0x46 * kOnes) | x) & (0x80 * kOnes);
  run = marked == 0 ? 8 : static_cast<std::size_t>(std::countr_zero(marked)) / 8;
  const std::uint64_t keep = run == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * run)) - 1;
  // Digit values, byte 0 (the first digit) lowest.
  std::uint64_t d = ((x & keep) | ('0' * kOnes & ~keep)) - '0' * kOnes;
  d = (d * 10 + (d >> 8)) & 0x00ff00ff00ff00ffULL;    // pairs: 10 * first + second
  d = (d * 100 + (d >> 16)) & 0x0000ffff0000ffffULL;  // fours
  value = (d * 10000 + (d >> 32)) & 0xffffffffULL;    // eight
}

// The rest after the prefix: `:ss[.,fraction][Z|±hh:mm|±hhmm]`; `secs` is the prefix's value.
// With a memo, a zone written as the previous one's takes its offset without being read again.
std::optional<std::int64_t> parse_iso_rest(std::string_view t, std::int64_t secs,
                                           IsoTimeMemo* memo = nullptr) {
  std::size_t p = kIsoPrefix;
  int second;
  if (!expect(t, p, ':') || !read_digits(t, p, 2, second) || second > 60) return std::nullopt;
  secs += second;
  std::int64_t nanos = 0;
  if (p < t.size() && (t[p] == '.' || t[p] == ',')) {
    ++p;
    int digits = 0;
    if (t.size() - p >= 8) {
      // Eight bytes at once (most fractions have 3, 6 or 9 digits): the digits up to the first
      // other byte, read as one number with that tail taken as zeros.
      std::uint64_t fraction;
      std::size_t run;
      read_fraction8(t.data() + p, fraction, run);
      if (run < 8) {
        if (run == 0) return std::nullopt;
        p += run;
        nanos = static_cast<std::int64_t>(fraction) * 10;  // 8 digits of fraction → nanoseconds
        digits = -1;                                       // done: scaled already
      } else {
        p += 8;
        nanos = static_cast<std::int64_t>(fraction);
        digits = 8;
      }
    }
    while (digits >= 0 && p < t.size() && t[p] >= '0' && t[p] <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (t[p] - '0');
        ++digits;
      }
      ++p;
    }
    if (digits == 0) return std::nullopt;
    static constexpr std::int64_t kScale[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                                10000,      1000,      100,      10,      1};
    if (digits > 0) nanos *= kScale[digits];
  }
  std::int64_t offset_seconds = 0;
  const std::string_view zone = t.substr(p);
  if (memo != nullptr && memo->zone_valid && zone.size() == memo->zone_size &&
      zone_key(zone) == memo->zone) {
    return (secs - memo->zone_offset) * 1000000000LL + nanos;
  }
  if (p < t.size()) {
    if (t[p] == 'Z' || t[p] == 'z') {
      ++p;
    } else if (t[p] == '+' || t[p] == '-') {
      const int sign = t[p] == '+' ? 1 : -1;
      ++p;
      int oh, om;
      if (!read_digits(t, p, 2, oh)) return std::nullopt;
      if (p < t.size() && t[p] == ':') ++p;
      if (!read_digits(t, p, 2, om)) return std::nullopt;
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
  }
  if (p != t.size()) return std::nullopt;
  if (memo != nullptr && zone.size() <= kIsoZoneBytes) {
    memo->zone = zone_key(zone);
    memo->zone_size = zone.size();
    memo->zone_offset = offset_seconds;
    memo->zone_valid = true;
  }
  return (secs - offset_seconds) * 1000000000LL + nanos;
}

}  // namespace

std::optional<std::int64_t> parse_iso_time(std::string_view t) {
  const auto secs = parse_iso_prefix(t);
  if (!secs) return std::nullopt;
  return parse_iso_rest(t, *secs);
}

std::optional<std::int64_t> parse_iso_time(std::string_view t, IsoTimeMemo& memo) {
  static_assert(kIsoPrefix == sizeof memo.prefix);
  std::uint64_t prefix[2] = {0, 0};
  if (t.size() >= kIsoPrefix) {
    std::memcpy(prefix, t.data(), kIsoPrefix);
    if (memo.valid && prefix[0] == memo.prefix[0] && prefix[1] == memo.prefix[1]) {
      return parse_iso_rest(t, memo.secs, &memo);
    }
  }
  const auto secs = parse_iso_prefix(t);
  if (!secs) return std::nullopt;
  std::memcpy(memo.prefix, prefix, kIsoPrefix);  // parse_iso_prefix reads kIsoPrefix bytes
  memo.secs = *secs;
  memo.valid = true;
  return parse_iso_rest(t, *secs, &memo);
}

std::string strip_named_groups(std::string_view pattern, std::vector<std::string>& group_names) {
  std::string out;
  out.reserve(pattern.size());
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      out += c;
      out += pattern[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      continue;
    }
    if (c == '(') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '?') {
        if (i + 2 < pattern.size() && pattern[i + 2] == '<' && i + 3 < pattern.size() &&
            pattern[i + 3] != '=' && pattern[i + 3] != '!') {
          const std::size_t close = pattern.find('>', i + 3);
          if (close == std::string_view::npos) {
            throw std::invalid_argument("unterminated group name");
          }
          group_names.emplace_back(pattern.substr(i + 3, close - i - 3));
          out += '(';
          i = close;
          continue;
        }
      } else {
        group_names.emplace_back();
      }
    }
    out += c;
  }
  return out;
}

std::string required_literal(std::string_view p) {
  std::string best;
  std::string run;
  auto close_run = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  bool in_class = false;
  int depth = 0;  // only text outside groups counts: a group may be optional
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (in_class) {
      if (c == '\\')
        ++i;
      else if (c == ']')
        in_class = false;
      continue;
    }
    if (c == '|') return {};  // an alternative may not contain the literal
    if (c == '(' || c == ')') {
      depth += c == '(' ? 1 : -1;
      close_run();
      continue;
    }
    if (c == '\\' && i + 1 < p.size()) {
      const char n = p[i + 1];
      const bool alnum = (n >= '0' && n <= '9') || (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z');
      ++i;
      if (alnum || depth > 0) {
        close_run();  // a class such as \d or an assertion such as \b
        continue;
      }
      // A quantifier after the escaped character makes it optional or repeated.
      if (i + 1 < p.size() && (p[i + 1] == '*' || p[i + 1] == '?' || p[i + 1] == '{')) {
        close_run();
        continue;
      }
      run += n;
      continue;
    }
    if (c == '[') {
      in_class = true;
      close_run();
      continue;
    }
    if (c == '*' || c == '?' || c == '{') {
      // The previous character was optional: drop it from the run.
      if (!run.empty()) run.pop_back();
      close_run();
      if (c == '{') {
        const std::size_t close = p.find('}', i);
        if (close == std::string_view::npos) return {};
        i = close;
      }
      continue;
    }
    if (is_meta(c) || depth > 0) {
      close_run();
      continue;
    }
    run += c;
  }
  close_run();
  return best;
}

}  // namespace specwatch
