#include "sidecar/app/file_replay.h"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sidecar/core/error_reporter.h"
#include "sidecar/normalize/normalize_stage.h"
#include "sidecar/pipeline/pipeline.h"
#include "sidecar/sources/file/file_source.h"
#include "sidecar/sources/file/file_source_metrics.h"

namespace specwatch {
namespace {

// A path as a glob pattern that matches exactly that path.
std::string literal_pattern(const std::string& path) {
  std::string pattern;
  for (char c : path) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}' || c == '\\') {
      pattern.push_back('\\');
    }
    pattern.push_back(c);
  }
  return pattern;
}

// Counts what passes on to the caller's consumer.
class CountingConsumer final : public EventConsumer {
 public:
  explicit CountingConsumer(EventConsumer& next) : next_(next) {}
  const std::string& name() const override { return next_.name(); }
  void consume(const EventBatch& batch) override {
    records += batch.records.records.size();
    events += batch.events.size();
    next_.consume(batch);
  }
  std::uint64_t records = 0;
  std::uint64_t events = 0;

 private:
  EventConsumer& next_;
};

bool ends_unterminated(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in || in.tellg() <= 0) return false;
  in.seekg(-1, std::ios::end);
  char last = 0;
  in.get(last);
  return last != '\n';
}

}  // namespace

ReplayResult replay_files(const FileSourceConfig& source, const std::vector<std::string>& paths,
                          const ProfileSet& profiles, EventConsumer& consumer, Logger& logger,
                          int deadline_ms) {
  FileSourceConfig config = source;
  config.include.clear();
  config.exclude.clear();
  for (const auto& path : paths) {
    std::error_code ec;
    config.include.push_back(
        literal_pattern(std::filesystem::absolute(path, ec).lexically_normal().string()));
  }
  config.start_at = StartAt::kBeginning;
  config.checkpoint = false;  // persists nothing: state_dir is never written
  TailConfig tail;
  tail.inotify = false;  // finished files: nothing to watch
  tail.poll_interval_ms = 50;

  prometheus::Registry registry;
  auto& errors_family = prometheus::BuildCounter()
                            .Name("specwatch_source_errors_total")
                            .Help("Bad input and read problems, by source and reason.")
                            .Register(registry);
  ErrorReporter errors(logger, errors_family);
  PipelineMetrics pipeline_metrics(registry);
  FileSourceMetrics file_metrics(registry);
  NormalizeStage normalize(profiles, errors);
  CountingConsumer counting(consumer);
  normalize.add_consumer(counting);
  PipelineConfig pipeline_config;
  Pipeline pipeline(pipeline_config, pipeline_metrics, errors, logger);
  pipeline.add_processor(normalize);
  const std::string no_state_dir;
  FileSource file_source(config, tail, pipeline_config.batch_max_records, no_state_dir, pipeline,
                         logger, errors, file_metrics);

  ReplayResult result;
  pipeline.start();
  file_source.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
  while (!file_source.caught_up()) {
    if (std::chrono::steady_clock::now() > deadline) {
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // The source waits for its batches in flight, which the running pipeline settles; then the
  // pipeline has processed everything it was given.
  file_source.stop(deadline_ms);
  pipeline.stop();

  result.records = counting.records;
  result.events = counting.events;
  for (const auto& family : registry.Collect()) {
    if (family.name != "specwatch_source_errors_total") continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "reason" && metric.counter.value > 0) {
          result.errors[label.value] += static_cast<std::uint64_t>(metric.counter.value);
        }
      }
    }
  }
  if (source.framing != Framing::kJsonDocument && source.framing != Framing::kJsonStream) {
    for (const auto& path : paths) {
      if (ends_unterminated(path)) result.unterminated.push_back(path);
    }
  }
  return result;
}

}  // namespace specwatch
