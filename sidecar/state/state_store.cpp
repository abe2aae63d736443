#include "sidecar/state/state_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace specwatch {

namespace {

constexpr const char* kSuffix = ".json";
// The envelope every document is wrapped in: {"schema_version": N, "data": <document>}.
constexpr const char* kVersionKey = "schema_version";
constexpr const char* kDataKey = "data";

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// mkdir -p; directories the store creates are 0700. An existing directory of the store itself is
// tightened to 0700 too (older versions made it 0755).
bool make_dirs(const std::string& dir) {
  if (dir.empty()) return false;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    std::string partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return false;
  if (!S_ISDIR(info.st_mode)) {
    errno = ENOTDIR;
    return false;
  }
  ::chmod(dir.c_str(), 0700);
  return true;
}

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      errno = err;
      return false;
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return true;
}

}  // namespace

StateStore::StateStore(std::string dir) : dir_(std::move(dir)) {}

std::string StateStore::path_of(const std::string& name) const {
  return dir_ + "/" + name + kSuffix;
}

bool StateStore::valid_name(const std::string& name) {
  if (name.empty() || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

StateRead StateStore::read(const std::string& name, int max_version) const {
  StateRead result;
  const std::string path = path_of(name);
  std::string text;
  if (!read_all(path, text)) {
    if (errno == ENOENT) return result;
    result.status = StateRead::Status::kError;
    result.error = errno_text("cannot read " + path);
    return result;
  }
  auto set_aside = [&](std::string why) {
    result.status = StateRead::Status::kCorrupt;
    result.error = std::move(why);
    result.corrupt_path = path + ".corrupt";
    if (std::rename(path.c_str(), result.corrupt_path.c_str()) != 0) {
      result.error +=
          " (and it could not be moved aside: " + std::string(std::strerror(errno)) + ")";
    }
    return result;
  };
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) {
    return set_aside(path + ": invalid JSON at offset " + std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) return set_aside(path + ": not a JSON object");
  if (!doc.HasMember(kVersionKey)) {
    // Written before the store existed: the caller knows the older format and migrates it.
    result.status = StateRead::Status::kLegacy;
    result.data = std::move(text);
    return result;
  }
  const auto& version = doc[kVersionKey];
  if (!version.IsInt() || version.GetInt() < 1 || !doc.HasMember(kDataKey)) {
    return set_aside(path +
                     ": \"schema_version\" is not a positive integer or \"data\" is missing");
  }
  if (version.GetInt() > max_version) {
    return set_aside(path + ": schema version " + std::to_string(version.GetInt()) +
                     " is newer than this specwatch reads (" + std::to_string(max_version) + ")");
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc[kDataKey].Accept(writer);
  result.status = StateRead::Status::kOk;
  result.version = version.GetInt();
  result.data.assign(buffer.GetString(), buffer.GetSize());
  return result;
}

std::string StateStore::write(const std::string& name, int version, const std::string& data) const {
  if (!valid_name(name)) return "invalid state document name \"" + name + "\"";
  {
    rapidjson::Document check;
    check.Parse(data.c_str(), data.size());
    if (check.HasParseError()) return "state document " + name + " is not valid JSON";
  }
  if (!make_dirs(dir_)) return errno_text("cannot create " + dir_);
  const std::string path = path_of(name);
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_text("cannot create " + tmp);
  ::fchmod(fd, 0600);  // a temp file left by an older version may have other modes
  std::string text = std::string("{\"") + kVersionKey + "\":" + std::to_string(version) + ",\"" +
                     kDataKey + "\":" + data + "}\n";
  if (!write_all(fd, text) || ::fsync(fd) != 0) {
    std::string err = errno_text("cannot write " + tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return err;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = errno_text("cannot rename " + tmp + " to " + path);
    ::unlink(tmp.c_str());
    return err;
  }
  // The rename is durable only once the directory entry is.
  int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return errno_text("cannot open " + dir_ + " to sync it");
  int synced = ::fsync(dir_fd);
  ::close(dir_fd);
  if (synced != 0) return errno_text("cannot sync " + dir_);
  return {};
}

std::vector<std::string> StateStore::list() const {
  std::vector<std::string> names;
  DIR* handle = ::opendir(dir_.c_str());
  if (handle == nullptr) return names;
  const std::string suffix = kSuffix;
  while (struct dirent* entry = ::readdir(handle)) {
    std::string file = entry->d_name;
    if (file.size() <= suffix.size() ||
        file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    std::string name = file.substr(0, file.size() - suffix.size());
    if (valid_name(name)) names.push_back(std::move(name));
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

std::string StateStore::remove(const std::string& name) const {
  if (!valid_name(name)) return "invalid state document name \"" + name + "\"";
  const std::string path = path_of(name);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_text("cannot remove " + path);
  return {};
}

}  // namespace specwatch
