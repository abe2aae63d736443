#include "sidecar/config/listen_address.h"

#include <charconv>

namespace specwatch {
namespace {

std::string format_error(std::string_view text) {
  return "expected host:port (such as \"0.0.0.0:9464\", \"[::1]:9464\" or \":9464\"), got \"" +
         std::string(text) + "\"";
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

bool is_ipv6_char(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' ||
         c == '.';
}

}  // namespace

std::variant<ListenAddress, std::string> parse_listen_address(std::string_view text) {
  ListenAddress out;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return format_error(text);
    }
    const std::string_view host = text.substr(1, close - 1);
    if (host.find(':') == std::string_view::npos) return format_error(text);
    for (char c : host) {
      if (!is_ipv6_char(c)) return format_error(text);
    }
    out.host = std::string(host);
    port_text = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return format_error(text);
    const std::string_view host = text.substr(0, colon);
    for (char c : host) {
      if (!is_host_char(c)) return format_error(text);
    }
    out.host = host.empty() ? "0.0.0.0" : std::string(host);
    port_text = text.substr(colon + 1);
  }
  if (port_text.empty()) return format_error(text);
  for (char c : port_text) {
    if (c < '0' || c > '9') return format_error(text);
  }
  unsigned long port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || port > 65535) {
    return "port must be between 0 and 65535, got \"" + std::string(text) + "\"";
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

std::optional<ListenSetting> read_listen_address(const YAML::Node& node, const std::string& key,
                                                 ConfigReader& in) {
  std::optional<std::string> text = in.read_string(node, key);
  if (!text) return std::nullopt;
  auto parsed = parse_listen_address(*text);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    in.errors().add(node, key, *message);
    return std::nullopt;
  }
  return ListenSetting{*text, std::get<ListenAddress>(parsed)};
}

}  // namespace specwatch
