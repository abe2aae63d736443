// One exact document per event kind (docs/EVENTS.md), plus the timestamp format and what
// redaction and UTF-8 repair do to string fields.
#include "exporters/common/event_document.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iterator>
#include <vector>

#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

constexpr std::int64_t kTime = 1736965845100000000;  // 2025-01-15T18:30:45.1Z

CanonicalEvent base_event() {
  CanonicalEvent event;
  event.service = "specular";
  event.timestamp_ns = kTime;
  return event;
}

EventOrigin origin() {
  EventOrigin o;
  o.id = "0123456789abcdef0123456789abcdef";
  o.source = "traces";
  o.path = "/var/log/app.ndjson";
  o.offset = 4096;
  return o;
}

std::string encode(const CanonicalEvent& event, const EventOrigin& o = origin(),
                   const std::optional<CallCost>& cost = std::nullopt,
                   const Redactor* redactor = nullptr) {
  EventDocumentEncoder encoder(redactor);
  std::string out;
  encoder.append(event, o, cost, out);
  return out;
}

const std::string kHead = R"({"schema_version":1,"@timestamp":"2025-01-15T18:30:45.100000000Z",)"
                          R"("event":{"id":"0123456789abcdef0123456789abcdef",)";
const std::string kLog = R"("log":{"file":{"path":"/var/log/app.ndjson"},"offset":4096},)";

TEST(EventDocument, LlmCallWithUsageAndComputedCost) {
  CanonicalEvent event = base_event();
  event.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  event.span_id = "00f067aa0ba902b7";
  event.parent_span_id = "53995c3f42cd8ad8";
  LlmCall call;
  call.provider = "anthropic";
  call.model = "claude-sonnet-4-5";
  call.response_model = "claude-sonnet-4-5-20250929";
  call.operation = "chat";
  call.duration_seconds = 1.25;
  call.input_tokens = 1200;
  call.output_tokens = 300;
  call.cache_read_tokens = 1000;
  call.cache_creation_tokens = 100;
  call.reasoning_tokens = 50;
  event.body = call;
  EXPECT_EQ(encode(event, origin(), CallCost{0.0123, CostSource::kComputed}),
            kHead +
                R"("kind":"llm_call","outcome":"success","duration":1250000000},)"
                R"("service":{"name":"specular"},)"
                R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7",)"
                R"("parent_span_id":"53995c3f42cd8ad8",)" +
                kLog +
                R"("gen_ai":{"provider":{"name":"anthropic"},"operation":{"name":"chat"},)"
                R"("response":{"model":"claude-sonnet-4-5-20250929"},"usage":{"input_tokens":1200,)"
                R"("output_tokens":300,"cache_read":{"input_tokens":1000},)"
                R"("cache_creation":{"input_tokens":100},"reasoning":{"output_tokens":50}}},)"
                R"("specwatch":{"source":"traces","cost":{"usd":0.0123,"source":"computed"},)"
                R"("llm":{"count":1,"model":"claude-sonnet-4-5","input_includes_cache":true}}})");
}

TEST(EventDocument, FailedLlmCallWithoutPriceOrUsage) {
  CanonicalEvent event = base_event();
  LlmCall call;
  call.provider = "groq";
  call.outcome = Outcome::kError;
  call.error_type = "rate_limited";
  call.total_tokens = 77;
  event.body = call;
  EXPECT_EQ(encode(event, origin(), CallCost{std::nullopt, CostSource::kUnpriced}),
            kHead + R"("kind":"llm_call","outcome":"error"},"service":{"name":"specular"},)" +
                kLog +
                R"("error":{"type":"rate_limited"},"gen_ai":{"provider":{"name":"groq"}},)"
                R"("specwatch":{"source":"traces","cost":{"source":"unpriced"},)"
                R"("llm":{"count":1,"total_tokens":77}}})");
}

TEST(EventDocument, Fallback) {
  CanonicalEvent event = base_event();
  event.body = Fallback{"openai", "groq", "rate_limited"};
  EXPECT_EQ(encode(event), kHead + R"("kind":"fallback"},"service":{"name":"specular"},)" + kLog +
                               R"("specwatch":{"source":"traces","fallback":{"from_provider":)"
                               R"("openai","to_provider":"groq","reason":"rate_limited"}}})");
}

