// Runs the real specwatch binary for integration tests: its stderr goes to a file the test reads,
// its HTTP port is taken from its "specwatch started" log line (configs use port 0).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/support/wait_until.h"

namespace specwatch::testing {

using namespace std::chrono_literals;

struct ProcessResult {
  int exit_code = -1;  // -1 while running or when killed by a signal
  int signal = 0;
  std::string output;  // stdout + stderr
};

// Runs the binary to completion with the given arguments (for validate, version, --help).
ProcessResult run_specwatch(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env = {});

class SidecarProcess {
 public:
  // Starts `specwatch run --config config_path`; stderr to log_path (appended). `binary`: another
  // copy of the executable (a test of the binary without the modules beside it).
  SidecarProcess(std::string config_path, std::string log_path,
                 std::map<std::string, std::string> env = {},
                 std::string binary = SPECWATCH_BINARY);
  ~SidecarProcess();
  SidecarProcess(const SidecarProcess&) = delete;
  SidecarProcess& operator=(const SidecarProcess&) = delete;

  // Waits for the "specwatch started" line and returns the bound port (0 on timeout or exit).
  std::uint16_t wait_started(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  void send_signal(int sig);
  // Waits for the process to end; returns its result (exit_code -1 and signal set if killed).
  ProcessResult wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  bool running();
  std::string log() const;

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool reaped_ = false;
  ProcessResult result_;
};

}  // namespace specwatch::testing
