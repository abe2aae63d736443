// FileSource: rotation decisions. A content that disappears is retired (its offset kept for a
// while); a new file whose head matches a retired or live content is recognised as the same
// data renamed or copied (copytruncate), so that it is not read twice.
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

}  // namespace specwatch
