// The delivery side of the Elasticsearch exporter, on its own thread: creates the index template
// when missing, then takes the pending entries (from the disk spool or from memory) in order and
// sends each as one `_bulk` request of `create` actions, until every item of it is stored or
// dead-lettered:
// - an item answered 200/201, or 409 (a document with its `_id` exists: stored before), is
//   acknowledged;
// - an item answered 429 or 5xx is sent again, alone with the other such items of the entry,
//   after a backoff (exponential from retry.initial_backoff to retry.max_backoff, with jitter),
//   counted retried;
// - an item answered anything else (400 mapping errors, 404 ...) is written to the dead-letter
//   file with the reason and the item's answer, counted dead_lettered;
// - a whole request without an answer (refused, timed out), answered 429, 5xx, 401, 403 or 404, or
//   answered 200 with a body that is not this request's answer, is sent again after a backoff;
//   one answered 400 or 413 as a whole dead-letters its items (they can never be taken).
// An entry is settled only then, so the spool's cursor (or, without a spool, the source's
// checkpoint) never passes an event Elasticsearch has not stored. Retries are not bounded in
// number: the spool holds what waits, and `when_full` decides what happens when it is full.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "exporters/common/dead_letter.h"
#include "exporters/common/forward_buffer.h"
#include "exporters/common/sink_metrics.h"
#include "exporters/elasticsearch/elasticsearch_bulk.h"
#include "exporters/elasticsearch/elasticsearch_client.h"
#include "sidecar/core/logger.h"

namespace specwatch {

class ElasticsearchSender {
 public:
  // Non-blocking: the next entry in order, or nullopt when there is none now.
  using NextEntry = std::function<std::optional<PendingEntry>()>;
  // Called in order for every entry: kDelivered when every item is stored or dead-lettered,
  // kFailed when the sender stopped before that.
  using SettleEntry = std::function<void(PendingEntry&, DeliveryStatus)>;
  // About every 100 ms: the entry in flight (when it was taken, 0: none; its events).
  using ReportState = std::function<void(std::int64_t oldest_unix_ms, std::size_t events)>;

  ElasticsearchSender(std::string name, const ElasticsearchExporterConfig& config,
                      ForwarderMetrics& metrics, DeadLetterFile& dead_letter, Logger& logger,
                      NextEntry next, SettleEntry settle, ReportState report);

  // The delivery loop, until quit() or, after drain(), until nothing is pending.
  void run();
  // Stop once everything taken is settled and nothing more is pending.
  void drain() { draining_.store(true); }
  // Stop now (a request on the wire finishes first, bounded by `timeout`): the entry in flight
  // is settled kFailed.
  void quit();

  // Why Elasticsearch cannot be reached or refuses the requests now ("" when the last exchange
  // succeeded, or none happened yet).
  std::string peer_error() const;

 private:
  struct Current {
    PendingEntry entry;
    std::vector<BulkItem> items;
    std::vector<std::size_t> pending;  // indexes into items not yet stored or dead-lettered
  };

  bool take_next();
  void send_current();
  void settle_items(const std::vector<BulkItemResult>& results);
  void dead_letter(const BulkItem& item, const std::string& reason, const std::string& answer);
  bool ensure_template();
  void peer_failed(const std::string& error);
  void peer_answered();
  std::chrono::milliseconds next_backoff();
  // Waits `delay` or until quit().
  void pause(std::chrono::milliseconds delay);
  void report();

  std::string name_;
  const ElasticsearchExporterConfig& config_;
  ForwarderMetrics& metrics_;
  DeadLetterFile& dead_letter_;
  Logger& logger_;
  NextEntry next_;
  SettleEntry settle_;
  ReportState report_;
  ElasticsearchClient client_;
  std::optional<Current> current_;
  std::string body_;  // the bulk request, reused
  std::vector<BulkItemResult> results_;
  bool template_done_ = false;
  int failures_ = 0;  // consecutive: the backoff's exponent
  std::minstd_rand jitter_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> quit_{false};
  std::mutex pause_mutex_;
  std::condition_variable pause_changed_;
  mutable std::mutex error_mutex_;
  std::string peer_error_;
};

}  // namespace specwatch
