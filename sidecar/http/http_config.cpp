#include "sidecar/http/http_config.h"

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
  if (auto listen = read_listen_address(node, key, in)) {
    out.listen = listen->text;
    out.host = listen->address.host;
    out.port = listen->address.port;
  }
}

}  // namespace specwatch
