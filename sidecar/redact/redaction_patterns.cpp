#include "sidecar/redact/redaction_patterns.h"

#include <array>

#include "sidecar/core/ascii.h"

namespace specwatch {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alpha(char c) {
  return is_upper(c) || is_lower(c);
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
// The characters of API keys: letters, digits, '_' and '-'.
bool is_key_char(char c) {
  return is_alnum(c) || c == '_' || c == '-';
}
bool is_base64_char(char c) {
  return is_alnum(c) || c == '/' || c == '+';
}
bool is_token_char(char c) {  // RFC 6750 b64token
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}
bool is_email_local_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// A key starts a word: "xsk-..." is part of some other word, "model=sk-..." is not.
bool starts_word(std::string_view text, std::size_t at) {
  return at == 0 || !is_alnum(text[at - 1]);
}

bool has_at(std::string_view text, std::size_t at, std::string_view prefix) {
  return text.size() - at >= prefix.size() && text.compare(at, prefix.size(), prefix) == 0;
}

// `word` in lower case.
bool has_at_ignoring_case(std::string_view text, std::size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (ascii_lower(text[at + i]) != word[i]) return false;
  }
  return true;
}

template <typename Predicate>
std::size_t run_end(std::string_view text, std::size_t from, Predicate predicate) {
  while (from < text.size() && predicate(text[from])) ++from;
  return from;
}

// Random keys mix classes; names and words that merely start like a key ("sk-learn-pipeline")
// do not.
struct Classes {
  bool digit = false;
  bool upper = false;
  bool lower = false;
};
Classes classes_of(std::string_view text) {
  Classes found;
  for (char c : text) {
    found.digit |= is_digit(c);
    found.upper |= is_upper(c);
    found.lower |= is_lower(c);
  }
  return found;
}

// prefix + at least `min_body` characters of `body_char`, the prefix starting a word.
template <typename Predicate>
MatchSpan prefixed_run(std::string_view text, std::size_t at, std::string_view prefix,
                       std::size_t min_body, Predicate body_char) {
  if (!starts_word(text, at) || !has_at(text, at, prefix)) return kNoMatch;
  const std::size_t end = run_end(text, at + prefix.size(), body_char);
  if (end - at - prefix.size() < min_body) return kNoMatch;
  return MatchSpan{at, end};
}

// sk-ant-api03-<95 characters>: the prefix is specific, a digit and a letter rule out words.
MatchSpan anthropic_api_key(std::string_view text, std::size_t at, std::size_t,
                            const PatternSpec&) {
  auto span = prefixed_run(text, at, "sk-ant-", 32, is_key_char);
  if (!span) return kNoMatch;
  const Classes c = classes_of(text.substr(at + 7, span.end - at - 7));
  if (!c.digit || !(c.upper || c.lower)) return kNoMatch;
  return span;
}

// Whether `text` holds a run of at least `length` letters and digits with both: random key
// material does (in any case: a profile may have lower-cased the value), words and names joined
// by '-' do not ("sk-learn-pipeline-classifier-v2024").
bool has_random_run(std::string_view text, std::size_t length) {
  std::size_t run = 0;
  bool digit = false;
  bool letter = false;
  for (char c : text) {
    if (!is_alnum(c)) {
      run = 0;
      digit = letter = false;
      continue;
    }
    ++run;
    digit |= is_digit(c);
    letter |= is_alpha(c);
    if (run >= length && digit && letter) return true;
  }
  return false;
}

// sk-<48 characters>, sk-proj-..., sk-svcacct-..., sk-admin-...: "sk-" alone is common, so the
// body must hold random material (has_random_run).
MatchSpan openai_api_key(std::string_view text, std::size_t at, std::size_t, const PatternSpec&) {
  if (has_at(text, at, "sk-ant-")) return kNoMatch;  // Anthropic's, even if that one is off
  auto span = prefixed_run(text, at, "sk-", 20, is_key_char);
  if (!span || !has_random_run(text.substr(at + 3, span.end - at - 3), 16)) return kNoMatch;
  return span;
}

// gsk_<52 letters and digits>.
MatchSpan groq_api_key(std::string_view text, std::size_t at, std::size_t, const PatternSpec&) {
  auto span = prefixed_run(text, at, "gsk_", 40, is_alnum);
  if (!span) return kNoMatch;
  const Classes c = classes_of(text.substr(at + 4, span.end - at - 4));
  if (!c.digit || !(c.upper || c.lower)) return kNoMatch;
  return span;
}

// A prefix written in its own case, or lower-cased (a profile may lower-case a value) with a
// digit in the body so that a word is not taken for a key.
MatchSpan cased_prefix_fixed(std::string_view text, std::size_t at, std::string_view prefix,
                             std::size_t body, bool (*body_char)(char)) {
  if (!starts_word(text, at) || text.size() - at < prefix.size() + body) return kNoMatch;
  const std::string_view written = text.substr(at, prefix.size());
  const bool own_case = written == prefix;
  const std::string lowered = ascii_lowercase(prefix);
  if (!own_case && written != lowered) return kNoMatch;
  const std::size_t end = at + prefix.size() + body;
  bool digit = false;
  for (std::size_t i = at + prefix.size(); i < end; ++i) {
    if (!body_char(text[i])) return kNoMatch;
    digit |= is_digit(text[i]);
  }
  if (end < text.size() && is_key_char(text[end])) return kNoMatch;
  if (!own_case && !digit) return kNoMatch;
  return MatchSpan{at, end};
}

// AIza<35 characters>: 39 in all.
MatchSpan google_api_key(std::string_view text, std::size_t at, std::size_t, const PatternSpec&) {
  return cased_prefix_fixed(text, at, "AIza", 35, is_key_char);
}

// AKIA (long-term) or ASIA (temporary) + 16 upper-case letters or digits: 20 in all.
MatchSpan aws_access_key_id(std::string_view text, std::size_t at, std::size_t,
                            const PatternSpec&) {
  auto upper_or_digit = [](char c) { return is_upper(c) || is_digit(c); };
  auto lower_or_digit = [](char c) { return is_lower(c) || is_digit(c); };
  const bool own_case = text.size() - at > 0 && text[at] == 'A';
  for (std::string_view prefix : {"AKIA", "ASIA"}) {
    if (auto span = cased_prefix_fixed(text, at, prefix, 16,
                                       own_case ? +upper_or_digit : +lower_or_digit)) {
      return span;
    }
  }
  return kNoMatch;
}

// 40 base64 characters are common (hashes), so only the value of a key named like AWS's secret
// key is taken: aws_secret_access_key = ..., "SecretAccessKey": "...", AWS_SECRET_ACCESS_KEY=...
// The value alone is replaced; the key name stays readable.
MatchSpan aws_secret_access_key(std::string_view text, std::size_t at, std::size_t,
                                const PatternSpec&) {
  std::size_t p = at;
  auto word = [&](std::string_view w) {
    if (!has_at_ignoring_case(text, p, w)) return false;
    p += w.size();
    return true;
  };
  auto optional_separator = [&] {
    if (p < text.size() && (text[p] == '_' || text[p] == '-')) ++p;
  };
  if (!word("secret")) return kNoMatch;
  optional_separator();
  if (!word("access")) return kNoMatch;
  optional_separator();
  if (!word("key")) return kNoMatch;
  if (p < text.size() && (text[p] == '"' || text[p] == '\'')) ++p;
  p = run_end(text, p, is_blank);
  if (p >= text.size() || (text[p] != '=' && text[p] != ':')) return kNoMatch;
  p = run_end(text, p + 1, is_blank);
  if (p < text.size() && (text[p] == '"' || text[p] == '\'')) ++p;
  const std::size_t end = run_end(text, p, is_base64_char);
  if (end - p != 40 || (end < text.size() && text[end] == '=')) return kNoMatch;
  return MatchSpan{p, end};
}

// ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server), ghr_ (refresh)
// + 36 letters and digits; github_pat_ + 82 letters, digits and '_' (fine-grained).
MatchSpan github_token(std::string_view text, std::size_t at, std::size_t, const PatternSpec&) {
  if (auto span = prefixed_run(text, at, "github_pat_", 22,
                               [](char c) { return is_alnum(c) || c == '_'; })) {
    return span;
  }
  if (text.size() - at < 4 || text[at + 1] != 'h' || text[at + 3] != '_') return kNoMatch;
  const char kind = text[at + 2];
  if (kind != 'p' && kind != 'o' && kind != 'u' && kind != 's' && kind != 'r') {
    return kNoMatch;
  }
  return prefixed_run(text, at, text.substr(at, 4), 36, is_alnum);
}

// "Bearer <token>" (any case), as in an Authorization header: the token alone is replaced. At
// least 16 characters with a digit or an upper-case letter, so prose ("bearer of bad news",
// "Bearer authentication-required") stays.
MatchSpan bearer_token(std::string_view text, std::size_t at, std::size_t, const PatternSpec&) {
  if (!starts_word(text, at) || !has_at_ignoring_case(text, at, "bearer")) return kNoMatch;
  const std::size_t token = run_end(text, at + 6, is_blank);
  if (token == at + 6) return kNoMatch;
  const std::size_t end = run_end(text, token, is_token_char);
  if (end - token < 16) return kNoMatch;
  const Classes c = classes_of(text.substr(token, end - token));
  if (!c.digit && !c.upper) return kNoMatch;
  return MatchSpan{token, end};
}

// scheme://user:password@host: the password alone is replaced (the user and host stay, they
// tell which connection it was). Triggered at the ':' of "://".
MatchSpan url_password(std::string_view text, std::size_t at, std::size_t, const PatternSpec&) {
  if (at == 0 || !has_at(text, at, "://")) return kNoMatch;
  std::size_t scheme = at;
  while (scheme > 0 && (is_alnum(text[scheme - 1]) || text[scheme - 1] == '+' ||
                        text[scheme - 1] == '.' || text[scheme - 1] == '-')) {
    --scheme;
  }
  if (scheme == at) return kNoMatch;
  const std::size_t authority = at + 3;
  const std::size_t authority_end = run_end(text, authority, [](char c) {
    return c != '/' && c != '?' && c != '#' && c != ' ' && c != '\t' && c != '\n' && c != '\r' &&
           c != '"' && c != '\'' && c != '<' && c != '>';
  });
  // The last '@': a careless password may hold one, a host never does.
  const std::string_view part = text.substr(authority, authority_end - authority);
  const std::size_t at_sign = part.rfind('@');
  if (at_sign == std::string_view::npos || at_sign + 1 == part.size()) return kNoMatch;
  const std::size_t colon = part.substr(0, at_sign).find(':');
  if (colon == std::string_view::npos || colon + 1 == at_sign) return kNoMatch;
  return MatchSpan{authority + colon + 1, authority + at_sign};
}

// -----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE KEY----- ... -----END ...-----: the whole block.
// A block cut short (a truncated value) is replaced up to the end of the text.
MatchSpan private_key(std::string_view text, std::size_t at, std::size_t, const PatternSpec&) {
  if (!has_at(text, at, "-----BEGIN ")) return kNoMatch;
  const std::size_t label = at + 11;
  const std::size_t label_end =
      run_end(text, label, [](char c) { return is_upper(c) || c == ' '; });
  const std::string_view name = text.substr(label, label_end - label);
  if (name.size() > 40 || !name.ends_with("PRIVATE KEY") || !has_at(text, label_end, "-----")) {
    return kNoMatch;
  }
  const std::size_t footer = text.find("-----END ", label_end + 5);
  if (footer == std::string_view::npos) return MatchSpan{at, text.size()};
  const std::size_t footer_close = text.find("-----", footer + 9);
  return MatchSpan{at, footer_close == std::string_view::npos ? text.size() : footer_close + 5};
}

// local@domain.tld, ASCII only. Triggered at the '@', looking back for the local part.
MatchSpan email_address(std::string_view text, std::size_t at, std::size_t floor,
                        const PatternSpec&) {
  std::size_t begin = at;
  while (begin > floor && is_email_local_char(text[begin - 1])) --begin;
  while (begin < at && text[begin] == '.') ++begin;
  if (begin == at) return kNoMatch;
  std::size_t p = at + 1;
  std::size_t labels = 0;
  std::string_view last;
  while (true) {
    const std::size_t label_end = run_end(text, p, [](char c) { return is_alnum(c) || c == '-'; });
    if (label_end == p) break;
    ++labels;
    last = text.substr(p, label_end - p);
    p = label_end;
    if (p + 1 < text.size() && text[p] == '.' && is_alnum(text[p + 1])) {
      ++p;
      continue;
    }
    break;
  }
  if (labels < 2 || last.size() < 2) return kNoMatch;
  for (char c : last) {
    if (!is_alpha(c)) return kNoMatch;
  }
  return MatchSpan{begin, p};
}

// Digit groups with single separators (space, '-', '.') between them.
struct DigitGroups {
  std::size_t end = 0;
  std::size_t digits = 0;
};
DigitGroups digit_groups(std::string_view text, std::size_t p) {
  DigitGroups groups{p, 0};
  while (p < text.size()) {
    if (is_digit(text[p])) {
      ++groups.digits;
      groups.end = ++p;
    } else if ((text[p] == ' ' || text[p] == '-' || text[p] == '.') && p + 1 < text.size() &&
               is_digit(text[p + 1]) && p > 0 && is_digit(text[p - 1])) {
      ++p;
    } else {
      break;
    }
  }
  return groups;
}

// +<8..15 digits> (E.164, separators allowed) or the North American (555) 123-4567,
// 555-123-4567, 555.123.4567.
MatchSpan phone_number(std::string_view text, std::size_t at, std::size_t, const PatternSpec&) {
  if (at > 0 && (is_alnum(text[at - 1]) || text[at - 1] == '+' || text[at - 1] == '.' ||
                 text[at - 1] == '-')) {
    return kNoMatch;
  }
  auto ends_number = [&](std::size_t end) {
    return end == text.size() || (!is_alnum(text[end]) && !(text[end] == '-' || text[end] == '.'));
  };
  if (text[at] == '+') {
    const DigitGroups groups = digit_groups(text, at + 1);
    if (groups.digits < 8 || groups.digits > 15 || !ends_number(groups.end)) return kNoMatch;
    return MatchSpan{at, groups.end};
  }
  std::size_t p = at;
  auto digits = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i, ++p) {
      if (p >= text.size() || !is_digit(text[p])) return false;
    }
    return true;
  };
  auto separator = [&](bool optional) {
    if (p < text.size() && (text[p] == '-' || text[p] == '.' || text[p] == ' ')) {
      ++p;
      return true;
    }
    return optional;
  };
  if (text[at] == '(') {
    ++p;
    if (!digits(3) || p >= text.size() || text[p] != ')') return kNoMatch;
    ++p;
    if (p < text.size() && text[p] == ' ') ++p;
  } else if (!digits(3) || !separator(false)) {
    return kNoMatch;
  }
  if (!digits(3) || !separator(false) || !digits(4) || !ends_number(p)) return kNoMatch;
  return MatchSpan{at, p};
}

