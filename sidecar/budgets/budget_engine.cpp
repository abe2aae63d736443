#include "sidecar/budgets/budget_engine.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <variant>

#include "sidecar/budgets/budget_alerts.h"
#include "sidecar/budgets/budget_track.h"
#include "sidecar/derive/call_cost.h"

namespace specwatch {
namespace {

constexpr std::int64_t kResolvedKeptS = 15 * 60;
constexpr std::size_t kMaxWatermarks = 4096;

const std::string& label_value(const std::string& label, const EventBatch& batch,
                               const CanonicalEvent& event, const LlmCall& call) {
  if (label == "service") return event.service.empty() ? batch.service() : event.service;
  if (label == "source") return batch.source();
  if (label == "provider") return call.provider;
  if (label == "model") return call.model;
  return call.operation;
}

bool matches(const BudgetConfig& budget, const EventBatch& batch, const CanonicalEvent& event,
             const LlmCall& call) {
  for (const BudgetMatcher& matcher : budget.match) {
    const std::string& value = label_value(matcher.label, batch, event, call);
    if (std::find(matcher.values.begin(), matcher.values.end(), value) == matcher.values.end()) {
      return false;
    }
  }
  return true;
}

// Tokens as specwatch_llm_tokens_total counts them: input (with the cache tokens, whatever the
// input's convention) plus output (which includes reasoning).
std::int64_t call_tokens(const LlmCall& call) {
  std::int64_t input = call.input_tokens.value_or(0);
  if (call.input_tokens && !call.input_includes_cache) {
    input += std::max<std::int64_t>(call.cache_read_tokens.value_or(0), 0) +
             std::max<std::int64_t>(call.cache_creation_tokens.value_or(0), 0);
  }
  return std::max<std::int64_t>(input, 0) +
         std::max<std::int64_t>(call.output_tokens.value_or(0), 0);
}

}  // namespace

BudgetEngine::BudgetEngine(const BudgetsConfig& config, PricingTable pricing)
    : config_(config), pricing_(std::move(pricing)) {
  for (const BudgetConfig& budget : config_.budgets)
    tracks_.push_back(std::make_unique<Track>(budget));
}

BudgetEngine::~BudgetEngine() = default;

std::size_t BudgetEngine::budget_count() const {
  return tracks_.size();
}

BudgetEngine::Recorded BudgetEngine::record(const EventBatch& batch, std::int64_t now_s) {
  Recorded recorded;
  if (tracks_.empty()) return recorded;
  bool& changed = recorded.changed;
  batch_marks_.clear();
  // The watermark of the batch's current stream, looked up once per stream change.
  std::uint64_t cached_stream = 0;
  std::uint64_t cached_mark = 0;
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const CanonicalEvent& event = batch.events[i];
    const LlmCall* call = std::get_if<LlmCall>(&event.body);
    if (call == nullptr) continue;
    const Record& record = batch.record_of(i);
    const bool positioned = record.stream_id != 0 && record.end_offset != 0;
    if (positioned) {
      if (record.stream_id != cached_stream) {
        cached_stream = record.stream_id;
        auto found = watermarks_.find(StreamKey{batch.source(), record.stream_id});
        cached_mark = found == watermarks_.end() ? 0 : found->second.offset;
      }
      if (record.end_offset <= cached_mark) {  // counted before a restart
        ++recorded.already_counted;
        continue;
      }
      if (batch_marks_.empty() || batch_marks_.back().first != record.stream_id) {
        batch_marks_.emplace_back(record.stream_id, record.end_offset);
      } else {
        batch_marks_.back().second = std::max(batch_marks_.back().second, record.end_offset);
      }
    }
    std::int64_t t_s = now_s;
    if (event.timestamp_ns > 0) t_s = std::min(now_s, event.timestamp_ns / 1000000000);
    std::optional<CallCost> cost;
    for (auto& track : tracks_) {
      const BudgetConfig& budget = track->config;
      if (!matches(budget, batch, event, *call)) continue;
      std::int64_t units = 0;
      if (budget.unit == BudgetUnit::kUsd) {
        if (!cost) cost = llm_call_cost(*call, pricing_);
        if (!cost->usd) {
          track->roll(t_s);
          ++track->unpriced;
          changed = true;
          continue;
        }
        units = std::llround(*cost->usd * kNanoUsd);
      } else if (budget.unit == BudgetUnit::kTokens) {
        units = call_tokens(*call);
      } else {
        units = call->count > 0 ? call->count : 0;
      }
      track->add(t_s, units, event.workflow_id, now_s, config_.max_open_workflows);
      changed = true;
    }
  }
  if (changed) {
    for (const auto& [stream, offset] : batch_marks_) {
      Watermark& mark = watermarks_[StreamKey{batch.source(), stream}];
      mark.offset = std::max(mark.offset, offset);
      mark.updated_s = now_s;
    }
    if (watermarks_.size() > kMaxWatermarks) {
      // The stream updated longest ago is a file long gone.
      auto oldest = std::min_element(watermarks_.begin(), watermarks_.end(), [](auto& a, auto& b) {
        return a.second.updated_s < b.second.updated_s;
      });
      watermarks_.erase(oldest);
    }
  }
  return recorded;
}

void BudgetEngine::evaluate(std::int64_t now_s, std::vector<AlertNotification>& out) {
  std::map<std::string, AlertNotification> firing;
  for (auto& track : tracks_) {
    track->roll(now_s);
    if (track->config.window == BudgetWindowKind::kWorkflow) {
      track->close_workflows(now_s, config_.workflow_idle_timeout_ms / 1000,
                             config_.workflow_max_open_ms / 1000);
    }
    track->update_thresholds(now_s);
    for (AlertNotification& alert : budget_alerts(*track, now_s)) {
      std::string key = alert_key(alert);
      // An instance keeps the time it became active (a forecast alert, say, across evaluations).
      if (auto before = firing_.find(key); before != firing_.end()) {
        alert.starts_at = std::min(alert.starts_at, before->second.starts_at);
      }
      firing.emplace(std::move(key), std::move(alert));
    }
  }
  // An alert firing at the last evaluation and not now has resolved.
  for (auto& [key, alert] : firing_) {
    if (firing.count(key) == 0) {
      alert.status = AlertNotification::Status::kResolved;
      alert.ends_at = std::chrono::system_clock::from_time_t(now_s);
      resolved_.push_back(alert);
    }
  }
  std::erase_if(resolved_, [&](const AlertNotification& alert) {
    return std::chrono::system_clock::to_time_t(alert.ends_at) + kResolvedKeptS < now_s ||
           firing.count(alert_key(alert)) != 0;
  });
  firing_ = std::move(firing);
  for (const auto& [key, alert] : firing_) out.push_back(alert);
  out.insert(out.end(), resolved_.begin(), resolved_.end());
}

std::vector<BudgetStatus> BudgetEngine::status(std::int64_t now_s) const {
  std::vector<BudgetStatus> result;
  result.reserve(tracks_.size());
  for (const auto& track : tracks_) result.push_back(budget_status(*track, now_s));
  return result;
}

}  // namespace specwatch
