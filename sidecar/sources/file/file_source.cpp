#include "sidecar/sources/file/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "sidecar/framing/json_document.h"
#include "sidecar/sources/file/discovery.h"
#include "sidecar/sources/file/file_source_internal.h"

namespace specwatch {

// The private helpers of the file source's translation units.
using namespace file_source_internal;

FileSource::FileSource(const FileSourceConfig& config, const TailConfig& tail,
                       std::size_t batch_max_records, const std::string& state_dir,
                       BatchConsumer& consumer, Logger& logger, ErrorReporter& errors,
                       FileSourceMetrics& metrics)
    : config_(config),
      tail_(tail),
      batch_max_records_(std::max<std::size_t>(batch_max_records, 1)),
      consumer_(consumer),
      logger_(logger),
      errors_(errors),
      series_(metrics.series(config.name)),
      checkpoint_writes_(metrics.checkpoint_writes_total()),
      store_(state_dir, config.name),
      // A read's block holds the file's path (a longer one than PATH_MAX takes a plain block),
      // the bytes kept before the read offset, the read and the parsers' padding.
      read_blocks_(ReadBlockPool::create(4096 + kTailCheckBytes + tail.read_buffer_bytes +
                                         kRecordPadding)) {}

FileSource::~FileSource() {
  stop(0);
}

std::string FileSource::not_ready_reason() const {
  if (ready_.load()) return {};
  if (stopped_.load()) return "file source " + config_.name + " is stopped";
  if (!started_.load()) return "file source " + config_.name + " is not started";
  return "file source " + config_.name + " has not completed its first scan";
}

void FileSource::inject_inotify_overflow_for_test() {
  inject_overflow_.store(true);
  if (watcher_) watcher_->wake();
}

void FileSource::start() {
  if (started_.exchange(true)) return;
  watcher_ = std::make_shared<Watcher>(tail_.inotify);
  hub_ = std::make_shared<AckHub>(watcher_);
  if (tail_.inotify && !watcher_->inotify_active()) {
    logger_.warn("inotify unavailable; watching files by polling only",
                 {{"source", config_.name},
                  {"error", watcher_->inotify_error()},
                  {"poll_interval_ms", tail_.poll_interval_ms}});
  }
  if (config_.checkpoint) {
    CheckpointLoad load = store_.load();
    if (load.corrupt) {
      logger_.error("checkpoint unreadable; moved aside, starting without it",
                    {{"source", config_.name},
                     {"path", store_.path()},
                     {"moved_to", load.corrupt_path},
                     {"error", load.error}});
    } else if (!load.found && !load.error.empty()) {
      logger_.error("cannot read checkpoint; starting without it",
                    {{"source", config_.name}, {"error", load.error}});
    } else if (load.migrated) {
      logger_.info("checkpoint in the older format read; it is rewritten in the current one",
                   {{"source", config_.name}, {"path", store_.path()}});
    }
    checkpoint_found_ = load.found;
    for (auto& e : load.entries) {
      ContentIndex::Id id =
          config_.framing == Framing::kJsonDocument
              ? known_.add({})
              : known_.add({e.identity.fingerprint,
                            {},
                            e.tail.offset == e.offset ? e.tail : TailCheck{e.offset, 0, 0}});
      checkpoint_by_inode_[{e.identity.dev, e.identity.ino}] = id;
      checkpoint_by_path_[e.path] = id;
      checkpoint_.emplace(id, std::move(e));
    }
    const auto until = Clock::now() + std::chrono::milliseconds(tail_.rotate_wait_ms);
    for (auto& r : load.retired) {
      ContentIndex::Id id = known_.add({r.fingerprint, {}, r.tail});
      retired_.emplace(id, Retired{r.path, r.tail, r.retired_unix_ms, until});
    }
  }
  last_checkpoint_ = Clock::now();
  thread_ = std::thread([this] { run(); });
}

void FileSource::stop(int drain_timeout_ms) {
  if (!started_.load()) {
    stopped_.store(true);
    return;
  }
  if (stopped_.exchange(true)) return;
  stop_requested_.store(true);
  watcher_->wake();
  if (thread_.joinable()) thread_.join();
  ready_.store(false);
  if (!hub_->wait_drained(drain_timeout_ms)) {
    logger_.warn(
        "stopping with batches not yet acknowledged; they will be read again",
        {{"source", config_.name}, {"batches", static_cast<long long>(hub_->in_flight())}});
  }
  maybe_checkpoint(true);
  streams_.clear();
  open_count_ = 0;
  documents_.clear();
  update_gauges();
}

void FileSource::run() {
  bool more = cycle(true, true);
  ready_.store(true);
  logger_.info("file source ready",
               {{"source", config_.name},
                {"files", static_cast<unsigned long>(streams_.size() + documents_.size())},
                {"inotify", watcher_->inotify_active()}});
  auto next_poll = Clock::now() + std::chrono::milliseconds(tail_.poll_interval_ms);
  while (!stop_requested_.load()) {
    auto now = Clock::now();
    // Files left for later (bounded work per cycle, descriptors busy): back at it shortly.
    int timeout = more               ? 0
                  : scan_incomplete_ ? std::min(10, ms_until(next_poll, now))
                                     : ms_until(next_poll, now);
    if (config_.checkpoint && hub_->dirty.load()) {
      timeout = std::min(
          timeout,
          ms_until(last_checkpoint_ + std::chrono::milliseconds(tail_.checkpoint_interval_ms),
                   now));
    }
    WatchEvents events = watcher_->wait(timeout);
    if (stop_requested_.load()) break;
    bool overflow = events.overflow || inject_overflow_.exchange(false);
    if (overflow) {
      report(config_.name, "inotify_overflow",
             "inotify event queue overflowed for source " + config_.name +
                 "; rescanning every file so that no change is missed");
    }
    now = Clock::now();
    bool poll_due = now >= next_poll;
    if (overflow || poll_due || events.structure || scan_incomplete_) {
      more = cycle(true, false);
      if (poll_due) next_poll = Clock::now() + std::chrono::milliseconds(tail_.poll_interval_ms);
    } else if (events.modified || more) {
      more = cycle(false, false);
    }
    maybe_checkpoint(false);
  }
}

bool FileSource::cycle(bool full, bool first) {
  limit_hit_this_cycle_ = false;
  // Existing files first: a copy that shows up in this scan then starts where they stopped.
  bool more = read_streams();
  if (full) {
    scan(first || !initial_scan_done_);
    // The files found count from now, before any of their records is handed on (a scrape that
    // counts their events counts the files too); the other gauges follow at the cycle's end.
    series_.files.Set(static_cast<double>(streams_.size() + documents_.size()));
  }
  for (auto& [path, doc] : documents_) {
    if (stop_requested_.load()) break;
    if (doc.present) read_document(doc, full);
  }
  if (full) more = read_streams() || more;
  if (limit_hit_this_cycle_) {
    scan_incomplete_ = true;
  } else {
    limit_reported_ = false;  // a later shortage is reported again
  }
  forget_expired();
  update_gauges();
  const bool pending = std::any_of(streams_.begin(), streams_.end(), [](const auto& entry) {
    return entry.second.identity_pending || entry.second.awaiting_offset;
  });
  caught_up_.store(!more && !scan_incomplete_ && initial_scan_done_ && !pending);
  // Nothing left to read for now: the blocks kept for the next large read are freed.
  if (!more) read_blocks_->release_free();
  if (full) scans_completed_.fetch_add(1);
  return more && !stop_requested_.load();
}

void FileSource::update_gauges() {
  open_files_.store(open_count_);
  if (hub_) series_.oldest_unpersisted_age.Set(hub_->unpersisted_age_seconds());
  series_.files.Set(static_cast<double>(streams_.size() + documents_.size()));
  std::uint64_t lag = 0;
  for (const auto& [key, file] : streams_) {
    if (file.size > file.reader->read_offset()) lag += file.size - file.reader->read_offset();
  }
  series_.lag_bytes.Set(static_cast<double>(lag));
}

void FileSource::report(const std::string& path, std::string_view reason,
                        const std::string& message) {
  errors_.report(config_.name, path, reason, message);
}

void FileSource::report_once(const std::string& path, const std::string& reason,
                             const std::string& message) {
  if (reported_.emplace(path, reason).second) report(path, reason, message);
}

}  // namespace specwatch
