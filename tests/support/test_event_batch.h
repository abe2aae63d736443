// An EventBatch with its own storage for tests: `events` default events from `records` records
// (event i from record i % records), and an acknowledgement whose outcome the test can read.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "sidecar/core/event_batch.h"

namespace specwatch::testing {

struct AckProbe {
  std::atomic<int> calls{0};
  std::atomic<int> status{-1};
  BatchAck make() {
    return BatchAck([this](DeliveryStatus s) {
      status.store(static_cast<int>(s));
      calls.fetch_add(1);
    });
  }
  bool released_with(DeliveryStatus s) const {
    return calls.load() == 1 && status.load() == static_cast<int>(s);
  }
};

struct TestEventBatch {
  TestEventBatch(std::string source, std::size_t events, BatchAck ack, std::size_t records = 1)
      : events(events), record_index(events) {
    batch.source = std::move(source);
    batch.service = "svc";
    batch.records.resize(records);
    batch.ack = std::move(ack);
    for (std::size_t i = 0; i < events; ++i) {
      record_index[i] = static_cast<std::uint32_t>(i % records);
    }
  }
  EventBatch view() const { return EventBatch{batch, Tool::kNone, events, record_index}; }
  // Drops the pipeline's copy of the acknowledgement, as the pipeline does after the fan-out.
  void release() { batch.ack.release(); }

  RecordBatch batch;
  std::vector<CanonicalEvent> events;
  std::vector<std::uint32_t> record_index;
};

}  // namespace specwatch::testing
