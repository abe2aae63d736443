#include "sidecar/sources/file/file_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace specwatch {

namespace {

class Collector : public FramerOutput {
 public:
  Collector(std::vector<FramedRecord>& records, std::vector<FramedError>& errors)
      : records_(records), errors_(errors) {}
  void on_record(std::string_view data, std::uint64_t end_offset) override {
    records_.push_back({std::string(data), end_offset});
  }
  void on_error(std::string_view reason, std::string_view message, std::uint64_t offset) override {
    errors_.push_back({std::string(reason), std::string(message), offset});
  }

 private:
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

std::int64_t FileReader::read_chunk(std::string& buffer, std::size_t max_bytes,
                                    std::vector<FramedRecord>& records,
                                    std::vector<FramedError>& errors, std::string& error) {
  if (buffer.size() < max_bytes) buffer.resize(max_bytes);
  ssize_t n;
  do {
    n = ::pread(fd_, buffer.data(), max_bytes, static_cast<off_t>(framer_->fed_offset()));
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    error = std::strerror(errno);
    return -1;
  }
  if (n == 0) return 0;
  Collector collector(records, errors);
  framer_->feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), collector);
  return n;
}

void FileReader::restart_at(std::uint64_t offset, TailCheck tail) {
  framer_->reset(offset);
  tracker_->reset(offset, tail);
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
