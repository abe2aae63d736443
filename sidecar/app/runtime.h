// Everything the daemon builds from one config and replaces on a reload: the pipeline, the
// normalize stage and the event consumers it fans out to (metrics, exporters), and the file
// sources. Long-lived pieces (registry, logger, HTTP listener, metric families, the OTLP receivers'
// sink) are shared across runtimes through RuntimeServices, so counters continue over a reload.
// The OTLP receivers live in the daemon (kept across a reload that leaves their configuration
// unchanged) and reach the current pipeline through otlp_sink.
#pragma once

#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

#include "sidecar/app/config.h"
#include "sidecar/budgets/budget_board.h"
#include "sidecar/budgets/budget_consumer.h"
#include "sidecar/core/error_reporter.h"
#include "sidecar/core/logger.h"
#include "sidecar/core/sink.h"
#include "sidecar/core/source.h"
#include "sidecar/derive/derived_metrics.h"
#include "sidecar/derive/derived_metrics_consumer.h"
#include "sidecar/normalize/normalize_stage.h"
#include "sidecar/normalize/profile_set.h"
#include "sidecar/observability/admin_endpoints.h"
#include "sidecar/otlp/otlp_ingest.h"
#include "sidecar/otlp/otlp_receiver_metrics.h"
#include "sidecar/otlp/span_metrics.h"
#include "sidecar/otlp/span_metrics_consumer.h"
#include "sidecar/otlp/switching_sink.h"
#include "sidecar/pipeline/pipeline.h"
#include "sidecar/sources/file/file_source_metrics.h"
#include "sidecar/status/status_model.h"

namespace specwatch {

struct RuntimeServices {
  Logger& logger;
  prometheus::Registry& registry;
  ErrorReporter& errors;
  PipelineMetrics& pipeline_metrics;
  FileSourceMetrics& file_metrics;
  DerivedMetrics& derived;
  SpanMetrics& span_metrics;
  OtlpMetrics& otlp_metrics;
  MetricsConsumer& otlp_metrics_consumer;  // pushed OTLP metrics go here
  SwitchingBatchSink& otlp_sink;           // attached to this runtime's pipeline while it runs
  // Shows this runtime's budgets while it runs and takes their alerts (none: budgets unseen).
  BudgetBoard* budget_board = nullptr;
};

class Runtime {
 public:
  Runtime(const Config& config, RuntimeServices services);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  void start();
  // Sources stop reading and wait (bounded) for their in-flight batches, write checkpoints; then
  // the pipeline drains. Safe without start() and twice.
  void stop(int drain_timeout_ms);

  std::vector<NotReady> not_ready() const;
  // Every file source and exporter with its health, for the status page.
  std::vector<ComponentHealth> components() const;

 private:
  Config config_;
  RuntimeServices services_;
  ProfileSet profiles_;
  // pipeline → normalize stage → [derived metrics, span metrics, (sinks)]
  std::unique_ptr<NormalizeStage> normalize_;
  std::unique_ptr<DerivedMetricsConsumer> derived_consumer_;
  std::unique_ptr<SpanMetricsConsumer> span_consumer_;
  std::unique_ptr<BudgetConsumer> budget_consumer_;  // only with `budgets:` entries
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<OtlpBatchSink> otlp_sink_;
  std::vector<std::unique_ptr<Source>> sources_;
  // The exporters (`exporters:`): started before the sources, stopped after the pipeline drained.
  std::vector<std::unique_ptr<Sink>> sinks_;
  bool stopped_ = false;
  bool attached_ = false;
};

}  // namespace specwatch
