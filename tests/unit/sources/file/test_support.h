// Shared fixtures for the file source tests: temporary directories, a recording BatchConsumer
// that acknowledges at once or holds acknowledgements, file writing helpers and a harness that
// owns the logger, metrics and error reporter a FileSource needs.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sidecar/core/error_reporter.h"
#include "sidecar/core/logger.h"
#include "sidecar/sources/file/file_source.h"
#include "tests/support/wait_until.h"

namespace specwatch::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "specwatch-tail-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void append_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
}

inline void write_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
}

// Replaces the file's content atomically (temp file + rename), as document writers do.
inline void replace_file(const std::string& path, const std::string& text) {
  write_file(path + ".writing", text);
  ASSERT_EQ(::rename((path + ".writing").c_str(), path.c_str()), 0);
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::uint64_t file_size(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return static_cast<std::uint64_t>(info.st_size);
}

inline std::string ndjson_lines(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) out += "{\"n\":" + std::to_string(i) + "}\n";
  return out;
}

struct SeenRecord {
  std::string data;
  RecordFormat format;
  std::string origin;
};

class RecordingConsumer : public BatchConsumer {
 public:
  bool consume(RecordBatch&& batch) override {
    std::lock_guard lock(mutex_);
    ++batches_;
    last_source_ = batch.source;
    last_service_ = batch.service;
    last_profile_ = batch.profile;
    batch_sizes_.push_back(batch.records.size());
    for (auto& r : batch.records) {
      records_.push_back({std::string(r.data), r.format, std::string(r.origin)});
    }
    if (hold_) held_.push_back(batch.ack);
    return true;
  }

  void hold_acks(bool hold) {
    std::lock_guard lock(mutex_);
    hold_ = hold;
  }
  // Releases the held acknowledgement of the index-th held batch (0-based).
  void release(std::size_t index) {
    BatchAck ack;
    {
      std::lock_guard lock(mutex_);
      ack = held_.at(index);
      held_.at(index).release();
    }
    ack.release();
  }
  void release_all() {
    std::vector<BatchAck> all;
    {
      std::lock_guard lock(mutex_);
      all.swap(held_);
    }
    all.clear();
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return records_.size();
  }
  std::size_t batches() const {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  std::vector<std::size_t> batch_sizes() const {
    std::lock_guard lock(mutex_);
    return batch_sizes_;
  }
  std::vector<SeenRecord> records() const {
    std::lock_guard lock(mutex_);
    return records_;
  }
  std::vector<std::string> data() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& r : records_) out.push_back(r.data);
    return out;
  }
  std::string last_source() const {
    std::lock_guard lock(mutex_);
    return last_source_;
  }
  std::string last_service() const {
    std::lock_guard lock(mutex_);
    return last_service_;
  }
  std::string last_profile() const {
    std::lock_guard lock(mutex_);
    return last_profile_;
  }
  bool wait_count(std::size_t n) {
    return wait_until([&] { return count() >= n; });
  }

 private:
  mutable std::mutex mutex_;
  bool hold_ = false;
  std::size_t batches_ = 0;
  std::vector<std::size_t> batch_sizes_;
  std::vector<SeenRecord> records_;
  std::vector<BatchAck> held_;
  std::string last_source_, last_service_, last_profile_;
};

// Owns what a FileSource borrows.
class Harness {
 public:
  Harness()
      : logger_(LogLevel::kDebug,
                [this](std::string_view line) {
                  std::lock_guard lock(log_mutex_);
                  log_ += line;
                }),
        errors_family_(prometheus::BuildCounter()
                           .Name("specwatch_source_errors_total")
                           .Help("errors")
                           .Register(registry_)),
        errors_(logger_, errors_family_),
        metrics_(registry_) {}

  static TailConfig fast_tail() {
    TailConfig tail;
    tail.poll_interval_ms = 50;
    tail.checkpoint_interval_ms = 20;
    tail.rotate_wait_ms = 200;
    tail.read_buffer_bytes = 4096;
    tail.fingerprint_bytes = 64;
    return tail;
  }

  static FileSourceConfig source_config(const std::string& name, const std::string& include) {
    FileSourceConfig config;
    config.name = name;
    config.include = {include};
    return config;
  }

  std::unique_ptr<FileSource> make(const FileSourceConfig& config, const TailConfig& tail,
                                   const std::string& state_dir, BatchConsumer& consumer,
                                   std::size_t batch_max_records = 1024) {
    return std::make_unique<FileSource>(config, tail, batch_max_records, state_dir, consumer,
                                        logger_, errors_, metrics_);
  }

  double error_count(const std::string& source, const std::string& reason) {
    return errors_.counter(source, reason).Value();
  }
  FileSourceMetrics& metrics() { return metrics_; }
  std::string log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

 private:
  std::mutex log_mutex_;
  std::string log_;
  Logger logger_;
  prometheus::Registry registry_;
  prometheus::Family<prometheus::Counter>& errors_family_;
  ErrorReporter errors_;
  FileSourceMetrics metrics_;
};

// Waits until the source has completed `n` more full scans than now.
inline bool wait_scans(const FileSource& source, std::uint64_t n) {
  std::uint64_t target = source.scans_completed() + n;
  return wait_until([&] { return source.scans_completed() >= target; });
}

}  // namespace specwatch::testing
