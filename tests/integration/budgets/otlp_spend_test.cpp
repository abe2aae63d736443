// Spend received over OTLP/HTTP survives a clean restart of the real binary: SIGTERM writes the
// budget state, the restarted sidecar shows the same spend to the nano-dollar and the token, and
// spans sent afterwards add to it.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>

#include "tests/integration/support/log_ports.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

constexpr const char* kBudgets = R"(budgets:
  evaluation_interval_ms: 100
  list:
    - name: otlp-usd
      match: {service: chat-api}
      window: month
      limit: 1000
    - name: otlp-tokens
      window: 30d
      unit: tokens
      limit: 1000000000
)";

struct Spend {
  double usd = -1;
  double tokens = -1;
};

// One OTLP/JSON export of `spans` LLM-call spans (GenAI attributes, a reported cost each),
// numbered from `first` so that every span id differs.
std::string export_json(int first, int spans, const std::string& cost, int input, int output) {
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::string list;
  for (int i = first; i < first + spans; ++i) {
    char span_id[17];
    std::snprintf(span_id, sizeof span_id, "%016x", i + 1);
    if (!list.empty()) list += ",";
    list += R"({"traceId":"5b8efff798038103d269b633813fc60c","spanId":")" + std::string(span_id) +
            R"(","name":"chat gpt-4o","kind":3,"startTimeUnixNano":")" +
            std::to_string(now_ns - 2000000000) + R"(","endTimeUnixNano":")" +
            std::to_string(now_ns - 1000000000) +
            R"(","attributes":[{"key":"gen_ai.system","value":{"stringValue":"openai"}},)"
            R"({"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},)"
            R"({"key":"gen_ai.usage.input_tokens","value":{"intValue":")" +
            std::to_string(input) +
            R"("}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":")" +
            std::to_string(output) + R"("}},{"key":"gen_ai.usage.cost","value":{"doubleValue":)" +
            cost + "}}]}";
  }
  return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
         R"({"stringValue":"chat-api"}}]},"scopeSpans":[{"spans":[)" +
         list + "]}]}]}";
}

class OtlpSpend : public ::testing::Test {
 protected:
  void start() {
    sidecar_ = std::make_unique<SidecarProcess>(
        dir_.file("specwatch.yaml"), dir_.file("sidecar" + std::to_string(++runs_) + ".out"));
    port_ = sidecar_->wait_started();
    ASSERT_NE(port_, 0) << sidecar_->log();
    otlp_port_ = wait_logged_port(*sidecar_, kOtlpHttpListening);
    ASSERT_NE(otlp_port_, 0) << sidecar_->log();
  }
  void send(int first, int spans, const std::string& cost, int input, int output) {
    HttpResponse answer =
        http_request(otlp_port_, "POST", "/v1/traces",
                     export_json(first, spans, cost, input, output), "application/json");
    ASSERT_EQ(answer.status, 200) << answer.body;
  }
  Spend spend() {
    Spend result;
    rapidjson::Document doc;
    doc.Parse(http_get(port_, "/api/v1/budgets").body.c_str());
    if (doc.HasParseError() || !doc.IsObject()) return result;
    for (const auto& budget : doc["data"]["budgets"].GetArray()) {
      const std::string name = budget["name"].GetString();
      if (name == "otlp-usd") result.usd = budget["spent"].GetDouble();
      if (name == "otlp-tokens") result.tokens = budget["spent"].GetDouble();
    }
    return result;
  }

  TempDir dir_;
  std::unique_ptr<SidecarProcess> sidecar_;
  std::uint16_t port_ = 0;
  std::uint16_t otlp_port_ = 0;
  int runs_ = 0;
};

TEST_F(OtlpSpend, SurvivesACleanRestartExactlyAndGrowsAfterIt) {
  write_file(dir_.file("none.log"), "");
  write_file(
      dir_.file("specwatch.yaml"),
      test_config(dir_.file("state"), ndjson_source("unused", dir_.file("none.log")), kBudgets));
  ASSERT_NO_FATAL_FAILURE(start());
  // 3 × $0.012345678 + 2 × $0.4567 + 1 × $0.000000001, costs with up to 9 decimals.
  ASSERT_NO_FATAL_FAILURE(send(0, 3, "0.012345678", 1200, 345));
  ASSERT_NO_FATAL_FAILURE(send(3, 2, "0.4567", 800, 21));
  ASSERT_NO_FATAL_FAILURE(send(5, 1, "0.000000001", 1, 1));
  const std::int64_t nanos = 3 * 12345678 + 2 * 456700000 + 1;
  const double usd = static_cast<double>(nanos) / 1e9;
  const double tokens = 3 * (1200 + 345) + 2 * (800 + 21) + 2;
  // Each export is answered once every consumer has it: the spend is there already.
  Spend before = spend();
  EXPECT_EQ(before.usd, usd);
  EXPECT_EQ(before.tokens, tokens);

  sidecar_->send_signal(SIGTERM);
  ASSERT_EQ(sidecar_->wait_exit().exit_code, 0) << sidecar_->log();
  sidecar_.reset();
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(wait_until([&] { return spend().usd >= 0; })) << sidecar_->log();
  Spend after = spend();
  EXPECT_EQ(after.usd, usd);
  EXPECT_EQ(after.tokens, tokens);

  // What arrives after the restart adds to the restored spend, exactly.
  ASSERT_NO_FATAL_FAILURE(send(6, 4, "0.25", 10, 5));
  Spend grown = spend();
  EXPECT_EQ(grown.usd, static_cast<double>(nanos + 4 * 250000000) / 1e9);
  EXPECT_EQ(grown.tokens, tokens + 4 * 15);
}

}  // namespace
}  // namespace specwatch::testing
