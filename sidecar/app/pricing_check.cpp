#include "sidecar/app/pricing_check.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <vector>

#include "sidecar/app/file_replay.h"
#include "sidecar/core/event_consumer.h"
#include "sidecar/core/glob.h"
#include "sidecar/derive/pricing.h"
#include "sidecar/normalize/profile_set.h"

namespace specwatch {
namespace {

const FileSourceConfig* source_for(const Config& config, const std::string& path) {
  for (const auto& entry : config.sources) {
    const auto* source = std::get_if<FileSourceConfig>(&entry.settings);
    if (source == nullptr) continue;
    bool included = false;
    for (const auto& pattern : source->include) included = included || glob_match(pattern, path);
    for (const auto& pattern : source->exclude) included = included && !glob_match(pattern, path);
    if (included) return source;
  }
  return nullptr;
}

struct Seen {
  std::uint64_t calls = 0;
  std::string first_input;
};

// Sorts the LLM calls of the replayed files into priced and unpriced models (called on the
// replay's pipeline thread, one batch at a time).
class PriceSorter final : public EventConsumer {
 public:
  explicit PriceSorter(PricingTable& pricing) : pricing_(pricing) {}
  const std::string& name() const override { return name_; }
  void consume(const EventBatch& batch) override {
    for (std::size_t i = 0; i < batch.events.size(); ++i) {
      const auto* call = std::get_if<LlmCall>(&batch.events[i].body);
      if (call == nullptr || call->model.empty()) continue;  // no model: nothing to price
      auto key = std::make_pair(call->provider.empty() ? "unknown" : call->provider, call->model);
      if (pricing_.find(call->provider, call->model) != nullptr) {
        priced.insert(key);
        continue;
      }
      Seen& seen = unpriced[key];
      seen.calls += static_cast<std::uint64_t>(call->count);
      if (seen.first_input.empty()) seen.first_input = batch.record_of(i).origin;
    }
  }
  std::map<std::pair<std::string, std::string>, Seen> unpriced;
  std::set<std::pair<std::string, std::string>> priced;

 private:
  PricingTable& pricing_;  // find() caches its look-ups
  const std::string name_ = "pricing-check";
};

}  // namespace

int run_pricing_check(const Config& config, const std::vector<std::string>& inputs, std::FILE* out,
                      std::FILE* err) {
  ProfileSet profiles;
  if (config.profiles.IsDefined() && config.profiles.IsSequence()) {
    profiles.add(config.profiles, config.path);
  }
  std::vector<DeriveError> pricing_errors;
  PricingTable pricing = build_pricing_table(config.pricing, pricing_errors);
  for (const auto& e : pricing_errors) std::fprintf(err, "%s\n", e.to_string().c_str());

  PriceSorter sorter(pricing);
  // The inputs of each source are read together, through the daemon's record path.
  std::map<const FileSourceConfig*, std::vector<std::string>> by_source;
  std::vector<const FileSourceConfig*> source_order;
  int status = 0;
  for (const auto& input : inputs) {
    std::error_code ec;
    std::string path = std::filesystem::absolute(input, ec).lexically_normal().string();
    const FileSourceConfig* source = source_for(config, path);
    if (source == nullptr) {
      std::fprintf(err, "%s: no source of %s watches this file; name one that does with --config\n",
                   input.c_str(), config.path.c_str());
      status = 2;
      continue;
    }
    if (profiles.find(source->profile) == nullptr) {
      std::fprintf(err, "%s: source %s has no profile, so no LLM calls can be read from it\n",
                   input.c_str(), source->name.c_str());
      status = 2;
      continue;
    }
    if (!std::ifstream(path, std::ios::binary)) {
      std::fprintf(err, "%s: cannot read the file\n", input.c_str());
      status = 2;
      continue;
    }
    if (by_source.find(source) == by_source.end()) source_order.push_back(source);
    by_source[source].push_back(path);
  }
  Logger logger(LogLevel::kWarn,
                [err](std::string_view line) { std::fwrite(line.data(), 1, line.size(), err); });
  for (const FileSourceConfig* source : source_order) {
    ReplayResult replay = replay_files(*source, by_source[source], profiles, sorter, logger);
    if (replay.timed_out) {
      std::fprintf(err, "source %s: the files were not read to their end in time\n",
                   source->name.c_str());
      status = 2;
    }
    for (const auto& path : replay.unterminated) {
      std::fprintf(err,
                   "%s: the last record has no newline yet, so it was not read (the sidecar "
                   "reads it once the line ends)\n",
                   path.c_str());
    }
  }
  const auto& unpriced = sorter.unpriced;
  const auto& priced = sorter.priced;
  if (!unpriced.empty()) {
    std::fprintf(out, "%zu model(s) without a price:\n", unpriced.size());
    for (const auto& [key, seen] : unpriced) {
      std::fprintf(out, "  provider=%s model=%s calls=%llu first_seen_in=%s\n", key.first.c_str(),
                   key.second.c_str(), static_cast<unsigned long long>(seen.calls),
                   seen.first_input.c_str());
    }
    std::fprintf(out,
                 "Add them to a pricing file (pricing.file) or map them with pricing.rules; "
                 "see docs/METRICS.md.\n");
    return status == 2 ? 2 : 1;
  }
  if (status == 0) {
    std::fprintf(out, "every model in the inputs has a price (%zu model(s) seen)\n", priced.size());
  }
  return status;
}

}  // namespace specwatch
