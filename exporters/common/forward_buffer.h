// What a forwarder (an exporter that sends to a remote peer) holds between taking a batch from
// the event stream and the peer acknowledging it: the disk spool (spool.h) when configured, else
// the batches themselves in memory with their acknowledgements held. The sink stores each batch's
// encoded entry on the pipeline's thread; its delivery thread takes entries in order and settles
// each once the peer stored (or dead-lettered) every event of it.
//
// - With the spool: store() returns once the entry is fsynced; the batch's acknowledgement is then
//   released by the pipeline as usual, so the source's checkpoint passes it (the spool owns it). A
//   full spool blocks store() (backpressure) or drops the batch (kRejected, counted dropped), as
//   configured. settle(kDelivered) commits the entry; settle(kFailed) leaves it for the next start.
// - Without: store() keeps the entry and a copy of the batch's acknowledgement, waiting while
//   `queue_max_events` are held; settle() releases the acknowledgement with its status, so the
//   peer itself gates the checkpoint.
//
// Thread-safe: one storing thread (the pipeline's) and one delivering thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "exporters/common/sink_metrics.h"
#include "exporters/common/spool.h"
#include "exporters/common/spool_config.h"
#include "sidecar/core/acknowledgement.h"
#include "sidecar/core/event_batch.h"
#include "sidecar/core/logger.h"

namespace specwatch {

// One entry waiting for the peer.
struct PendingEntry {
  std::uint64_t sequence = 0;        // in the spool (0 without one)
  BatchAck ack;                      // without a spool: the batch's acknowledgement, held
  std::int64_t written_unix_ms = 0;  // when the sink took it
  std::size_t events = 0;            // 0 for an entry read back from the spool: unknown
  std::string payload;               // the exporter's encoding of the batch
};

struct ForwardBufferSettings {
  std::string exporter;                   // the exporter's name (logs)
  std::string what;                       // "Kafka exporter", "Elasticsearch exporter" (logs)
  SpoolConfig spool;                      // spool.enabled false: in memory
  std::string state_dir;                  // the spool's default home
  std::size_t queue_max_events = 100000;  // without a spool: events held at most
};

class ForwardBuffer {
 public:
  ForwardBuffer(ForwardBufferSettings settings, ForwarderMetrics& metrics, Logger& logger);

  // Opens the spool (when configured); "" on success, else why the exporter cannot run.
  std::string open();
  bool spooled() const { return spool_ != nullptr; }

  // Pipeline thread: takes the batch's entry (see above). After close(): failed.
  void store(const EventBatch& batch, std::size_t events, std::string_view payload);

  // Delivery thread: the next entry in order, without waiting; nullopt when there is none now.
  std::optional<PendingEntry> next();
  // Delivery thread, in order: the entry is delivered (or dead-lettered) or, kFailed, was not.
  void settle(PendingEntry& entry, DeliveryStatus status);
  // Delivery thread, about every 100 ms: the gauges (spool bytes, events held, oldest age).
  void report(std::int64_t oldest_in_flight_unix_ms, std::size_t in_flight_events);

  // Refuses further batches and wakes a store() waiting for room; what is spooled can still be
  // read and settled. Safe to call again (the spool's cursor is persisted each time).
  void close();
  // Without a spool: fails every entry never handed out by next() (their sources re-read them).
  void fail_unsent();

 private:
  void fail(const EventBatch& batch, std::size_t events);
  void store_in_spool(const EventBatch& batch, std::size_t events, std::string_view payload);
  void hold_in_memory(const EventBatch& batch, std::size_t events, std::string_view payload);

  ForwardBufferSettings settings_;
  ForwarderMetrics& metrics_;
  Logger& logger_;
  std::unique_ptr<DiskSpool> spool_;
  std::string last_spool_error_;  // logged once per distinct error

  std::mutex memory_mutex_;
  std::condition_variable memory_changed_;
  std::deque<PendingEntry> memory_;
  std::size_t held_events_ = 0;  // in memory_ and handed out, not yet settled
  bool closed_ = false;
};

// Milliseconds since the Unix epoch, now.
std::int64_t unix_ms_now();

}  // namespace specwatch
