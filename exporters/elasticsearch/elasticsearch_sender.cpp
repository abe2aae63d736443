#include "exporters/elasticsearch/elasticsearch_sender.h"

#include <algorithm>

namespace specwatch {
namespace {

constexpr std::chrono::milliseconds kIdlePoll{10};

bool retried_whole(unsigned status) {
  return status == 0 || status == 429 || status >= 500 || status == 401 || status == 403 ||
         status == 404;
}

}  // namespace

ElasticsearchSender::ElasticsearchSender(std::string name,
                                         const ElasticsearchExporterConfig& config,
                                         ForwarderMetrics& metrics, DeadLetterFile& dead_letter,
                                         Logger& logger, NextEntry next, SettleEntry settle,
                                         ReportState report)
    : name_(std::move(name)),
      config_(config),
      metrics_(metrics),
      dead_letter_(dead_letter),
      logger_(logger),
      next_(std::move(next)),
      settle_(std::move(settle)),
      report_(std::move(report)),
      client_(config),
      jitter_(std::random_device{}()) {}

void ElasticsearchSender::quit() {
  {
    std::lock_guard lock(pause_mutex_);
    quit_.store(true);
  }
  pause_changed_.notify_all();
}

std::string ElasticsearchSender::peer_error() const {
  std::lock_guard lock(error_mutex_);
  return peer_error_;
}

void ElasticsearchSender::peer_failed(const std::string& error) {
  metrics_.peer_up.Set(0);
  {
    std::lock_guard lock(error_mutex_);
    if (peer_error_ == error) return;  // logged once per distinct error, not per retry
    peer_error_ = error;
  }
  logger_.warn("Elasticsearch does not take the events now; they wait and are sent again",
               {{"exporter", name_}, {"url", client_.where()}, {"error", error}});
}

void ElasticsearchSender::peer_answered() {
  metrics_.peer_up.Set(1);
  std::lock_guard lock(error_mutex_);
  peer_error_.clear();
}

std::chrono::milliseconds ElasticsearchSender::next_backoff() {
  // "Equal jitter": half the exponential delay, plus a random part of the other half, so that
  // sidecars restarted together do not retry in step.
  const int exponent = std::clamp(failures_ - 1, 0, 20);
  const std::chrono::milliseconds ceiling = std::min<std::chrono::milliseconds>(
      config_.max_backoff, config_.initial_backoff * (std::int64_t{1} << exponent));
  const auto half = ceiling.count() / 2;
  std::uniform_int_distribution<std::int64_t> spread(0, std::max<std::int64_t>(half, 0));
  return std::chrono::milliseconds(ceiling.count() - half + spread(jitter_));
}

void ElasticsearchSender::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(pause_mutex_);
  pause_changed_.wait_for(lock, delay, [&] { return quit_.load(); });
}

void ElasticsearchSender::report() {
  if (!report_) return;
  if (current_) {
    report_(current_->entry.written_unix_ms, current_->items.size());
  } else {
    report_(0, 0);
  }
}

bool ElasticsearchSender::ensure_template() {
  if (template_done_ || !config_.template_enabled) return true;
  const std::string error = client_.ensure_template();
  if (error.empty()) {
    template_done_ = true;
    failures_ = 0;
    peer_answered();
    return true;
  }
  // No answer or a 5xx: try again. An answer that refuses (403 without the privilege, 400 for a
  // cluster that does not know index templates) does not stop the events: they are sent, the
  // template is missing, and that is logged.
  if (error.find(" answered ") != std::string::npos &&
      error.find(" answered 5") == std::string::npos &&
      error.find(" answered 429") == std::string::npos) {
    template_done_ = true;
    logger_.error("cannot create the Elasticsearch index template; events are sent without it",
                  {{"exporter", name_}, {"template", config_.template_name}, {"error", error}});
    return true;
  }
  peer_failed("index template: " + error);
  ++failures_;
  return false;
}

