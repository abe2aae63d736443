// FileSource: finding files (discovery and the watcher's events), opening them within the
// descriptor budget, and where a newly seen file starts to be read.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "sidecar/framing/json_document.h"
#include "sidecar/sources/file/discovery.h"
#include "sidecar/sources/file/file_source.h"
#include "sidecar/sources/file/file_source_internal.h"

namespace specwatch {

// The private helpers of the file source's translation units.
using namespace file_source_internal;

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
    if (same && known.length != 0) {
      same = tail_check_at(fd, entry.offset, known.algorithm) == known;
    }
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

}  // namespace specwatch
