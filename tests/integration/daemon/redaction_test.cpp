// A trace file whose names carry credentials: /metrics and the log hold none of them, and
// specwatch_redactions_total counts each redaction.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/http/http_client.h"
#include "tests/support/sample_secrets.h"

namespace specwatch::testing {
namespace {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
  }
  return out + "\"";
}

TEST(Redaction, SecretsInRecordsReachNeitherMetricsNorLog) {
  TempDir dir;
  const std::string logs = dir.file("logs");
  mkdir(logs.c_str(), 0755);
  // Each secret as the model of an unpriced call (series: requests, tokens, unpriced), then
  // secrets as the service, the operation and the error type of a priced call, and a
  // lower-cased one as the provider (the genai profile lower-cases it).
  std::string records;
  for (const auto& sample : kSampleSecrets) {
    records +=
        "{\"service.name\":\"chat\",\"gen_ai.provider.name\":\"openai\","
        "\"gen_ai.request.model\":" +
        json_string(sample.text) + ",\"gen_ai.usage.input_tokens\":10}\n";
  }
  records += "{\"service.name\":" + json_string(kGroqKey) +
             ",\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-4o\","
             "\"gen_ai.operation.name\":" +
             json_string("Bearer " + std::string(kBearerToken)) +
             ",\"error.type\":" + json_string(kGithubPat) + "}\n";
  records += "{\"gen_ai.provider.name\":" + json_string(kOpenAiKey) +
             ",\"gen_ai.request.model\":\"gpt-4o-mini\"}\n";
  write_file(logs + "/calls.log", records);
  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"),
                         ndjson_source("genai", logs + "/*.log", "    profile: genai\n")));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  const std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  const double expected_events = static_cast<double>(std::size(kSampleSecrets) + 2);
  ASSERT_TRUE(wait_until([&] {
    return value_of(scrape(port), "specwatch_source_events_total{source=\"genai\"}") ==
           expected_events;
  })) << sidecar.log();

  const MetricsMap series = scrape(port);
  const std::string metrics = http_get(port, "/metrics").body;
  const std::string log = sidecar.log();
  for (const auto& sample : kSampleSecrets) {
    EXPECT_FALSE(leaks(metrics, sample.secret)) << sample.pattern;
    EXPECT_FALSE(leaks(log, sample.secret)) << sample.pattern << "\n" << log;
  }
  auto label_count = [&](std::string_view pattern) {
    return value_of(series, "specwatch_redactions_total{pattern=\"" + std::string(pattern) +
                                "\",site=\"label\"}")
        .value_or(-1);
  };
  // Once per series created. Two models of one pattern redact alike: the second finds the
  // series of the first and adds nothing. The successful call without tokens adds a series of
  // specwatch_llm_requests_without_usage_total (service, provider, model); the failed one does
  // not (failures are no calls without usage).
  EXPECT_EQ(label_count("anthropic_api_key"), 3.0);
  EXPECT_EQ(label_count("openai_api_key"), 3.0 + 2.0);  // the models; the provider
  EXPECT_EQ(label_count("groq_api_key"), 3.0 + 1.0);    // a model; the service
  EXPECT_EQ(label_count("google_api_key"), 3.0);
  EXPECT_EQ(label_count("aws_access_key_id"), 3.0);
  EXPECT_EQ(label_count("aws_secret_access_key"), 3.0);
  EXPECT_EQ(label_count("github_token"), 3.0 + 1.0);  // the models; the error type
  EXPECT_EQ(label_count("bearer_token"), 3.0 + 1.0);  // a model; the operation
  EXPECT_EQ(label_count("url_password"), 3.0);
  EXPECT_EQ(label_count("private_key"), 3.0);
  // The first unpriced model is logged at once (the others wait for the minute's summary).
  EXPECT_NE(log.find("\"model\":\"[REDACTED:anthropic_api_key]\""), std::string::npos) << log;
  EXPECT_EQ(
      value_of(series, "specwatch_redactions_total{pattern=\"anthropic_api_key\",site=\"log\"}"),
      1.0);
  EXPECT_NE(metrics.find("specwatch_llm_requests_total{error_type=\"[REDACTED:github_token]\","
                         "model=\"gpt-4o\",operation=\"Bearer [REDACTED:bearer_token]\""),
            std::string::npos)
      << metrics;
}

}  // namespace
}  // namespace specwatch::testing
