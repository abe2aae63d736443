#include "exporters/kafka/kafka_sender.h"

#include <thread>

namespace specwatch {
namespace {

// Entries produced and not yet settled at most: librdkafka's own queue bounds the messages too.
constexpr std::size_t kMaxInFlightEntries = 64;
constexpr std::chrono::milliseconds kFirstBackoff{1000};
constexpr std::chrono::milliseconds kMaxBackoff{30000};

}  // namespace

KafkaSender::KafkaSender(std::string name, const KafkaExporterConfig& config,
                         ForwarderMetrics& metrics, DeadLetterFile& dead_letter, Logger& logger,
                         NextEntry next, SettleEntry settle, ReportState report)
    : name_(std::move(name)),
      config_(config),
      metrics_(metrics),
      dead_letter_(dead_letter),
      logger_(logger),
      next_(std::move(next)),
      settle_(std::move(settle)),
      report_(std::move(report)),
      client_([this](void* opaque, rd_kafka_resp_err_t error) { on_delivery(opaque, error); },
              [this](rd_kafka_resp_err_t error, const std::string& reason, bool fatal) {
                on_error(error, reason, fatal);
              }) {}

KafkaSender::~KafkaSender() {
  client_.destroy();
  count_acknowledged();
  retries_.clear();
  fail_all();
}

std::string KafkaSender::create() {
  return client_.create(config_);
}

std::string KafkaSender::peer_error() const {
  std::lock_guard lock(error_mutex_);
  return peer_error_;
}

void KafkaSender::run() {
  auto last_gauges = std::chrono::steady_clock::now();
  while (!quit_.load()) {
    if (recreate_) {
      // The purged messages come back through on_delivery as transient failures (retries).
      client_.destroy();
      count_acknowledged();
      if (std::string error = client_.create(config_); !error.empty()) {
        logger_.error("cannot recreate the Kafka producer",
                      {{"exporter", name_}, {"error", error}});
        std::this_thread::sleep_for(kFirstBackoff);
        continue;
      }
      recreate_ = false;
    }
    bool worked = produce_pending();
    while (
        in_flight_.size() < kMaxInFlightEntries &&
        (in_flight_.empty() || in_flight_.back()->produced == in_flight_.back()->messages.size()) &&
        take_next()) {
      worked = true;
      if (!produce_pending()) break;
    }
    client_.poll(worked ? 0 : 10);
    count_acknowledged();
    settle_front();
    if (const auto now = std::chrono::steady_clock::now(); now - last_gauges > kFirstBackoff / 10) {
      last_gauges = now;
      update_gauges();
    }
    if (draining_.load() && in_flight_.empty() && retries_.empty() && !take_next()) break;
  }
  client_.destroy();
  count_acknowledged();
  retries_.clear();
  fail_all();
  update_gauges();
}

bool KafkaSender::take_next() {
  std::optional<KafkaPending> pending = next_();
  if (!pending) return false;
  auto entry = std::make_unique<InFlight>();
  entry->pending = std::move(*pending);
  // The previous entry's message count: entries are batches of similar size.
  entry->messages.reserve(last_messages_);
  const bool parsed = parse_kafka_entry(entry->pending.payload, entry->source, entry->messages);
  last_messages_ = entry->messages.size();
  if (entry->pending.events == 0) entry->pending.events = entry->messages.size();
  if (!parsed) {
    // Cannot happen for what this exporter wrote (the spool checks every entry's CRC); an entry
    // that does not parse can never be sent, so it is counted and passed over.
    logger_.error("Kafka exporter skips a malformed spool entry", {{"exporter", name_}});
    metrics_.sink.failed.Increment(static_cast<double>(entry->pending.events));
    settle_(entry->pending, DeliveryStatus::kRejected);
    return true;
  }
  entry->refs.resize(entry->messages.size());
  for (std::size_t i = 0; i < entry->refs.size(); ++i) entry->refs[i] = {entry.get(), i};
  entry->remaining = entry->messages.size();
  in_flight_events_.fetch_add(entry->pending.events);
  if (oldest_ms_.load() == 0) oldest_ms_.store(entry->pending.written_unix_ms);
  in_flight_.push_back(std::move(entry));
  return true;
}

bool KafkaSender::produce_one(MessageRef& ref) {
  const KafkaMessage& message = ref.owner->messages[ref.index];
  const rd_kafka_resp_err_t error = client_.produce(message, ref.owner->source, &ref);
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
  if (error == RD_KAFKA_RESP_ERR__QUEUE_FULL) return false;
  if (kafka_error_is_permanent(error)) {
    dead_letter(ref, error);
  } else {
    metrics_.delivery.retried.Increment();
    retries_.push_back({&ref, std::chrono::steady_clock::now() + backoff_});
  }
  return true;
}

bool KafkaSender::produce_pending() {
  if (recreate_) return false;
  const auto now = std::chrono::steady_clock::now();
  // Retries are few; each is tried once per pass when due.
  for (std::size_t n = retries_.size(); n > 0; --n) {
    Retry retry = retries_.front();
    if (retry.due > now) {
      retries_.pop_front();
      retries_.push_back(retry);
      continue;
    }
    retries_.pop_front();
    if (!produce_one(*retry.ref)) {
      retries_.push_front(retry);
      return false;
    }
  }
  std::size_t sent = 0;
  bool all = true;
  for (auto& entry : in_flight_) {
    while (all && entry->produced < entry->messages.size()) {
      if (!produce_one(entry->refs[entry->produced])) {
        all = false;
        break;
      }
      ++entry->produced;
      ++sent;
    }
    if (!all) break;
  }
  if (sent > 0) metrics_.sink.sent.Increment(static_cast<double>(sent));
  return all;
}

void KafkaSender::on_delivery(void* opaque, rd_kafka_resp_err_t error) {
  auto& ref = *static_cast<MessageRef*>(opaque);
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Counted once per poll (count_acknowledged): reports come by the thousand per poll.
    --ref.owner->remaining;
    ++acknowledged_;
    return;
  }
  if (kafka_error_is_permanent(error)) {
    dead_letter(ref, error);
    return;
  }
  metrics_.delivery.retried.Increment();
  retries_.push_back({&ref, std::chrono::steady_clock::now() + backoff_});
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

void KafkaSender::count_acknowledged() {
  if (acknowledged_ == 0) return;
  metrics_.delivery.acknowledged.Increment(static_cast<double>(acknowledged_));
  acknowledged_ = 0;
  backoff_ = kFirstBackoff;
  metrics_.peer_up.Set(1);
  std::lock_guard lock(error_mutex_);
  peer_error_.clear();
}

void KafkaSender::on_error(rd_kafka_resp_err_t error, const std::string& reason, bool fatal) {
  metrics_.peer_up.Set(0);
  {
    std::lock_guard lock(error_mutex_);
    if (peer_error_ == reason) return;  // logged once per distinct error, not per retry
    peer_error_ = reason;
  }
  logger_.warn(fatal ? "Kafka producer failed for good; it is recreated and the messages resent"
                     : "Kafka is not reachable; messages wait in the spool",
               {{"exporter", name_}, {"error", rd_kafka_err2name(error)}, {"reason", reason}});
  if (fatal) recreate_ = true;
}

void KafkaSender::dead_letter(MessageRef& ref, rd_kafka_resp_err_t error) {
  const KafkaMessage& message = ref.owner->messages[ref.index];
  const std::string reason = std::string("kafka: ") + rd_kafka_err2name(error);
  if (std::string failure = dead_letter_.write(message.value, reason, rd_kafka_err2str(error));
      !failure.empty()) {
    // Neither delivered nor kept: the one way an event is lost, and it is counted and logged.
    metrics_.sink.failed.Increment();
    logger_.error("cannot write the dead-letter file; the event is lost",
                  {{"exporter", name_}, {"reason", reason}, {"error", failure}});
  }
  // Counted dead_lettered by the file itself.
  --ref.owner->remaining;
}

void KafkaSender::settle_front() {
  while (!in_flight_.empty()) {
    InFlight& front = *in_flight_.front();
    if (front.produced < front.messages.size() || front.remaining > 0) break;
    in_flight_events_.fetch_sub(front.pending.events);
    settle_(front.pending, DeliveryStatus::kDelivered);
    in_flight_.pop_front();
  }
  oldest_ms_.store(in_flight_.empty() ? 0 : in_flight_.front()->pending.written_unix_ms);
}

void KafkaSender::fail_all() {
  for (auto& entry : in_flight_) {
    in_flight_events_.fetch_sub(entry->pending.events);
    settle_(entry->pending, DeliveryStatus::kFailed);
  }
  in_flight_.clear();
  oldest_ms_.store(0);
}

void KafkaSender::update_gauges() {
  if (report_) report_(oldest_ms_.load());
}

}  // namespace specwatch
