#include "sidecar/sources/file/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>

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

  std::shared_ptr<Watcher> watcher;
  std::mutex mutex;
  std::condition_variable cv;
  std::int64_t outstanding = 0;
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
    }
    checkpoint_found_ = load.found;
    checkpoint_ = std::move(load.entries);
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
    int timeout = more ? 0 : ms_until(next_poll, now);
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
    if (overflow || poll_due || events.structure) {
      more = cycle(true, false);
      if (poll_due) next_poll = Clock::now() + std::chrono::milliseconds(tail_.poll_interval_ms);
    } else if (events.modified || more) {
      more = cycle(false, false);
    }
    maybe_checkpoint(false);
  }
}

bool FileSource::cycle(bool full, bool first) {
  // Existing files first: a copy that shows up in this scan then starts where they stopped.
  bool more = read_streams();
  if (full) scan(first);
  for (auto& [path, doc] : documents_) {
    if (stop_requested_.load()) break;
    if (doc.present) read_document(doc, full);
  }
  if (full) more = read_streams() || more;
  forget_expired();
  update_gauges();
  if (full) scans_completed_.fetch_add(1);
  return more && !stop_requested_.load();
}

void FileSource::scan(bool first) {
  DiscoveryResult found = discover_files(config_.include, config_.exclude);
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
    bool discovery_reason = it->second == "not_a_regular_file";
    bool keep = problems.count(*it) != 0 || (!discovery_reason && paths.count(it->first) != 0);
    it = keep ? std::next(it) : reported_.erase(it);
  }

  for (auto& [key, file] : streams_) file.present = false;
  for (auto& [path, doc] : documents_) doc.present = false;
  for (const auto& f : found.files) {
    if (config_.framing == Framing::kJsonDocument) {
      auto [it, inserted] = documents_.try_emplace(f.path);
      DocumentFile& doc = it->second;
      if (inserted) {
        doc.path = f.path;
        doc.tracker = std::make_shared<OffsetTracker>(0, config_.document_seen_limit);
        auto entry = std::find_if(checkpoint_.begin(), checkpoint_.end(),
                                  [&](const CheckpointEntry& e) { return e.path == f.path; });
        if (entry != checkpoint_.end()) {
          doc.tracker->load_seen_keys(entry->seen_keys);
          doc.identity = entry->identity;
          checkpoint_.erase(entry);
        } else if (first && !checkpoint_found_ && config_.start_at == StartAt::kEnd) {
          doc.learn_only = true;
        }
        hub_->dirty.store(true);
      }
      doc.present = true;
      continue;
    }
    auto it = streams_.find(
        {static_cast<std::uint64_t>(f.info.st_dev), static_cast<std::uint64_t>(f.info.st_ino)});
    if (it == streams_.end()) {
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
  if (first) {
    // Checkpointed files not found: a copy of one may still appear.
    for (auto& e : checkpoint_) {
      retired_.push_back({e.identity.fingerprint,
                          {},
                          e.offset,
                          now + std::chrono::milliseconds(tail_.rotate_wait_ms)});
    }
    checkpoint_.clear();
  }
}

void FileSource::track_new_stream(const std::string& path, bool first) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return;  // gone since discovery
    report_once(path, err == EACCES ? "permission_denied" : "read_error",
                "cannot open " + path + ": " + std::strerror(err));
    return;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return;  // replaced between discovery and open: the next scan sees what it is now
  }
  InodeKey key{static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
  if (auto it = streams_.find(key); it != streams_.end()) {
    ::close(fd);
    it->second.present = true;
    return;
  }
  auto head = read_file_head(fd, tail_.fingerprint_bytes);
  if (!head) {
    report_once(path, "read_error", "cannot read " + path + ": " + errno_text());
    ::close(fd);
    return;
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  std::string how;
  const bool pending = !first && could_be_partial_copy(*head, key);
  std::uint64_t offset = 0;
  if (pending) {
    how = "undecided: may be a copy still being written";
  } else {
    offset = initial_offset(fd, info, first, key, how);
  }
  FileIdentity identity{key.first, key.second, {head->size(), fingerprint_hash(*head)}};
  StreamFile file;
  file.reader = std::make_unique<FileReader>(path, fd, identity, config_.framing,
                                             config_.max_record_bytes, offset);
  file.emitted_offset = offset;
  file.size = size;
  file.head = std::move(*head);
  file.identity_pending = pending;
  file.pending_since = Clock::now();
  file.awaiting_offset = offset > size;
  streams_.emplace(key, std::move(file));
  for (auto it = reported_.begin(); it != reported_.end();) {
    it = it->first == path ? reported_.erase(it) : std::next(it);
  }
  hub_->dirty.store(true);
  logger_.info("tailing file", {{"source", config_.name},
                                {"path", path},
                                {"offset", static_cast<unsigned long>(offset)},
                                {"from", how}});
}

bool FileSource::is_copy(int fd, std::uint64_t size, const Fingerprint& known) const {
  // A short fingerprint is weak evidence: two different files may well start with the same
  // few bytes, and adopting an offset on a false match would skip records. Below the full
  // fingerprint length only an exact same-size copy counts; anything else is read as new
  // (at worst a duplicate, never a loss).
  if (known.length < tail_.fingerprint_bytes && size != known.length) return false;
  return same_content_start(fd, known);
}

bool FileSource::could_be_partial_copy(const std::string& head, const InodeKey& self) const {
  if (head.size() >= tail_.fingerprint_bytes) return false;
  auto begins = [&](const std::string& known) {
    return known.size() > head.size() && known.compare(0, head.size(), head) == 0;
  };
  for (const auto& [key, file] : streams_) {
    if (key != self && !file.identity_pending && begins(file.head)) return true;
  }
  for (const auto& r : retired_) {
    if (begins(r.head)) return true;
  }
  return false;
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
  if (!waited_enough && could_be_partial_copy(file.head, key)) return false;
  struct stat info {};
  info.st_size = static_cast<off_t>(size);
  info.st_dev = static_cast<dev_t>(key.first);
  info.st_ino = static_cast<ino_t>(key.second);
  std::string how;
  std::uint64_t offset = initial_offset(file.reader->fd(), info, false, key, how);
  file.identity_pending = false;
  if (offset != 0) {
    file.reader->restart_at(offset);
    file.emitted_offset = offset;
  }
  file.awaiting_offset = offset > size;
  logger_.info("tailing file", {{"source", config_.name},
                                {"path", file.reader->path()},
                                {"offset", static_cast<unsigned long>(offset)},
                                {"from", how}});
  return true;
}

std::uint64_t FileSource::initial_offset(int fd, const struct stat& info, bool first,
                                         const InodeKey& self, std::string& how) {
  const auto size = static_cast<std::uint64_t>(info.st_size);
  const auto dev = static_cast<std::uint64_t>(info.st_dev);
  const auto ino = static_cast<std::uint64_t>(info.st_ino);
  // 1. The checkpoint knows this inode, and the content still starts the same.
  for (auto it = checkpoint_.begin(); it != checkpoint_.end(); ++it) {
    if (it->identity.dev != dev || it->identity.ino != ino) continue;
    bool same = fingerprint_still_matches(fd, it->identity.fingerprint);
    std::uint64_t offset = it->offset;
    checkpoint_.erase(it);
    if (same) {
      if (size < offset) {
        how = "start (truncated since the checkpoint)";
        return 0;
      }
      how = "checkpoint";
      return offset;
    }
    break;  // inode reused by other content: a new file
  }
  // 2. The content of a checkpointed file that moved while we were stopped.
  for (auto it = checkpoint_.begin(); it != checkpoint_.end(); ++it) {
    if (!is_copy(fd, size, it->identity.fingerprint)) continue;
    std::uint64_t offset = it->offset;
    checkpoint_.erase(it);
    how = "checkpoint of moved file";
    return offset;
  }
  // 3. A copy of a file we are reading (copytruncate's copy, a move across filesystems).
  // The offset may lie beyond the copy's current end while the copy is still being written.
  for (auto it = streams_.begin(); it != streams_.end(); ++it) {
    if (it->first == self || it->second.identity_pending) continue;
    if (!is_copy(fd, size, it->second.reader->identity().fingerprint)) continue;
    std::uint64_t offset = it->second.reader->boundary_offset();
    how = "copy of " + it->second.reader->path();
    if (!it->second.present) {
      // The original is gone: continue as the copy only, so its rest is not read twice.
      hub_->dirty.store(true);
      streams_.erase(it);
    }
    return offset;
  }
  // 4. A copy of content we stopped tracking (truncated or deleted) a short while ago.
  for (auto it = retired_.begin(); it != retired_.end(); ++it) {
    if (!is_copy(fd, size, it->fingerprint)) continue;
    std::uint64_t offset = it->offset;
    retired_.erase(it);
    how = "copy of a rotated file";
    return offset;
  }
  // 5. New content.
  if (first && !checkpoint_found_ && config_.start_at == StartAt::kEnd) {
    how = "end (start_at)";
    if (config_.framing == Framing::kJsonStream || size == 0) return size;
    // Start after the last complete line, so that a line being written is read whole.
    std::uint64_t from = size > kStartAtEndLookback ? size - kStartAtEndLookback : 0;
    std::string tail(size - from, '\0');
    ssize_t n = ::pread(fd, tail.data(), tail.size(), static_cast<off_t>(from));
    if (n <= 0) return size;
    tail.resize(static_cast<std::size_t>(n));
    auto pos = tail.rfind('\n');
    return pos == std::string::npos ? size : from + pos + 1;
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
  if (size < reader.read_offset()) {
    retired_.push_back({reader.identity().fingerprint, file.head, reader.boundary_offset(),
                        Clock::now() + std::chrono::milliseconds(tail_.rotate_wait_ms)});
    logger_.info("file truncated; reading it again from the start",
                 {{"source", config_.name},
                  {"path", reader.path()},
                  {"size", static_cast<unsigned long>(size)},
                  {"offset", static_cast<unsigned long>(reader.read_offset())}});
    reader.restart_at(0);
    file.emitted_offset = 0;
    reader.set_fingerprint({});
    file.head.clear();
    hub_->dirty.store(true);
  } else if (!fingerprint_still_matches(reader.fd(), reader.identity().fingerprint)) {
    logger_.info("file rewritten with new content; reading it from the start",
                 {{"source", config_.name}, {"path", reader.path()}});
    reader.restart_at(0);
    file.emitted_offset = 0;
    reader.set_fingerprint({});
    file.head.clear();
    hub_->dirty.store(true);
  }
  if (reader.identity().fingerprint.length < tail_.fingerprint_bytes &&
      size > reader.identity().fingerprint.length) {
    refresh_head(file);
  }
  for (std::size_t chunk = 0; chunk < max_chunks; ++chunk) {
    std::vector<FramedRecord> records;
    std::vector<FramedError> framer_errors;
    std::string error;
    std::int64_t n =
        reader.read_chunk(buffer_, tail_.read_buffer_bytes, records, framer_errors, error);
    if (n < 0) {
      report_once(reader.path(), "read_error", "cannot read " + reader.path() + ": " + error);
      return false;
    }
    if (n == 0) break;
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
    if (!emit(std::move(batch), reader.tracker(), end_offset, {})) return false;
    i = end;
  } while (i < records.size());
  return true;
}

bool FileSource::emit(std::vector<Record> records, const std::shared_ptr<OffsetTracker>& tracker,
                      std::uint64_t end_offset, std::vector<std::string> keys) {
  auto ticket = tracker->register_batch(end_offset, std::move(keys));
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
    bool expired =
        !file.present && now - file.gone_since >= wait && file.reader->read_offset() >= file.size;
    if (!expired) {
      ++it;
      continue;
    }
    logger_.info("stopped tracking file",
                 {{"source", config_.name}, {"path", file.reader->path()}});
    retired_.push_back({file.reader->identity().fingerprint, std::move(file.head),
                        file.reader->boundary_offset(), now + wait});
    it = streams_.erase(it);
    hub_->dirty.store(true);
  }
  for (auto it = documents_.begin(); it != documents_.end();) {
    if (!it->second.present && now - it->second.gone_since >= wait) {
      it = documents_.erase(it);
      hub_->dirty.store(true);
    } else {
      ++it;
    }
  }
  std::erase_if(retired_, [&](const Retired& r) { return r.until <= now; });
}

void FileSource::update_gauges() {
  series_.files.Set(static_cast<double>(streams_.size() + documents_.size()));
  std::uint64_t lag = 0;
  for (const auto& [key, file] : streams_) {
    if (file.size > file.reader->read_offset()) lag += file.size - file.reader->read_offset();
  }
  series_.lag_bytes.Set(static_cast<double>(lag));
}

std::vector<CheckpointEntry> FileSource::checkpoint_entries() const {
  std::vector<CheckpointEntry> entries;
  for (const auto& [key, file] : streams_) {
    entries.push_back({file.reader->path(),
                       file.reader->identity(),
                       file.reader->tracker()->committed_offset(),
                       {}});
  }
  for (const auto& [path, doc] : documents_) {
    entries.push_back({doc.path, doc.identity, 0, doc.tracker->seen_keys()});
  }
  // Checkpointed files not seen yet (the source stopped before its first scan ended).
  for (const auto& e : checkpoint_) entries.push_back(e);
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
  std::string error = store_.save(checkpoint_entries());
  last_checkpoint_ = now;
  if (!error.empty()) {
    hub_->dirty.store(true);
    logger_.error("cannot write checkpoint", {{"source", config_.name}, {"error", error}});
    return;
  }
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
