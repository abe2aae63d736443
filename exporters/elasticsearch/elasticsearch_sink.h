// The Elasticsearch exporter: every event of the sources it takes, as one document (the event
// document of docs/EVENTS.md) created with `_id` = event.id in a daily index or a data stream,
// through `_bulk` requests (elasticsearch_sender.h).
//
// Acknowledgement (README.md, "Delivery"), as the Kafka exporter's:
// - with the disk spool (default): consume() encodes the batch's bulk items and appends them to
//   the spool, fsynced, before it returns; the source's checkpoint may then pass the batch. The
//   delivery thread commits an entry once every item is stored or dead-lettered.
// - without a spool: the batch's acknowledgement is held until then (`queue.max_events` bounds
//   what is held).
// An Elasticsearch outage never makes the sink not ready: /ready is the sidecar's own readiness;
// the outage shows in peer_error() (`specwatch status`, /api/v1/status), specwatch_exporter_up,
// the oldest unacknowledged age, the spool bytes and the log.
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

#include "exporters/common/dead_letter.h"
#include "exporters/common/delivery_thread.h"
#include "exporters/common/forward_buffer.h"
#include "exporters/common/sink_metrics.h"
#include "exporters/elasticsearch/bulk_entry_encoder.h"
#include "exporters/elasticsearch/elasticsearch_config.h"
#include "exporters/elasticsearch/elasticsearch_sender.h"
#include "sidecar/core/logger.h"
#include "sidecar/core/sink.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {

struct ElasticsearchSinkSettings {
  std::string name;                  // the exporter's name (component label, /ready)
  std::vector<std::string> sources;  // empty: every source
  ElasticsearchExporterConfig elasticsearch;
  std::string state_dir;  // default home of the spool and the dead-letter file
};

class ElasticsearchSink final : public Sink {
 public:
  ElasticsearchSink(ElasticsearchSinkSettings settings, PricingTable pricing,
                    const RedactionConfig& redaction, prometheus::Registry& registry,
                    Logger& logger);
  ~ElasticsearchSink() override;

  const std::string& name() const override { return settings_.name; }
  void start() override;
  // Stops taking batches, delivers what is pending for at most `drain_timeout_ms`; what is still
  // pending stays in the spool for the next start (without a spool: failed, the sources re-read).
  void stop(int drain_timeout_ms) override;
  bool ready() const override { return ready_.load(std::memory_order_acquire); }
  std::string not_ready_reason() const override;
  std::string peer_error() const override;
  void consume(const EventBatch& batch) override;

  const std::string& dead_letter_path() const { return dead_letter_.path(); }

 private:
  bool takes(const std::string& source) const;

  ElasticsearchSinkSettings settings_;
  std::unordered_set<std::string> sources_;
  std::unique_ptr<SiteRedactor> redaction_;  // null when the exporter does not redact
  ForwarderMetrics metrics_;
  Logger& logger_;

  std::mutex encode_mutex_;  // the encoder and its buffers (consume() against stop())
  BulkEntryEncoder encoder_;

  DeadLetterFile dead_letter_;
  ForwardBuffer buffer_;
  std::unique_ptr<ElasticsearchSender> sender_;
  DeliveryThread thread_;  // runs sender_ (declared after it: joined before it is destroyed)

  mutable std::mutex state_mutex_;
  std::string reason_ = "starting";
  bool started_ = false;
  std::atomic<bool> running_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<bool> ready_{false};
};

}  // namespace specwatch
