// The genai profile on the span records of each instrumentation family, in the shape the OTLP
// receiver produces (attributes as sent by the libraries checked in docs/PROFILES.md).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sidecar/normalize/profile_set.h"
#include "tests/unit/normalize/event_text.h"

namespace specwatch {
namespace {

struct Normalized {
  std::vector<CanonicalEvent> events;
  std::vector<std::string> text;
};

Normalized genai(const std::string& span) {
  static const ProfileSet profiles;
  rapidjson::Document doc;
  doc.Parse(span.c_str());
  EXPECT_FALSE(doc.HasParseError()) << span;
  Normalized n;
  EXPECT_EQ(normalize(*profiles.find("genai"), doc, "svc", n.events), "") << span;
  n.text = test::describe(n.events);
  test::expect_same_on_tape(*profiles.find("genai"), doc, "", n.text);
  return n;
}

const LlmCall& call_of(const Normalized& n) {
  EXPECT_EQ(n.events.size(), 1u);
  return std::get<LlmCall>(n.events.at(0).body);
}

std::string span(const std::string& scope, const std::string& attributes,
                 const std::string& status = R"({"code":"unset"})",
                 const std::string& events = "[]") {
  return R"({"signal":"span","name":"s","trace_id":"0102030405060708090a0b0c0d0e0f10",)"
         R"("span_id":"a1a2a3a4a5a6a7a8","parent_span_id":"b1b2b3b4b5b6b7b8",)"
         R"("duration_ns":2000000000,"status":)" +
         status + R"(,"scope":{"name":")" + scope + R"("},"attributes":{)" + attributes +
         R"(},"events":)" + events + "}";
}

std::string llm(const std::string& provider, const std::string& model, const std::string& outcome,
                const std::string& error, const std::string& tokens) {
  return "llm_call service=svc ts=0 trace=0102030405060708090a0b0c0d0e0f10 span=a1a2a3a4a5a6a7a8 "
         "workflow= provider=" +
         provider + " model=" + model + " operation=chat outcome=" + outcome +
         " error_type=" + error + " duration=2 " + tokens;
}

TEST(GenaiConventions, AnthropicSdkSpansWriteCacheWriteAndIncludeTheCacheInInput) {
  const Normalized n =
      genai(span("com.anthropic.sdk.typescript",
                 R"("gen_ai.provider.name":"anthropic","gen_ai.operation.name":"chat",)"
                 R"("gen_ai.request.model":"claude-haiku-4-5",)"
                 R"("gen_ai.response.model":"claude-haiku-4-5-20251001",)"
                 R"("gen_ai.usage.input_tokens":2800,"gen_ai.usage.output_tokens":50,)"
                 R"("gen_ai.usage.cache_read.input_tokens":2000,)"
                 R"("gen_ai.usage.cache_write.input_tokens":500)"));
  EXPECT_EQ(n.text, std::vector{llm("anthropic", "claude-haiku-4-5", "success", "",
                                    "input=2800 input_includes_cache=true output=50 "
                                    "cache_read=2000 cache_creation=500 reasoning=- total=- "
                                    "cost=- count=1")});
  EXPECT_EQ(call_of(n).response_model, "claude-haiku-4-5-20251001");
  EXPECT_EQ(n.events[0].parent_span_id, "b1b2b3b4b5b6b7b8");
}

TEST(GenaiConventions, OpenLlmetryAnthropicReportsInputWithoutTheCache) {
  const Normalized n =
      genai(span("@traceloop/instrumentation-anthropic",
                 R"("gen_ai.provider.name":"anthropic","gen_ai.operation.name":"chat",)"
                 R"("gen_ai.request.model":"claude-haiku-4-5",)"
                 R"("gen_ai.usage.input_tokens":300,"gen_ai.usage.output_tokens":50,)"
                 R"("gen_ai.usage.total_tokens":350,)"
                 R"("gen_ai.usage.cache_read.input_tokens":2000,)"
                 R"("gen_ai.usage.cache_creation.input_tokens":500)"));
  EXPECT_EQ(n.text, std::vector{llm("anthropic", "claude-haiku-4-5", "success", "",
                                    "input=300 input_includes_cache=false output=50 "
                                    "cache_read=2000 cache_creation=500 reasoning=- total=350 "
                                    "cost=- count=1")});
}

TEST(GenaiConventions, OneModelForSuccessAndFailureTheResponseModelKept) {
  const Normalized ok = genai(span("@opentelemetry/instrumentation-openai",
                                   R"("gen_ai.system":"openai","gen_ai.operation.name":"chat",)"
                                   R"("gen_ai.request.model":"gpt-4o-mini",)"
                                   R"("gen_ai.response.model":"gpt-4o-mini-2024-07-18")"));
  const Normalized failed = genai(span("@opentelemetry/instrumentation-openai",
                                       R"("gen_ai.system":"openai","gen_ai.operation.name":"chat",)"
                                       R"("gen_ai.request.model":"gpt-4o-mini",)"
                                       R"("error.type":"RateLimitError")",
                                       R"({"code":"error","message":"429 Rate limit reached"})"));
  EXPECT_EQ(call_of(ok).model, "gpt-4o-mini");
  EXPECT_EQ(call_of(ok).response_model, "gpt-4o-mini-2024-07-18");
  EXPECT_EQ(call_of(failed).model, "gpt-4o-mini");
  EXPECT_EQ(call_of(failed).response_model, "");
  EXPECT_EQ(call_of(failed).error_type, "rate_limited");
}

TEST(GenaiConventions, ErrorTypesFromErrorTypeHttpStatusStatusMessageAndExceptionEvents) {
  auto error_of = [](const std::string& attributes, const std::string& message,
                     const std::string& events = "[]") {
    const Normalized n = genai(
        span("x", R"("gen_ai.provider.name":"anthropic","gen_ai.request.model":"m")" + attributes,
             R"({"code":"error","message":")" + message + R"("})", events));
    EXPECT_EQ(call_of(n).outcome, Outcome::kError);
    return call_of(n).error_type;
  };
  EXPECT_EQ(error_of(R"(,"error.type":"overloaded_error","http.response.status_code":529)", ""),
            "overloaded");
  // An unclassified error.type yields to the HTTP status, then to the status message.
  EXPECT_EQ(error_of(R"(,"error.type":"InternalServerError")", "529 The server is overloaded"),
            "overloaded");
  EXPECT_EQ(error_of(R"(,"error.type":"APIError","http.response.status_code":429)", ""),
            "rate_limited");
  EXPECT_EQ(error_of("", "Rate limit reached for gpt-4o-mini"), "rate_limited");
  EXPECT_EQ(error_of(R"(,"error.type":"InternalServerError")", "500 boom"), "InternalServerError");
  EXPECT_EQ(error_of("", "boom",
                     R"([{"name":"exception","attributes":{"exception.type":"OverloadedError"}}])"),
            "overloaded");
  EXPECT_EQ(
      error_of("", "boom", R"([{"name":"exception","attributes":{"exception.type":"TypeError"}}])"),
      "TypeError");
  // Success: no error type, even with an HTTP status.
  const Normalized ok =
      genai(span("x", R"("gen_ai.provider.name":"anthropic","gen_ai.request.model":"m",)"
                      R"("http.response.status_code":200)"));
  EXPECT_EQ(call_of(ok).error_type, "");
}

TEST(GenaiConventions, OpenInferenceLlmSpans) {
  const Normalized n =
      genai(span("@arizeai/openinference-instrumentation-anthropic",
                 R"("openinference.span.kind":"LLM","llm.system":"anthropic",)"
                 R"("llm.provider":"anthropic","llm.model_name":"claude-haiku-4-5-20251001",)"
                 R"("llm.request.model_name":"claude-haiku-4-5",)"
                 R"("llm.token_count.prompt":2800,"llm.token_count.completion":50,)"
                 R"("llm.token_count.total":2850,)"
                 R"("llm.token_count.prompt_details.cache_read":2000,)"
                 R"("llm.token_count.prompt_details.cache_write":500)"));
  EXPECT_EQ(n.text, std::vector{llm("anthropic", "claude-haiku-4-5", "success", "",
                                    "input=2800 input_includes_cache=true output=50 "
                                    "cache_read=2000 cache_creation=500 reasoning=- total=2850 "
                                    "cost=- count=1")});
  EXPECT_EQ(call_of(n).response_model, "claude-haiku-4-5-20251001");
  // Other OpenInference span kinds (CHAIN, TOOL, ...) are no calls.
  EXPECT_TRUE(genai(span("@arizeai/openinference-instrumentation-langchain",
                         R"("openinference.span.kind":"CHAIN","llm.token_count.prompt":1)"))
                  .events.empty());
}

TEST(GenaiConventions, VercelAiLeafSpansAreCallsTheOuterSpansAreNot) {
  const std::string usage =
      R"("ai.model.provider":"anthropic.messages","ai.model.id":"claude-haiku-4-5",)"
      R"("ai.usage.inputTokens":2800,"ai.usage.outputTokens":50,"ai.usage.totalTokens":2850,)"
      R"("ai.usage.inputTokenDetails.cacheReadTokens":2000,)"
      R"("ai.usage.inputTokenDetails.cacheWriteTokens":500)";
  const Normalized leaf = genai(span(
      "ai", R"("ai.operationId":"ai.generateText.doGenerate","gen_ai.system":"anthropic.messages",)"
            R"("gen_ai.request.model":"claude-haiku-4-5",)"
            R"("ai.response.model":"claude-haiku-4-5-20251001",)" +
                usage));
  EXPECT_EQ(leaf.text, std::vector{llm("anthropic", "claude-haiku-4-5", "success", "",
                                       "input=2800 input_includes_cache=true output=50 "
                                       "cache_read=2000 cache_creation=500 reasoning=- "
                                       "total=2850 cost=- count=1")});
  EXPECT_EQ(call_of(leaf).response_model, "claude-haiku-4-5-20251001");
  EXPECT_TRUE(genai(span("ai", R"("ai.operationId":"ai.generateText",)" + usage)).events.empty());
  // ai 4 spelled the usage promptTokens / completionTokens; openai.chat is the openai provider.
  const Normalized v4 = genai(
      span("ai", R"("ai.operationId":"ai.streamText.doStream","ai.model.provider":"openai.chat",)"
                 R"("ai.model.id":"gpt-4o-mini","ai.usage.promptTokens":10,)"
                 R"("ai.usage.completionTokens":5)"));
  EXPECT_EQ(v4.text, std::vector{llm("openai", "gpt-4o-mini", "success", "",
                                     "input=10 input_includes_cache=true output=5 cache_read=- "
                                     "cache_creation=- reasoning=- total=- cost=- count=1")});
}

}  // namespace
}  // namespace specwatch