bool ElasticsearchSender::take_next() {
  std::optional<PendingEntry> entry = next_();
  if (!entry) return false;
  Current current;
  current.entry = std::move(*entry);
  std::string_view source;
  if (!parse_bulk_entry(current.entry.payload, source, current.items)) {
    // Cannot happen for what this exporter wrote (the spool checks every entry's CRC); an entry
    // that does not parse can never be sent, so it is counted and passed over.
    logger_.error("Elasticsearch exporter skips a malformed spool entry", {{"exporter", name_}});
    metrics_.sink.failed.Increment(static_cast<double>(current.entry.events));
    settle_(current.entry, DeliveryStatus::kRejected);
    return true;
  }
  if (current.entry.events == 0) current.entry.events = current.items.size();
  current.pending.resize(current.items.size());
  for (std::size_t i = 0; i < current.pending.size(); ++i) current.pending[i] = i;
  metrics_.sink.sent.Increment(static_cast<double>(current.items.size()));
  current_ = std::move(current);
  return true;
}

void ElasticsearchSender::dead_letter(const BulkItem& item, const std::string& reason,
                                      const std::string& answer) {
  if (std::string failure = dead_letter_.write(item.document, reason, answer); !failure.empty()) {
    // Neither stored nor kept: the one way an event is lost, and it is counted and logged.
    metrics_.sink.failed.Increment();
    logger_.error("cannot write the dead-letter file; the event is lost",
                  {{"exporter", name_}, {"reason", reason}, {"error", failure}});
  }
}

void ElasticsearchSender::settle_items(const std::vector<BulkItemResult>& results) {
  std::vector<std::size_t> again;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const std::size_t index = current_->pending[i];
    switch (results[i].outcome) {
      case BulkItemResult::Outcome::kStored:
        metrics_.delivery.acknowledged.Increment();
        break;
      case BulkItemResult::Outcome::kRetry:
        again.push_back(index);
        break;
      case BulkItemResult::Outcome::kRejected:
        dead_letter(current_->items[index], results[i].reason, results[i].answer);
        break;
    }
  }
  if (!again.empty()) {
    metrics_.delivery.retried.Increment(static_cast<double>(again.size()));
  }
  current_->pending = std::move(again);
}

void ElasticsearchSender::send_current() {
  body_.clear();
  for (std::size_t index : current_->pending) append_bulk_item(current_->items[index], body_);
  const HttpPostResult answer = client_.bulk(body_);
  std::string error;
  if (answer.status == 200 &&
      parse_bulk_answer(answer.body, current_->pending.size(), results_, error)) {
    peer_answered();
    settle_items(results_);
    return;
  }
  if (answer.status == 200 || retried_whole(answer.status)) {
    if (error.empty()) {
      error = answer.status == 0 ? answer.error
                                 : "_bulk answered " + std::to_string(answer.status) + ": " +
                                       answer.body.substr(0, 512);
    }
    metrics_.delivery.retried.Increment(static_cast<double>(current_->pending.size()));
    peer_failed(error);
    return;
  }
  // 400 or 413 for the request as a whole: nothing in it can ever be taken as it is.
  peer_answered();
  const std::string reason =
      "elasticsearch: the bulk request was answered " + std::to_string(answer.status);
  for (std::size_t index : current_->pending) {
    dead_letter(current_->items[index], reason, answer.body.substr(0, 4096));
  }
  current_->pending.clear();
}

void ElasticsearchSender::run() {
  auto last_report = std::chrono::steady_clock::now();
  while (!quit_.load()) {
    if (const auto now = std::chrono::steady_clock::now(); now - last_report > 10 * kIdlePoll) {
      last_report = now;
      report();
    }
    if (!ensure_template()) {
      if (draining_.load()) break;  // what waits stays in the spool for the next start
      pause(next_backoff());
      continue;
    }
    if (!current_ && !take_next()) {
      if (draining_.load()) break;
      pause(kIdlePoll);
      continue;
    }
    if (!current_) continue;  // a malformed entry was passed over
    send_current();
    if (current_->pending.empty()) {
      settle_(current_->entry, DeliveryStatus::kDelivered);
      current_.reset();
      failures_ = 0;
      continue;
    }
    ++failures_;
    pause(next_backoff());
  }
  if (current_) {
    settle_(current_->entry, DeliveryStatus::kFailed);
    current_.reset();
  }
  report();
}

}  // namespace specwatch
