#include "sidecar/config/config_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace specwatch {

std::optional<std::string> read_config_text(const std::string& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::string(std::strerror(errno));
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      return std::string(std::strerror(saved));
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return std::nullopt;
}

std::string current_dir() {
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  return ec ? std::string(".") : cwd.string();
}

YAML::Node parse_yaml_root(std::string_view yaml_text, ErrorCollector& errors) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    errors.add(e.mark, "", e.msg);
    return YAML::Node(YAML::NodeType::Undefined);
  }
  if (documents.size() > 1) {
    errors.add(documents[1], "",
               "expected one YAML document, found " + std::to_string(documents.size()));
  }
  return documents.empty() ? YAML::Node() : documents[0];
}

bool has_error_for(const std::vector<ConfigError>& errors, std::string_view key) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const ConfigError& error) { return error.key == key; });
}

void order_errors(std::vector<ConfigError>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
    const bool a_env = a.file == kEnvironmentFile;
    const bool b_env = b.file == kEnvironmentFile;
    if (a_env != b_env) return b_env;
    if (a_env) return false;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
}

std::optional<std::string> check_state_dir(const std::string& dir) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0) {
    if (!S_ISDIR(info.st_mode)) return dir + " exists but is not a directory";
  } else {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return "cannot create directory " + dir + ": " + ec.message();
  }
  // access() is not enough: it ignores read-only mounts and ACL subtleties; a real file is.
  const std::string probe = dir + "/.specwatch-write-probe-" + std::to_string(::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "directory " + dir + " is not writable: " + std::strerror(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return std::nullopt;
}

}  // namespace specwatch
