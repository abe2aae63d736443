#include "sidecar/sources/file/file_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

namespace specwatch {

namespace {

// Keeps the framed records as views of the read's block; a record the framer completed from its
// own copy of an earlier read's bytes is copied into the storage, with its padding.
class Collector : public FramerOutput {
 public:
  Collector(std::string_view chunk, ReadStorage& storage, std::vector<FramedRecord>& records,
            std::vector<FramedError>& errors)
      : chunk_(chunk), storage_(storage), records_(records), errors_(errors) {}
  void on_record(std::string_view data, std::uint64_t end_offset) override {
    const auto begin = reinterpret_cast<std::uintptr_t>(data.data());
    const auto chunk_begin = reinterpret_cast<std::uintptr_t>(chunk_.data());
    if (begin < chunk_begin || begin + data.size() > chunk_begin + chunk_.size()) {
      std::string& copy = storage_.spilled.emplace_back();
      copy.reserve(data.size() + kRecordPadding);
      copy.assign(data);
      copy.append(kRecordPadding, ' ');  // defined bytes: a parser reads ahead into them
      data = std::string_view(copy.data(), data.size());
    }
    // Written in place: a record built on the stack and copied in was read back with wider loads
    // than it was written with, a stall the samples put at 1.5 % of W1-LLM.
    FramedRecord& record = records_.emplace_back();
    record.bytes = data;
    record.end_offset = end_offset;
  }
  void on_error(std::string_view reason, std::string_view message, std::uint64_t offset) override {
    errors_.push_back({std::string(reason), std::string(message), offset});
  }

 private:
  std::string_view chunk_;
  ReadStorage& storage_;
  std::vector<FramedRecord>& records_;
  std::vector<FramedError>& errors_;
};

}  // namespace

FileReader::FileReader(std::string path, int fd, FileIdentity identity, Framing framing,
                       std::size_t max_record_bytes, std::uint64_t start_offset,
                       TailCheck start_tail)
    : path_(std::move(path)),
      fd_(fd),
      identity_(identity),
      framer_(make_stream_framer(framing, max_record_bytes)),
      tracker_(std::make_shared<OffsetTracker>(start_offset, 0, start_tail)) {
  framer_->reset(start_offset);
}

FileReader::~FileReader() {
  if (fd_ >= 0) ::close(fd_);
}

std::int64_t FileReader::read_chunk(std::size_t max_bytes, std::uint64_t file_size,
                                    std::size_t batch_records, ReadBlockPool& blocks,
                                    ReadStorage& storage, std::vector<FramedRecord>& records,
                                    std::vector<FramedError>& errors, std::string& error) {
  const std::uint64_t fed = framer_->fed_offset();
  if (file_size <= fed) return 0;  // nothing new at the last stat: no block, no system call
  const auto news = static_cast<std::size_t>(std::min<std::uint64_t>(max_bytes, file_size - fed));
  // The block holds the path, the bytes before the read offset, then the new ones: the bytes
  // before from the previous read when it ended here, else read again in the same pread.
  const auto before = static_cast<std::size_t>(std::min<std::uint64_t>(fed, kTailCheckBytes));
  const bool carried = carry_.size() >= before;
  storage.path_length = path_.size();
  storage.block = blocks.take(path_.size() + before + news + kRecordPadding);
  std::memcpy(storage.block.get(), path_.data(), path_.size());
  char* const buffer = storage.block.get() + path_.size();
  const std::uint64_t from = carried ? fed : fed - before;
  char* into = carried ? buffer + before : buffer;
  const std::size_t want = carried ? news : before + news;
  ssize_t got;
  do {
    got = ::pread(fd_, into, want, static_cast<off_t>(from));
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    error = std::strerror(errno);
    return -1;
  }
  if (got == 0) return 0;  // truncated since the stat
  if (carried) std::memcpy(buffer, carry_.data() + carry_.size() - before, before);
  const std::size_t window =
      carried ? before + static_cast<std::size_t>(got) : static_cast<std::size_t>(got);
  if (window <= before) return 0;  // nothing new (or shorter than where we read: truncated)
  const std::size_t n = window - before;
  // Defined bytes after the last record, for the parsers that read ahead (Record::padded).
  std::memset(buffer + window, ' ', kRecordPadding);
  const std::size_t first = records.size();
  const std::string_view chunk(buffer + before, n);
  Collector collector(chunk, storage, records, errors);
  framer_->feed(chunk, collector);

  // Tail checks from the window [fed - before, fed + n) that was just read.
  const std::uint64_t window_start = fed - before;
  auto tail_at = [&](std::uint64_t offset) -> std::optional<TailCheck> {
    const std::uint64_t length = std::min(offset, kTailCheckBytes);
    if (offset - length < window_start || offset > window_start + window) return std::nullopt;
    std::string_view bytes(buffer + (offset - length - window_start), length);
    return TailCheck{offset, length, tail_hash(bytes)};
  };
  const std::size_t every = std::max<std::size_t>(batch_records, 1);
  for (std::size_t i = first + every - 1; i < records.size(); i += every) {
    records[i].tail = tail_at(records[i].end_offset);
  }
  boundary_tail_ = tail_at(framer_->boundary_offset());
  const std::size_t keep = std::min<std::size_t>(window, kTailCheckBytes);
  carry_.assign(buffer + window - keep, keep);
  return static_cast<std::int64_t>(n);
}

void FileReader::restart_at(std::uint64_t offset, TailCheck tail) {
  framer_->reset(offset);
  tracker_->reset(offset, tail);
  carry_.clear();
  boundary_tail_.reset();
}

void FileReader::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void FileReader::reopen(int fd) {
  close_fd();
  fd_ = fd;
}

}  // namespace specwatch
