#include "sidecar/sources/file/checkpoint_store.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace specwatch {

namespace {

constexpr int kFormatVersion = 1;

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// mkdir -p for the state directory.
bool make_dirs(const std::string& dir) {
  if (dir.empty()) return false;
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
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

}  // namespace

CheckpointStore::CheckpointStore(std::string state_dir, std::string source_name)
    : dir_(std::move(state_dir) + "/checkpoints"),
      path_(dir_ + "/" + source_name + ".json"),
      source_(std::move(source_name)) {}

std::string CheckpointStore::serialize(const std::string& source,
                                       const std::vector<CheckpointEntry>& entries) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("version");
  w.Int(kFormatVersion);
  w.Key("source");
  w.String(source.c_str(), static_cast<rapidjson::SizeType>(source.size()));
  w.Key("files");
  w.StartArray();
  for (const auto& e : entries) {
    w.StartObject();
    w.Key("path");
    w.String(e.path.c_str(), static_cast<rapidjson::SizeType>(e.path.size()));
    w.Key("dev");
    w.Uint64(e.identity.dev);
    w.Key("ino");
    w.Uint64(e.identity.ino);
    w.Key("fingerprint_length");
    w.Uint64(e.identity.fingerprint.length);
    w.Key("fingerprint_hash");
    w.Uint64(e.identity.fingerprint.hash);
    w.Key("offset");
    w.Uint64(e.offset);
    if (!e.seen_keys.empty()) {
      w.Key("seen_keys");
      w.StartArray();
      for (const auto& k : e.seen_keys) {
        w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
      }
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::string out(buffer.GetString(), buffer.GetSize());
  out += '\n';
  return out;
}

std::optional<std::vector<CheckpointEntry>> CheckpointStore::parse(const std::string& text,
                                                                   std::string& error) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) {
    error = "invalid JSON at offset " + std::to_string(doc.GetErrorOffset());
    return std::nullopt;
  }
  if (!doc.IsObject() || !doc.HasMember("version") || !doc["version"].IsInt() ||
      doc["version"].GetInt() != kFormatVersion || !doc.HasMember("files") ||
      !doc["files"].IsArray()) {
    error = "not a version 1 checkpoint object with a \"files\" array";
    return std::nullopt;
  }
  std::vector<CheckpointEntry> entries;
  for (const auto& f : doc["files"].GetArray()) {
    auto u64 = [&](const char* key, std::uint64_t& out) {
      if (!f.HasMember(key) || !f[key].IsUint64()) return false;
      out = f[key].GetUint64();
      return true;
    };
    CheckpointEntry e;
    if (!f.IsObject() || !f.HasMember("path") || !f["path"].IsString() ||
        !u64("dev", e.identity.dev) || !u64("ino", e.identity.ino) ||
        !u64("fingerprint_length", e.identity.fingerprint.length) ||
        !u64("fingerprint_hash", e.identity.fingerprint.hash) || !u64("offset", e.offset)) {
      error =
          "a \"files\" entry lacks path, dev, ino, fingerprint_length, fingerprint_hash or "
          "offset";
      return std::nullopt;
    }
    e.path.assign(f["path"].GetString(), f["path"].GetStringLength());
    if (f.HasMember("seen_keys")) {
      if (!f["seen_keys"].IsArray()) {
        error = "\"seen_keys\" is not an array";
        return std::nullopt;
      }
      for (const auto& k : f["seen_keys"].GetArray()) {
        if (!k.IsString()) {
          error = "\"seen_keys\" holds a non-string";
          return std::nullopt;
        }
        e.seen_keys.emplace_back(k.GetString(), k.GetStringLength());
      }
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

CheckpointLoad CheckpointStore::load() const {
  CheckpointLoad result;
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    if (errno != ENOENT) result.error = errno_text("cannot open " + path_);
    return result;
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string error;
  auto entries = parse(content.str(), error);
  if (!entries) {
    result.corrupt = true;
    result.error = error;
    result.corrupt_path = path_ + ".corrupt";
    std::rename(path_.c_str(), result.corrupt_path.c_str());
    return result;
  }
  result.found = true;
  result.entries = std::move(*entries);
  return result;
}

std::string CheckpointStore::save(const std::vector<CheckpointEntry>& entries) const {
  if (!make_dirs(dir_)) return errno_text("cannot create " + dir_);
  std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_text("cannot create " + tmp);
  std::string text = serialize(source_, entries);
  if (!write_all(fd, text) || ::fsync(fd) != 0) {
    std::string err = errno_text("cannot write " + tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return err;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    std::string err = errno_text("cannot rename " + tmp);
    ::unlink(tmp.c_str());
    return err;
  }
  // The rename is durable only once the directory entry is.
  int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

}  // namespace specwatch
