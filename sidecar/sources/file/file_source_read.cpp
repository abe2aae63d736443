// FileSource: reading streamed files (ndjson, json-stream, lines) chunk by chunk, framing them
// and handing the records to the pipeline in batches with their acknowledgements.
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

bool FileSource::read_streams() {
  bool more = false;
  for (int round = 0; round < kMaxReadRounds && !stop_requested_.load(); ++round) {
    more = false;
    for (auto& [key, file] : streams_) {
      if (stop_requested_.load()) break;
      if (read_stream(key, file, kChunksPerRound)) more = true;
    }
    // A long read (a backlog read at the pipeline's pace) must not hold back the checkpoint:
    // what was acknowledged meanwhile is persisted every checkpoint_interval_ms, as between reads,
    // so that a crash re-reads no more than that interval's worth.
    maybe_checkpoint(false);
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
    // One block for the path and every record of this read, shared by its batches.
    auto storage = std::make_shared<ReadStorage>();
    std::vector<FramedRecord> records;
    std::vector<FramedError> framer_errors;
    std::string error;
    std::int64_t n = reader.read_chunk(tail_.read_buffer_bytes, file.size, batch_max_records_,
                                       *read_blocks_, *storage, records, framer_errors, error);
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
    if (!emit_stream(file, storage, records)) return false;
    file.size = std::max(file.size, reader.read_offset());
  }
  return reader.read_offset() < file.size;
}

bool FileSource::emit_stream(StreamFile& file, const std::shared_ptr<const ReadStorage>& storage,
                             std::vector<FramedRecord>& records) {
  FileReader& reader = *file.reader;
  const std::string_view origin = storage->path();
  const RecordFormat format =
      config_.framing == Framing::kLines ? RecordFormat::kText : RecordFormat::kJson;
  std::size_t i = 0;
  do {
    std::size_t end = std::min(records.size(), i + batch_max_records_);
    std::vector<Record> batch;
    batch.reserve(end - i);
    for (std::size_t j = i; j < end; ++j) {
      Record& record = batch.emplace_back(Record{records[j].bytes, format, origin});
      record.end_offset = records[j].end_offset;
      record.stream_id = reader.identity().fingerprint.hash;
      record.padded = true;
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
    if (!emit(std::move(batch), storage, reader.tracker(), end_offset, {}, file.emitted_tail)) {
      return false;
    }
    i = end;
  } while (i < records.size());
  return true;
}

bool FileSource::emit(std::vector<Record> records, std::shared_ptr<const void> storage,
                      const std::shared_ptr<OffsetTracker>& tracker, std::uint64_t end_offset,
                      std::vector<std::string> keys, TailCheck tail) {
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
  batch.storage = std::move(storage);
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

}  // namespace specwatch
