#include "sidecar/sources/file/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <utility>

#include "sidecar/framing/json_document.h"
#include "sidecar/sources/file/discovery.h"

namespace specwatch {

namespace {

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

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string errno_text() {
  return std::strerror(errno);
}

std::int64_t mtime_ns(const struct stat& info) {
  return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec;
}

int ms_until(Clock::time_point when, Clock::time_point now) {
  if (when <= now) return 0;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when - now).count();
  return static_cast<int>(std::min<long long>(ms + 1, 24LL * 3600 * 1000));
}

}  // namespace

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
      store_(state_dir, config.name) {}

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
  if (full) scan(first || !initial_scan_done_);
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
  if (full) scans_completed_.fetch_add(1);
  return more && !stop_requested_.load();
}

void FileSource::scan(bool first) {
  DiscoveryResult found = discover_files(config_.include, config_.exclude, tail_.follow_symlinks);
  watcher_->set_directories(found.directories);

  std::set<std::pair<std::string, std::string>> problems;
  for (const auto& p : found.problems) {
    problems.emplace(p.path, p.reason);
    report_once(p.path, p.reason, p.message);
  }
  // Forget failures of paths that are gone or healed, so a new failure is reported again.
  std::set<std::string> paths;
  for (const auto& f : found.files) paths.insert(f.path);
  for (auto it = reported_.begin(); it != reported_.end();) {
    bool discovery_reason = it->second == "not_a_regular_file" ||
                            it->second == "symlink_not_followed" || it->second == "symlink_loop";
    bool keep = problems.count(*it) != 0 || (!discovery_reason && paths.count(it->first) != 0) ||
                it->first == config_.name;
    it = keep ? std::next(it) : reported_.erase(it);
  }

  for (auto& [key, file] : streams_) file.present = false;
  for (auto& [path, doc] : documents_) doc.present = false;
  std::set<InodeKey> discovered;
  std::size_t opened = 0;
  bool incomplete = false;
  for (const auto& f : found.files) {
    if (stop_requested_.load()) {
      // Stopping mid-scan: files not visited are not gone, and their checkpoint entries stay.
      for (auto& [key, file] : streams_) file.present = true;
      for (auto& [path, doc] : documents_) doc.present = true;
      return;
    }
    if (config_.framing == Framing::kJsonDocument) {
      auto [it, inserted] = documents_.try_emplace(f.path);
      DocumentFile& doc = it->second;
      if (inserted) {
        doc.path = f.path;
        doc.tracker = std::make_shared<OffsetTracker>(0, config_.document_seen_limit);
        if (auto entry = checkpoint_by_path_.find(f.path); entry != checkpoint_by_path_.end()) {
          const CheckpointEntry& e = checkpoint_.at(entry->second);
          doc.tracker->load_seen_keys(e.seen_keys);
          doc.identity = e.identity;
          claim_checkpoint(entry->second);
        } else if (first && !checkpoint_found_ && config_.start_at == StartAt::kEnd) {
          doc.learn_only = true;
        }
        hub_->dirty.store(true);
      }
      doc.present = true;
      continue;
    }
    InodeKey key{static_cast<std::uint64_t>(f.info.st_dev),
                 static_cast<std::uint64_t>(f.info.st_ino)};
    discovered.insert(key);
    auto it = streams_.find(key);
    if (it == streams_.end()) {
      if (opened >= kMaxNewFilesPerScan || limit_hit_this_cycle_) {
        incomplete = true;  // taken on in the next cycle
        continue;
      }
      ++opened;
      track_new_stream(f.path, first);
      continue;
    }
    StreamFile& file = it->second;
    file.present = true;
    if (file.reader->path() != f.path) {
      logger_.info("file renamed; reading on under its new name",
                   {{"source", config_.name}, {"from", file.reader->path()}, {"to", f.path}});
      file.reader->set_path(f.path);
      hub_->dirty.store(true);
    }
  }
  scan_incomplete_ = incomplete;
  if (!incomplete) initial_scan_done_ = true;
  auto now = Clock::now();
  for (auto& [key, file] : streams_) {
    if (file.present) {
      file.gone_since = {};
    } else if (file.gone_since == Clock::time_point{}) {
      file.gone_since = now;
      logger_.info("file deleted or renamed away; reading it to its end",
                   {{"source", config_.name}, {"path", file.reader->path()}});
    }
  }
  for (auto& [path, doc] : documents_) {
    if (doc.present) {
      doc.gone_since = {};
    } else if (doc.gone_since == Clock::time_point{}) {
      doc.gone_since = now;
    }
  }
  // Checkpointed files not found: a copy of one may still appear. Files found but not opened yet
  // (bounded work per cycle, descriptors busy) keep their entry, written back at every checkpoint.
  std::vector<ContentIndex::Id> missing;
  for (const auto& [id, e] : checkpoint_) {
    if (config_.framing == Framing::kJsonDocument) {
      if (first) missing.push_back(id);
    } else if (discovered.count({e.identity.dev, e.identity.ino}) == 0) {
      missing.push_back(id);
    }
  }
  for (ContentIndex::Id id : missing) {
    CheckpointEntry e = checkpoint_.at(id);
    claim_checkpoint(id);
    if (config_.framing != Framing::kJsonDocument) {
      TailCheck tail = e.tail.offset == e.offset ? e.tail : TailCheck{e.offset, 0, 0};
      retire(e.path, {e.identity.fingerprint, {}, tail}, tail, unix_ms_now());
    }
  }
}

