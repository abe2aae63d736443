// Every built-in profile against its samples (samples/README.md): the exact events, every field,
// each sample read as the daemon reads it with the bundled config (deploy/specwatch.yaml).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <stdexcept>

#include "sidecar/app/app_config.h"
#include "sidecar/app/file_replay.h"
#include "sidecar/config/environment.h"
#include "sidecar/core/event_consumer.h"
#include "sidecar/core/glob.h"
#include "sidecar/normalize/profile_set.h"
#include "tests/unit/normalize/event_text.h"

namespace specwatch {
namespace {

const std::string kSamples = SPECWATCH_SAMPLES_DIR;
const std::string kBundledConfig = SPECWATCH_BUNDLED_CONFIG;

struct RunResult {
  std::vector<std::string> events;
  std::vector<std::string> reasons;  // error reasons, one entry per counted error
};

// The bundled config, as `specwatch run` loads it (a temporary HOME and state directory).
const Config& bundled_config() {
  static const Config config = [] {
    const std::string home = ::testing::TempDir() + "/builtin-profiles-home";
    std::filesystem::create_directories(home + "/state");
    ConfigLoadResult loaded = load_app_config(
        kBundledConfig,
        fixed_environment({{"HOME", home}, {"SPECWATCH_STATE_DIR", home + "/state"}}));
    if (!loaded.config) throw std::runtime_error("the bundled config does not load");
    return *loaded.config;
  }();
  return config;
}

// Keeps the description of every event it is handed.
class Describer final : public EventConsumer {
 public:
  const std::string& name() const override { return name_; }
  void consume(const EventBatch& batch) override {
    for (const auto& event : batch.events) events.push_back(test::describe(event));
  }
  std::vector<std::string> events;

