#include "sidecar/sources/file/file_source_metrics.h"

namespace specwatch {

FileSourceMetrics::FileSourceMetrics(prometheus::Registry& registry)
    : bytes_family_(prometheus::BuildCounter()
                        .Name("specwatch_source_bytes_total")
                        .Help("Bytes read by a source from its files.")
                        .Register(registry)),
      files_family_(prometheus::BuildGauge()
                        .Name("specwatch_source_files")
                        .Help("Files a source tracks now.")
                        .Register(registry)),
      lag_family_(prometheus::BuildGauge()
                      .Name("specwatch_source_lag_bytes")
                      .Help("Bytes on disk not yet read, summed over a source's files.")
                      .Register(registry)),
      write_errors_family_(prometheus::BuildCounter()
                               .Name("specwatch_checkpoint_write_errors_total")
                               .Help("Checkpoint writes of a source that failed (disk full, "
                                     "read-only or missing state directory).")
                               .Register(registry)),
      unpersisted_age_family_(
          prometheus::BuildGauge()
              .Name("specwatch_checkpoint_oldest_unpersisted_age_seconds")
              .Help("Age of the oldest acknowledgement of a source not yet persisted in its "
                    "checkpoint; 0 when everything acknowledged is persisted.")
              .Register(registry)),
      checkpoint_writes_(prometheus::BuildCounter()
                             .Name("specwatch_checkpoint_writes_total")
                             .Help("Checkpoint files written.")
                             .Register(registry)
                             .Add({})) {}

FileSourceMetrics::Series FileSourceMetrics::series(const std::string& source) {
  return Series{bytes_family_.Add({{"source", source}}), files_family_.Add({{"source", source}}),
                lag_family_.Add({{"source", source}}),
                write_errors_family_.Add({{"source", source}}),
                unpersisted_age_family_.Add({{"source", source}})};
}

}  // namespace specwatch