// name, triggers, matcher, on by default, starts a word, shortest match, followers.
constexpr std::array<PatternSpec, kBuiltinPatternCount> kBuiltins = {{
    {"anthropic_api_key", "s", anthropic_api_key, true, true, 39, "k"},
    {"openai_api_key", "s", openai_api_key, true, true, 23, "k"},
    {"groq_api_key", "g", groq_api_key, true, true, 44, "s"},
    {"google_api_key", "Aa", google_api_key, true, true, 39, "Ii"},
    {"aws_access_key_id", "Aa", aws_access_key_id, true, true, 20, "KSks"},
    {"aws_secret_access_key", "sS", aws_secret_access_key, true, false, 56, "eE"},
    {"github_token", "g", github_token, true, true, 33, "hi"},
    {"bearer_token", "bB", bearer_token, true, true, 23, "eE"},
    {"url_password", ":", url_password, true, false, 9, "/"},
    {"private_key", "-", private_key, true, false, 27, "-"},
    {"email_address", "@", email_address, false, false, 6, ""},
    {"phone_number", "+(0123456789", phone_number, false, true, 9, ""},
}};

}  // namespace

std::span<const PatternSpec> builtin_patterns() {
  return kBuiltins;
}

const PatternSpec& builtin_pattern(BuiltinPattern pattern) {
  return kBuiltins[static_cast<std::size_t>(pattern)];
}

std::optional<BuiltinPattern> find_builtin_pattern(std::string_view name) {
  for (std::size_t i = 0; i < kBuiltins.size(); ++i) {
    if (kBuiltins[i].name == name) return static_cast<BuiltinPattern>(i);
  }
  return std::nullopt;
}

std::optional<std::size_t> find_pattern(std::string_view name,
                                        const std::vector<UserPattern>& user_patterns) {
  if (auto builtin = find_builtin_pattern(name)) return static_cast<std::size_t>(*builtin);
  for (std::size_t i = 0; i < user_patterns.size(); ++i) {
    if (user_patterns[i].name == name) return kBuiltinPatternCount + i;
  }
  return std::nullopt;
}

PatternSet PatternSet::defaults() {
  PatternSet set;
  set.bits_.set();  // user-defined patterns are on unless turned off
  for (std::size_t i = 0; i < kBuiltins.size(); ++i) {
    set.bits_.set(i, kBuiltins[i].enabled_by_default);
  }
  return set;
}

bool PatternSet::set(std::string_view name, bool enabled) {
  const auto pattern = find_builtin_pattern(name);
  if (!pattern) return false;
  set(*pattern, enabled);
  return true;
}

}  // namespace specwatch
