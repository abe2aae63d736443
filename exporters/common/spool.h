// A per-exporter disk spool: the entries an exporter has taken from the event stream but not yet
// delivered, in checksummed segment files that survive a restart. Generic: an entry is opaque
// bytes (the Kafka exporter stores the messages of one batch, the Elasticsearch exporter its bulk
// documents); the exporter appends on the pipeline's thread and reads, delivers and commits on its
// own.
//
// Acknowledgement: append() returns kStored only after the entry is written and fsynced, so the
// caller may then let the source's checkpoint pass the batch -- the spool owns it from there.
//
// Layout under `dir` (created 0700): segments `<first sequence, 20 digits>.seg`, each a run of
// records [magic "SWSP" | payload length u32 | sequence u64 | written at, unix ms i64 | CRC32 of
// the sequence, the time and the payload u32 | payload], little-endian; and `cursor`, the sequence
// of the first entry not yet committed (8 bytes + CRC32, replaced atomically by rename). Each
// process appends to a segment of its own (a torn record left by a crash is never followed by new
// ones); a segment rolls over at `segment_bytes`; a segment is deleted once every entry in it is
// committed. Sequences grow strictly across segments and restarts (they may have gaps).
//
// Corruption: a record whose magic, length or CRC is wrong ends the reading of its segment; the
// rest of that segment is skipped, counted through on_corrupt (never a crash), and deleted with the
// segment once the entries before it are committed. A torn tail left by a crash is such a record:
// its append never returned kStored, so its source still holds the data.
//
// Full: at most `max_bytes` of segment files (an entry larger than that is taken when the spool is
// empty). When an entry does not fit, append() waits for room (kBlock: the pipeline stops and the
// sources stop reading) or returns kDropped (kDropNewest; the caller counts it).
//
// Read-back: the entries this process appended lately are also kept in memory (at most
// `recent_bytes`; spool_recent.h), so a reader that keeps up with the writer takes them without
// reading the segment again; the rest, and everything after a restart, is read from the segments.
//
// Thread-safe: one appending thread and one reading/committing thread at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "exporters/common/spool_recent.h"

namespace specwatch {

struct SpoolOptions {
  enum class WhenFull : std::uint8_t { kBlock, kDropNewest };
  std::string dir;
  std::uint64_t max_bytes = 1073741824;  // 1 GiB
  // Segment roll-over size; 0: max_bytes / 8, within [64 KiB, 64 MiB].
  std::uint64_t segment_bytes = 0;
  WhenFull when_full = WhenFull::kBlock;
  // Minimum time between two writes of the cursor file: the entries committed since the last
  // write are delivered again after a crash (at-least-once).
  std::chrono::milliseconds cursor_interval{200};
  // The newest appended entries kept in memory for the reader (bytes); 0: none, always read back.
  std::uint64_t recent_bytes = 16u << 20;
};

// One entry read back from the spool.
struct SpoolEntry {
  std::uint64_t sequence = 0;
  std::int64_t written_unix_ms = 0;  // when it was appended (the age of undelivered data)
  std::string payload;
};

// The CRC-32 (gzip/zlib's) of a record's sequence, time and payload, as the layout above stores
// it; the cursor file's is that of its sequence with time 0 and no payload.
std::uint32_t spool_record_checksum(std::uint64_t sequence, std::int64_t written_ms,
                                    std::string_view payload);

class DiskSpool {
 public:
  enum class AppendResult : std::uint8_t {
    kStored,   // written and fsynced
    kDropped,  // full with kDropNewest: not stored
    kClosed,   // close() was called (also while waiting for room): not stored
    kFailed,   // write or fsync failed (error() says why): not stored
  };

  // Called (on the reading thread, or in open()) once per corrupt segment with its path and why.
  using CorruptHandler = std::function<void(const std::string& segment, const std::string& why)>;

  DiskSpool(SpoolOptions options, CorruptHandler on_corrupt);
  ~DiskSpool();
  DiskSpool(const DiskSpool&) = delete;
  DiskSpool& operator=(const DiskSpool&) = delete;

  // Creates the directory, finds the segments and the cursor of a previous run. "" on success.
  std::string open();

  AppendResult append(std::string_view payload);
  // Why the last append failed.
  std::string error() const;

  // The next entry not yet handed out by next() since open(), in order; waits up to `wait` for
  // one; nullopt when none arrived (or the spool is closed).
  std::optional<SpoolEntry> next(std::chrono::milliseconds wait);
  // Every entry handed out up to and including `sequence` is delivered: segments wholly below are
  // deleted, the cursor is persisted (at most every cursor_interval; always by close()).
  void commit(std::uint64_t sequence);
  // A payload handed out by next() and no longer needed: its buffer carries a later entry.
  void recycle(std::string payload);
  // Hands out again, from the first uncommitted entry, what next() returned but was not
  // committed (an exporter whose sending failed after a restart of its client).
  void rewind();

  // Wakes every waiting append() and next(), refuses further appends, persists the cursor. Entries
  // can still be read and committed afterwards; close() again persists the cursor again.
  void close();

  std::uint64_t bytes() const;  // of segment files on disk
  // When the oldest entry not yet committed was appended (for a segment recovered from an earlier
  // run: when its first entry was); nullopt when there is none.
  std::optional<std::int64_t> oldest_unix_ms() const;
  const std::string& dir() const { return options_.dir; }

 private:
  struct Segment {
    std::uint64_t first = 0;  // sequence in its name
    std::uint64_t size = 0;   // bytes written (and synced) so far
    std::uint64_t last = 0;   // last sequence known to be in it (0: none yet)
    std::string path;
  };
  struct Reader {
    std::size_t segment = 0;  // index in segments_ of the segment being read
    std::uint64_t offset = 0;
    int fd = -1;
    std::uint64_t fd_first = 0;  // the segment fd was opened for
  };

  bool has_room(std::uint64_t record_bytes) const;
  std::string start_segment(std::uint64_t first);
  std::optional<SpoolEntry> read_one(std::unique_lock<std::mutex>& lock);
  void drop_committed_segments();
  void write_cursor(bool force);
  void close_reader();

  SpoolOptions options_;
  CorruptHandler on_corrupt_;
  mutable std::mutex mutex_;
  std::condition_variable room_;      // append() waiting for space
  std::condition_variable readable_;  // next() waiting for an entry
  std::deque<Segment> segments_;      // in sequence order; the last is the writable one
  int write_fd_ = -1;                 // of segments_.back() when this process writes to it
  Reader reader_;
  std::uint64_t next_sequence_ = 1;  // of the next append
  std::uint64_t committed_ = 0;      // every sequence ≤ this is delivered
  std::uint64_t cursor_written_ = 0;
  std::chrono::steady_clock::time_point cursor_written_at_{};
  std::uint64_t bytes_ = 0;
  // (sequence, written ms) of each entry appended and of each recovered segment's first entry,
  // not yet committed: the age of the oldest undelivered data.
  std::deque<std::pair<std::uint64_t, std::int64_t>> times_;
  std::string error_;
  std::string write_buffer_;  // a record's header
  SpoolRecentEntries recent_;
  bool closed_ = false;
};

}  // namespace specwatch
