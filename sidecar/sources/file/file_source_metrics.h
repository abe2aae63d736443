// The metrics a file source maintains itself. One FileSourceMetrics serves every file source of
// the process (it is built once from the registry); each source takes its labelled series.
// Parsed-event counts belong to the pipeline and error counts to the ErrorReporter.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

namespace specwatch {

class FileSourceMetrics {
 public:
  explicit FileSourceMetrics(prometheus::Registry& registry);

  struct Series {
    prometheus::Counter& bytes_total;  // bytes read from files
    prometheus::Gauge& files;          // files tracked now
    prometheus::Gauge& lag_bytes;      // sum over files of size on disk minus read offset
    prometheus::Counter& checkpoint_write_errors;  // checkpoint writes that failed
    prometheus::Gauge& oldest_unpersisted_age;     // seconds; 0 when everything is persisted
  };
  Series series(const std::string& source);

  prometheus::Counter& checkpoint_writes_total() { return checkpoint_writes_; }

 private:
  prometheus::Family<prometheus::Counter>& bytes_family_;
  prometheus::Family<prometheus::Gauge>& files_family_;
  prometheus::Family<prometheus::Gauge>& lag_family_;
  prometheus::Family<prometheus::Counter>& write_errors_family_;
  prometheus::Family<prometheus::Gauge>& unpersisted_age_family_;
  prometheus::Counter& checkpoint_writes_;
};

}  // namespace specwatch
