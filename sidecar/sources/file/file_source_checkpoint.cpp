// FileSource: checkpointing, the acknowledged offsets of every content persisted in the state
// store at most every tail.checkpoint_interval_ms, and on stop.
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

}  // namespace specwatch
