#include "sidecar/app/heap_release.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace specwatch {

void tune_allocator() {
  // Above 1 MiB, mmap: a block of that size is rare enough that its own mapping costs little,
  // and it goes back to the kernel at once when freed (a 16 MiB body, say).
  mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

std::size_t resident_bytes() {
  // statm: size resident shared text lib data dt, in pages.
  std::FILE* f = std::fopen("/proc/self/statm", "re");
  if (f == nullptr) return 0;
  unsigned long size = 0;
  unsigned long resident = 0;
  const int read = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (read != 2) return 0;
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

HeapReleaser::HeapReleaser(Clock::time_point start, Hooks hooks, Clock::duration interval,
                           std::size_t min_growth_bytes)
    : hooks_(std::move(hooks)),
      interval_(interval),
      min_growth_bytes_(min_growth_bytes),
      next_(start + interval) {
  if (!hooks_.resident_bytes) hooks_.resident_bytes = resident_bytes;
  if (!hooks_.release) hooks_.release = [] { malloc_trim(0); };
  baseline_ = hooks_.resident_bytes();
}

bool HeapReleaser::tick(Clock::time_point now) {
  if (now < next_) return false;
  next_ = now + interval_;
  const std::size_t resident = hooks_.resident_bytes();
  if (resident < baseline_ + min_growth_bytes_) {
    // Shrunk (memory freed by other means, or mapped blocks unmapped): the lower figure is the
    // baseline a burst is measured from.
    baseline_ = std::min(baseline_, resident);
    return false;
  }
  hooks_.release();
  baseline_ = hooks_.resident_bytes();
  return true;
}

HeapReleaser::Clock::duration HeapReleaser::until_due(Clock::time_point now) const {
  return now >= next_ ? Clock::duration::zero() : next_ - now;
}

}  // namespace specwatch
