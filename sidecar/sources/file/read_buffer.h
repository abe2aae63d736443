// The file source's read buffer: anonymous memory of its own mapping, whose pages go back to the
// kernel when the source has nothing to read.
//
// Why not a std::string: the buffer is a read's size (tail.read_buffer_bytes, 256 KiB by default,
// plus the bytes kept before the read offset) and is needed only while data arrives. A string
// zero-fills every byte when it grows and keeps its pages resident for the sidecar's lifetime;
// an idle sidecar held them (0.5 MB of its 16 MB). Freeing the string would not help either:
// malloc keeps a freed block of this size in its heap. Here the pages are only those the reads
// wrote, and release() hands them back (madvise), keeping the mapping for the next read.
#pragma once

#include <cstddef>
#include <memory>

namespace specwatch {

class ReadBuffer {
 public:
  ReadBuffer() = default;
  ReadBuffer(const ReadBuffer&) = delete;
  ReadBuffer& operator=(const ReadBuffer&) = delete;

  // At least `size` writable bytes. Their contents are unspecified: a larger buffer is a new
  // mapping, and released pages read as zeros. Throws std::bad_alloc when no memory is left.
  char* reserve(std::size_t size);
  std::size_t capacity() const { return capacity_; }

  // The caller wrote into the buffer (pages became resident) since the last release.
  void written() { written_ = true; }
  bool holds_pages() const { return written_; }
  // Gives the written pages back to the kernel (the mapping stays); nothing when nothing was
  // written since the last release, so that quiet polls cost no system call.
  void release();

 private:
  struct Unmap {
    std::size_t bytes;  // no initializer: it would make Unmap not default-constructible here
    void operator()(char* address) const;
  };
  std::unique_ptr<char, Unmap> map_;
  std::size_t capacity_ = 0;
  bool written_ = false;
};

}  // namespace specwatch
