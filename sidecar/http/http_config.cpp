#include "sidecar/http/http_config.h"

#include <variant>

#include "sidecar/config/listen_address.h"

namespace specwatch {

void read_http_section(const YAML::Node& node, const std::string& key_path, HttpConfig& out,
                       ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path, {"listen", "header_timeout_ms"});
  const YAML::Node listen = node["listen"];
  if (listen.IsDefined()) read_http_listen(listen, ConfigReader::join(key_path, "listen"), out, in);
  in.read_int_key(node, key_path, "header_timeout_ms", 1, 600000, out.header_timeout_ms);
}

void read_http_listen(const YAML::Node& node, const std::string& key, HttpConfig& out,
                      ConfigReader& in) {
  std::optional<std::string> text = in.read_string(node, key);
  if (!text) return;
  auto parsed = parse_listen_address(*text);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    in.errors().add(node, key, *message);
    return;
  }
  const auto& address = std::get<ListenAddress>(parsed);
  out.listen = *text;
  out.host = address.host;
  out.port = address.port;
}

}  // namespace specwatch
