#include "sidecar/app/daemon.h"

#include <malloc.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <thread>

#include "sidecar/app/app_config.h"
#include "sidecar/app/daemon_notifiers.h"
#include "sidecar/app/daemon_status.h"
#include "sidecar/app/descriptor_budget.h"
#include "sidecar/app/heap_release.h"
#include "sidecar/app/runtime.h"
#include "sidecar/config/config_loader.h"
#include "sidecar/http/http_server.h"
#include "sidecar/observability/admin_endpoints.h"
#include "sidecar/observability/build_info.h"
#include "sidecar/observability/process_collector.h"
#include "sidecar/otlp/otlp_metrics_consumer.h"
#include "sidecar/otlp/otlp_receivers.h"
#include "sidecar/otlp/switching_sink.h"
#include "sidecar/otlp_metrics/otlp_metrics_store.h"
#include "sidecar/rules/rule_manager.h"
#include "sidecar/rules/rules_api.h"
#include "sidecar/status/component_figures.h"
#include "sidecar/status/status_endpoints.h"

namespace specwatch {
namespace {

// Starting (and reloading) parses the configuration and compiles the profiles: YAML trees and
// temporaries, freed by the time the sidecar serves but interleaved in the heap with what stays.
// glibc keeps such free memory (the more so with the trim threshold heap_release.cpp raises for
// OTLP's sake), so an idle sidecar would carry it for its lifetime; malloc_trim gives the free
// pages back once (docs/PERFORMANCE.md, "Idle").
void release_start_memory() {
  malloc_trim(0);
}

void print_errors(const std::vector<ConfigError>& errors) {
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
}

// Signals are taken synchronously by the main thread with sigwait(); every other thread inherits
// the blocked mask, so no handler runs at an arbitrary point.
// The sidecar's `instance` label for its rules: configured, else as a scrape would name it.
std::string rules_instance(const Config& config, const Environment& env) {
  if (!config.rules.instance.empty()) return config.rules.instance;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return default_instance(env("POD_IP").value_or(""), host, config.http.port);
}

sigset_t daemon_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

HttpServerOptions http_options(const Config& config, prometheus::Counter& refused) {
  HttpServerOptions options;
  options.host = config.http.host;
  options.port = config.http.port;
  options.header_timeout = std::chrono::milliseconds(config.http.header_timeout_ms);
  options.on_connection_refused = [&refused] { refused.Increment(); };
  return options;
}

// Stops sources in parallel: each waits for its own acknowledgements.
void stop_all(std::vector<std::unique_ptr<Source>>& sources, int drain_timeout_ms) {
  std::vector<std::thread> stoppers;
  for (auto& source : sources) {
    stoppers.emplace_back([&source, drain_timeout_ms] { source->stop(drain_timeout_ms); });
  }
  for (auto& t : stoppers) t.join();
}

// The runtime currently serving and the OTLP receivers, swapped on reload; /ready reads them from
// the HTTP thread.
class CurrentRuntime {
 public:
  void replace_receivers(std::vector<std::unique_ptr<Source>> next) {
    std::lock_guard lock(mutex_);
    receivers_ = std::move(next);
  }
  std::vector<std::unique_ptr<Source>> take_receivers() {
    std::lock_guard lock(mutex_);
    return std::move(receivers_);
  }
  void start_receivers() {
    std::lock_guard lock(mutex_);
    for (auto& receiver : receivers_) receiver->start();
  }
  void replace(std::unique_ptr<Runtime> next) {
    std::lock_guard lock(mutex_);
    runtime_ = std::move(next);
  }
  std::unique_ptr<Runtime> take() {
    std::lock_guard lock(mutex_);
    return std::move(runtime_);
  }
  std::vector<NotReady> not_ready() const {
    std::lock_guard lock(mutex_);
    if (!runtime_) return {{"pipeline", "reloading"}};
    auto waiting = runtime_->not_ready();
    for (const auto& receiver : receivers_) {
      if (!receiver->ready()) {
        std::string reason = receiver->not_ready_reason();
        waiting.push_back({"source/" + receiver->name(), reason.empty() ? "starting" : reason});
      }
    }
    return waiting;
  }
  std::vector<ComponentHealth> components() const {
    std::lock_guard lock(mutex_);
    std::vector<ComponentHealth> all;
    if (runtime_) all = runtime_->components();
    for (const auto& receiver : receivers_) {
      all.push_back({"source", receiver->name(), receiver->ready(),
                     receiver->ready() ? "" : receiver->not_ready_reason(), ""});
    }
    return all;
  }

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<Runtime> runtime_;
  std::vector<std::unique_ptr<Source>> receivers_;
};

}  // namespace

int run_daemon(const std::string& config_path, const Environment& env) {
  ConfigLoadResult loaded = load_app_config(config_path, env);
  if (!loaded.config) {
    print_errors(loaded.errors);
    std::fprintf(stderr, "specwatch: not starting: %zu problem(s) in the configuration\n",
                 loaded.errors.size());
    return 2;
  }
  Config config = std::move(*loaded.config);

  sigset_t signals = daemon_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Logger logger(config.log_level);
  fit_descriptor_budget(config, logger);
  auto registry = std::make_shared<prometheus::Registry>();
  register_build_info(*registry, SPECWATCH_VERSION);
  auto process_collector = std::make_shared<ProcessCollector>();
  auto& errors_family = prometheus::BuildCounter()
                            .Name("specwatch_source_errors_total")
                            .Help("Bad input and read problems, by source and reason.")
                            .Register(*registry);
  ErrorReporter errors(logger, errors_family);
  PipelineMetrics pipeline_metrics(*registry);
  FileSourceMetrics file_metrics(*registry);
  std::vector<DeriveError> pricing_errors;
  DeriveLimits derive_limits;
  derive_limits.max_series_per_metric = config.cardinality.max_series_per_metric;
  derive_limits.redaction = config.redaction;
  // The derived families live in a registry of their own: /metrics writes them straight from
  // their series (DerivedMetrics::exposition(), docs/PERFORMANCE.md "/metrics rendering") rather
  // than collecting copies of them; the rule evaluator collects them as before.
  auto derived_series = std::make_shared<prometheus::Registry>();
  DerivedMetrics derived(*registry, *derived_series,
                         build_pricing_table(config.pricing, pricing_errors), derive_limits,
                         logger);
  SpanMetrics span_metrics(*registry, config.otlp.span_metrics_max_series, config.redaction);
  OtlpMetrics otlp_metrics(*registry);
  // Pushed OTLP metrics are served beside the registry. Only specwatch's own namespace is
  // reserved here; a pushed family that shares a name with a derived one (Specular's
  // specular_provider_latency_seconds, say) wins on /metrics: see docs/OTLP_METRICS.md.
  auto otlp_store = std::make_shared<OtlpMetricsStore>(
      config.otlp.metrics, [](const std::string& name) { return name.rfind("specwatch_", 0) == 0; },
      [] { return std::chrono::steady_clock::now(); },
      std::make_shared<SiteRedactor>(*registry, config.redaction, RedactionSite::kLabel));
  OtlpMetricsConsumer otlp_consumer(*otlp_store);
  // The OTLP receivers outlive runtimes; this sink points them at the current pipeline.
  SwitchingBatchSink otlp_sink;
  RuntimeServices services{logger,  *registry,    errors,       pipeline_metrics, file_metrics,
                           derived, span_metrics, otlp_metrics, otlp_consumer,    otlp_sink};
  // The budgets' metrics, API and alerts across reloads (sidecar/budgets/budget_board.h). The
  // board keeps their alerts for the status page and hands them on to the notifiers.
  auto budget_board = std::make_shared<BudgetBoard>();
  services.budget_board = budget_board.get();
  auto& admin_refused = otlp_metrics.connections_refused().Add({{"listener", "admin"}});
  auto make_receivers = [&](const Config& c) {
    return make_otlp_receivers(c.otlp, otlp_sink, otlp_consumer, otlp_metrics, logger);
  };

  // The rule evaluator outlives runtimes and listeners: its alert state carries over a reload.
  // Alert producers hand their alerts to notifiers.receiver() (docs/NOTIFIERS.md).
  DaemonNotifiers notifiers(*registry, logger);
  budget_board->set_downstream(&notifiers.receiver());
  rules::RuleManager rule_manager(
      config.rules, rules_instance(config, env),
      rules::RuleManagerDeps{
          [&] {
            auto families = registry->Collect();
            for (const prometheus::Collectable* extra :
                 {static_cast<const prometheus::Collectable*>(derived_series.get()),
                  static_cast<const prometheus::Collectable*>(process_collector.get()),
                  static_cast<const prometheus::Collectable*>(otlp_store.get())}) {
              for (auto& f : extra->Collect()) families.push_back(std::move(f));
            }
            return families;
          },
          *registry,
          logger,
          notifiers.receiver(),
          StateStore(config.state_dir),
          {}});
  for (const auto& error : rule_manager.load()) {
    logger.error("rule file not loaded", {{"problem", error}});
  }
  auto rules_snapshot = [&rule_manager] { return rule_manager.snapshot(); };

  CurrentRuntime current;
  auto probe = [&current, &notifiers] {
    auto waiting = current.not_ready();
    notifiers.add_not_ready(waiting);
    return waiting;
  };

  auto make_server = [&](const Config& c) {
    auto server = std::make_unique<HttpServer>(http_options(c, admin_refused), logger);
    register_admin_endpoints(
        *server, *registry, probe,
        {process_collector, otlp_store, rule_manager.alerts_metric(), budget_board},
        {&derived.exposition()});
    rules::register_rules_api(*server, rules_snapshot);
    register_status_endpoints(
        *server,
        {[&current, registry] {
           // The figures of each source and exporter are the values /metrics shows.
           auto components = current.components();
           add_component_figures(components, registry->Collect());
           return components;
         },
         [budget_board] { return budget_board->status(); },
         {[budget_board] { return budget_alerts_for_status(budget_board->alerts()); },
          [&rule_manager] { return rule_alerts_for_status(rule_manager.snapshot().get()); }}});
    return server;
  };
  auto server = make_server(config);
  if (std::string err = server->start(); !err.empty()) {
    logger.error("cannot start the HTTP listener", {{"error", err}});
    return 1;
  }
  logger.info("specwatch started",
              {{"version", SPECWATCH_VERSION},
               {"config", config_path},
               {"listen", config.http.host + ":" + std::to_string(server->port())},
               {"sources", config.sources.size()}});

  auto runtime = std::make_unique<Runtime>(config, services);
  // Published before start() so that /ready names each source that is still starting.
  Runtime* starting = runtime.get();
  current.replace(std::move(runtime));
  starting->start();
  current.replace_receivers(make_receivers(config));
  current.start_receivers();
  notifiers.apply(config, config.shutdown_timeout_ms);
  rule_manager.start();
  release_start_memory();

  // The main thread also hands free heap memory back after bursts (heap_release.h): it waits for
  // a signal at most until the next check is due.
  HeapReleaser heap(HeapReleaser::Clock::now());
  while (true) {
    heap.tick(HeapReleaser::Clock::now());
    const auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(
        heap.until_due(HeapReleaser::Clock::now()));
    timespec timeout{};
    timeout.tv_sec = static_cast<time_t>(wait.count() / 1'000'000'000);
    timeout.tv_nsec = static_cast<long>(wait.count() % 1'000'000'000);
    const int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig < 0) continue;  // the check is due (EAGAIN), or EINTR
    if (sig == SIGHUP) {
      logger.info("SIGHUP: reloading the configuration", {{"config", config_path}});
      ConfigLoadResult next = load_app_config(config_path, env);
      if (!next.config) {
        for (const auto& e : next.errors) {
          logger.error("invalid configuration; keeping the running one",
                       {{"problem", e.to_string()}});
        }
        continue;
      }
      Config next_config = std::move(*next.config);
      fit_descriptor_budget(next_config, logger);
      // Receivers whose configuration is unchanged keep their listeners and connections: their
      // exports wait (bounded) for the new pipeline instead of failing (switching_sink.h).
      const bool keep_receivers = same_receivers(config.otlp, next_config.otlp);
      if (!keep_receivers) {
        auto old_receivers = current.take_receivers();
        stop_all(old_receivers, config.shutdown_timeout_ms);
      }
      if (auto old = current.take()) old->stop(config.shutdown_timeout_ms);
      logger.set_level(next_config.log_level);
      std::vector<DeriveError> next_pricing_errors;
      derived.set_pricing(build_pricing_table(next_config.pricing, next_pricing_errors));
      if (next_config.cardinality.max_series_per_metric !=
          config.cardinality.max_series_per_metric) {
        logger.warn("cardinality.max_series_per_metric changes take effect at the next start");
      }
      if (next_config.redaction != config.redaction) {
        logger.warn("redaction changes take effect at the next start");
      }
      if (next_config.http.listen != config.http.listen ||
          next_config.http.header_timeout_ms != config.http.header_timeout_ms) {
        server->stop();
        auto next_server = make_server(next_config);
        if (std::string err = next_server->start(); !err.empty()) {
          logger.error("cannot listen on the new address; keeping the old one", {{"error", err}});
          next_config.http = config.http;
          next_server = make_server(next_config);
          if (std::string again = next_server->start(); !again.empty()) {
            logger.error("cannot listen on the old address either", {{"error", again}});
          }
        }
        server = std::move(next_server);
      }
      otlp_store->reconfigure(next_config.otlp.metrics);
      for (const auto& error : rule_manager.reload(next_config.rules)) {
        logger.error("rule file not loaded", {{"problem", error}});
      }
      config = std::move(next_config);
      auto next_runtime = std::make_unique<Runtime>(config, services);
      Runtime* restarting = next_runtime.get();
      current.replace(std::move(next_runtime));
      restarting->start();
      if (!keep_receivers) {
        current.replace_receivers(make_receivers(config));
        current.start_receivers();
      }
      notifiers.apply(config, config.shutdown_timeout_ms);
      release_start_memory();
      logger.info("configuration reloaded",
                  {{"sources", config.sources.size()},
                   {"otlp_receivers", keep_receivers ? "kept" : "rebuilt"}});
      continue;
    }
    logger.info("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    break;
  }

  {
    auto receivers = current.take_receivers();
    stop_all(receivers, config.shutdown_timeout_ms);
  }
  if (auto old = current.take()) old->stop(config.shutdown_timeout_ms);
  rule_manager.stop();
  notifiers.stop(config.shutdown_timeout_ms);
  server->stop();
  for (const auto& source : config.sources) {
    logger.info(
        "source totals",
        {{"source", source.name()},
         {"events", static_cast<std::uint64_t>(pipeline_metrics.events(source.name()).Value())}});
  }
  logger.info("specwatch stopped");
  return 0;
}

}  // namespace specwatch
