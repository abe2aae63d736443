// The `http:` section: where the admin endpoints (/metrics, /health, /ready) listen.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "sidecar/config/config_reader.h"

namespace specwatch {

struct HttpConfig {
  std::string listen = "0.0.0.0:9464";
  std::string host = "0.0.0.0";  // split from `listen` by the loader
  std::uint16_t port = 9464;
  // Waiting for a request and reading its header (each); the body deadline stays 10 s.
  int header_timeout_ms = 5000;
};

void read_http_section(const YAML::Node& node, const std::string& key_path, HttpConfig& out,
                       ConfigReader& in);
// `http.listen` alone (also the SPECWATCH_HTTP_LISTEN override).
void read_http_listen(const YAML::Node& node, const std::string& key, HttpConfig& out,
                      ConfigReader& in);

}  // namespace specwatch
