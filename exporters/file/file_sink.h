// The file exporter: every event of the sources it takes, as one NDJSON line (the event document,
// docs/EVENTS.md) appended to a file or written to standard output, rotated by size.
//
// Synchronous: consume() encodes the batch, writes it (and fsyncs it when configured) before it
// returns, so the batch's acknowledgement -- released by the pipeline after every consumer -- never
// runs before the data is in the file. A write that fails marks the acknowledgement kFailed: the
// source keeps the data and reads it again after a restart; the sink is not ready until a write
// succeeds again. The sink holds nothing after consume() returns, so stop() has nothing to drain.
#pragma once

#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "exporters/common/batch_encoder.h"
#include "exporters/common/rotating_file.h"
#include "exporters/common/sink_metrics.h"
#include "exporters/file/file_exporter_config.h"
#include "sidecar/core/logger.h"
#include "sidecar/core/sink.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {

struct FileSinkSettings {
  std::string name;                  // the exporter's name (component label, /ready)
  std::vector<std::string> sources;  // empty: every source
  FileExporterConfig file;
};

class FileSink final : public Sink {
 public:
  FileSink(FileSinkSettings settings, PricingTable pricing, const RedactionConfig& redaction,
           prometheus::Registry& registry, Logger& logger);
  ~FileSink() override;

  const std::string& name() const override { return settings_.name; }
  void start() override;
  void stop(int drain_timeout_ms) override;
  bool ready() const override { return ready_.load(std::memory_order_acquire); }
  std::string not_ready_reason() const override;
  void consume(const EventBatch& batch) override;

  // Files rotated so far (for tests and the README's figures).
  std::uint64_t rotations() const;

 private:
  bool takes(const std::string& source) const;
  void set_error(const std::string& error);

  FileSinkSettings settings_;
  std::unordered_set<std::string> sources_;
  std::unique_ptr<SiteRedactor> redaction_;  // null when the exporter does not redact
  SinkMetrics metrics_;
  Logger& logger_;

  mutable std::mutex mutex_;  // the file, the buffers and the reason
  BatchEncoder encoder_;
  RotatingFile file_;
  std::string lines_;              // the batch's documents, reused
  std::vector<std::size_t> ends_;  // where each document ends in lines_
  std::string reason_;             // why not ready
  bool started_ = false;
  bool stopped_ = false;
  std::atomic<bool> ready_{false};
};

}  // namespace specwatch
