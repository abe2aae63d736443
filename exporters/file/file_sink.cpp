#include "exporters/file/file_sink.h"

#include "exporters/common/exporter_redaction.h"

namespace specwatch {

FileSink::FileSink(FileSinkSettings settings, PricingTable pricing,
                   const RedactionConfig& redaction, prometheus::Registry& registry, Logger& logger)
    : settings_(std::move(settings)),
      sources_(settings_.sources.begin(), settings_.sources.end()),
      redaction_(make_export_redactor(settings_.file.redact, settings_.file.redaction, redaction,
                                      registry)),
      metrics_(registry, settings_.name),
      logger_(logger),
      encoder_(std::move(pricing), settings_.file.include_original,
               redaction_ ? &redaction_->redactor() : nullptr),
      file_(RotatingFile::Options{settings_.file.path, settings_.file.rotate_max_bytes,
                                  settings_.file.rotate_max_files, settings_.file.fsync}),
      reason_("starting") {}

FileSink::~FileSink() {
  stop(0);
}

void FileSink::start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopped_) return;
  started_ = true;
  const std::string error = file_.open();
  if (error.empty() && file_.torn_bytes_removed() > 0) {
    logger_.warn(
        "file exporter cut off a torn last document (an interrupted write); its events are "
        "written again",
        {{"exporter", settings_.name},
         {"path", settings_.file.path},
         {"bytes", file_.torn_bytes_removed()}});
  }
  if (error.empty()) {
    reason_.clear();
    ready_.store(true, std::memory_order_release);
  } else {
    set_error(error);
  }
}

void FileSink::stop(int /*drain_timeout_ms*/) {
  // Nothing is held between batches: closing (after an fsync when configured) is all there is.
  std::lock_guard lock(mutex_);
  if (stopped_) return;
  stopped_ = true;
  ready_.store(false, std::memory_order_release);
  reason_ = "stopped";
  file_.close();
}

std::string FileSink::not_ready_reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

std::uint64_t FileSink::rotations() const {
  std::lock_guard lock(mutex_);
  return file_.rotations();
}

bool FileSink::takes(const std::string& source) const {
  return sources_.empty() || sources_.contains(source);
}

void FileSink::set_error(const std::string& error) {
  // Logged when the reason changes, not once per batch: a full disk must not flood the log.
  if (error != reason_) {
    logger_.warn("file exporter cannot write; batches are kept by their sources for a re-read",
                 {{"exporter", settings_.name}, {"error", error}});
  }
  reason_ = error;
  ready_.store(false, std::memory_order_release);
}

void FileSink::consume(const EventBatch& batch) {
  if (batch.events.empty() || !takes(batch.source())) return;
  const auto count = static_cast<double>(batch.events.size());
  metrics_.received.Increment(count);
  std::lock_guard lock(mutex_);
  if (!started_ || stopped_) {
    // Not running: the data must be read again by whoever runs next.
    metrics_.failed.Increment(count);
    batch.ack().update(DeliveryStatus::kFailed);
    return;
  }
  lines_.clear();
  ends_.clear();
  encoder_.encode(batch, lines_, ends_);
  if (redaction_ && encoder_.documents().redaction_total() > 0) {
    redaction_->count(encoder_.documents().redactions());
    encoder_.documents().reset_redactions();
  }
  const std::string error = file_.write(lines_, ends_);
  if (!error.empty()) {
    metrics_.failed.Increment(count);
    batch.ack().update(DeliveryStatus::kFailed);
    set_error(error);
    return;
  }
  metrics_.sent.Increment(count);
  if (!ready_.load(std::memory_order_relaxed)) {
    reason_.clear();
    ready_.store(true, std::memory_order_release);
  }
}

}  // namespace specwatch
