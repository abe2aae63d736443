// An append-only file rotated by size: the output of the file exporter and of every dead-letter
// file (dead_letter.h). Rotated before a document would take it beyond max_bytes (path → path.1 →
// ... → path.<max_files>; the oldest is dropped), or standard output (never rotated, never
// closed). A document is never split across two files; a document bigger than max_bytes gets a
// file of its own.
//
// Not thread-safe: the owner serializes calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace specwatch {

class RotatingFile {
 public:
  struct Options {
    std::string path;             // "-": standard output
    std::uint64_t max_bytes = 0;  // 0: never rotate
    int max_files = 5;            // rotated files kept (path.1 .. path.N)
    bool fsync = false;           // fsync each write() and the file before a rotation
  };

  explicit RotatingFile(Options options);
  ~RotatingFile();
  RotatingFile(const RotatingFile&) = delete;
  RotatingFile& operator=(const RotatingFile&) = delete;

  // Opens the file for appending (creating it); "" on success, otherwise why not. A last
  // document without its line break (the process was killed while writing it) is cut off first
  // and its bytes added to torn_bytes_removed(): it was never acknowledged, so it comes again.
  std::string open();
  bool is_open() const { return fd_ >= 0; }

  // Appends the documents in `data`: document i ends at ends[i] (exclusive; each ends with its
  // line break), rotating between documents as needed; then fsyncs when configured. Returns ""
  // when everything is written (and synced), otherwise the error. A failed write is cut off again
  // (the file is truncated to where the failed part began), so a retry never follows half a line.
  std::string write(std::string_view data, std::span<const std::size_t> ends);

  // fsyncs (when configured) and closes; safe twice.
  void close();

  std::uint64_t size() const { return size_; }
  std::uint64_t rotations() const { return rotations_; }
  std::uint64_t torn_bytes_removed() const { return torn_bytes_removed_; }

 private:
  bool to_stdout() const { return options_.path == "-"; }
  std::string append(std::string_view bytes);
  std::string rotate();
  std::string sync(int fd, const std::string& what);

  Options options_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t rotations_ = 0;
  std::uint64_t torn_bytes_removed_ = 0;
};

}  // namespace specwatch
