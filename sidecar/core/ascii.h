// ASCII-only text helpers: model names, provider names and config words are compared without
// locale, so "Anthropic" and "anthropic" match whatever the process locale says.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace specwatch {

// std::tolower in the "C" locale, without a libc call per character (it runs per character of
// level and outcome names on every record).
constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr char ascii_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// Equal when lower-cased (HTTP header names, PromQL keywords).
constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace specwatch
