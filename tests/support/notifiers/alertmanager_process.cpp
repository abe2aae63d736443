#include "tests/support/notifiers/alertmanager_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace specwatch::testing {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_all(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// One GET to the loopback port; the status, 0 when nothing answered.
unsigned get_status(std::uint16_t port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  unsigned status = 0;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[64] = {};
      if (read(fd, buffer, sizeof buffer - 1) > 12)
        status = static_cast<unsigned>(std::atoi(buffer + 9));
    }
  }
  close(fd);
  return status;
}

}  // namespace

std::uint16_t free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

std::string rewritten_alertmanager_config(const std::string& bundled,
                                          const std::string& secrets_dir,
                                          const std::string& pagerduty_url) {
  std::string config = bundled;
  replace_all(config, "/etc/alertmanager/secrets/", secrets_dir + "/");
  replace_all(config, "group_wait: 30s", "group_wait: 1s");
  replace_all(config, "group_interval: 5m", "group_interval: 1s");
  const std::string key_line =
      "      - routing_key_file: " + secrets_dir + "/pagerduty-routing-key\n";
  const std::size_t at = config.find(key_line);
  if (at == std::string::npos) throw std::runtime_error("no routing_key_file in alertmanager.yml");
  config.insert(at + key_line.size(), "        url: " + pagerduty_url + "\n");
  return config;
}

AlertmanagerProcess::AlertmanagerProcess(const std::string& dir, const std::string& source_dir,
                                         const std::string& pagerduty_url,
                                         const std::string& pagerduty_routing_key,
                                         const std::string& slack_url)
    : dir_(dir), config_path_(dir + "/alertmanager.yml") {
  namespace fs = std::filesystem;
  fs::create_directories(dir + "/secrets");
  fs::create_directories(dir + "/data");
  fs::copy(source_dir + "/alerts/templates", dir + "/templates", fs::copy_options::recursive);
  write_all(dir + "/secrets/pagerduty-routing-key", pagerduty_routing_key + "\n");
  write_all(dir + "/secrets/slack-webhook-url", slack_url + "\n");
  write_all(config_path_,
            rewritten_alertmanager_config(read_all(source_dir + "/alerts/alertmanager.yml"),
                                          dir + "/secrets", pagerduty_url));
  port_ = free_loopback_port();
  std::vector<std::string> args = {kBinary,
                                   "--config.file=" + config_path_,
                                   "--storage.path=" + dir + "/data",
                                   "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                   "--cluster.listen-address=",
                                   "--log.level=debug"};
  const std::string log_path = dir + "/alertmanager.log";
  pid_ = fork();
  if (pid_ == 0) {
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(kBinary, argv.data());
    _exit(127);
  }
}

AlertmanagerProcess::~AlertmanagerProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
}

bool AlertmanagerProcess::wait_ready(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (get_status(port_, "/-/ready") == 200) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string AlertmanagerProcess::log() const {
  return read_all(dir_ + "/alertmanager.log");
}

}  // namespace specwatch::testing
