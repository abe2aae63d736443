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
#include <set>
#include <system_error>

#include "sidecar/config/derivation_sections.h"

namespace specwatch {
namespace {

// Reads the whole file; the error message on failure.
std::optional<std::string> read_file(const std::string& path, std::string& out) {
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

bool has_error_for(const std::vector<ConfigError>& errors, std::string_view key) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const ConfigError& error) { return error.key == key; });
}

// File problems in the order they appear in the file, then the <env> problems.
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

}  // namespace

const std::vector<EnvOverride>& env_overrides() {
  static const std::vector<EnvOverride> overrides = {
      {"SPECWATCH_STATE_DIR", "state_dir", read_state_dir},
      {"SPECWATCH_LOG_LEVEL", "log_level", read_log_level},
      {"SPECWATCH_HTTP_LISTEN", "http.listen", read_http_listen},
      {"SPECWATCH_SHUTDOWN_TIMEOUT_MS", "shutdown_timeout_ms", read_shutdown_timeout_ms},
  };
  return overrides;
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

ConfigLoadResult load_config(const std::string& path, const Environment& env) {
  return load_config(path, env, builtin_config_sections());
}

ConfigLoadResult load_config(const std::string& path, const Environment& env,
                             const ConfigSections& sections) {
  std::string text;
  if (auto problem = read_file(path, text)) {
    ConfigLoadResult result;
    result.errors.push_back(
        ConfigError{path, 0, 0, "", "cannot read configuration file: " + *problem});
    return result;
  }
  std::filesystem::path base = std::filesystem::path(path).parent_path();
  return parse_config(text, path, base.empty() ? current_dir() : base.string(), env, sections);
}

ConfigLoadResult parse_config(std::string_view yaml_text, const std::string& file_for_messages,
                              const std::string& base_dir, const Environment& env) {
  return parse_config(yaml_text, file_for_messages, base_dir, env, builtin_config_sections());
}

ConfigLoadResult parse_config(std::string_view yaml_text, const std::string& file_for_messages,
                              const std::string& base_dir, const Environment& env,
                              const ConfigSections& sections) {
  ConfigLoadResult result;
  ErrorCollector errors(file_for_messages);

  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    errors.add(e.mark, "", e.msg);
    result.errors = errors.take();
    return result;
  }
  if (documents.size() > 1) {
    errors.add(documents[1], "",
               "expected one YAML document, found " + std::to_string(documents.size()));
  }

  Config config;
  config.path = file_for_messages;
  ConfigReader reader(errors, env, base_dir);
  const YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
  if (root.IsDefined() && !root.IsNull() && reader.expect_map(root, "")) {
    reader.check_unknown_keys(root, "", sections.keys());
    std::set<std::string> seen;
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string& key = it->first.Scalar();
      if (!seen.insert(key).second) continue;  // a duplicate key is reported, not read
      const SectionParser* parser = sections.find(key);
      if (parser == nullptr) continue;
      try {
        (*parser)(it->second, key, config, reader);
      } catch (const YAML::Exception& e) {
        // A section parser that used yaml-cpp wrongly must not take the daemon down.
        errors.add(e.mark, key, "cannot read this section: " + e.msg);
      }
    }
    check_source_profiles(root, config, reader);
  }

  // Overrides come after the file. Their values are taken literally.
  ErrorCollector env_errors(kEnvironmentFile);
  ConfigReader env_reader(env_errors, env, current_dir(), /*expand=*/false);
  bool state_dir_overridden = false;
  for (const EnvOverride& entry : env_overrides()) {
    const std::string variable(entry.variable);
    std::optional<std::string> value = env ? env(variable) : std::nullopt;
    if (!value || value->empty()) continue;
    entry.apply(YAML::Node(*value), variable, config, env_reader);
    if (entry.key == "state_dir") state_dir_overridden = true;
  }

  // The state directory is checked once, for its final value, where that value was written.
  if (state_dir_overridden) {
    if (!has_error_for(env_errors.errors(), "SPECWATCH_STATE_DIR")) {
      if (auto problem = check_state_dir(config.state_dir)) {
        env_errors.add(YAML::Mark::null_mark(), "SPECWATCH_STATE_DIR", *problem);
      }
    }
  } else if (!has_error_for(errors.errors(), "state_dir")) {
    if (auto problem = check_state_dir(config.state_dir)) {
      const YAML::Node written =
          root.IsMap() && root["state_dir"].IsDefined() ? root["state_dir"] : root;
      errors.add(written, "state_dir", *problem);
    }
  }

  result.errors = errors.take();
  for (ConfigError& error : env_errors.take()) result.errors.push_back(std::move(error));
  order_errors(result.errors);
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace specwatch
