#include "sidecar/http/query_string.h"

namespace specwatch {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's QueryUnescape: '+' is a space, %XX a byte; none for a truncated or non-hex escape.
std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

QueryParameters parse_query_string(std::string_view query) {
  QueryParameters out;
  while (!query.empty()) {
    const size_t end = query.find('&');
    std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    // Go (since 1.17) refuses ';' as a separator: the whole pair is dropped.
    if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
    const size_t equals = pair.find('=');
    auto name = unescape(pair.substr(0, equals));
    auto value =
        unescape(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!name || !value) continue;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::string> first_value(const QueryParameters& parameters, std::string_view name) {
  for (const auto& [key, value] : parameters) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> all_values(const QueryParameters& parameters, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [key, value] : parameters) {
    if (key == name) out.push_back(value);
  }
  return out;
}

}  // namespace specwatch
