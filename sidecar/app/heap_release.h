// How the daemon uses glibc's allocator: the thresholds it fixes at start (tune_allocator) and
// the periodic hand-back of free heap memory (HeapReleaser).
//
// Why: an OTLP export's decoded values (about 3.5 times its bytes, in 256 KiB blocks) are freed
// once the pipeline is done with them. With glibc's trim threshold at 8 MiB, an export of 8,192
// spans (the OpenTelemetry Collector's default batch) left tens of MiB at the top of the heap,
// which glibc gave back to the kernel after each export and faulted in again for the next: a
// third of the CPU went to page faults, 172,000 spans per CPU-second against 507,000 with the
// memory kept (docs/PERFORMANCE.md, "Large OTLP exports"). The threshold is now 64 MiB, and what a
// burst leaves free is given back by HeapReleaser instead: every 10 s, when the resident memory has
// grown by 16 MiB or more since the last hand-back (or the start), malloc_trim(0). The same trade
// as the decaying allocators' (jemalloc's dirty pages): under sustained load, at most one refault
// of the burst's memory per interval. Why resident memory and not glibc's count of free bytes
// (mallinfo2): free chunks between used ones stay counted after malloc_trim has given their pages
// back, so that count cannot tell a burst's leftovers from memory already returned.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace specwatch {

// glibc's thresholds for the daemon: blocks of up to 1 MiB from the heap, and up to 64 MiB of
// free heap top kept per arena (see above). Process-wide; called once by `specwatch run`.
void tune_allocator();

// The process's resident memory, in bytes (/proc/self/statm); 0 if it cannot be read.
std::size_t resident_bytes();

// What HeapReleaser measures and calls (replaced in tests); empty: glibc's.
struct HeapReleaseHooks {
  std::function<std::size_t()> resident_bytes;  // default: resident_bytes()
  std::function<void()> release;                // default: malloc_trim(0)
};

class HeapReleaser {
 public:
  using Clock = std::chrono::steady_clock;
  using Hooks = HeapReleaseHooks;
  static constexpr Clock::duration kInterval = std::chrono::seconds(10);
  static constexpr std::size_t kMinGrowthBytes = 16 * 1024 * 1024;

  // Reads the resident memory now, as the first baseline.
  explicit HeapReleaser(Clock::time_point start, Hooks hooks = {},
                        Clock::duration interval = kInterval,
                        std::size_t min_growth_bytes = kMinGrowthBytes);

  // At most once per interval: gives free memory back when the resident memory has grown by at
  // least min_growth_bytes over the baseline, which is then what remains resident (also when it
  // is more: memory in use is not released again and again). Returns whether it released.
  bool tick(Clock::time_point now);
  // How long until the next check is due (zero when it is).
  Clock::duration until_due(Clock::time_point now) const;

 private:
  Hooks hooks_;
  Clock::duration interval_;
  std::size_t min_growth_bytes_;
  std::size_t baseline_;
  Clock::time_point next_;
};

}  // namespace specwatch
