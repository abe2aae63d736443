// ASCII-only text helpers: model names, provider names and config words are compared without
// locale, so "Anthropic" and "anthropic" match whatever the process locale says.
#pragma once

#include <string>
#include <string_view>

namespace specwatch {

inline std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace specwatch
