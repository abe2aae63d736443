#include "sidecar/sources/file/file_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace specwatch {

namespace {

class Collector : public FramerOutput {
 public:
  Collector(std::string& text, std::vector<FramedRecord>& records, std::vector<FramedError>& errors)
      : text_(text), records_(records), errors_(errors) {}
  void on_record(std::string_view data, std::uint64_t end_offset) override {
    records_.push_back({text_.size(), data.size(), end_offset, std::nullopt});
    text_.append(data);
  }
  void on_error(std::string_view reason, std::string_view message, std::uint64_t offset) override {
    errors_.push_back({std::string(reason), std::string(message), offset});
  }

 private:
  std::string& text_;
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

std::int64_t FileReader::read_chunk(ReadBuffer& read_buffer, std::size_t max_bytes,
                                    std::size_t batch_records, std::string& text,
                                    std::vector<FramedRecord>& records,
                                    std::vector<FramedError>& errors, std::string& error) {
  const std::uint64_t fed = framer_->fed_offset();
  // The buffer holds the bytes before the read offset, then the new ones: from the previous read
  // when it ended here, else read again in the same pread as the new bytes.
  const auto before = static_cast<std::size_t>(std::min<std::uint64_t>(fed, kTailCheckBytes));
  const bool carried = carry_.size() >= before;
  char* const buffer = read_buffer.reserve(before + max_bytes);
  const std::uint64_t from = carried ? fed : fed - before;
  char* into = carried ? buffer + before : buffer;
  const std::size_t want = carried ? max_bytes : before + max_bytes;
  ssize_t got;
  do {
    got = ::pread(fd_, into, want, static_cast<off_t>(from));
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    error = std::strerror(errno);
    return -1;
  }
  if (got == 0) return 0;  // nothing new: the buffer was not written (ReadBuffer::release)
  read_buffer.written();
  // The kept bytes go in front only now that there is something after them.
  if (carried) std::memcpy(buffer, carry_.data() + carry_.size() - before, before);
  const std::size_t window =
      carried ? before + static_cast<std::size_t>(got) : static_cast<std::size_t>(got);
  if (window <= before) return 0;  // nothing new (or shorter than where we read: truncated)
  const std::size_t n = window - before;
  const std::size_t first = records.size();
  // The records of this read take at most its bytes plus a record the framer carried over from
  // the previous one: one allocation in the common case, not one per record.
  text.reserve(text.size() + n);
  Collector collector(text, records, errors);
  framer_->feed(std::string_view(buffer + before, n), collector);

  // Tail checks from the window [fed - before, fed + n) that was just read.
  const std::uint64_t window_start = fed - before;
  auto tail_at = [&](std::uint64_t offset) -> std::optional<TailCheck> {
    const std::uint64_t length = std::min(offset, kTailCheckBytes);
    if (offset - length < window_start || offset > window_start + window) return std::nullopt;
    std::string_view bytes(buffer + (offset - length - window_start), length);
    return TailCheck{offset, length, fingerprint_hash(bytes)};
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
