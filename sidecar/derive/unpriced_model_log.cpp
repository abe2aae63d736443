#include "sidecar/derive/unpriced_model_log.h"

namespace specwatch {

UnpricedModelLog::UnpricedModelLog(Logger& logger, SiteRedactor& redaction,
                                   std::size_t max_remembered, std::chrono::seconds interval)
    : logger_(logger),
      redaction_(redaction),
      max_remembered_(max_remembered),
      interval_(interval) {}

bool UnpricedModelLog::due(TimePoint now) const {
  // A clock set back must not silence the log for as long as it went back.
  return !logged_any_ || now - last_line_ >= interval_ || now < last_line_;
}

void UnpricedModelLog::seen(std::string_view service, std::string_view provider,
                            std::string_view model, TimePoint now) {
  std::string key(provider);
  key.push_back('\x1f');
  key.append(model);
  if (seen_.count(key) != 0) return;
  if (seen_.size() >= max_remembered_) {
    if (!limit_reported_) {
      limit_reported_ = true;
      logger_.warn("too many unpriced models; further ones are counted but not logged",
                   {{"limit", static_cast<std::uint64_t>(max_remembered_)}});
    }
    return;
  }
  seen_.insert(std::move(key));
  if (pending_count_ == 0 && due(now)) {
    logged_any_ = true;
    last_line_ = now;
    logger_.warn(
        "no price for this model: its calls are counted in specwatch_llm_unpriced_requests_total, "
        "not in specwatch_llm_cost_usd_total; add it to the pricing file",
        {{"service", redaction_.apply(service)},
         {"provider", redaction_.apply(provider)},
         {"model", redaction_.apply(model)}});
    return;
  }
  ++pending_count_;
  if (pending_names_.size() < kNamesPerLine) {
    pending_names_.push_back(std::string(provider) + "/" + std::string(model));
  }
  flush_due(now);
}

void UnpricedModelLog::flush_due(TimePoint now) {
  if (pending_count_ > 0 && due(now)) write_summary(now);
}

void UnpricedModelLog::write_summary(TimePoint now) {
  std::string names;
  for (const auto& name : pending_names_) {
    if (!names.empty()) names.append(", ");
    names.append(redaction_.apply(name));
  }
  logger_.warn(
      "no price for more models: their calls are counted in "
      "specwatch_llm_unpriced_requests_total, not in specwatch_llm_cost_usd_total; add them to "
      "the pricing file",
      {{"models", pending_count_},
       {"first", names},
       {"interval_seconds", static_cast<std::int64_t>(interval_.count())}});
  logged_any_ = true;
  last_line_ = now;
  pending_count_ = 0;
  pending_names_.clear();
}

}  // namespace specwatch
