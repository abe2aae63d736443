// LLM call events in a batch of their own records, for the budget tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sidecar/budgets/budget_config.h"
#include "sidecar/core/event_batch.h"

namespace specwatch::testing {

struct CallSpec {
  std::optional<double> cost_usd;
  std::int64_t t_s = 0;  // 0: no timestamp
  std::string workflow_id;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::string model = "gpt-4o";
  std::string provider = "openai";
  std::uint64_t stream = 0;
  std::uint64_t end_offset = 0;
};

struct Calls {
  explicit Calls(std::string service = "specular", std::string source = "specular-traces") {
    batch.service = std::move(service);
    batch.source = std::move(source);
  }
  Calls& add(const CallSpec& spec) {
    Record record;
    record.stream_id = spec.stream;
    record.end_offset = spec.end_offset;
    batch.records.push_back(record);
    CanonicalEvent event;
    event.service = batch.service;
    event.timestamp_ns = spec.t_s * 1000000000;
    event.workflow_id = spec.workflow_id;
    LlmCall call;
    call.provider = spec.provider;
    call.model = spec.model;
    call.cost_usd = spec.cost_usd;
    if (spec.input_tokens) call.input_tokens = spec.input_tokens;
    if (spec.output_tokens) call.output_tokens = spec.output_tokens;
    event.body = call;
    events.push_back(event);
    index.push_back(static_cast<std::uint32_t>(batch.records.size() - 1));
    return *this;
  }
  // An event that is not an LLM call (a fallback), in a record of its own.
  Calls& add_other() {
    batch.records.emplace_back();
    CanonicalEvent event;
    event.body = Fallback{};
    events.push_back(event);
    index.push_back(static_cast<std::uint32_t>(batch.records.size() - 1));
    return *this;
  }
  EventBatch view() const { return EventBatch{batch, Tool::kNone, events, index}; }

  RecordBatch batch;
  std::vector<CanonicalEvent> events;
  std::vector<std::uint32_t> index;
};

inline BudgetConfig usd_budget(std::string name, BudgetWindowKind window, double limit) {
  BudgetConfig budget;
  budget.name = std::move(name);
  budget.window = window;
  budget.limit = limit;
  budget.thresholds = default_budget_thresholds();
  return budget;
}

}  // namespace specwatch::testing
