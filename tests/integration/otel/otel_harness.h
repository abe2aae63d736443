// The real sidecar with both OTLP receivers on loopback ports, and the Node.js scripts of
// tests/otel that drive it with the real OpenTelemetry JavaScript SDK.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"

namespace specwatch::testing {

// Config with no file sources: OTLP/HTTP and OTLP/gRPC on 127.0.0.1:0, `otlp_extra` added to
// the otlp: section (lines indented by two spaces).
std::string otel_config(const std::string& state_dir, const std::string& otlp_extra = "");

class OtelSidecar {
 public:
  explicit OtelSidecar(const std::string& otlp_extra = "");
  // Empty when the sidecar and both receivers are up; else what went wrong, with the log.
  const std::string& problem() const { return problem_; }
  std::uint16_t metrics_port() const { return metrics_port_; }
  std::uint16_t otlp_http_port() const { return otlp_http_port_; }
  std::uint16_t otlp_grpc_port() const { return otlp_grpc_port_; }
  std::string http_endpoint() const {
    return "http://127.0.0.1:" + std::to_string(otlp_http_port_);
  }
  std::string grpc_endpoint() const {
    return "http://127.0.0.1:" + std::to_string(otlp_grpc_port_);
  }
  SidecarProcess& process() { return *process_; }
  MetricsMap scrape() const;
  // Polls /metrics until `series` has `value` (20 s deadline); returns the last scrape.
  MetricsMap wait_for(const std::string& series, double value) const;

 private:
  TempDir dir_;
  std::unique_ptr<SidecarProcess> process_;
  std::uint16_t metrics_port_ = 0;
  std::uint16_t otlp_http_port_ = 0;
  std::uint16_t otlp_grpc_port_ = 0;
  std::string problem_;
};

struct NodeResult {
  int exit_code = -1;
  std::string output;
};

// Empty when node and tests/otel/node_modules are there; else a message naming
// `scripts/setup.sh test`.
std::string node_problem();

// Runs `node tests/otel/send.js <scenario> --http <http> --grpc <grpc>` and waits for it.
NodeResult run_sender(const std::string& scenario, const OtelSidecar& sidecar);

// Empty when node and `<npm_dir>/node_modules/<package>` are there; else a message naming
// `scripts/setup.sh test`.
std::string node_problem(const std::string& npm_dir, const std::string& package);

// Runs `node <script> <args...>` (stderr folded into the output) and waits for it.
NodeResult run_node(const std::string& script, const std::vector<std::string>& args);

}  // namespace specwatch::testing
