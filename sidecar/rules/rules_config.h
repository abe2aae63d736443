// The `rules:` section: which Prometheus rule files the sidecar evaluates itself, how often, and
// the labels its own series carry while it does (docs/CONFIGURATION.md, docs/RULES.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace specwatch {

struct RulesConfig {
  bool enabled = true;
  // Globs, absolute after loading. Default: the bundled Prometheus rules and the in-sidecar rule
  // sets as the package installs them.
  std::vector<std::string> files = {"/usr/share/specwatch/alerts/*.rules.yml",
                                    "/usr/share/specwatch/rules/*.rules.yml"};
  std::int64_t evaluation_interval_ms = 15'000;
  // Sorted by name; `{{ $externalLabels.x }}` in templates, and added to every alert.
  std::vector<std::pair<std::string, std::string>> external_labels;
  // `{{ $externalURL }}`; empty: http://<instance>.
  std::string external_url;
  // The target labels of the sidecar's own series, as the Prometheus that scrapes it would set
  // them. `instance` empty: derived at start (see default_instance()).
  std::string job = "specwatch";
  std::string instance;
  std::size_t max_samples = 2'000'000;
};

// The sidecar's `instance` as a scrape of it would name it: $POD_IP:<port> in a pod (the
// downward API), else <host name>:<port>.
std::string default_instance(const std::string& pod_ip, const std::string& host_name,
                             std::uint16_t port);

}  // namespace specwatch