void FileSource::track_new_stream(const std::string& path, bool first) {
  if (open_count_ >= tail_.max_open_files && !make_room(nullptr)) {
    note_descriptor_limit("all " + std::to_string(tail_.max_open_files) +
                          " descriptors of tail.max_open_files are busy; new files such as " +
                          path + " wait until one is idle");
    return;
  }
  int fd = open_counted(path);
  if (fd < 0) return;
  auto drop = [&] {
    ::close(fd);
    --open_count_;
  };
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    drop();
    return;  // replaced between discovery and open: the next scan sees what it is now
  }
  InodeKey key{static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
  if (auto it = streams_.find(key); it != streams_.end()) {
    drop();
    it->second.present = true;
    return;
  }
  auto head = read_file_head(fd, tail_.fingerprint_bytes);
  if (!head) {
    report_once(path, "read_error", "cannot read " + path + ": " + errno_text());
    drop();
    return;
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  std::string how;
  const bool pending = !first && (could_be_partial_copy(*head) || may_become_copy(*head, size));
  std::uint64_t offset = 0;
  TailCheck tail;
  if (pending) {
    how = "undecided: may be a copy still being written";
  } else {
    offset = initial_offset(fd, info, first, key, *head, tail, how);
  }
  FileIdentity identity{key.first, key.second, {head->size(), fingerprint_hash(*head)}};
  StreamFile file;
  file.reader = std::make_unique<FileReader>(path, fd, identity, config_.framing,
                                             config_.max_record_bytes, offset, tail);
  file.emitted_offset = offset;
  file.emitted_tail = tail;
  file.size = size;
  file.head = std::move(*head);
  file.identity_pending = pending;
  file.pending_since = Clock::now();
  file.last_change = file.pending_since;
  file.awaiting_offset = offset > size;
  auto [it, inserted] = streams_.emplace(key, std::move(file));
  if (!pending) index_stream(key, it->second);
  for (auto r = reported_.lower_bound({path, ""}); r != reported_.end() && r->first == path;) {
    r = reported_.erase(r);
  }
  hub_->dirty.store(true);
  logger_.info("tailing file", {{"source", config_.name},
                                {"path", path},
                                {"offset", static_cast<unsigned long>(offset)},
                                {"from", how}});
}

int FileSource::open_counted(const std::string& path) {
  // Without follow_symlinks, a path swapped for a symlink after discovery is not followed either.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (tail_.follow_symlinks ? 0 : O_NOFOLLOW));
  if (fd >= 0) {
    ++open_count_;
    return fd;
  }
  int err = errno;
  if (err == ENOENT) return -1;  // gone since discovery
  if (err == EMFILE || err == ENFILE) {
    note_descriptor_limit("cannot open " + path + ": " + std::strerror(err) +
                          " (the process or system descriptor limit); lower tail.max_open_files "
                          "or raise the limit");
    return -1;
  }
  report_once(path, err == EACCES ? "permission_denied" : "read_error",
              "cannot open " + path + ": " + std::strerror(err));
  return -1;
}

void FileSource::note_descriptor_limit(const std::string& message) {
  limit_hit_this_cycle_ = true;
  if (limit_reported_) return;
  limit_reported_ = true;
  report(config_.name, "too_many_open_files", message);
}

bool FileSource::make_room(const InodeKey* keep) {
  // Close the idle file (read to its end) that changed least recently.
  StreamFile* oldest = nullptr;
  for (auto& [key, file] : streams_) {
    if (keep != nullptr && key == *keep) continue;
    // `present` is not asked: during a scan it is false for files not visited yet.
    if (!file.reader->is_open() || file.identity_pending || file.awaiting_offset ||
        file.reader->read_offset() < file.size) {
      continue;
    }
    if (oldest == nullptr || file.last_change < oldest->last_change) oldest = &file;
  }
  if (oldest == nullptr) return false;
  close_stream(*oldest);
  return true;
}

void FileSource::close_stream(StreamFile& file) {
  if (!file.reader->is_open()) return;
  file.reader->close_fd();
  --open_count_;
}

void FileSource::erase_stream(std::map<InodeKey, StreamFile>::iterator it) {
  close_stream(it->second);
  if (it->second.content != 0) {
    known_.remove(it->second.content);
    stream_by_content_.erase(it->second.content);
  }
  streams_.erase(it);
  hub_->dirty.store(true);
}

bool FileSource::ensure_open(const InodeKey& key, StreamFile& file) {
  if (file.reader->is_open()) return true;
  if (open_count_ >= tail_.max_open_files && !make_room(&key)) {
    note_descriptor_limit("all " + std::to_string(tail_.max_open_files) +
                          " descriptors of tail.max_open_files are busy; " + file.reader->path() +
                          " waits until one is idle");
    return false;
  }
  int fd = open_counted(file.reader->path());
  if (fd < 0) return false;
  struct stat info {};
  if (::fstat(fd, &info) != 0 || static_cast<std::uint64_t>(info.st_dev) != key.first ||
      static_cast<std::uint64_t>(info.st_ino) != key.second) {
    // The path names another file now: the scan finds where this one went.
    ::close(fd);
    --open_count_;
    return false;
  }
  file.reader->reopen(fd);
  return true;
}

void FileSource::index_stream(const InodeKey& key, StreamFile& file) {
  ContentIndex::Content content{file.reader->identity().fingerprint, file.head, file.emitted_tail};
  if (file.content == 0) {
    file.content = known_.add(std::move(content));
    stream_by_content_[file.content] = key;
  } else {
    known_.set(file.content, std::move(content));
  }
}

void FileSource::retire(const std::string& path, const ContentIndex::Content& content,
                        const TailCheck& committed, std::int64_t retired_unix_ms) {
  if (content.fingerprint.length == 0 || content.tail.at_start()) return;  // nothing to skip
  ContentIndex::Id id = known_.add(content);
  retired_.emplace(id, Retired{path, committed, retired_unix_ms,
                               Clock::now() + std::chrono::milliseconds(tail_.rotate_wait_ms)});
  while (retired_.size() > kMaxRetired) forget_retired(retired_.begin()->first);  // oldest
  hub_->dirty.store(true);
}

void FileSource::forget_retired(ContentIndex::Id id) {
  known_.remove(id);
  retired_.erase(id);
  hub_->dirty.store(true);
}

void FileSource::claim_checkpoint(ContentIndex::Id id) {
  auto it = checkpoint_.find(id);
  if (it == checkpoint_.end()) return;
  checkpoint_by_inode_.erase({it->second.identity.dev, it->second.identity.ino});
  checkpoint_by_path_.erase(it->second.path);
  checkpoint_.erase(it);
  known_.remove(id);
  hub_->dirty.store(true);
}

FileSource::CandidateKind FileSource::kind_of(ContentIndex::Id id) const {
  if (checkpoint_.count(id) != 0) return CandidateKind::kCheckpoint;
  if (retired_.count(id) != 0) return CandidateKind::kRetired;
  return CandidateKind::kStream;
}

bool FileSource::may_become_copy(const std::string& head, std::uint64_t size) {
  for (ContentIndex::Id id : known_.candidates(head, kMaxCopyCandidates)) {
    const ContentIndex::Content* c = known_.find(id);
    if (c->fingerprint.length < tail_.fingerprint_bytes) continue;  // see find_copy
    if (!c->tail.at_start() && !c->tail.unknown() && c->tail.offset > size) return true;
  }
  return false;
}

bool FileSource::find_copy(int fd, std::uint64_t size, const std::string& head,
                           const InodeKey& self, std::uint64_t& offset, TailCheck& tail,
                           std::string& how) {
  // What the checkpoint knew first (a file moved while stopped), then files being read
  // (copytruncate's copy), then retired content; within each, the one read furthest.
  std::vector<ContentIndex::Id> ids = known_.candidates(head, kMaxCopyCandidates);
  auto rank = [&](ContentIndex::Id id) {
    return std::make_pair(static_cast<int>(kind_of(id)), ~known_.find(id)->tail.offset);
  };
  std::sort(ids.begin(), ids.end(),
            [&](ContentIndex::Id a, ContentIndex::Id b) { return rank(a) < rank(b); });
  for (ContentIndex::Id id : ids) {
    const ContentIndex::Content* c = known_.find(id);
    const CandidateKind kind = kind_of(id);
    auto stream = streams_.end();
    if (kind == CandidateKind::kStream) {
      stream = streams_.find(stream_by_content_.at(id));
      if (stream == streams_.end() || stream->first == self || stream->second.identity_pending) {
        continue;
      }
    }
    // A short fingerprint (the known file was shorter than fingerprint_bytes) is weak evidence:
    // only a copy of exactly that size counts; a longer file that starts alike is read whole.
    if (c->fingerprint.length < tail_.fingerprint_bytes && size != c->fingerprint.length) continue;
    if (!holds_content(fd, size, head, c->fingerprint, c->tail)) continue;
    offset = c->tail.offset;
    tail = c->tail;
    switch (kind) {
      case CandidateKind::kCheckpoint:
        how = "checkpoint of moved file " + checkpoint_.at(id).path;
        claim_checkpoint(id);
        break;
      case CandidateKind::kStream:
        how = "copy of " + stream->second.reader->path();
        // The original is gone: continue as the copy only, so its rest is not read twice.
        if (!stream->second.present) erase_stream(stream);
        break;
      case CandidateKind::kRetired:
        how = "copy of rotated " + retired_.at(id).path;
        forget_retired(id);
        break;
    }
    return true;
  }
  return false;
}

bool FileSource::could_be_partial_copy(const std::string& head) const {
  return head.size() < tail_.fingerprint_bytes && known_.begins_longer_head(head);
}

void FileSource::refresh_head(StreamFile& file) {
  if (auto head = read_file_head(file.reader->fd(), tail_.fingerprint_bytes)) {
    file.reader->set_fingerprint({head->size(), fingerprint_hash(*head)});
    file.head = std::move(*head);
    hub_->dirty.store(true);
  }
}

bool FileSource::resolve_pending(const InodeKey& key, StreamFile& file, std::uint64_t size) {
  refresh_head(file);
  const bool waited_enough =
      Clock::now() - file.pending_since >= std::chrono::milliseconds(tail_.rotate_wait_ms);
  if (!waited_enough && (could_be_partial_copy(file.head) || may_become_copy(file.head, size))) {
    return false;
  }
  struct stat info {};
  info.st_size = static_cast<off_t>(size);
  info.st_dev = static_cast<dev_t>(key.first);
  info.st_ino = static_cast<ino_t>(key.second);
  std::string how;
  TailCheck tail;
  std::uint64_t offset = initial_offset(file.reader->fd(), info, false, key, file.head, tail, how);
  file.identity_pending = false;
  if (offset != 0) {
    file.reader->restart_at(offset, tail);
    file.emitted_offset = offset;
    file.emitted_tail = tail;
  }
  file.awaiting_offset = offset > size;
  index_stream(key, file);
  logger_.info("tailing file", {{"source", config_.name},
                                {"path", file.reader->path()},
                                {"offset", static_cast<unsigned long>(offset)},
                                {"from", how}});
  return true;
}

std::uint64_t FileSource::initial_offset(int fd, const struct stat& info, bool first,
                                         const InodeKey& self, const std::string& head,
                                         TailCheck& tail, std::string& how) {
  const auto size = static_cast<std::uint64_t>(info.st_size);
  tail = {};
  // 1. The checkpoint knows this inode, and the content is still what was read up to its offset.
  if (auto it = checkpoint_by_inode_.find(self); it != checkpoint_by_inode_.end()) {
    const CheckpointEntry entry = checkpoint_.at(it->second);
    claim_checkpoint(it->second);
    const TailCheck known =
        entry.tail.offset == entry.offset ? entry.tail : TailCheck{entry.offset, 0, 0};
    bool same = size >= entry.offset && fingerprint_still_matches(fd, entry.identity.fingerprint);
    if (same && known.length != 0) same = tail_check_at(fd, entry.offset) == known;
    if (same) {
      how = "checkpoint";
      tail = known;
      return entry.offset;
    }
    // Truncated or rewritten since: its old content may be in a copy (copytruncate's app.log.1),
    // which must start where the checkpoint stopped.
    retire(entry.path, {entry.identity.fingerprint, {}, known}, known, unix_ms_now());
    how = "start (truncated or rewritten since the checkpoint)";
  }
  // 2.-4. A copy of known content: a checkpointed file moved while we were stopped, a copy of a
  // file being read, a copy of content truncated or deleted a short while ago.
  std::uint64_t offset = 0;
  if (find_copy(fd, size, head, self, offset, tail, how)) return offset;
  if (!how.empty()) return 0;
  // 5. New content.
  if (first && !checkpoint_found_ && config_.start_at == StartAt::kEnd) {
    how = "end (start_at)";
    if (config_.framing == Framing::kJsonStream || size == 0) return size;
    // Start after the last complete line, so that a line being written is read whole.
    std::uint64_t from = size > kStartAtEndLookback ? size - kStartAtEndLookback : 0;
    std::string last(size - from, '\0');
    ssize_t n = ::pread(fd, last.data(), last.size(), static_cast<off_t>(from));
    if (n <= 0) return size;
    last.resize(static_cast<std::size_t>(n));
    auto pos = last.rfind('\n');
    std::uint64_t end = pos == std::string::npos ? size : from + pos + 1;
    tail = tail_check_at(fd, end).value_or(TailCheck{end, 0, 0});
    return end;
  }
  how = "start";
  return 0;
}

bool FileSource::read_streams() {
  bool more = false;
  for (int round = 0; round < kMaxReadRounds && !stop_requested_.load(); ++round) {
    more = false;
    for (auto& [key, file] : streams_) {
      if (stop_requested_.load()) break;
      if (read_stream(key, file, kChunksPerRound)) more = true;
    }
    if (!more) break;
  }
  return more;
}

bool FileSource::read_stream(const InodeKey& key, StreamFile& file, std::size_t max_chunks) {
  FileReader& reader = *file.reader;
  if (!reader.is_open()) {
    // Closed to stay within max_open_files: reopened once its size changes.
    struct stat now {};
    if (!file.present || ::stat(reader.path().c_str(), &now) != 0 ||
        static_cast<std::uint64_t>(now.st_dev) != key.first ||
        static_cast<std::uint64_t>(now.st_ino) != key.second ||
        static_cast<std::uint64_t>(now.st_size) == file.size) {
      return false;
    }
    if (!ensure_open(key, file)) return false;
  }
  struct stat info {};
  if (::fstat(reader.fd(), &info) != 0) {
    report_once(reader.path(), "read_error", "cannot stat " + reader.path() + ": " + errno_text());
    return false;
  }
  auto size = static_cast<std::uint64_t>(info.st_size);
  file.size = size;
  if (file.identity_pending && !resolve_pending(key, file, size)) return false;
  if (file.awaiting_offset) {
    if (size < reader.read_offset()) return false;
    file.awaiting_offset = false;
  }
  const bool truncated = size < reader.read_offset();
  if (truncated || !fingerprint_still_matches(reader.fd(), reader.identity().fingerprint)) {
    // The old content may live on in a copy (copytruncate): remember what was read of it.
    retire(reader.path(), {reader.identity().fingerprint, file.head, file.emitted_tail},
           reader.tracker()->committed_tail(), unix_ms_now());
    if (truncated) {
      logger_.info("file truncated; reading it again from the start",
                   {{"source", config_.name},
                    {"path", reader.path()},
                    {"size", static_cast<unsigned long>(size)},
                    {"offset", static_cast<unsigned long>(reader.read_offset())}});
    } else {
      logger_.info("file rewritten with new content; reading it from the start",
                   {{"source", config_.name}, {"path", reader.path()}});
    }
    reader.restart_at(0);
    file.emitted_offset = 0;
    file.emitted_tail = {};
    reader.set_fingerprint({});
    file.head.clear();
    index_stream(key, file);
    hub_->dirty.store(true);
  }
  if (reader.identity().fingerprint.length < tail_.fingerprint_bytes &&
      size > reader.identity().fingerprint.length) {
    refresh_head(file);
    index_stream(key, file);
  }
  for (std::size_t chunk = 0; chunk < max_chunks; ++chunk) {
    std::vector<FramedRecord> records;
    std::vector<FramedError> framer_errors;
    std::string error;
    std::int64_t n = reader.read_chunk(buffer_, tail_.read_buffer_bytes, batch_max_records_,
                                       records, framer_errors, error);
    if (n < 0) {
      report_once(reader.path(), "read_error", "cannot read " + reader.path() + ": " + error);
      return false;
    }
    if (n == 0) break;
    file.last_change = Clock::now();
    reported_.erase({reader.path(), "read_error"});
    series_.bytes_total.Increment(static_cast<double>(n));
    for (const auto& e : framer_errors) {
      report(reader.path(), e.reason,
             e.message + " (" + reader.path() + " at offset " + std::to_string(e.offset) + ")");
    }
    if (!emit_stream(file, records)) return false;
    file.size = std::max(file.size, reader.read_offset());
  }
  return reader.read_offset() < file.size;
}

bool FileSource::emit_stream(StreamFile& file, std::vector<FramedRecord>& records) {
  FileReader& reader = *file.reader;
  const RecordFormat format =
      config_.framing == Framing::kLines ? RecordFormat::kText : RecordFormat::kJson;
  std::size_t i = 0;
  do {
    std::size_t end = std::min(records.size(), i + batch_max_records_);
    std::vector<Record> batch;
    batch.reserve(end - i);
    for (std::size_t j = i; j < end; ++j) {
      Record& record =
          batch.emplace_back(Record{std::move(records[j].data), format, reader.path()});
      record.end_offset = records[j].end_offset;
      record.stream_id = reader.identity().fingerprint.hash;
    }
    // The last batch of a read ends at the framer boundary, which also covers skipped bytes.
    std::uint64_t end_offset =
        end == records.size() ? reader.boundary_offset() : records[end - 1].end_offset;
    if (batch.empty() && end_offset <= file.emitted_offset) return true;
    file.emitted_offset = end_offset;
    // Hashed from the bytes read: the file may have been truncated since (copytruncate), and a
    // tail read from it now would be unknown, so its copy would not be recognised.
    const std::optional<TailCheck>& read_tail =
        end == records.size() ? reader.boundary_tail() : records[end - 1].tail;
    file.emitted_tail =
        read_tail ? *read_tail
                  : tail_check_at(reader.fd(), end_offset).value_or(TailCheck{end_offset, 0, 0});
    if (file.content != 0) known_.set_tail(file.content, file.emitted_tail);
    if (!emit(std::move(batch), reader.tracker(), end_offset, {}, file.emitted_tail)) return false;
    i = end;
  } while (i < records.size());
  return true;
}

bool FileSource::emit(std::vector<Record> records, const std::shared_ptr<OffsetTracker>& tracker,
                      std::uint64_t end_offset, std::vector<std::string> keys, TailCheck tail) {
  auto ticket = tracker->register_batch(end_offset, std::move(keys), tail);
  if (records.empty()) {
    // Only an offset advance (skipped bytes): nothing for the pipeline, acknowledged here.
    if (tracker->acknowledge(ticket, DeliveryStatus::kDelivered)) hub_->dirty.store(true);
    return true;
  }
  hub_->on_emit();
  RecordBatch batch;
  batch.source = config_.name;
  batch.service = config_.service.empty() ? config_.name : config_.service;
  batch.profile = config_.profile;
  batch.records = std::move(records);
  batch.ack = BatchAck([tracker, hub = hub_, ticket](DeliveryStatus status) {
    hub->on_ack(tracker->acknowledge(ticket, status));
  });
  BatchAck keep = batch.ack;
  if (!consumer_.consume(std::move(batch))) {
    // Not taken: the pipeline is stopping. The data must be read again after a restart.
    keep.update(DeliveryStatus::kFailed);
    stop_requested_.store(true);
    return false;
  }
  return true;
}

void FileSource::read_document(DocumentFile& doc, bool poll) {
  int fd = ::open(doc.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err != ENOENT) {
      report_once(doc.path, err == EACCES ? "permission_denied" : "read_error",
                  "cannot open " + doc.path + ": " + std::strerror(err));
    }
    return;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return;
  }
  DocumentSignature sig{static_cast<std::uint64_t>(info.st_dev),
                        static_cast<std::uint64_t>(info.st_ino),
                        static_cast<std::uint64_t>(info.st_size), mtime_ns(info)};
  const bool reread = doc.tracker->take_reread_request();
  const bool failed_before = doc.has_failed_signature && doc.failed_signature == sig;
  if ((!reread && doc.has_ok_signature && doc.ok_signature == sig) || (failed_before && !poll)) {
    ::close(fd);
    return;
  }
  if (sig.size > config_.document_max_bytes) {
    ::close(fd);
    if (!failed_before) {
      report(doc.path, "document_too_large",
             doc.path + " is " + std::to_string(sig.size) + " bytes, over document_max_bytes (" +
                 std::to_string(config_.document_max_bytes) + "); not read");
    }
    doc.has_failed_signature = true;
    doc.failed_signature = sig;
    return;
  }
  std::string content(sig.size, '\0');
  std::size_t got = 0;
  while (got < content.size()) {
    ssize_t n = ::pread(fd, content.data() + got, content.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      report_once(doc.path, "read_error", "cannot read " + doc.path + ": " + errno_text());
      ::close(fd);
      return;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  content.resize(got);
  series_.bytes_total.Increment(static_cast<double>(got));
  reported_.erase({doc.path, "read_error"});
  reported_.erase({doc.path, "permission_denied"});

  DocumentSplit split = split_json_document(content, config_.document_key);
  if (!split.ok()) {
    if (!failed_before) {
      report(doc.path, split.error_reason, split.error_message + " in " + doc.path);
    }
    doc.has_failed_signature = true;
    doc.failed_signature = sig;
    return;
  }
  doc.has_failed_signature = false;
  doc.identity.dev = sig.dev;
  doc.identity.ino = sig.ino;
  std::string_view head(content.data(), std::min(content.size(), tail_.fingerprint_bytes));
  doc.identity.fingerprint = {head.size(), fingerprint_hash(head)};

  std::vector<Record> records;
  std::vector<std::string> keys;
  std::set<std::string> this_read;
  for (auto& r : split.records) {
    if (doc.tracker->known_key(r.key) || !this_read.insert(r.key).second) continue;
    keys.push_back(r.key);
    records.push_back(Record{std::move(r.json), RecordFormat::kJson, doc.path});
    records.back().stream_id = doc.identity.fingerprint.hash;
  }
  doc.has_ok_signature = true;
  doc.ok_signature = sig;
  if (doc.learn_only) {
    doc.learn_only = false;
    doc.tracker->mark_seen(keys);
    hub_->dirty.store(true);
    return;
  }
  for (std::size_t i = 0; i < records.size(); i += batch_max_records_) {
    std::size_t end = std::min(records.size(), i + batch_max_records_);
    std::vector<Record> batch(std::make_move_iterator(records.begin() + i),
                              std::make_move_iterator(records.begin() + end));
    std::vector<std::string> batch_keys(keys.begin() + i, keys.begin() + end);
    if (!emit(std::move(batch), doc.tracker, 0, std::move(batch_keys))) return;
  }
}

void FileSource::forget_expired() {
  auto now = Clock::now();
  auto wait = std::chrono::milliseconds(tail_.rotate_wait_ms);
  for (auto it = streams_.begin(); it != streams_.end();) {
    StreamFile& file = it->second;
    bool expired = !file.present && file.gone_since != Clock::time_point{} &&
                   now - file.gone_since >= wait && file.reader->read_offset() >= file.size;
    if (!expired) {
      ++it;
      continue;
    }
    logger_.info("stopped tracking file",
                 {{"source", config_.name}, {"path", file.reader->path()}});
    retire(file.reader->path(), {file.reader->identity().fingerprint, file.head, file.emitted_tail},
           file.reader->tracker()->committed_tail(), unix_ms_now());
    auto next = std::next(it);
    erase_stream(it);
    it = next;
  }
  for (auto it = documents_.begin(); it != documents_.end();) {
    if (!it->second.present && it->second.gone_since != Clock::time_point{} &&
        now - it->second.gone_since >= wait) {
      it = documents_.erase(it);
      hub_->dirty.store(true);
    } else {
      ++it;
    }
  }
  // While files wait to be taken on, the copy of retired content may be among them.
  if (scan_incomplete_) return;
  std::vector<ContentIndex::Id> expired;
  for (const auto& [id, r] : retired_) {
    if (r.until <= now) expired.push_back(id);
  }
  for (ContentIndex::Id id : expired) forget_retired(id);
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

std::vector<CheckpointEntry> FileSource::checkpoint_entries() const {
  std::vector<CheckpointEntry> entries;
  entries.reserve(streams_.size() + documents_.size() + checkpoint_.size());
  for (const auto& [key, file] : streams_) {
    const auto& tracker = *file.reader->tracker();
    TailCheck tail = tracker.committed_tail();
    entries.push_back({file.reader->path(), file.reader->identity(), tail.offset, tail, {}});
  }
  for (const auto& [path, doc] : documents_) {
    entries.push_back({doc.path, doc.identity, 0, {}, doc.tracker->seen_keys()});
  }
  // Checkpointed files not taken on yet (still to be opened, or the source stopped first).
  for (const auto& [id, e] : checkpoint_) entries.push_back(e);
  return entries;
}

std::vector<RetiredEntry> FileSource::retired_entries() const {
  std::vector<RetiredEntry> entries;
  for (const auto& [id, r] : retired_) {
    if (r.committed.at_start()) continue;
    entries.push_back({r.path, known_.find(id)->fingerprint, r.committed, r.retired_unix_ms});
  }
  return entries;
}

void FileSource::maybe_checkpoint(bool force) {
  if (!config_.checkpoint) return;
  auto now = Clock::now();
  if (!force) {
    if (!hub_->dirty.load()) return;
    if (now - last_checkpoint_ < std::chrono::milliseconds(tail_.checkpoint_interval_ms)) return;
  }
  hub_->dirty.store(false);
  const auto since = hub_->take_unpersisted();
  std::string error = store_.save(checkpoint_entries(), retired_entries());
  last_checkpoint_ = now;
  if (!error.empty()) {
    hub_->dirty.store(true);
    hub_->restore_unpersisted(since);
    series_.checkpoint_write_errors.Increment();
    series_.oldest_unpersisted_age.Set(hub_->unpersisted_age_seconds());
    // Retried every checkpoint interval; logged at most once a minute with the count between.
    ++failed_writes_unlogged_;
    if (last_write_error_log_ == Clock::time_point{} ||
        now - last_write_error_log_ >= std::chrono::minutes(1)) {
      logger_.error(
          "cannot write checkpoint; acknowledged offsets are not persisted",
          {{"source", config_.name},
           {"error", error},
           {"failures_since_last_report", static_cast<unsigned long>(failed_writes_unlogged_)}});
      last_write_error_log_ = now;
      failed_writes_unlogged_ = 0;
    }
    return;
  }
  if (last_write_error_log_ != Clock::time_point{}) {
    logger_.info("checkpoint written again", {{"source", config_.name}});
    last_write_error_log_ = {};
    failed_writes_unlogged_ = 0;
  }
  series_.oldest_unpersisted_age.Set(hub_->unpersisted_age_seconds());
  checkpoint_writes_.Increment();
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