TEST(EventDocument, CacheLookup) {
  CanonicalEvent event = base_event();
  event.body = CacheLookup{"embedding", true};
  EXPECT_EQ(encode(event), kHead + R"("kind":"cache_lookup"},"service":{"name":"specular"},)" +
                               kLog +
                               R"("specwatch":{"source":"traces",)"
                               R"("cache":{"name":"embedding","hit":true}}})");
}

TEST(EventDocument, PolicyCheck) {
  CanonicalEvent event = base_event();
  event.body = PolicyCheck{"cost_limit", false, "daily budget reached"};
  EXPECT_EQ(encode(event), kHead + R"("kind":"policy_check"},"service":{"name":"specular"},)" +
                               kLog +
                               R"("specwatch":{"source":"traces","policy":{"name":"cost_limit",)"
                               R"("allowed":false,"reason":"daily budget reached"}}})");
}

TEST(EventDocument, ComplianceResult) {
  CanonicalEvent event = base_event();
  ComplianceResult result;
  result.standard = "nasa_pot10";
  result.score = 0.875;
  result.passing = false;
  result.critical = 1;
  result.low = 4;
  event.body = result;
  EXPECT_EQ(encode(event),
            kHead + R"("kind":"compliance_result"},"service":{"name":"specular"},)" + kLog +
                R"("specwatch":{"source":"traces","compliance":{"standard":"nasa_pot10",)"
                R"("score":0.875,"passing":false,"critical":1,"low":4}}})");
}

TEST(EventDocument, WorkflowRunWithReportedCost) {
  CanonicalEvent event = base_event();
  event.workflow_id = "wf-42";
  event.body = WorkflowRun{Outcome::kFailure, 12.5, 0.75};
  EXPECT_EQ(encode(event),
            kHead +
                R"("kind":"workflow_run","outcome":"failure","duration":12500000000},)"
                R"("service":{"name":"specular"},)" +
                kLog +
                R"("specwatch":{"source":"traces","workflow":{"id":"wf-42"},)"
                R"("cost":{"usd":0.75,"source":"reported"}}})");
}

TEST(EventDocument, WorkflowStep) {
  CanonicalEvent event = base_event();
  event.workflow_id = "wf-42";
  event.body = WorkflowStep{"plan", "llm", Outcome::kSuccess, 0.5, std::nullopt};
  EXPECT_EQ(encode(event),
            kHead +
                R"("kind":"workflow_step","outcome":"success","duration":500000000},)"
                R"("service":{"name":"specular"},)" +
                kLog +
                R"("specwatch":{"source":"traces","workflow":{"id":"wf-42",)"
                R"("step":{"name":"plan","type":"llm"}}}})");
}

TEST(EventDocument, HttpRequest) {
  CanonicalEvent event = base_event();
  event.body = ApiRequest{"/v1/queries/{id}", "GET", 503, 0.002};
  EXPECT_EQ(encode(event),
            kHead + R"("kind":"http_request","duration":2000000},"service":{"name":"specular"},)" +
                kLog +
                R"("http":{"route":"/v1/queries/{id}","request":{"method":"GET"},)"
                R"("response":{"status_code":503}},"specwatch":{"source":"traces"}})");
}

TEST(EventDocument, LogRecord) {
  CanonicalEvent event = base_event();
  event.body = LogRecord{Severity::kWarn, "PROVIDER-001"};
  EXPECT_EQ(encode(event),
            kHead + R"("kind":"log_record"},"service":{"name":"specular"},)"
                    R"("log":{"file":{"path":"/var/log/app.ndjson"},"offset":4096,"level":"warn"},)"
                    R"("error":{"code":"PROVIDER-001"},"specwatch":{"source":"traces"}})");
}

