// Reads finished files once, from their beginning, through the daemon's own record path: a real
// FileSource (the source's discovery settings, framing, record limits), the pipeline (UTF-8
// repair, JSON parsing) and the normalize stage (the source's profile), and hands every batch's
// events to one consumer. `specwatch pricing check` and the tests that read sample files use it,
// so that no second copy of that path exists to drift from the daemon's.
//
// Nothing is persisted (checkpoints off) and nothing is served. A last record without its newline
// is not read, exactly as when tailing; `unterminated` names the files that end in one.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sidecar/core/event_consumer.h"
#include "sidecar/core/logger.h"
#include "sidecar/normalize/profile_set.h"
#include "sidecar/sources/file/file_source_config.h"

namespace specwatch {

struct ReplayResult {
  std::uint64_t records = 0;                    // records handed to the pipeline
  std::uint64_t events = 0;                     // events handed to the consumer
  std::map<std::string, std::uint64_t> errors;  // specwatch_source_errors_total by reason
  std::vector<std::string> unterminated;        // files whose last record lacks its newline
  bool timed_out = false;                       // the files were not read within the deadline
};

// Reads `paths` as the file source `source` would (its include/exclude globs are replaced by the
// paths themselves; start_at is the beginning). `consumer` is called on the pipeline's worker
// thread, one batch at a time. Problems with the records are logged through `logger` (rate
// limited, as in the daemon) and counted in the result.
ReplayResult replay_files(const FileSourceConfig& source, const std::vector<std::string>& paths,
                          const ProfileSet& profiles, EventConsumer& consumer, Logger& logger,
                          int deadline_ms = 600000);

}  // namespace specwatch
