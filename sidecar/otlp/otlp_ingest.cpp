#include "sidecar/otlp/otlp_ingest.h"

#include <atomic>
#include <vector>

namespace specwatch {

namespace metrics_v1 = opentelemetry::proto::metrics::v1;

struct OtlpIngest::Pending {
  std::atomic<int> outstanding{1};  // batches in flight + 1 while batches are being offered
  std::atomic<bool> failed{false};
  std::mutex mutex;
  ExportDone done;  // empty once answered
  ExportResult result;
};

struct OtlpIngest::State {
  std::mutex mutex;
  std::condition_variable idle;
  std::unordered_set<std::shared_ptr<Pending>> pending;
  bool closed = false;

  // Answers once; later calls do nothing. The entry stays in `pending` until its callback has
  // returned, so abort_pending() (and with it stop()) also waits for callbacks already running
  // on a pipeline thread: none can touch a receiver that is being destroyed.
  void finish(const std::shared_ptr<Pending>& entry, ExportResult result) {
    ExportDone done;
    {
      std::lock_guard lock(entry->mutex);
      if (!entry->done) return;
      done = std::move(entry->done);
      entry->done = nullptr;
    }
    done(std::move(result));
    std::lock_guard lock(mutex);
    pending.erase(entry);
    if (pending.empty()) idle.notify_all();
  }

  void release(const std::shared_ptr<Pending>& entry) {
    if (entry->outstanding.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (entry->failed.load(std::memory_order_acquire)) {
      finish(entry, {ExportOutcome::kUnavailable, 0, "the pipeline could not process the data"});
    } else {
      finish(entry, entry->result);
    }
  }
};

std::int64_t count_data_points(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request) {
  std::int64_t points = 0;
  for (const auto& resource : request.resource_metrics()) {
    for (const auto& scope : resource.scope_metrics()) {
      for (const auto& metric : scope.metrics()) {
        switch (metric.data_case()) {
          case metrics_v1::Metric::kGauge:
            points += metric.gauge().data_points_size();
            break;
          case metrics_v1::Metric::kSum:
            points += metric.sum().data_points_size();
            break;
          case metrics_v1::Metric::kHistogram:
            points += metric.histogram().data_points_size();
            break;
          case metrics_v1::Metric::kExponentialHistogram:
            points += metric.exponential_histogram().data_points_size();
            break;
          case metrics_v1::Metric::kSummary:
            points += metric.summary().data_points_size();
            break;
          case metrics_v1::Metric::DATA_NOT_SET:
            break;
        }
      }
    }
  }
  return points;
}

OtlpIngest::OtlpIngest(OtlpIngestOptions options, OtlpBatchSink& sink,
                       MetricsConsumer& metrics_consumer, OtlpMetrics& metrics)
    : options_(std::move(options)),
      sink_(sink),
      metrics_consumer_(metrics_consumer),
      metrics_(metrics),
      state_(std::make_shared<State>()) {}

OtlpIngest::~OtlpIngest() {
  close();
  abort_pending();
}

void OtlpIngest::close() {
  std::lock_guard lock(state_->mutex);
  state_->closed = true;
}

bool OtlpIngest::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->idle.wait_for(lock, timeout, [&] { return state_->pending.empty(); });
}

void OtlpIngest::abort_pending() {
  std::vector<std::shared_ptr<Pending>> entries;
  {
    std::lock_guard lock(state_->mutex);
    entries.assign(state_->pending.begin(), state_->pending.end());
  }
  for (const auto& entry : entries) {
    state_->finish(entry, {ExportOutcome::kUnavailable, 0, "the receiver is shutting down"});
  }
  // Callbacks that another thread had already started finish quickly (they only send).
  std::unique_lock lock(state_->mutex);
  state_->idle.wait(lock, [&] { return state_->pending.empty(); });
}

std::size_t OtlpIngest::pending() const {
  std::lock_guard lock(state_->mutex);
  return state_->pending.size();
}

std::string OtlpIngest::export_traces(std::string protobuf_bytes, ExportDone done) {
  Conversion conversion;
  std::string error = decode_spans(std::move(protobuf_bytes), options_.source, conversion);
  if (error.empty()) {
    deliver(std::move(conversion), OtlpSignal::kTraces, options_.span_profile, std::move(done));
  }
  return error;
}

std::string OtlpIngest::export_logs(std::string protobuf_bytes, ExportDone done) {
  Conversion conversion;
  std::string error = decode_logs(std::move(protobuf_bytes), options_.source, conversion);
  if (error.empty()) {
    deliver(std::move(conversion), OtlpSignal::kLogs, options_.log_profile, std::move(done));
  }
  return error;
}

void OtlpIngest::export_traces(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
    ExportDone done) {
  deliver(convert_spans(request, options_.source), OtlpSignal::kTraces, options_.span_profile,
          std::move(done));
}

void OtlpIngest::export_logs(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    ExportDone done) {
  deliver(convert_logs(request, options_.source), OtlpSignal::kLogs, options_.log_profile,
          std::move(done));
}

void OtlpIngest::export_metrics(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request,
    ExportDone done) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->closed) {
      done({ExportOutcome::kUnavailable, 0, "the receiver is shutting down"});
      return;
    }
  }
  metrics_consumer_.consume(request);
  metrics_.items(OtlpSignal::kMetrics, count_data_points(request), 0);
  done({ExportOutcome::kSuccess, 0, {}});
}

void OtlpIngest::deliver(Conversion&& conversion, OtlpSignal signal, const std::string& profile,
                         ExportDone done) {
  auto entry = std::make_shared<Pending>();
  entry->done = std::move(done);
  entry->result = {conversion.rejected > 0 ? ExportOutcome::kPartial : ExportOutcome::kSuccess,
                   conversion.rejected, std::move(conversion.error_message)};
  {
    std::lock_guard lock(state_->mutex);
    if (state_->closed) {
      ExportDone answer = std::move(entry->done);
      answer({ExportOutcome::kUnavailable, 0, "the receiver is shutting down"});
      return;
    }
    state_->pending.insert(entry);
  }
  metrics_.items(signal, 0, conversion.rejected);

  for (auto& group : conversion.services) {
    const auto count = static_cast<std::int64_t>(group.records.size());
    entry->outstanding.fetch_add(1, std::memory_order_acq_rel);
    RecordBatch batch;
    batch.source = options_.source;
    batch.service = group.service;
    batch.profile = profile;
    batch.records = std::move(group.records);
    batch.storage = conversion.storage;
    batch.ack = BatchAck([state = state_, entry](DeliveryStatus status) {
      if (status == DeliveryStatus::kFailed) entry->failed.store(true, std::memory_order_release);
      state->release(entry);
    });
    if (!sink_.try_consume_for(batch, options_.consume_timeout)) {
      // The refused batch's acknowledgement runs when `batch` goes out of scope and then finds
      // the export already answered.
      entry->failed.store(true, std::memory_order_release);
      state_->finish(entry, {ExportOutcome::kUnavailable, 0, "the pipeline is full; retry later"});
      break;
    }
    metrics_.items(signal, count, 0);
  }
  state_->release(entry);
}

}  // namespace specwatch
