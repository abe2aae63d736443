// The warning about LLM models without a price, rate-limited and redacted.
//
// A new deployment may call hundreds of models the price table does not know; one line each
// would flood the log. So: the first unpriced (provider, model) is logged at once with its
// service, provider and model; the ones first seen in the next `interval` (one minute) are
// collected and written as one line at the end of it, with how many there were and the first
// five names. At most one line per interval, whatever the input. The values are the input's own
// names: they pass through the redactor (site "log") before they are written.
//
// Which pairs were already seen is remembered for at most `max_remembered` pairs; past that one
// line says that further unpriced models are counted but not logged.
//
// Not thread-safe: the owner (DerivedMetrics) serializes access.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "sidecar/core/logger.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {

class UnpricedModelLog {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  static constexpr std::size_t kNamesPerLine = 5;

  UnpricedModelLog(Logger& logger, SiteRedactor& redaction, std::size_t max_remembered,
                   std::chrono::seconds interval = std::chrono::seconds(60));

  // A call of a model without price at `now`.
  void seen(std::string_view service, std::string_view provider, std::string_view model,
            TimePoint now);
  // Whether models wait for the next line (then call flush_due with the time).
  bool pending() const { return pending_count_ > 0; }
  // Writes the waiting models if the interval since the last line has passed.
  void flush_due(TimePoint now);

  std::size_t remembered() const { return seen_.size(); }

 private:
  bool due(TimePoint now) const;
  void write_summary(TimePoint now);

  Logger& logger_;
  SiteRedactor& redaction_;
  std::size_t max_remembered_;
  std::chrono::seconds interval_;
  std::unordered_set<std::string> seen_;  // provider '\x1f' model
  bool limit_reported_ = false;
  bool logged_any_ = false;
  TimePoint last_line_{};
  std::uint64_t pending_count_ = 0;
  std::vector<std::string> pending_names_;  // "provider/model", the first kNamesPerLine
};

}  // namespace specwatch
