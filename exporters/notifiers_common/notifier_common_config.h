// The settings every notifier has besides its type's own (docs/NOTIFIERS.md has the table):
// which alerts it takes (`match:`), its queue, its HTTP timeout, retries and TLS.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/config/config_reader.h"
#include "sidecar/rules/labels.h"

namespace specwatch {

struct TlsSettings {
  std::string ca_file;                // PEM bundle to verify the server; empty: the system's
  bool insecure_skip_verify = false;  // no certificate or host name check (tests only)
};

struct RetrySettings {
  int max_attempts = 5;  // attempts per notification, the first one included
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};  // also the cap of an honoured Retry-After
};

struct NotifierCommonConfig {
  // Every matcher must hold for an alert to be taken; empty: every alert.
  std::vector<rules::LabelMatcher> match;
  std::size_t queue_size = 64;  // notify() calls waiting for the delivery thread at most
  std::chrono::milliseconds timeout{10'000};  // one HTTP request, connect to answer
  TlsSettings tls;
  RetrySettings retry;
};

// Slack and webhook messages: repeated while firing, and a resolved message.
struct RepeatSettings {
  std::chrono::milliseconds repeat_interval{4 * 3'600'000};
  bool send_resolved = true;
};

// The keys every `notifiers:` entry may have besides type and name.
const std::vector<std::string>& notifier_common_keys();

// Reads those keys of `entry`; `default_match` (e.g. `severity="critical"`) applies when the
// entry has no `match:`.
void read_notifier_common_config(const YAML::Node& entry, const std::string& key_path,
                                 std::string_view default_match, NotifierCommonConfig& out,
                                 ConfigReader& in);

// `repeat_interval` and `send_resolved` of `entry`.
const std::vector<std::string>& repeat_keys();
void read_repeat_settings(const YAML::Node& entry, const std::string& key_path, RepeatSettings& out,
                          ConfigReader& in);

// `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"` (the value may be
// unquoted). nullopt with `error` set for anything else.
std::optional<rules::LabelMatcher> parse_label_matcher(std::string_view text, std::string& error);

// A duration ("30s", "4h", "500ms", Prometheus' syntax) of at least `min`.
std::optional<std::chrono::milliseconds> read_duration(const YAML::Node& node,
                                                       const std::string& key,
                                                       std::chrono::milliseconds min,
                                                       ConfigReader& in);

// An http:// or https:// URL (checked by HttpUrl::parse); `required` reports a missing key.
void read_url(const YAML::Node& entry, const std::string& key_path, const char* name, bool required,
              std::string& out, ConfigReader& in);

// The type's own keys followed by `repeat_interval` and `send_resolved`.
std::vector<std::string> with_repeat_keys(std::vector<std::string> keys);

// `tls:` (ca_file, insecure_skip_verify): also the Elasticsearch exporter's.
void read_tls_settings(const YAML::Node& node, const std::string& key, TlsSettings& out,
                       ConfigReader& in);

// A path to a file holding a secret (`*_file` keys); its content is never logged.
void read_secret_path(const YAML::Node& entry, const std::string& key_path, const char* name,
                      bool required, std::string& out, ConfigReader& in);

}  // namespace specwatch
