#include "sidecar/core/glob.h"

#include <vector>

namespace specwatch {
namespace {

// Matches one character `c` against the class starting at pattern[i] == '['. On return `i` is
// just past the closing ']'. Returns nullopt for a malformed class.
std::optional<bool> match_class(std::string_view pattern, std::size_t& i, char c) {
  std::size_t j = i + 1;
  bool negate = false;
  if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) {
    negate = true;
    ++j;
  }
  bool matched = false;
  bool first = true;
  while (j < pattern.size() && (first || pattern[j] != ']')) {
    first = false;
    char lo = pattern[j];
    if (lo == '\\' && j + 1 < pattern.size()) lo = pattern[++j];
    char hi = lo;
    if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
      hi = pattern[j + 2];
      if (hi == '\\' && j + 3 < pattern.size()) {
        hi = pattern[j + 3];
        ++j;
      }
      j += 2;
    }
    if (c >= lo && c <= hi) matched = true;
    ++j;
  }
  if (j >= pattern.size()) return std::nullopt;
  i = j + 1;
  return matched != negate;
}

// Matches a single path component (no '/') against a component pattern.
bool match_component(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '*') {
        star_p = p++;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        std::size_t q = p;
        auto r = match_class(pattern, q, text[t]);
        if (r && *r) {
          p = q;
          ++t;
          continue;
        }
      } else {
        if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[p + 1];
        if (pc == text[t]) {
          p += (pattern[p] == '\\' && p + 1 < pattern.size()) ? 2 : 1;
          ++t;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto slash = s.find('/', start);
    parts.push_back(s.substr(start, slash == std::string_view::npos ? s.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool match_parts(const std::vector<std::string_view>& pat, std::size_t pi,
                 const std::vector<std::string_view>& txt, std::size_t ti) {
  while (pi < pat.size()) {
    if (pat[pi] == "**") {
      // Collapse consecutive "**" and try every number of skipped directories.
      while (pi + 1 < pat.size() && pat[pi + 1] == "**") ++pi;
      if (pi + 1 == pat.size()) return true;
      for (std::size_t k = ti; k < txt.size(); ++k) {
        if (match_parts(pat, pi + 1, txt, k)) return true;
      }
      return false;
    }
    if (ti >= txt.size() || !match_component(pat[pi], txt[ti])) return false;
    ++pi;
    ++ti;
  }
  return ti == txt.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return match_parts(split(pattern), 0, split(path), 0);
}

bool has_wildcard(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

std::optional<std::string> validate_glob(std::string_view pattern) {
  if (pattern.empty()) return "empty pattern";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 == pattern.size()) return "pattern ends with an unfinished escape '\\'";
      ++i;
    } else if (c == '[') {
      std::size_t q = i;
      if (!match_class(pattern, q, 'a')) {
        return "unterminated character class '[' at position " + std::to_string(i + 1);
      }
      if (pattern.substr(i, q - i).find('/') != std::string_view::npos) {
        return "character class at position " + std::to_string(i + 1) + " contains '/'";
      }
      i = q - 1;
    } else if (c == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      bool starts = i == 0 || pattern[i - 1] == '/';
      bool ends = i + 2 == pattern.size() || pattern[i + 2] == '/';
      if (!starts || !ends) {
        return "'**' must be a whole path component (as in a/**/b) at position " +
               std::to_string(i + 1);
      }
      ++i;
    }
  }
  return std::nullopt;
}

std::string fixed_prefix_dir(std::string_view pattern) {
  auto wildcard = pattern.find_first_of("*?[");
  std::string_view fixed = pattern.substr(0, wildcard);
  // Without a wildcard the pattern names a file: its directory is the prefix.
  auto slash = fixed.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(fixed.substr(0, slash));
}

}  // namespace specwatch
