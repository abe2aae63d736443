#include "exporters/common/spool_recent.h"

#include <utility>

namespace specwatch {
namespace {

bool before(std::uint64_t segment, std::uint64_t offset, std::uint64_t other_segment,
            std::uint64_t other_offset) {
  return segment < other_segment || (segment == other_segment && offset < other_offset);
}

}  // namespace

std::string SpoolRecentEntries::buffer_for(std::size_t size) {
  // The buffer that already has room, so that its pages are not faulted in again.
  for (std::size_t i = 0; i < free_buffers_.size(); ++i) {
    if (free_buffers_[i].capacity() >= size) {
      std::string buffer = std::move(free_buffers_[i]);
      free_bytes_ -= buffer.capacity();
      free_buffers_.erase(free_buffers_.begin() + static_cast<std::ptrdiff_t>(i));
      return buffer;
    }
  }
  return {};
}

void SpoolRecentEntries::add(std::uint64_t segment, std::uint64_t offset, std::uint64_t sequence,
                             std::int64_t written_unix_ms, std::string_view payload) {
  // Too large to keep: the reader takes it from its segment (entries are found by their place,
  // so the ones kept around it stay valid).
  if (payload.size() > max_bytes_) return;
  while (!entries_.empty() && bytes_ + payload.size() > max_bytes_) {
    bytes_ -= entries_.front().payload.size();
    recycle(std::move(entries_.front().payload));
    entries_.pop_front();
  }
  Entry entry{segment, offset, sequence, written_unix_ms, buffer_for(payload.size())};
  entry.payload.assign(payload);
  bytes_ += payload.size();
  entries_.push_back(std::move(entry));
  // A new buffer (none free was large enough) may take the room of free ones.
  while (!free_buffers_.empty() && bytes_ + free_bytes_ > max_bytes_) {
    free_bytes_ -= free_buffers_.back().capacity();
    free_buffers_.pop_back();
  }
}

bool SpoolRecentEntries::take(std::uint64_t segment, std::uint64_t offset, std::uint64_t& sequence,
                              std::int64_t& written_unix_ms, std::string& payload) {
  while (!entries_.empty() &&
         before(entries_.front().segment, entries_.front().offset, segment, offset)) {
    bytes_ -= entries_.front().payload.size();
    recycle(std::move(entries_.front().payload));
    entries_.pop_front();
  }
  if (entries_.empty() || entries_.front().segment != segment ||
      entries_.front().offset != offset) {
    return false;
  }
  Entry& entry = entries_.front();
  sequence = entry.sequence;
  written_unix_ms = entry.written_unix_ms;
  bytes_ -= entry.payload.size();
  payload = std::move(entry.payload);
  entries_.pop_front();
  return true;
}

void SpoolRecentEntries::recycle(std::string buffer) {
  // Kept while the entries and the free buffers together stay within max_bytes: a reader that
  // settles a burst of entries at once hands back many buffers, and freeing them (blocks of
  // hundreds of KB, allocated on the writer's thread) cost malloc a lock and a consolidation of
  // its small blocks each, then the writer as many fresh allocations.
  if (buffer.capacity() == 0 || bytes_ + free_bytes_ + buffer.capacity() > max_bytes_) return;
  buffer.clear();
  free_bytes_ += buffer.capacity();
  free_buffers_.push_back(std::move(buffer));
}

void SpoolRecentEntries::clear() {
  std::deque<Entry> entries;
  entries.swap(entries_);
  bytes_ = 0;
  for (Entry& entry : entries) recycle(std::move(entry.payload));
}

}  // namespace specwatch
