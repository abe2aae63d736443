#include "sidecar/app/runtime.h"

#include <thread>

#include "exporters/exporter_factory.h"
#include "sidecar/app/source_factory.h"
#include "sidecar/derive/derive_config.h"
#include "sidecar/otlp/pipeline_sink.h"

namespace specwatch {

Runtime::Runtime(const Config& config, RuntimeServices services)
    : config_(config), services_(services) {
  // The loader has compiled these profiles once already, so they cannot fail here.
  if (config_.profiles.IsDefined() && config_.profiles.IsSequence()) {
    profiles_.add(config_.profiles, config_.path);
  }
  normalize_ = std::make_unique<NormalizeStage>(profiles_, services_.errors, &services_.registry);
  derived_consumer_ =
      std::make_unique<DerivedMetricsConsumer>(services_.derived, services_.registry);
  span_consumer_ =
      std::make_unique<SpanMetricsConsumer>(services_.span_metrics, services_.registry);
  normalize_->add_consumer(*derived_consumer_);
  normalize_->add_consumer(*span_consumer_);
  if (!config_.budgets.budgets.empty() && services_.budget_board != nullptr) {
    std::vector<DeriveError> reported_by_the_daemon;
    budget_consumer_ = std::make_unique<BudgetConsumer>(
        config_.budgets, build_pricing_table(config_.pricing, reported_by_the_daemon),
        config_.state_dir, *services_.budget_board, services_.logger, services_.registry);
    normalize_->add_consumer(*budget_consumer_);
  }
  pipeline_ = std::make_unique<Pipeline>(config_.pipeline, services_.pipeline_metrics,
                                         services_.errors, services_.logger);
  pipeline_->add_processor(*normalize_);
  // Exporters are consumers of the normalize stage like the metrics; they take the events of the
  // sources they name (all by default).
  const SinkServices sink_services{services_.registry, services_.logger, config_.redaction,
                                   [this] {
                                     std::vector<DeriveError> reported_by_the_daemon;
                                     return build_pricing_table(config_.pricing,
                                                                reported_by_the_daemon);
                                   },
                                   config_.state_dir};
  sinks_ = make_sinks(config_.exporters, sink_services);
  for (auto& sink : sinks_) normalize_->add_consumer(*sink);
  // The families a tool's docs promise exist from the start, for the tool of each profile in use.
  auto enable_tool_metrics = [this](const std::string& profile_name) {
    if (const CompiledProfile* profile = profiles_.find(profile_name)) {
      services_.derived.enable_tool_metrics(profile->tool);
    }
  };
  const SourceServices source_services{*pipeline_,
                                       services_.logger,
                                       services_.errors,
                                       config_.state_dir,
                                       config_.pipeline.batch_max_records,
                                       config_.tail,
                                       services_.file_metrics};
  for (const auto& source_config : config_.sources) {
    enable_tool_metrics(source_config.profile());
    sources_.push_back(make_source(source_config, source_services));
  }
  // Finding a built-in compiles it: the OTLP profiles only when a receiver can use them.
  if (config_.otlp.http.enabled || config_.otlp.grpc.enabled) {
    enable_tool_metrics(config_.otlp.span_profile);
    enable_tool_metrics(config_.otlp.log_profile);
  }
  otlp_sink_ = std::make_unique<PipelineSink<Pipeline>>(*pipeline_);
}

Runtime::~Runtime() {
  stop(config_.shutdown_timeout_ms);
}

void Runtime::start() {
  for (auto& sink : sinks_) sink->start();
  if (budget_consumer_) {
    budget_consumer_->start();
    services_.budget_board->attach(
        [consumer = budget_consumer_.get()] { return consumer->status(); });
  }
  pipeline_->start();
  for (auto& source : sources_) source->start();
  services_.otlp_sink.attach(*otlp_sink_);
  attached_ = true;
}

void Runtime::stop(int drain_timeout_ms) {
  if (stopped_) return;
  stopped_ = true;
  // Sources stop in parallel: each waits for its own acknowledgements, which the still-running
  // pipeline worker delivers.
  std::vector<std::thread> stoppers;
  stoppers.reserve(sources_.size());
  for (auto& source : sources_) {
    stoppers.emplace_back([&source, drain_timeout_ms] { source->stop(drain_timeout_ms); });
  }
  for (auto& t : stoppers) t.join();
  // OTLP exports arriving from now on wait for the next runtime's pipeline.
  if (attached_) services_.otlp_sink.detach();
  pipeline_->stop();
  if (budget_consumer_) {
    services_.budget_board->detach();
    budget_consumer_->stop();  // the final state, then the last held file positions
  }
  // Only now: the pipeline's last batches have reached the sinks.
  for (auto& sink : sinks_) sink->stop(drain_timeout_ms);
}

std::vector<ComponentHealth> Runtime::components() const {
  std::vector<ComponentHealth> all;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const Source& source = *sources_[i];
    ComponentHealth health{"source", source.name(), source.ready(),
                           source.ready() ? "" : source.not_ready_reason()};
    // sources_ is built in the order of config_.sources.
    health.paths = std::visit([](const auto& settings) { return settings.include; },
                              config_.sources[i].settings);
    all.push_back(std::move(health));
  }
  for (const auto& sink : sinks_) {
    all.push_back({"exporter", sink->name(), sink->ready(),
                   sink->ready() ? "" : sink->not_ready_reason(), sink->peer_error()});
  }
  return all;
}

std::vector<NotReady> Runtime::not_ready() const {
  std::vector<NotReady> waiting;
  for (const auto& source : sources_) {
    if (!source->ready()) {
      std::string reason = source->not_ready_reason();
      waiting.push_back({"source/" + source->name(), reason.empty() ? "starting" : reason});
    }
  }
  for (const auto& sink : sinks_) {
    if (!sink->ready()) {
      std::string reason = sink->not_ready_reason();
      waiting.push_back({"sink/" + sink->name(), reason.empty() ? "starting" : reason});
    }
  }
  return waiting;
}

}  // namespace specwatch
