#include "sidecar/app/pricing_check.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sidecar/core/glob.h"
#include "sidecar/derive/pricing.h"
#include "sidecar/framing/framer.h"
#include "sidecar/framing/json_document.h"
#include "sidecar/framing/json_parser.h"
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

// Collects the records of one file as the source's framing cuts them.
class Collector : public FramerOutput {
 public:
  void on_record(std::string_view data, std::uint64_t) override { records.emplace_back(data); }
  void on_error(std::string_view, std::string_view, std::uint64_t) override { ++skipped; }
  std::vector<std::string> records;
  std::size_t skipped = 0;
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

  std::map<std::pair<std::string, std::string>, Seen> unpriced;
  std::set<std::pair<std::string, std::string>> priced;
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
    const CompiledProfile* profile = profiles.find(source->profile);
    if (profile == nullptr) {
      std::fprintf(err, "%s: source %s has no profile, so no LLM calls can be read from it\n",
                   input.c_str(), source->name.c_str());
      status = 2;
      continue;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      std::fprintf(err, "%s: cannot read the file\n", input.c_str());
      status = 2;
      continue;
    }
    std::stringstream content;
    content << file.rdbuf();
    const std::string text = content.str();

    std::vector<CanonicalEvent> events;
    JsonParser parser;
    auto normalize_json = [&](std::string_view record) {
      ParseResult parsed = parser.parse(record);
      if (parsed.ok()) normalize(*profile, *parsed.value, source->service, events);
    };
    if (source->framing == Framing::kJsonDocument) {
      DocumentSplit split = split_json_document(text, source->document_key);
      for (const auto& record : split.records) normalize_json(record.json);
    } else {
      Collector collector;
      auto framer = make_stream_framer(source->framing, source->max_record_bytes);
      framer->feed(text, collector);
      // The last line of a finished file may lack its newline: it counts here.
      if (!text.empty() && text.back() != '\n' && source->framing != Framing::kJsonStream) {
        framer->feed("\n", collector);
      }
      for (const auto& record : collector.records) {
        if (source->framing == Framing::kLines) {
          normalize(*profile, std::string_view(record), source->service, events);
        } else {
          normalize_json(record);
        }
      }
    }
    for (const auto& event : events) {
      const auto* call = std::get_if<LlmCall>(&event.body);
      if (call == nullptr || call->model.empty()) continue;  // no model: nothing to price
      auto key = std::make_pair(call->provider.empty() ? "unknown" : call->provider, call->model);
      if (pricing.find(call->provider, call->model) != nullptr) {
        priced.insert(key);
        continue;
      }
      Seen& seen = unpriced[key];
      seen.calls += static_cast<std::uint64_t>(call->count);
      if (seen.first_input.empty()) seen.first_input = input;
    }
  }
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
