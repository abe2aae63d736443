// The entries a disk spool appended lately, kept in memory as well, so that a reader keeping up
// with the writer takes each one without reading its segment back: no pread, no CRC check, no
// fresh buffer to fault in. What the reader gets is the same bytes the spool wrote and fsynced
// before the entry was added here; a reader that falls behind (more than `max_bytes` of newer
// entries) or starts over (a restart, DiskSpool::rewind) reads the segments as before.
//
// Entries are found by their place in the spool (the segment's first sequence, the record's
// offset), which only grows: the entries kept are always the newest appended, in order.
// The buffers of delivered entries come back through recycle() and carry the next entries, so
// that the steady state allocates nothing. Not thread-safe: DiskSpool's mutex guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace specwatch {

class SpoolRecentEntries {
 public:
  explicit SpoolRecentEntries(std::uint64_t max_bytes) : max_bytes_(max_bytes) {}

  // A record written and synced at `offset` of the segment whose first sequence is `segment`.
  void add(std::uint64_t segment, std::uint64_t offset, std::uint64_t sequence,
           std::int64_t written_unix_ms, std::string_view payload);

  // The entry of the record at (segment, offset) into the out-parameters when it is kept; the
  // entries before that place are dropped either way (the reader is past them).
  bool take(std::uint64_t segment, std::uint64_t offset, std::uint64_t& sequence,
            std::int64_t& written_unix_ms, std::string& payload);

  // A buffer that carried an entry and is free again.
  void recycle(std::string buffer);
  void clear();

 private:
  struct Entry {
    std::uint64_t segment = 0;
    std::uint64_t offset = 0;
    std::uint64_t sequence = 0;
    std::int64_t written_unix_ms = 0;
    std::string payload;
  };
  std::string buffer_for(std::size_t size);

  std::uint64_t max_bytes_;
  std::uint64_t bytes_ = 0;
  std::deque<Entry> entries_;
  std::vector<std::string> free_buffers_;
  std::uint64_t free_bytes_ = 0;  // the capacity of free_buffers_
};

}  // namespace specwatch