 private:
  const std::string name_ = "describer";
};

// Reads a sample file as the daemon does with the bundled config: the bundled source that
// watches it (framing, limits) and the daemon's record path (replay_files); `profile` must be the
// one that source names. The service is "svc" so that expectations stay short.
RunResult run_sample(const std::string& profile, const std::string& file) {
  const std::string path = std::filesystem::weakly_canonical(kSamples + "/" + file).string();
  const Config& config = bundled_config();
  const FileSourceConfig* source = nullptr;
  for (const auto& entry : config.sources) {
    const auto* candidate = std::get_if<FileSourceConfig>(&entry.settings);
    if (candidate == nullptr || source != nullptr) continue;
    for (const auto& pattern : candidate->include) {
      if (glob_match(pattern, path)) source = candidate;
    }
  }
  RunResult o;
  EXPECT_NE(source, nullptr) << "no bundled source watches " << path;
  if (source == nullptr) return o;
  EXPECT_EQ(source->profile, profile) << path;
  FileSourceConfig settings = *source;
  settings.service = "svc";
  ProfileSet profiles;
  if (config.profiles.IsDefined() && config.profiles.IsSequence()) {
    profiles.add(config.profiles, config.path);
  }
  Describer describer;
  Logger quiet(LogLevel::kError, [](std::string_view) {});
  const ReplayResult replay = replay_files(settings, {path}, profiles, describer, quiet);
  EXPECT_FALSE(replay.timed_out);
  EXPECT_TRUE(replay.unterminated.empty()) << path;
  for (const auto& [reason, count] : replay.errors) {
    for (std::uint64_t i = 0; i < count; ++i) o.reasons.push_back(reason);
  }
  o.events = std::move(describer.events);
  return o;
}

RunResult run_json(const std::string& profile, const std::string& file) {
  return run_sample(profile, file);
}
RunResult run_text(const std::string& profile, const std::string& file) {
  return run_sample(profile, file);
}

TEST(BuiltinProfiles, SpecularTraceAuto) {
  const RunResult o = run_json("specular-trace", "specular/logs/trace_auto-1736965845.json");
  const std::vector<std::string> expected = {
      "policy_check service=svc ts=1736965846130000000 trace= span= workflow=auto-1736965845 "
      "policy=cost_limit allowed=true reason=within budget",
      "workflow_step service=svc ts=1736965858450000000 trace= span= workflow=auto-1736965845 "
      "step=spec step_type= outcome=success duration=12.33 cost=0.11",
      "workflow_step service=svc ts=1736965872900000000 trace= span= workflow=auto-1736965845 "
      "step=build step_type= outcome=failure duration=14.44 cost=-",
      "policy_check service=svc ts=1736965872910000000 trace= span= workflow=auto-1736965845 "
      "policy=cost_limit allowed=false reason=projected cost 5.40 exceeds limit 5.00",
      "workflow_run service=svc ts=1736965873000000000 trace= span= workflow=auto-1736965845 "
      "outcome=failure duration=28 cost=0.5",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, SpecularTraceDocs) {
  const RunResult o = run_json("specular-trace", "specular/logs/trace_docs-1736966000.json");
  const std::vector<std::string> expected = {
      "llm_call service=svc ts=1736966001200000000 trace= span= workflow=docs-1736966000 "
      "provider=anthropic model=claude-sonnet-4-20250514 operation= outcome=error "
      "error_type=rate_limited duration=0.64 input=- input_includes_cache=true output=- "
      "cache_read=- cache_creation=- reasoning=- total=- cost=- count=1",
      "llm_call service=svc ts=1736966002500000000 trace= span= workflow=docs-1736966000 "
      "provider=anthropic model=claude-sonnet-4-20250514 operation= outcome=success error_type= "
      "duration=2.35 input=- input_includes_cache=true output=- cache_read=- cache_creation=- "
      "reasoning=- total=9100 cost=0.0425 count=1",
      "llm_call service=svc ts=1736966005000000000 trace= span= workflow=docs-1736966000 provider= "
      "model=acme-experimental-9b operation= outcome=success error_type= duration=- input=- "
      "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- total=1200 "
      "cost=0.01 count=1",
      "workflow_step service=svc ts=1736966006000000000 trace= span= workflow=docs-1736966000 "
      "step=plan step_type= outcome=success duration=5.75 cost=-",
      "workflow_run service=svc ts=1736966007000000000 trace= span= workflow=docs-1736966000 "
      "outcome=success duration=7 cost=0.0525",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, SpecularLog) {
  const RunResult o = run_json("specular-log", "specular/logs/specular.log");
  const std::vector<std::string> expected = {
      "log_record service=svc ts=1736965845100000000 trace= span= workflow=auto-1736965845 "
      "level=info error_code=",
      "log_record service=svc ts=1736965846200000000 trace= span= workflow= level=debug "
      "error_code=",
      "log_record service=svc ts=1736965872900000000 trace= span= workflow= level=error "
      "error_code=PROVIDER-001",
      "log_record service=svc ts=1736965872950000000 trace= span= workflow= level=warn error_code=",
      "log_record service=svc ts=1736937045000000000 trace= span= workflow=auto-1234567890 "
      "level=info error_code=",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, SpecularAttestation) {
  const RunResult o =
      run_json("specular-attestation", "specular/attestations/auto-1736965845.attestation.json");
  const std::vector<std::string> expected = {
      "workflow_run service=svc ts=1736937073500000000 trace= span= workflow=auto-1736965845 "
      "outcome=failure duration=28.5 cost=0.5",
      "llm_call service=svc ts=1736937073500000000 trace= span= workflow=auto-1736965845 "
      "provider=anthropic model=claude-sonnet-4 operation= outcome=success error_type= duration=- "
      "input=- input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- "
      "total=- cost=0.42 count=3",
      "llm_call service=svc ts=1736937073500000000 trace= span= workflow=auto-1736965845 "
      "provider=openai model=gpt-4o-mini operation= outcome=success error_type= duration=- input=- "
      "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- total=- "
      "cost=0.08 count=2",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, SpecAgentsLog) {
  const RunResult o = run_json("spec-agents-log", "spec-agents/pino.log");
  const std::vector<std::string> expected = {
      "log_record service=svc ts=1738591201250000000 trace= span= workflow= level=info error_code=",
      "http_request service=svc ts=1738591201250000000 trace= span= workflow= route=/api/chat "
      "method= status=- duration=-",
      "log_record service=svc ts=1738591203900000000 trace= span= workflow= level=error "
      "error_code=",
      "llm_call service=svc ts=1738591203900000000 trace= span= workflow= provider=groq model= "
      "operation= outcome=error error_type=rate_limited duration=- input=- "
      "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- total=- cost=- "
      "count=1",
      "fallback service=svc ts=1738591203900000000 trace= span= workflow= from=groq to= "
      "reason=rate_limited",
      "log_record service=svc ts=1738591209100000000 trace= span= workflow= level=error "
      "error_code=",
      "llm_call service=svc ts=1738591209100000000 trace= span= workflow= provider=anthropic "
      "model= operation= outcome=error error_type=error duration=- input=- "
      "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- total=- cost=- "
      "count=1",
      "log_record service=svc ts=1738591210000000000 trace= span= workflow= level=info error_code=",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, SpecAgentsConsole) {
  const RunResult o = run_text("spec-agents-console", "spec-agents/console.log");
  const std::vector<std::string> expected = {
      "cache_lookup service=svc ts=0 trace= span= workflow= cache=query hit=true",
      "cache_lookup service=svc ts=0 trace= span= workflow= cache=embedding hit=false",
      "cache_lookup service=svc ts=0 trace= span= workflow= cache=embedding hit=true",
      "llm_call service=svc ts=0 trace= span= workflow= provider=groq "
      "model=llama-3.3-70b-versatile operation= outcome=error error_type=error duration=- input=- "
      "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- total=- cost=- "
      "count=1",
      "fallback service=svc ts=0 trace= span= workflow= from=groq to= reason=error",
      "llm_call service=svc ts=0 trace= span= workflow= provider=cerebras model= operation= "
      "outcome=error error_type=rate_limited duration=- input=- input_includes_cache=true output=- "
      "cache_read=- cache_creation=- reasoning=- total=- cost=- count=1",
      "llm_call service=svc ts=0 trace= span= workflow= provider=anthropic "
      "model=claude-sonnet-4-5-20250929 operation= outcome=success error_type= duration=- input=- "
      "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- total=- cost=- "
      "count=1",
      "compliance_result service=svc ts=0 trace= span= workflow= standard=grounding score=0.85 "
      "passing=- critical=- high=- medium=- low=-",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, SpekResultFlat) {
  const RunResult o = run_json("spek-result", "spek/analyzer/result-flat.json");
  const std::vector<std::string> expected = {
      "compliance_result service=svc ts=1741598100250000000 trace= span= workflow= "
      "standard=nasa_pot10 score=0.92 passing=- critical=1 high=2 medium=4 low=2",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, SpekResultCli) {
  const RunResult o = run_json("spek-result", "spek/analyzer/result-cli.json");
  const std::vector<std::string> expected = {
      "compliance_result service=svc ts=1741597200000000000 trace= span= workflow= "
      "standard=nasa_pot10 score=0.97 passing=true critical=0 high=- medium=- low=-",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, SpecweaverMetrics) {
  const RunResult o = run_json("specweaver-metrics", "specweaver/artifacts/metrics.json");
  const std::vector<std::string> expected = {
      "workflow_run service=svc ts=1754966392750000000 trace= span= "
      "workflow=3f2b8c1e-6a4d-4e0f-9b7a-1c2d3e4f5a6b outcome=success duration=72.25 cost=-",
      "workflow_run service=svc ts=1754967750000000000 trace= span= "
      "workflow=7a9d0e21-4b3c-4d5e-8f6a-7b8c9d0e1f2a outcome=failure duration=150 cost=-",
      "workflow_run service=svc ts=1754968204500000000 trace= span= "
      "workflow=c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f outcome=error duration=4.5 cost=-",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, SpecweaverLog) {
  const RunResult o = run_text("specweaver-log", "specweaver/logs/specweaver.log");
  const std::vector<std::string> expected = {
      "log_record service=svc ts=1754966327000000000 trace= span= workflow= level=info error_code=",
      "log_record service=svc ts=1754966327000000000 trace= span= workflow= level=error "
      "error_code=",
      "llm_call service=svc ts=1754966327000000000 trace= span= workflow= provider=groq model= "
      "operation= outcome=error error_type=rate_limited duration=- input=- "
      "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- total=- cost=- "
      "count=1",
      "log_record service=svc ts=1754966327000000000 trace= span= workflow= level=warn error_code=",
      "fallback service=svc ts=1754966327000000000 trace= span= workflow= from=groq to= "
      "reason=error",
      "log_record service=svc ts=1754966327000000000 trace= span= workflow= level=info error_code=",
      "log_record service=svc ts=1754966328000000000 trace= span= workflow= level=info error_code=",
      "llm_call service=svc ts=1754966328000000000 trace= span= workflow= provider=gemini model= "
      "operation= outcome=success error_type= duration=- input=- input_includes_cache=true "
      "output=- cache_read=- cache_creation=- reasoning=- total=- cost=- count=1",
      "log_record service=svc ts=0 trace= span= workflow= level=info error_code=",
      "log_record service=svc ts=0 trace= span= workflow= level=info error_code=",
      "llm_call service=svc ts=0 trace= span= workflow= provider=openai model= operation= "
      "outcome=success error_type= duration=- input=- input_includes_cache=true output=- "
      "cache_read=- cache_creation=- reasoning=- total=- cost=- count=1",
      "log_record service=svc ts=0 trace= span= workflow= level=error error_code=",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, Genai) {
  const RunResult o = run_json("genai", "otel/genai.ndjson");
  const std::vector<std::string> expected = {
      "llm_call service=svc ts=1739000000000000000 trace=4bf92f3577b34da6a3ce929d0e0e4736 "
      "span=00f067aa0ba902b7 workflow= provider=anthropic model=claude-3-7-sonnet "
      "operation=chat outcome=success error_type= duration=2.35 input=1800 "
      "input_includes_cache=true output=420 cache_read=1200 cache_creation=300 reasoning=- total=- "
      "cost=- count=1",
      "llm_call service=svc ts=1739000001000000000 trace=5cf92f3577b34da6a3ce929d0e0e4737 "
      "span=10f067aa0ba902b8 workflow= provider=openai model=gpt-4o operation=chat outcome=success "
      "error_type= duration=0.91 input=500 input_includes_cache=true output=120 cache_read=256 "
      "cache_creation=- reasoning=- total=- cost=- count=1",
      "llm_call service=svc ts=1739000002000000000 trace= span= workflow= provider=gcp.vertex_ai "
      "model=gemini-2.5-pro operation=generate_content outcome=success error_type= duration=4.1 "
      "input=2048 input_includes_cache=true output=512 cache_read=- cache_creation=- reasoning=128 "
      "total=- cost=- count=1",
      "llm_call service=svc ts=1739000003000000000 trace= span= workflow= provider=groq "
      "model=llama-3.3-70b-versatile operation=chat outcome=error error_type=rate_limited "
      "duration=0.12 input=- input_includes_cache=true output=- cache_read=- cache_creation=- "
      "reasoning=- total=- cost=- count=1",
      "llm_call service=svc ts=1739000004000000000 trace= span= workflow= provider=openai "
      "model=mystery-model-x operation=chat outcome=success error_type= duration=0.5 input=100 "
      "input_includes_cache=true output=50 cache_read=- cache_creation=- reasoning=- total=- "
      "cost=- count=1",
      "llm_call service=svc ts=1739000005000000000 trace=7d1e2f3a4b5c6d7e8f9a0b1c2d3e4f50 "
      "span=a1b2c3d4e5f60718 workflow= provider=anthropic model=claude-sonnet-4 operation=generate "
      "outcome=success error_type= duration=1.432 input=1200 input_includes_cache=true output=450 "
      "cache_read=- cache_creation=- reasoning=- total=1650 cost=- count=1",
      "llm_call service=svc ts=1739000006000000000 trace= span= workflow= provider=openai "
      "model=gpt-4o operation=generate outcome=error error_type= duration=30.01 input=- "
      "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- total=- cost=- "
      "count=1",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

TEST(BuiltinProfiles, Generic) {
  const RunResult o = run_json("generic", "generic/app.log");
  const std::vector<std::string> expected = {
      "log_record service=api-service ts=1743508800000000000 "
      "trace=6e0c63257de34c92bf9efcd03927272e span=9b3a4c1d2e5f6071 workflow= level=info "
      "error_code=",
      "log_record service=api-service ts=1743508801500000000 "
      "trace=6e0c63257de34c92bf9efcd03927272f span=9b3a4c1d2e5f6072 workflow= level=warn "
      "error_code=",
      "log_record service=worker ts=1743508802250000000 trace=6e0c63257de34c92bf9efcd039272730 "
      "span=9b3a4c1d2e5f6073 workflow= level=error error_code=TimeoutError",
      "log_record service=svc ts=1743508803000000000 trace= span= workflow= level=debug "
      "error_code=",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_TRUE(o.reasons.empty());
}

// SPEK's log holds two lines its template formatter wrote without escaping: they fail to parse
// upstream (counted there); the valid lines still normalize.
TEST(BuiltinProfiles, SpekLogSkipsInvalidLines) {
  const RunResult o = run_text("spek-log", "spek/logs/spek.log");
  const std::vector<std::string> expected = {
      "log_record service=svc ts=1741598098120000000 trace= span= workflow= level=info error_code=",
      "log_record service=svc ts=1741598100300000000 trace= span= workflow= level=error "
      "error_code=SyntaxError",
      "log_record service=svc ts=1741598100400000000 trace= span= workflow= level=warn error_code=",
      "log_record service=svc ts=1741598103000000000 trace= span= workflow= level=fatal "
      "error_code=",
  };
  EXPECT_EQ(o.events, expected);
  EXPECT_EQ(o.reasons, (std::vector<std::string>{"invalid_json", "invalid_json"}));
}

// OTLP log records in the receivers' shape: the level from the severity text, else (text "" as
// the receiver writes it when unset, or no text at all) from the severity number.
TEST(BuiltinProfiles, OtlpLogLevelFromTextElseNumber) {
  ProfileSet set;
  const CompiledProfile* p = set.find("otlp-log");
  ASSERT_NE(p, nullptr);
  const std::vector<std::string> lines = {
      R"({"signal":"log","time_unix_nano":1700000000000000000,"severity_number":17,)"
      R"("severity_text":"WARN","body":"b","attributes":{},"resource":{"service.name":"specular"},)"
      R"("trace_id":"","span_id":""})",
      R"({"signal":"log","time_unix_nano":1700000000000000000,"severity_number":21,)"
      R"("severity_text":"","body":"b","attributes":{"error_code":"PROVIDER-001"},)"
      R"("resource":{"service.name":"specular"},"trace_id":"","span_id":""})",
      R"({"signal":"log","time_unix_nano":1700000000000000000,"severity_number":0,)"
      R"("severity_text":"","body":"b","attributes":{},"resource":{"service.name":"specular"},)"
      R"("trace_id":"","span_id":""})",
      R"({"time_unix_nano":1700000000000000000,"severity_number":13,"body":"b",)"
      R"("resource":{"service.name":"specular"}})",
  };
  std::vector<CanonicalEvent> events;
  for (const auto& line : lines) {
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    ASSERT_FALSE(doc.HasParseError()) << line;
    EXPECT_EQ(std::string(normalize(*p, doc, "svc", events)), "") << line;
  }
  const std::vector<std::string> expected = {
      "log_record service=specular ts=1700000000000000000 trace= span= workflow= level=warn "
      "error_code=",
      "log_record service=specular ts=1700000000000000000 trace= span= workflow= level=fatal "
      "error_code=PROVIDER-001",
      "log_record service=specular ts=1700000000000000000 trace= span= workflow= level=info "
      "error_code=",
      "log_record service=specular ts=1700000000000000000 trace= span= workflow= level=warn "
      "error_code=",
  };
  EXPECT_EQ(test::describe(events), expected);
}

TEST(BuiltinProfiles, NamesAreFixed) {
  ProfileSet set;
  const std::vector<std::string> expected = {"genai",
                                             "generic",
                                             "otlp-log",
                                             "otlp-span",
                                             "spec-agents-console",
                                             "spec-agents-log",
                                             "specular-attestation",
                                             "specular-log",
                                             "specular-trace",
                                             "specweaver-log",
                                             "specweaver-metrics",
                                             "spek-log",
                                             "spek-result"};
  EXPECT_EQ(set.names(), expected);
}

}  // namespace
}  // namespace specwatch
