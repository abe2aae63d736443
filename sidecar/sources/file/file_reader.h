// The reader of one tailed file (stream framings): owns the open descriptor, so a file renamed
// or deleted can be read to its end; reads with pread from where the framer stopped, feeds the
// framer and collects the framed records and skipped-byte errors for the source to batch.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/core/record.h"
#include "sidecar/framing/framer.h"
#include "sidecar/sources/file/file_identity.h"
#include "sidecar/sources/file/offset_tracker.h"
#include "sidecar/sources/file/read_block_pool.h"

namespace specwatch {

// What one read's records are views of, shared by the batches made from it: the file's path (the
// records' origin), then the bytes read, then kRecordPadding spare bytes, so that every record cut
// from them can be parsed where it lies (Record::padded). Reading into the block the batches keep
// saves copying each record out of a reused buffer: the copy was a third of the source thread's
// time (docs/PERFORMANCE.md, "Records parsed where they were read").
struct ReadStorage {
  ReadBlockPool::Block block;
  std::size_t path_length = 0;
  // Records that began in an earlier read, completed from the framer's copy of their first part:
  // copied here, with kRecordPadding spare bytes of capacity too. Elements of a deque do not move.
  std::deque<std::string> spilled;

  std::string_view path() const { return {block.get(), path_length}; }
};

// A framed record, a view of the ReadStorage of its read.
struct FramedRecord {
  std::string_view bytes;
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

  // Reads up to `max_bytes` at the read offset, no more than the file held at its last stat
  // (`file_size`: a block as large as the file's news, not as a whole read, whatever the rate
  // it grows at), and frames them. Returns the bytes read (0 at EOF, without a system call when
  // `file_size` says there is nothing to read), or -1 with `error` set. Every `batch_records`-th
  // record carries the tail check at its end, and boundary_tail() is the one at boundary_offset():
  // both are hashed from the bytes this read returned (with those kept from the previous read),
  // never read again from the file, which may have been truncated meanwhile (copytruncate while a
  // chunk is being emitted). The bytes are read into `storage` (its block taken from `blocks`),
  // which the records view.
  std::int64_t read_chunk(std::size_t max_bytes, std::uint64_t file_size, std::size_t batch_records,
                          ReadBlockPool& blocks, ReadStorage& storage,
                          std::vector<FramedRecord>& records, std::vector<FramedError>& errors,
                          std::string& error);
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
