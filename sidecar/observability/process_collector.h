// The standard process_* metrics of the Prometheus client libraries, read from procfs each time
// /metrics is collected (so nothing runs between scrapes):
//   process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
//   process_start_time_seconds, process_open_fds, process_max_fds.
// A metric whose procfs file cannot be read is left out of that scrape.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <string>
#include <vector>

namespace specwatch {

class ProcessCollector : public prometheus::Collectable {
 public:
  // `process_dir` is the process's procfs directory and `proc_stat` the system's /proc/stat
  // (for the boot time); tests point them at prepared files.
  explicit ProcessCollector(std::string process_dir = "/proc/self",
                            std::string proc_stat = "/proc/stat");

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::string process_dir_;
  std::string proc_stat_;
  double ticks_per_second_;
  double page_size_;
};

}  // namespace specwatch
