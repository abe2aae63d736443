#include "bulk_workload.h"

#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "exporters/common/exporter_redaction.h"
#include "exporters/elasticsearch/elasticsearch_client.h"
#include "sidecar/normalize/profile_set.h"

namespace specwatch::bench {
namespace {

constexpr int kRecords = 1024;  // the default batch_max_records

// generate_llm_ndjson's Park-Miller generator (bench/e2e/common.sh), draws in the same order.
class ParkMiller {
 public:
  explicit ParkMiller(std::uint64_t seed) : state_(seed % 2147483647) {
    if (state_ == 0) state_ = 1;
  }
  std::uint64_t draw(std::uint64_t bound) {
    state_ = state_ * 16807 % 2147483647;
    return state_ % bound;
  }

 private:
  std::uint64_t state_;
};

std::vector<std::string> llm_lines() {
  static const char* const services[] = {"checkout", "search", "support-bot", "indexer"};
  static const char* const providers[] = {"anthropic",  "anthropic", "anthropic",
                                          "openai",     "openai",    "openai",
                                          "gcp.gemini", "groq",      "groq"};
  static const char* const models[] = {
      "claude-sonnet-4-5",   "claude-haiku-4-5", "claude-3-5-haiku", "gpt-4o",
      "gpt-4o-mini",         "gpt-4.1-nano",     "gemini-2.5-pro",   "llama-3.3-70b-versatile",
      "llama-3.1-8b-instant"};
  static const char* const operations[] = {"chat", "chat", "chat", "text_completion"};
  ParkMiller random(20260115);
  std::vector<std::string> lines;
  for (int i = 0; i < kRecords; ++i) {
    const int t = i / 100;
    const auto m = random.draw(9);
    const auto input = 200 + random.draw(20000);
    const auto cache = random.draw(2) != 0 ? random.draw(input / 2) : 0;
    const bool error = random.draw(100) < 3;
    const auto output = error ? random.draw(20) : 10 + random.draw(2000);
    const auto micros = static_cast<std::uint64_t>(i % 100) * 10000 + random.draw(10000);
    const char* service = services[random.draw(4)];
    const char* operation = operations[random.draw(4)];
    const auto latency = 40 + random.draw(30000);
    const auto latency_fraction = random.draw(1000);
    std::uint64_t trace[4];
    for (auto& part : trace) part = random.draw(2147483647);
    char line[512];
    std::snprintf(
        line, sizeof line,
        R"({"time":"2025-01-15T%02d:%02d:%02d.%06lluZ","level":"%s","msg":"llm call",)"
        R"("service":"%s","provider":"%s","model":"%s","operation":"%s",)"
        R"("input_tokens":%llu,"output_tokens":%llu,"cache_read_tokens":%llu,)"
        R"("latency_ms":%llu.%03llu,"status":"%s","workflow_id":"wf-%07d",)"
        R"("trace_id":"%08llx%08llx%08llx%08llx"})",
        10 + t / 3600, t / 60 % 60, t % 60, static_cast<unsigned long long>(micros),
        error ? "ERROR" : "INFO", service, providers[m], models[m], operation,
        static_cast<unsigned long long>(input), static_cast<unsigned long long>(output),
        static_cast<unsigned long long>(cache), static_cast<unsigned long long>(latency),
        static_cast<unsigned long long>(latency_fraction), error ? "error" : "ok", i / 20,
        static_cast<unsigned long long>(trace[0]), static_cast<unsigned long long>(trace[1]),
        static_cast<unsigned long long>(trace[2]), static_cast<unsigned long long>(trace[3]));
    lines.emplace_back(line);
  }
  return lines;
}

// generate_ndjson of bench/e2e/common.sh.
std::vector<std::string> log_lines() {
  std::vector<std::string> lines;
  for (int i = 0; i < kRecords; ++i) {
    char line[512];
    std::snprintf(line, sizeof line,
                  R"({"time":"2025-01-15T10:30:%02d.%06d-08:00","level":"INFO","msg":"llm call",)"
                  R"("service":"specular","trace_id":"4bf92f3577b34da6a3ce929d0e0e%04x",)"
                  R"("span_id":"00f067aa0ba9%04x","provider":"anthropic",)"
                  R"("model":"claude-sonnet-4-5","latency_ms":%d,"context":{"workflow_id":)"
                  R"("auto-1736965845","step":"build","attempt":%d},"seq":%d})",
                  i % 60, i % 1000000, i % 65536, i % 65536, 100 + i % 900, i % 3, i);
    lines.emplace_back(line);
  }
  return lines;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

NormalizedBatch make_batch(Workload workload) {
  ProfileSet profiles;
  std::string profile = "generic";
  if (workload == Workload::kLlm) {
    profiles.add_yaml(read_file(std::string(SPECWATCH_BENCH_DIR) + "/e2e/w1_llm_profile.yaml"),
                      "w1_llm_profile.yaml");
    profile = "w1-llm";
  }
  const CompiledProfile* compiled = profiles.find(profile);
  NormalizedBatch out;
  out.records.source = "w1";
  out.records.service = "specular";
  out.records.profile = profile;
  std::uint64_t offset = 0;
  for (std::string& line : workload == Workload::kLlm ? llm_lines() : log_lines()) {
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    const std::size_t before = out.events.size();
    if (doc.HasParseError() || !normalize(*compiled, doc, "specular", out.events).empty() ||
        out.events.size() == before) {
      throw std::runtime_error(profile + " made no event of " + line);
    }
    offset += line.size() + 1;
    Record record{out.records.own(std::move(line)), RecordFormat::kJson,
                  "/var/log/specular/events.log"};
    record.end_offset = offset;
    record.stream_id = 0x5eed0f11e5ca1e01;
    out.record_index.resize(out.events.size(),
                            static_cast<std::uint32_t>(out.records.records.size()));
    out.records.records.push_back(std::move(record));
  }
  return out;
}

BulkPath::BulkPath(bool redact, bool include_original)
    : redaction_(make_export_redactor(redact, std::nullopt, RedactionConfig{}, registry_)),
      encoder_(PricingTable::bundled(), include_original,
               redaction_ ? &redaction_->redactor() : nullptr, "specular-logs-%Y.%m.%d") {}

std::size_t BulkPath::encode(const EventBatch& batch, bool gzip, std::size_t& compressed) {
  // ElasticsearchSink::consume: the entry it stores, the redactions it counts.
  const std::string& entry = encoder_.encode(batch);
  if (redaction_ && encoder_.documents().redaction_total() > 0) {
    redaction_->count(encoder_.documents().redactions());
    encoder_.documents().reset_redactions();
  }
  // ElasticsearchSender::take_next and send_current: every item pending on the first attempt.
  std::string_view source;
  if (!parse_bulk_entry(entry, source, items_)) throw std::runtime_error("malformed entry");
  body_.clear();
  for (const BulkItem& item : items_) append_bulk_item(item, body_);
  // ElasticsearchClient::send with `gzip: true` (the default).
  if (gzip) compressed += gzip_compress(body_).size();
  return body_.size();
}

std::size_t encode_batches(BulkPath& path, const EventBatch& batch, int batches, bool gzip,
                           std::size_t& compressed) {
  std::size_t bytes = 0;
  for (int i = 0; i < batches; ++i) bytes += path.encode(batch, gzip, compressed);
  return bytes;
}

}  // namespace specwatch::bench
