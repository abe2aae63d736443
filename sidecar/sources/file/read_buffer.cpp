#include "sidecar/sources/file/read_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace specwatch {

void ReadBuffer::Unmap::operator()(char* address) const {
  ::munmap(address, bytes);
}

char* ReadBuffer::reserve(std::size_t size) {
  if (size > capacity_) {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t bytes = (size + page - 1) / page * page;
    void* address =
        ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (address == MAP_FAILED) throw std::bad_alloc();
    map_ = std::unique_ptr<char, Unmap>(static_cast<char*>(address), Unmap{bytes});
    capacity_ = bytes;
  }
  return map_.get();
}

void ReadBuffer::release() {
  if (!written_) return;
  written_ = false;
  // MADV_DONTNEED on private anonymous memory frees the pages at once; they read as zeros later.
  ::madvise(map_.get(), capacity_, MADV_DONTNEED);
}

}  // namespace specwatch
