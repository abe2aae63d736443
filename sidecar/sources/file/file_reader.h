// The reader of one tailed file (stream framings): owns the open descriptor, so a file renamed
// or deleted can be read to its end; reads with pread from where the framer stopped, feeds the
// framer and collects the framed records and skipped-byte errors for the source to batch.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sidecar/framing/framer.h"
#include "sidecar/sources/file/file_identity.h"
#include "sidecar/sources/file/offset_tracker.h"
#include "sidecar/sources/file/read_buffer.h"

namespace specwatch {

// A framed record: its bytes are text[offset, offset + length) of the text read_chunk appended to.
struct FramedRecord {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::uint64_t end_offset = 0;
  // The tail check at end_offset, hashed from the bytes read; set on the records that end a batch.
  std::optional<TailCheck> tail;
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
  // EOF), or -1 with `error` set. Every `batch_records`-th record carries the tail check at its
  // end, and boundary_tail() is the one at boundary_offset(): both are hashed from the bytes this
  // read returned (with those kept from the previous read), never read again from the file,
  // which may have been truncated meanwhile (copytruncate while a chunk is being emitted).
  // The records' bytes are appended to `text`, one after the other (FramedRecord names where).
  std::int64_t read_chunk(ReadBuffer& buffer, std::size_t max_bytes, std::size_t batch_records,
                          std::string& text, std::vector<FramedRecord>& records,
                          std::vector<FramedError>& errors, std::string& error);
  // The tail check at boundary_offset() after the last read_chunk; nullopt if that read did not
  // cover the bytes before it.
  const std::optional<TailCheck>& boundary_tail() const { return boundary_tail_; }

  // Starts over at `offset` (truncation, rewrite): pending framer state and batches in flight
  // are dropped.
  void restart_at(std::uint64_t offset, TailCheck tail = {});

 private:
  std::string path_;
  int fd_;
  FileIdentity identity_;
  std::unique_ptr<Framer> framer_;
  std::shared_ptr<OffsetTracker> tracker_;
  // The last bytes fed (up to kTailCheckBytes, ending at the read offset): tail checks of the next
  // read can reach back before it without reading the file again.
  std::string carry_;
  std::optional<TailCheck> boundary_tail_;
};

}  // namespace specwatch
