// The watcher: one blocking wait for "something may have changed" behind one API, whether
// inotify is in use or not. It multiplexes the inotify descriptor, an eventfd that other threads
// use to wake the source (stop, acknowledgements, tests) and a timeout for the stat poll.
// inotify is a hint that saves latency; the periodic poll is what guarantees nothing is missed.
#pragma once

#include <map>
#include <set>
#include <string>

namespace specwatch {

struct WatchEvents {
  bool woken = false;      // the eventfd was written
  bool timed_out = false;  // nothing happened within the timeout
  bool structure = false;  // files appeared, disappeared, were renamed or changed attributes
  bool modified = false;   // a watched file was written to
  bool overflow = false;   // the kernel queue overflowed: events were lost
};

class Watcher {
 public:
  // `use_inotify` false, or inotify_init failing, leaves the watcher poll-only.
  explicit Watcher(bool use_inotify);
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  bool inotify_active() const { return inotify_fd_ >= 0; }
  // The inotify error if inotify was requested but could not be set up.
  const std::string& inotify_error() const { return inotify_error_; }

  // Makes the watched directory set equal to `dirs` (adds new watches, drops stale ones).
  // Directories that cannot be watched are retried at the next call.
  void set_directories(const std::set<std::string>& dirs);

  // Blocks until an event, a wake() or `timeout_ms` (-1 = forever).
  WatchEvents wait(int timeout_ms);

  // Thread-safe; async-signal-safe.
  void wake();

 private:
  void drain_inotify(WatchEvents& events);

  int inotify_fd_ = -1;
  int wake_fd_ = -1;
  std::string inotify_error_;
  std::map<int, std::string> dir_by_wd_;
  std::map<std::string, int> wd_by_dir_;
};

}  // namespace specwatch
