// A real Alertmanager (Debian's /usr/bin/prometheus-alertmanager) for tests: the bundled
// alerts/alertmanager.yml and its templates copied to a temporary directory, its PagerDuty and
// Slack receivers pointed at stand-ins (the secret files written there too) and its grouping
// waits shortened to a second, started on a free loopback port without clustering.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace specwatch::testing {

class AlertmanagerProcess {
 public:
  static constexpr const char* kBinary = "/usr/bin/prometheus-alertmanager";

  // `dir`: an empty temporary directory; `source_dir`: the repository root.
  AlertmanagerProcess(const std::string& dir, const std::string& source_dir,
                      const std::string& pagerduty_url, const std::string& pagerduty_routing_key,
                      const std::string& slack_url);
  ~AlertmanagerProcess();
  AlertmanagerProcess(const AlertmanagerProcess&) = delete;
  AlertmanagerProcess& operator=(const AlertmanagerProcess&) = delete;

  // Polls GET /-/ready until it answers 200.
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& config_path() const { return config_path_; }
  std::string log() const;

 private:
  std::string dir_;
  std::string config_path_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// The bundled config with the receivers redirected (what AlertmanagerProcess writes).
std::string rewritten_alertmanager_config(const std::string& bundled,
                                          const std::string& secrets_dir,
                                          const std::string& pagerduty_url);

// A loopback TCP port free at the time of the call.
std::uint16_t free_loopback_port();

}  // namespace specwatch::testing