TEST(EventDocument, Command) {
  CanonicalEvent event = base_event();
  event.body = Command{"verify", false, "E42"};
  EXPECT_EQ(encode(event), kHead +
                               R"("kind":"command","outcome":"failure"},)"
                               R"("service":{"name":"specular"},)" +
                               kLog +
                               R"("error":{"code":"E42"},"specwatch":{"source":"traces",)"
                               R"("command":{"name":"verify","success":false}}})");
}

TEST(EventDocument, AbsentTimeOffsetAndPathAreLeftOutAndOriginalIsAString) {
  CanonicalEvent event;  // no service, no time
  event.body = CacheLookup{"query", false};
  EventOrigin o;
  o.id = "ffffffffffffffffffffffffffffffff";
  o.source = "otlp-spans";
  o.original = R"({"a":"b\"c"})";
  EXPECT_EQ(encode(event, o),
            R"({"schema_version":1,"event":{"id":"ffffffffffffffffffffffffffffffff",)"
            R"("kind":"cache_lookup","original":"{\"a\":\"b\\\"c\"}"},)"
            R"("specwatch":{"source":"otlp-spans","cache":{"name":"query","hit":false}}})");
}

// RapidJSON's own Writer::String of `text`: what every string value must read as.
std::string rapidjson_string(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

TEST(EventDocument, StringsAreEscapedAsRapidJsonEscapesThem) {
  // Values with nothing to escape are copied in one piece; the others go through RapidJSON's
  // escaping. Every control character, the quote, the backslash, DEL, multi-byte UTF-8, at the
  // start, in the middle and at the end of record text and of specwatch's own values.
  std::vector<std::string> texts = {"plain",
                                    "",
                                    "\"q\"",
                                    "back\\slash",
                                    "tab\tend",
                                    "\x7f del",
                                    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                                    "/slash/"};
  for (int c = 1; c < 0x20; ++c) texts.push_back(std::string("a") + static_cast<char>(c) + "b");
  // Long values are scanned 16 bytes at a time: a character to escape in each place of a block,
  // in the last full block and in the tail after it; and long clean values.
  for (std::size_t at : {0u, 15u, 16u, 31u, 32u, 47u, 50u}) {
    for (char c : {'"', '\\', '\x1f', '\n'}) {
      std::string text(51, 'x');
      text[at] = c;
      texts.push_back(text);
    }
  }
  texts.push_back(std::string(100, 'y'));
  texts.push_back(std::string(64, '\x20') + "\x7f\xc3\xa9");
  std::string every;
  for (int c = 1; c < 0x80; ++c) every.push_back(static_cast<char>(c));
  texts.push_back(every);
  for (const std::string& text : texts) {
    CanonicalEvent event = base_event();
    event.body = LogRecord{Severity::kInfo, text};
    EventOrigin o = origin();
    o.source = text.empty() ? std::string_view("traces") : std::string_view(text);  // own value
    const std::string document = encode(event, o);
    if (!text.empty()) {
      EXPECT_NE(document.find(R"("code":)" + rapidjson_string(text) + "}"), std::string::npos)
          << document;
      EXPECT_NE(document.find(R"("source":)" + rapidjson_string(text) + "}"), std::string::npos)
          << document;
    }
    rapidjson::Document parsed;
    parsed.Parse(document.data(), document.size());
    ASSERT_FALSE(parsed.HasParseError()) << document;
  }
}

TEST(EventDocument, AnsiColoursInALongMessageAreEscaped) {
  // ESC (0x1B) in a 16-byte block of a long string was copied raw by Debian's RapidJSON built
  // with RAPIDJSON_SSE2: a document Elasticsearch rejects and Kafka consumers cannot parse.
  CanonicalEvent event = base_event();
  event.body =
      LogRecord{Severity::kError, "provider call failed: \x1b[31mtimeout\x1b[0m after 30 s"};
  const std::string document = encode(event);
  EXPECT_NE(
      document.find(R"("code":"provider call failed: \u001B[31mtimeout\u001B[0m after 30 s")"),
      std::string::npos)
      << document;
  EXPECT_EQ(document.find('\x1b'), std::string::npos);
}

TEST(EventDocument, RedactsEveryStringFieldAndTheOriginal) {
  const std::string key(testing::kOpenAiKey);
  CanonicalEvent event;
  event.service = "svc-" + key;
  event.trace_id = key;
  event.span_id = key;
  event.workflow_id = key;
  event.body = WorkflowStep{key, key, Outcome::kSuccess, std::nullopt, std::nullopt};
  EventOrigin o;
  o.id = "00000000000000000000000000000000";
  o.source = "s";
  const std::string path = "/logs/" + key;
  o.path = path;
  const std::string original = R"({"authorization":")" + key + R"("})";
  o.original = original;
  Redactor redactor;
  EventDocumentEncoder encoder(&redactor);
  std::string out;
  encoder.append(event, o, std::nullopt, out);
  const std::string m = "[REDACTED:openai_api_key]";
  EXPECT_EQ(out, R"({"schema_version":1,"event":{"id":"00000000000000000000000000000000",)"
                 R"("kind":"workflow_step","outcome":"success",)"
                 R"("original":"{\"authorization\":\")" +
                     m + R"(\"}"},"service":{"name":"svc-)" + m + R"("},"trace_id":")" + m +
                     R"(","span_id":")" + m + R"(","log":{"file":{"path":"/logs/)" + m +
                     R"("}},"specwatch":{"source":"s","workflow":{"id":")" + m +
                     R"(","step":{"name":")" + m + R"(","type":")" + m + R"("}}}})");
  EXPECT_EQ(out.find(key), std::string::npos);
  EXPECT_EQ(encoder.redaction_total(), 8u);
  encoder.reset_redactions();
  EXPECT_EQ(encoder.redaction_total(), 0u);
}

TEST(EventDocument, ARepeatedPathIsRedactedAndCountedInEveryEventAndACleanOneKept) {
  const std::string key(testing::kOpenAiKey);
  const std::string secret_path = "/logs/" + key;
  const std::string clean_path = "/logs/app.ndjson";
  Redactor redactor;
  EventDocumentEncoder encoder(&redactor);
  CanonicalEvent event;
  event.body = LogRecord{};
  auto path_of = [&](std::string_view path) {
    EventOrigin o;
    o.id = "id";
    o.source = "s";
    o.path = path;
    std::string out;
    encoder.append(event, o, std::nullopt, out);
    const std::size_t at = out.find(R"("path":")");
    return at == std::string::npos ? std::string("none")
                                   : out.substr(at + 8, out.find('"', at + 8) - at - 8);
  };
  // Clean, then the same path again (written from the remembered check), then one with a secret
  // twice, then the clean one again: every document right, every redaction counted.
  EXPECT_EQ(path_of(clean_path), clean_path);
  EXPECT_EQ(path_of(clean_path), clean_path);
  EXPECT_EQ(path_of(secret_path), "/logs/[REDACTED:openai_api_key]");
  EXPECT_EQ(path_of(secret_path), "/logs/[REDACTED:openai_api_key]");
  EXPECT_EQ(path_of(clean_path), clean_path);
  EXPECT_EQ(encoder.redaction_total(), 2u);
  // Another clean path replaces the remembered one.
  EXPECT_EQ(path_of("/logs/other.ndjson"), "/logs/other.ndjson");
  EXPECT_EQ(path_of(secret_path), "/logs/[REDACTED:openai_api_key]");
  EXPECT_EQ(encoder.redaction_total(), 3u);
}

// Every built-in secret, and a user-defined pattern's token, in every position a document has: a
// top-level field (trace_id), a nested value (gen_ai.response.model), the raw record
// (event.original) and an attribute inside it (an OTLP record's attributes are in its raw form).
// None is written; each match is counted.
TEST(EventDocument, EveryBuiltinSecretInEveryPositionIsRedactedAndCounted) {
  RedactionConfig config;
  config.patterns.set(BuiltinPattern::kEmailAddress, true);
  config.patterns.set(BuiltinPattern::kPhoneNumber, true);
  UserPattern acme;
  acme.name = "acme_token";
  acme.prefix = "acme_tok_";
  acme.min_length = 8;
  config.user_patterns.push_back(acme);
  const Redactor redactor(config);
  std::vector<testing::SampleSecret> secrets(std::begin(testing::kSampleSecrets),
                                             std::end(testing::kSampleSecrets));
  secrets.push_back({"email_address", "ada@example.org", "ada@example.org"});
  secrets.push_back({"phone_number", "+49 30 1234567", "+49 30 1234567"});
  secrets.push_back({"acme_token", "acme_tok_0123abcd", "acme_tok_0123abcd"});
  for (const testing::SampleSecret& secret : secrets) {
    const std::string text(secret.text);
    CanonicalEvent event = base_event();
    event.trace_id = text;
    LlmCall call;
    call.provider = "openai";
    call.model = "gpt-4o " + text;
    event.body = call;
    EventOrigin o = origin();
    rapidjson::StringBuffer quoted;
    rapidjson::Writer<rapidjson::StringBuffer> writer(quoted);
    writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    const std::string original = R"({"body":)" + std::string(quoted.GetString()) +
                                 R"(,"attributes":{"http.request.header.x":)" + quoted.GetString() +
                                 "}}";
    o.original = original;
    EventDocumentEncoder encoder(&redactor);
    std::string out;
    encoder.append(event, o, std::nullopt, out);
    EXPECT_FALSE(testing::leaks(out, secret.secret)) << secret.pattern << ": " << out;
    const std::string marker = Redactor::marker(secret.pattern);
    std::size_t markers = 0;
    for (std::size_t at = out.find(marker); at != std::string::npos;
         at = out.find(marker, at + 1)) {
      ++markers;
    }
    EXPECT_EQ(markers, 4u) << secret.pattern << ": " << out;
    std::size_t pattern = 0;
    while (redactor.patterns()[pattern].name != secret.pattern) ++pattern;
    EXPECT_EQ(encoder.redactions()[pattern], 4u) << secret.pattern;
    EXPECT_EQ(encoder.redaction_total(), 4u) << secret.pattern;
  }
}

// What looks like a secret to a careless pattern stays as it is, and nothing is counted.
TEST(EventDocument, NearMissesAreLeftAlone) {
  RedactionConfig config;
  config.patterns.set(BuiltinPattern::kEmailAddress, true);
  config.patterns.set(BuiltinPattern::kPhoneNumber, true);
  const Redactor redactor(config);
  for (const char* text :
       {"sk-2024", "gpt-4o-mini", "claude-3-5-sonnet-20241022", "4bf92f3577b34da6a3ce929d0e0e4736",
        "AKIA-not-a-key", "-----BEGIN CERTIFICATE-----", "https://api.openai.com:443/v1/chat",
        "Bearer token", "2024-10-22"}) {
    CanonicalEvent event = base_event();
    event.trace_id = text;
    EventDocumentEncoder encoder(&redactor);
    std::string redacted;
    encoder.append(event, origin(), std::nullopt, redacted);
    EventDocumentEncoder plain;
    std::string unchanged;
    plain.append(event, origin(), std::nullopt, unchanged);
    EXPECT_EQ(redacted, unchanged) << text;
    EXPECT_EQ(encoder.redaction_total(), 0u) << text;
  }
}

TEST(EventDocument, RepairsInvalidUtf8) {
  CanonicalEvent event;
  event.body = Fallback{std::string("op\xff"
                                    "enai"),
                        "", ""};
  EventOrigin o;
  o.id = "00000000000000000000000000000000";
  EXPECT_EQ(encode(event, o),
            R"({"schema_version":1,"event":{"id":"00000000000000000000000000000000",)"
            R"("kind":"fallback"},"specwatch":{"fallback":{"from_provider":"op)"
            "\xef\xbf\xbd"
            R"(enai"}}})");
}

TEST(Rfc3339, NanosecondsInUtc) {
  EXPECT_EQ(rfc3339_nanos(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(rfc3339_nanos(kTime + 23), "2025-01-15T18:30:45.100000023Z");
  EXPECT_EQ(rfc3339_nanos(951782400000000000), "2000-02-29T00:00:00.000000000Z");
  EXPECT_EQ(rfc3339_nanos(-1), "1969-12-31T23:59:59.999999999Z");
}

}  // namespace
}  // namespace specwatch
