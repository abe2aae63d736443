#include "tests/integration/support/sidecar_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "tests/integration/support/temp_dir.h"

namespace specwatch::testing {
namespace {

pid_t spawn(const std::string& binary_path, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env, int out_fd) {
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    std::string binary = binary_path;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

void fill_result(int status, ProcessResult& r) {
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
}

}  // namespace

ProcessResult run_specwatch(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env) {
  TempDir dir;
  std::string out_path = dir.file("out");
  int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = spawn(SPECWATCH_BINARY, args, env, fd);
  ::close(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  ProcessResult r;
  fill_result(status, r);
  r.output = read_file(out_path);
  return r;
}

SidecarProcess::SidecarProcess(std::string config_path, std::string log_path,
                               std::map<std::string, std::string> env, std::string binary)
    : log_path_(std::move(log_path)) {
  int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_ = spawn(binary, {"run", "--config", config_path}, env, fd);
  ::close(fd);
}

SidecarProcess::~SidecarProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string SidecarProcess::log() const {
  return read_file(log_path_);
}

std::uint16_t SidecarProcess::wait_started(std::chrono::milliseconds timeout) {
  static const std::regex started(R"re("msg":"specwatch started".*"listen":"[^"]*:(\d+)")re");
  std::smatch m;
  wait_until(
      [&] {
        std::string text = log();
        // The last start line wins (a reload on a new address logs again).
        auto pos = text.rfind("\"msg\":\"specwatch started\"");
        if (pos == std::string::npos) return !running();
        auto begin = text.rfind('\n', pos);
        begin = begin == std::string::npos ? 0 : begin + 1;
        auto end = text.find('\n', pos);
        if (end == std::string::npos) return false;  // line not complete yet
        std::string line = text.substr(begin, end - begin);
        if (std::regex_search(line, m, started)) {
          port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
          return true;
        }
        return false;
      },
      timeout);
  return port_;
}

void SidecarProcess::send_signal(int sig) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
}

bool SidecarProcess::running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    fill_result(status, result_);
    return false;
  }
  return true;
}

ProcessResult SidecarProcess::wait_exit(std::chrono::milliseconds timeout) {
  wait_until([&] { return !running(); }, timeout);
  result_.output = log();
  return result_;
}

}  // namespace specwatch::testing
