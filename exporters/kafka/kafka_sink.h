// The Kafka exporter: every event of the sources it takes, as one message (value: the event
// document of docs/EVENTS.md; key: a chosen field; headers: source, service, event.kind,
// schema_version) on its topic.
//
// Acknowledgement (README.md, "Delivery"):
// - with the disk spool (default): consume() encodes the batch's messages and appends them to the
//   spool, fsynced, before it returns; the source's checkpoint may then pass the batch -- the
//   spool owns it. The delivery thread (kafka_sender.h) produces the spool's entries and commits
//   each once Kafka acknowledged every message. A full spool blocks (backpressure) or drops the
//   newest batch (counted), as configured.
// - without a spool: the batch's acknowledgement is held in memory until Kafka acknowledged every
//   message of it, so the checkpoint is gated by Kafka itself; `queue.max_events` bounds what is
//   held (then consume() blocks).
// A Kafka outage never makes the sink not ready: /ready is the sidecar's own readiness; the
// outage shows in the metrics (oldest unacknowledged age, spool bytes) and the log.
#pragma once

#include <prometheus/registry.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "exporters/common/batch_encoder.h"
#include "exporters/common/dead_letter.h"
#include "exporters/common/delivery_thread.h"
#include "exporters/common/forward_buffer.h"
#include "exporters/common/sink_metrics.h"
#include "exporters/kafka/kafka_entry.h"
#include "exporters/kafka/kafka_exporter_config.h"
#include "exporters/kafka/kafka_sender.h"
#include "exporters/kafka/kafka_topic_router.h"
#include "sidecar/core/logger.h"
#include "sidecar/core/sink.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {

struct KafkaSinkSettings {
  std::string name;                  // the exporter's name (component label, /ready)
  std::vector<std::string> sources;  // empty: every source
  KafkaExporterConfig kafka;
  std::string state_dir;  // default home of the spool and the dead-letter file
};

class KafkaSink final : public Sink {
 public:
  KafkaSink(KafkaSinkSettings settings, PricingTable pricing, const RedactionConfig& redaction,
            prometheus::Registry& registry, Logger& logger);
  ~KafkaSink() override;

  const std::string& name() const override { return settings_.name; }
  void start() override;
  // Stops taking batches, delivers what is pending for at most `drain_timeout_ms`; what is still
  // pending stays in the spool for the next start (without a spool: failed, the sources re-read).
  void stop(int drain_timeout_ms) override;
  bool ready() const override { return ready_.load(std::memory_order_acquire); }
  std::string not_ready_reason() const override;
  void consume(const EventBatch& batch) override;

  const std::string& dead_letter_path() const { return dead_letter_.path(); }
  // Why Kafka cannot be reached now ("" when it can, as far as known).
  std::string peer_error() const override;

 private:
  bool takes(const std::string& source) const;
  void encode(const EventBatch& batch);
  void fail(const EventBatch& batch, std::size_t events);

  KafkaSinkSettings settings_;
  std::unordered_set<std::string> sources_;
  std::unique_ptr<SiteRedactor> redaction_;  // null when the exporter does not redact
  ForwarderMetrics metrics_;
  Logger& logger_;

  std::mutex encode_mutex_;  // the encoder and its buffers (consume() against stop())
  BatchEncoder encoder_;
  KafkaTopicRouter router_;
  KafkaEntryWriter entry_;
  std::string lines_;
  std::vector<std::size_t> ends_;

  DeadLetterFile dead_letter_;
  ForwardBuffer buffer_;  // the spool, or without one the batches held in memory

  std::unique_ptr<KafkaSender> sender_;
  DeliveryThread thread_;  // runs sender_ (declared after it: joined before it is destroyed)

  mutable std::mutex state_mutex_;
  std::string reason_ = "starting";
  bool started_ = false;
  std::atomic<bool> running_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<bool> ready_{false};
};

}  // namespace specwatch
