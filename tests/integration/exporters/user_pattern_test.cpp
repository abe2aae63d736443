// The real binary with a user-defined redaction pattern (`redaction.patterns`) and two file
// exporters: the one that applies it writes the marker where the token was, in a field and in the
// raw record, and counts each replacement in specwatch_redactions_total{pattern="acme_token"}; the
// one that turns it off (`exporters[].redaction.disabled_patterns`) writes the token as it is and
// counts nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

constexpr std::string_view kToken = "acme_tok_0123ABCD";

std::size_t count_of(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::size_t lines_of(const std::string& path) {
  if (!std::filesystem::exists(path)) return 0;
  return count_of(read_file(path), "\n");
}

TEST(UserPatternRedaction, ATokenOfAUserPatternIsRedactedInTheExportedDocumentAndCounted) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("in"));
  std::filesystem::create_directories(dir.file("out"));
  // Three LLM calls of a service whose name carries the token, one of them with a second token
  // that is one hex digit too long (not this pattern's shape: left alone).
  std::string records;
  for (int i = 0; i < 3; ++i) {
    records += "{\"time\":\"2025-01-15T10:30:45.1Z\",\"service.name\":\"billing " +
               std::string(kToken) + "\",\"span_id\":\"00000000000000a" + std::to_string(i) +
               "\",\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-4o\"," +
               (i == 2 ? "\"note\":\"acme_tok_0123ABCDE\"," : "") +
               "\"gen_ai.usage.input_tokens\":10,\"gen_ai.usage.output_tokens\":2}\n";
  }
  write_file(dir.file("in/calls.ndjson"), records);
  const std::string extra =
      "redaction:\n"
      "  patterns:\n"
      "    - name: acme_token\n"
      "      prefix: acme_tok_\n"
      "      charset: A-F0-9\n"
      "      min_length: 8\n"
      "      max_length: 8\n"
      "exporters:\n"
      "  - type: file\n    name: redacted\n    path: \"" +
      dir.file("out/redacted.ndjson") +
      "\"\n    include_original: true\n"
      "  - type: file\n    name: plain\n    path: \"" +
      dir.file("out/plain.ndjson") +
      "\"\n    include_original: true\n"
      "    redaction: {disabled_patterns: [acme_token]}\n";
  write_file(
      dir.file("specwatch.yaml"),
      test_config(dir.file("state"),
                  ndjson_source("genai", dir.file("in/*.ndjson"), "    profile: genai\n"), extra));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  const std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  ASSERT_TRUE(wait_until([&] {
    return lines_of(dir.file("out/redacted.ndjson")) == 3 &&
           lines_of(dir.file("out/plain.ndjson")) == 3;
  })) << sidecar.log();

  const std::string redacted = read_file(dir.file("out/redacted.ndjson"));
  const std::string plain = read_file(dir.file("out/plain.ndjson"));
  // Per document: service.name and the raw record (event.original).
  EXPECT_EQ(count_of(redacted, "billing [REDACTED:acme_token]"), 6u) << redacted;
  EXPECT_EQ(count_of(redacted, kToken), 1u) << redacted;  // inside the longer near-miss only
  EXPECT_EQ(count_of(redacted, "acme_tok_0123ABCDE"), 1u) << redacted;
  EXPECT_EQ(count_of(plain, "billing " + std::string(kToken)), 6u) << plain;
  EXPECT_EQ(count_of(plain, "[REDACTED:"), 0u) << plain;

  // The derived metrics may record the batch after the exporters wrote it: wait for its series.
  const std::string label_series =
      "specwatch_redactions_total{pattern=\"acme_token\",site=\"label\"}";
  ASSERT_TRUE(wait_until([&] { return value_of(scrape(port), label_series).value_or(0) >= 4; }))
      << sidecar.log();
  const MetricsMap metrics = scrape(port);
  EXPECT_EQ(value_of(metrics, "specwatch_redactions_total{pattern=\"acme_token\",site=\"export\"}"),
            6.0);
  // The token also named the service label of the derived series: none of it reaches /metrics.
  const std::string text = http_get(port, "/metrics").body;
  EXPECT_EQ(count_of(text, kToken), 0u);
  // Once per series created (sidecar/redact/README.md): the service label of
  // specwatch_llm_requests_total, of specwatch_llm_tokens_total for input and for output, and of
  // specwatch_llm_cost_usd_total.
  EXPECT_EQ(value_of(metrics, label_series), 4.0);
}

}  // namespace
}  // namespace specwatch::testing
