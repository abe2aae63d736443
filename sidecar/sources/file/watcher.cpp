#include "sidecar/sources/file/watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace specwatch {

namespace {

constexpr std::uint32_t kWatchMask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                     IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF |
                                     IN_MOVE_SELF;
constexpr std::uint32_t kStructureMask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                         IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED;

}  // namespace

Watcher::Watcher(bool use_inotify) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (use_inotify) {
    inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd_ < 0) inotify_error_ = std::strerror(errno);
  }
}

Watcher::~Watcher() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void Watcher::set_directories(const std::set<std::string>& dirs) {
  if (inotify_fd_ < 0) return;
  for (auto it = wd_by_dir_.begin(); it != wd_by_dir_.end();) {
    if (dirs.count(it->first) == 0) {
      ::inotify_rm_watch(inotify_fd_, it->second);
      dir_by_wd_.erase(it->second);
      it = wd_by_dir_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& dir : dirs) {
    if (wd_by_dir_.count(dir) != 0) continue;
    int wd = ::inotify_add_watch(inotify_fd_, dir.c_str(), kWatchMask);
    if (wd < 0) continue;  // gone or not permitted: the poll covers it, the next scan retries
    wd_by_dir_[dir] = wd;
    dir_by_wd_[wd] = dir;
  }
}

void Watcher::wake() {
  std::uint64_t one = 1;
  ssize_t n = ::write(wake_fd_, &one, sizeof(one));
  (void)n;  // EAGAIN means a wake-up is already pending
}

WatchEvents Watcher::wait(int timeout_ms) {
  WatchEvents events;
  pollfd fds[2];
  int count = 0;
  fds[count++] = {wake_fd_, POLLIN, 0};
  if (inotify_fd_ >= 0) fds[count++] = {inotify_fd_, POLLIN, 0};
  int n = ::poll(fds, static_cast<nfds_t>(count), timeout_ms);
  if (n == 0) {
    events.timed_out = true;
    return events;
  }
  if (n < 0) return events;  // EINTR: the caller loops
  if (fds[0].revents & POLLIN) {
    std::uint64_t value = 0;
    ssize_t r = ::read(wake_fd_, &value, sizeof(value));
    (void)r;
    events.woken = true;
  }
  if (count > 1 && (fds[1].revents & POLLIN)) drain_inotify(events);
  return events;
}

void Watcher::drain_inotify(WatchEvents& events) {
  alignas(inotify_event) char buffer[16384];
  for (;;) {
    ssize_t n = ::read(inotify_fd_, buffer, sizeof(buffer));
    if (n <= 0) return;  // EAGAIN: drained
    for (char* p = buffer; p < buffer + n;) {
      auto* event = reinterpret_cast<inotify_event*>(p);
      if (event->mask & IN_Q_OVERFLOW) events.overflow = true;
      if (event->mask & kStructureMask) events.structure = true;
      if (event->mask & (IN_MODIFY | IN_CLOSE_WRITE)) events.modified = true;
      if (event->mask & IN_IGNORED) {
        auto it = dir_by_wd_.find(event->wd);
        if (it != dir_by_wd_.end()) {
          wd_by_dir_.erase(it->second);
          dir_by_wd_.erase(it);
        }
      }
      p += sizeof(inotify_event) + event->len;
    }
  }
}

}  // namespace specwatch
