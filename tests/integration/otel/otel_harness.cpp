#include "tests/integration/otel/otel_harness.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "tests/integration/support/log_ports.h"

namespace specwatch::testing {
namespace {

const std::string kOtelDir = std::string(SPECWATCH_SOURCE_DIR) + "/tests/otel";

bool is_executable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

// The node found at configure time, else the first on PATH.
std::string find_node() {
  if (is_executable(SPECWATCH_NODE)) return SPECWATCH_NODE;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && is_executable(dir + "/node")) return dir + "/node";
  }
  return "";
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string otel_config(const std::string& state_dir, const std::string& otlp_extra) {
  return "http:\n  listen: \"127.0.0.1:0\"\n"
         "state_dir: \"" +
         state_dir +
         "\"\n"
         "log_level: info\n"
         "shutdown_timeout_ms: 5000\n"
         "otlp:\n  grpc: {listen: \"127.0.0.1:0\"}\n  http: {listen: \"127.0.0.1:0\"}\n" +
         otlp_extra + "sources: []\n";
}

OtelSidecar::OtelSidecar(const std::string& otlp_extra) {
  write_file(dir_.file("specwatch.yaml"), otel_config(dir_.file("state"), otlp_extra));
  process_ =
      std::make_unique<SidecarProcess>(dir_.file("specwatch.yaml"), dir_.file("sidecar.out"));
  metrics_port_ = process_->wait_started();
  otlp_http_port_ = wait_logged_port(*process_, kOtlpHttpListening);
  otlp_grpc_port_ = wait_logged_port(*process_, kOtlpGrpcListening);
  if (metrics_port_ == 0 || otlp_http_port_ == 0 || otlp_grpc_port_ == 0) {
    problem_ = "sidecar not up (metrics " + std::to_string(metrics_port_) + ", OTLP/HTTP " +
               std::to_string(otlp_http_port_) + ", OTLP/gRPC " + std::to_string(otlp_grpc_port_) +
               "):\n" + process_->log();
  }
}

MetricsMap OtelSidecar::scrape() const {
  return testing::scrape(metrics_port_);
}

MetricsMap OtelSidecar::wait_for(const std::string& series, double value) const {
  MetricsMap last;
  wait_until([&] {
    last = scrape();
    return value_of(last, series) == value;
  });
  return last;
}

std::string node_problem() {
  return node_problem(kOtelDir, "@opentelemetry/sdk-trace-base");
}

std::string node_problem(const std::string& npm_dir, const std::string& package) {
  if (find_node().empty()) {
    return "node is not installed (neither found at configure time nor on PATH): run "
           "`scripts/setup.sh test`";
  }
  struct stat st {};
  if (::stat((npm_dir + "/node_modules/" + package).c_str(), &st) != 0) {
    return npm_dir + "/node_modules is missing (" + package + "): run `scripts/setup.sh test`";
  }
  return "";
}

NodeResult run_sender(const std::string& scenario, const OtelSidecar& sidecar) {
  return run_node(kOtelDir + "/send.js",
                  {scenario, "--http", sidecar.http_endpoint(), "--grpc", sidecar.grpc_endpoint()});
}

NodeResult run_node(const std::string& script, const std::vector<std::string>& args) {
  NodeResult result;
  std::string command = "exec " + shell_quote(find_node()) + " " + shell_quote(script);
  for (const std::string& arg : args) command += " " + shell_quote(arg);
  command += " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    result.output = "popen failed";
    return result;
  }
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace specwatch::testing
