// The delivery side of the Kafka exporter, on its own thread: takes the pending entries (from the
// disk spool or, without one, from memory) in order, produces their messages, and settles an entry
// once Kafka acknowledged every message of it (acks=all) or a message was dead-lettered:
// - a message Kafka acknowledged: counted acknowledged;
// - a transient failure (brokers down past message.timeout.ms, a purge after a fatal producer
//   error): produced again after a backoff (1 s doubling to 30 s), counted retried;
// - a permanent failure (kafka_error_is_permanent): written to the dead-letter file with the reason
//   and librdkafka's answer, counted dead_lettered.
// Entries are settled in order (the spool's cursor and a source's checkpoint only move forward),
// even though partitions acknowledge out of order.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "exporters/common/dead_letter.h"
#include "exporters/common/forward_buffer.h"
#include "exporters/common/sink_metrics.h"
#include "exporters/kafka/kafka_client.h"
#include "exporters/kafka/kafka_entry.h"
#include "sidecar/core/acknowledgement.h"
#include "sidecar/core/logger.h"

namespace specwatch {

// One entry waiting for Kafka (its payload: kafka_entry.h).
using KafkaPending = PendingEntry;

class KafkaSender {
 public:
  // Non-blocking: the next entry in order, or nullopt when there is none now.
  using NextEntry = std::function<std::optional<KafkaPending>()>;
  // Called in order for every entry: kDelivered when every message is acknowledged or
  // dead-lettered, kFailed when the sender stopped before that.
  using SettleEntry = std::function<void(KafkaPending&, DeliveryStatus)>;
  // About every 100 ms: when the oldest entry in flight was taken (0: none), for the gauges.
  using ReportState = std::function<void(std::int64_t oldest_in_flight_unix_ms)>;

  KafkaSender(std::string name, const KafkaExporterConfig& config, ForwarderMetrics& metrics,
              DeadLetterFile& dead_letter, Logger& logger, NextEntry next, SettleEntry settle,
              ReportState report);
  ~KafkaSender();

  // Creates the producer; "" on success.
  std::string create();

  // The delivery loop, until quit() or, after drain(), until nothing is pending.
  void run();
  // Stop once everything taken is settled (or at quit()).
  void drain() { draining_.store(true); }
  // Stop now: what is in flight is settled as kFailed.
  void quit() { quit_.store(true); }

  // Events taken and not yet settled, and when the oldest was taken (0: none).
  std::size_t in_flight_events() const { return in_flight_events_.load(); }
  std::int64_t oldest_in_flight_unix_ms() const { return oldest_ms_.load(); }
  // The last client-level error ("" after a message was acknowledged since).
  std::string peer_error() const;

 private:
  struct InFlight;
  struct MessageRef {
    InFlight* owner = nullptr;  // not owning: in_flight_ owns it
    std::size_t index = 0;
  };
  struct InFlight {
    KafkaPending pending;
    std::string_view source;
    std::vector<KafkaMessage> messages;
    std::vector<MessageRef> refs;  // the opaque of each message's delivery report
    std::size_t produced = 0;      // messages handed to librdkafka at least once
    std::size_t remaining = 0;     // messages without a final outcome
  };
  struct Retry {
    MessageRef* ref;
    std::chrono::steady_clock::time_point due;
  };

  bool take_next();
  bool produce_pending();
  bool produce_one(MessageRef& ref);
  void on_delivery(void* opaque, rd_kafka_resp_err_t error);
  // The acknowledgements of the last poll, into the metrics and the peer's state.
  void count_acknowledged();
  void on_error(rd_kafka_resp_err_t error, const std::string& reason, bool fatal);
  void dead_letter(MessageRef& ref, rd_kafka_resp_err_t error);
  void settle_front();
  void fail_all();
  void update_gauges();

  std::string name_;
  const KafkaExporterConfig& config_;
  ForwarderMetrics& metrics_;
  DeadLetterFile& dead_letter_;
  Logger& logger_;
  NextEntry next_;
  SettleEntry settle_;
  ReportState report_;
  KafkaClient client_;
  std::deque<std::unique_ptr<InFlight>> in_flight_;
  std::deque<Retry> retries_;
  std::chrono::milliseconds backoff_{1000};
  std::size_t last_messages_ = 0;  // in the last entry taken
  std::size_t acknowledged_ = 0;   // by delivery reports since count_acknowledged()
  bool recreate_ = false;          // a fatal producer error: a new producer before producing again
  std::atomic<bool> draining_{false};
  std::atomic<bool> quit_{false};
  std::atomic<std::size_t> in_flight_events_{0};
  std::atomic<std::int64_t> oldest_ms_{0};
  mutable std::mutex error_mutex_;
  std::string peer_error_;
};

}  // namespace specwatch
