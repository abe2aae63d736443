// Private to the file source's translation units (file_source*.cpp): the bounds they share, small
// helpers, and the acknowledgement hub every batch's callback holds.
#pragma once

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "sidecar/sources/file/file_source.h"

namespace specwatch {
namespace file_source_internal {

using Clock = std::chrono::steady_clock;

// Rounds of reading every file before the source looks at the watcher again, and chunks read
// from one file per round: a file written faster than we read cannot starve the others or the
// stop request.
constexpr int kMaxReadRounds = 64;
constexpr std::size_t kChunksPerRound = 4;
// How far back start_at=end looks for the last line end.
constexpr std::uint64_t kStartAtEndLookback = 65536;
// New files opened per scan: a burst of thousands of files is taken in steps, so reading the
// others and the stop request are not held up; the rest comes in the next cycles at once.
constexpr std::size_t kMaxNewFilesPerScan = 256;
// Known contents sharing one head fingerprint checked for one new file (one pread each). More
// are not checked: such a file is read from its start (a duplicate at worst, never a loss).
constexpr std::size_t kMaxCopyCandidates = 16;
// Retired contents kept (and checkpointed) at most, oldest dropped first.
constexpr std::size_t kMaxRetired = 4096;

inline std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string errno_text() {
  return std::strerror(errno);
}

inline std::int64_t mtime_ns(const struct stat& info) {
  return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec;
}

inline int ms_until(Clock::time_point when, Clock::time_point now) {
  if (when <= now) return 0;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when - now).count();
  return static_cast<int>(std::min<long long>(ms + 1, 24LL * 3600 * 1000));
}

}  // namespace file_source_internal

using file_source_internal::Clock;

// Shared with every acknowledgement callback, which may outlive the source and runs on any
// thread: counts batches in flight (for stop's drain) and wakes the source thread when a
// checkpoint has become worth writing.
struct FileSource::AckHub {
  explicit AckHub(std::shared_ptr<Watcher> w) : watcher(std::move(w)) {}
  void on_emit() {
    std::lock_guard lock(mutex);
    ++outstanding;
  }
  void on_ack(bool changed) {
    {
      std::lock_guard lock(mutex);
      --outstanding;
      if (changed && unpersisted_since == Clock::time_point{}) unpersisted_since = Clock::now();
    }
    cv.notify_all();
    if (changed && !dirty.exchange(true)) watcher->wake();
  }
  bool wait_drained(int timeout_ms) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, std::chrono::milliseconds(std::max(timeout_ms, 0)),
                       [&] { return outstanding == 0; });
  }
  std::int64_t in_flight() {
    std::lock_guard lock(mutex);
    return outstanding;
  }
  // The oldest acknowledgement not persisted yet; taken before a checkpoint write, given back
  // if it fails.
  Clock::time_point take_unpersisted() {
    std::lock_guard lock(mutex);
    return std::exchange(unpersisted_since, Clock::time_point{});
  }
  void restore_unpersisted(Clock::time_point since) {
    std::lock_guard lock(mutex);
    if (since != Clock::time_point{} &&
        (unpersisted_since == Clock::time_point{} || since < unpersisted_since)) {
      unpersisted_since = since;
    }
  }
  double unpersisted_age_seconds() {
    std::lock_guard lock(mutex);
    if (unpersisted_since == Clock::time_point{}) return 0;
    return std::chrono::duration<double>(Clock::now() - unpersisted_since).count();
  }

  std::shared_ptr<Watcher> watcher;
  std::mutex mutex;
  std::condition_variable cv;
  std::int64_t outstanding = 0;
  Clock::time_point unpersisted_since{};
  std::atomic<bool> dirty{false};
};

}  // namespace specwatch
