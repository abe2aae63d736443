// The reader of one tailed file (stream framings): owns the open descriptor, so a file renamed
// or deleted can be read to its end; reads with pread from where the framer stopped, feeds the
// framer and collects the framed records and skipped-byte errors for the source to batch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sidecar/config/config.h"
#include "sidecar/framing/framer.h"
#include "sidecar/sources/file/file_identity.h"
#include "sidecar/sources/file/offset_tracker.h"

namespace specwatch {

struct FramedRecord {
  std::string data;
  std::uint64_t end_offset = 0;
};

struct FramedError {
  std::string reason;
  std::string message;
  std::uint64_t offset = 0;
};

class FileReader {
 public:
  // Takes ownership of `fd`. Reading starts at `start_offset`.
  FileReader(std::string path, int fd, FileIdentity identity, Framing framing,
             std::size_t max_record_bytes, std::uint64_t start_offset, TailCheck start_tail = {});
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  const std::string& path() const { return path_; }
  void set_path(std::string path) { path_ = std::move(path); }
  int fd() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  // Closes the descriptor (an idle file, to stay within max_open_files); the framer keeps its
  // state, so reading resumes exactly where it stopped once reopen() hands a new descriptor.
  void close_fd();
  void reopen(int fd);
  const FileIdentity& identity() const { return identity_; }
  void set_fingerprint(const Fingerprint& fp) { identity_.fingerprint = fp; }
  const std::shared_ptr<OffsetTracker>& tracker() const { return tracker_; }

  std::uint64_t read_offset() const { return framer_->fed_offset(); }
  std::uint64_t boundary_offset() const { return framer_->boundary_offset(); }

  // Reads up to `max_bytes` at the read offset and frames them. Returns the bytes read (0 at
  // EOF), or -1 with `error` set.
  std::int64_t read_chunk(std::string& buffer, std::size_t max_bytes,
                          std::vector<FramedRecord>& records, std::vector<FramedError>& errors,
                          std::string& error);

  // Starts over at `offset` (truncation, rewrite): pending framer state and batches in flight
  // are dropped.
  void restart_at(std::uint64_t offset, TailCheck tail = {});

 private:
  std::string path_;
  int fd_;
  FileIdentity identity_;
  std::unique_ptr<Framer> framer_;
  std::shared_ptr<OffsetTracker> tracker_;
};

}  // namespace specwatch
