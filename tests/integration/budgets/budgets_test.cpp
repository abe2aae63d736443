// The real binary: budget spend after kill -9 at arbitrary moments equals, to the nano-dollar and
// the token, the spend of the records in the file; /api/v1/budgets, the budget metrics, the
// status page and `specwatch status` show it.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <cmath>
#include <cstdio>
#include <thread>

#include "tests/integration/budgets/calls_profile.h"
#include "tests/integration/budgets/chromium_dom.h"
#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

constexpr const char* kBudgets = R"(budgets:
  evaluation_interval_ms: 100
  list:
    - name: all-usd
      window: month
      limit: 1000000
    - name: all-tokens
      window: month
      unit: tokens
      limit: 1000000000000
    - name: specular-daily
      match: {provider: openai}
      window: day
      time_zone: Europe/Berlin
      limit: 0.5
      thresholds: [{percent: 50}]
)";

struct Spend {
  double usd = -1;
  double tokens = -1;
};

class Budgets : public ::testing::Test {
 protected:
  void start() {
    write_file(dir_.file("specwatch.yaml"),
               test_config(dir_.file("state"),
                           ndjson_source("calls", dir_.file("calls.log"), "    profile: calls\n"),
                           std::string(kCallsProfile) + kBudgets));
    sidecar_ = std::make_unique<SidecarProcess>(
        dir_.file("specwatch.yaml"), dir_.file("sidecar" + std::to_string(++runs_) + ".out"));
    port_ = sidecar_->wait_started();
    ASSERT_NE(port_, 0) << sidecar_->log();
  }
  Spend spend() {
    Spend result;
    HttpResponse answer = http_get(port_, "/api/v1/budgets");
    rapidjson::Document doc;
    doc.Parse(answer.body.c_str());
    if (doc.HasParseError() || !doc.IsObject()) return result;
    for (const auto& budget : doc["data"]["budgets"].GetArray()) {
      const std::string name = budget["name"].GetString();
      if (name == "all-usd") result.usd = budget["spent"].GetDouble();
      if (name == "all-tokens") result.tokens = budget["spent"].GetDouble();
    }
    return result;
  }

  // One openai call of `cost` USD, counted, and specular-daily's 50 % threshold firing.
  void start_with_one_call_and_wait_for_the_alert(const std::string& cost) {
    write_file(dir_.file("calls.log"), "{\"provider\":\"openai\",\"model\":\"m\",\"cost\":" + cost +
                                           ",\"in\":10,\"out\":5}\n");
    start();
    ASSERT_TRUE(wait_until([&] { return spend().usd == std::stod(cost); })) << sidecar_->log();
    ASSERT_TRUE(wait_until([&] {
      return http_get(port_, "/api/v1/status").body.find("BudgetThreshold") != std::string::npos;
    }));
  }

  TempDir dir_;
  std::unique_ptr<SidecarProcess> sidecar_;
  std::uint16_t port_ = 0;
  int runs_ = 0;
};

// A cost with up to 9 decimals, as the tools report them.
std::string cost_text(int i) {
  return "0.000" + std::to_string(100000 + (i * 7919) % 900000);
}

TEST_F(Budgets, KillNineLoopDuringAHundredThousandCallsKeepsTheSpendExact) {
  std::string text;
  std::int64_t expected_nanos = 0;
  std::int64_t expected_tokens = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::string cost = cost_text(i);
    const int in = 100 + i % 1000;
    const int out = 10 + i % 77;
    text += "{\"provider\":\"" + std::string(i % 3 == 0 ? "openai" : "anthropic") +
            "\",\"model\":\"m\",\"cost\":" + cost + ",\"in\":" + std::to_string(in) +
            ",\"out\":" + std::to_string(out) + "}\n";
    expected_nanos += std::llround(std::stod(cost) * 1e9);
    expected_tokens += in + out;
  }
  write_file(dir_.file("calls.log"), text);
  // Crash at different moments of the read: early, in the middle, near the end.
  for (int round = 0; round < 6; ++round) {
    start();
    std::this_thread::sleep_for(std::chrono::milliseconds(60 + 170 * round));
    sidecar_->send_signal(SIGKILL);
    sidecar_->wait_exit();
    sidecar_.reset();
  }
  start();
  const double expected_usd = static_cast<double>(expected_nanos) / 1e9;
  const double tokens = static_cast<double>(expected_tokens);
  ASSERT_TRUE(wait_until([&] { return spend().tokens >= tokens; }, std::chrono::seconds(60)))
      << spend().tokens << " of " << tokens << "\n"
      << sidecar_->log();
  // Once the whole file is checkpointed nothing more can arrive: the spend is final.
  const std::string full = "\"offset\":" + std::to_string(text.size());
  ASSERT_TRUE(wait_until([&] {
    return read_file(dir_.file("state/checkpoints/calls.json")).find(full) != std::string::npos;
  }));
  const Spend final_spend = spend();
  EXPECT_EQ(final_spend.tokens, tokens);
  EXPECT_EQ(final_spend.usd, expected_usd);
  EXPECT_LT(std::fabs(final_spend.usd - expected_usd), 0.005);  // to the cent, at least

  // The metrics say the same.
  const MetricsMap metrics = scrape(port_);
  EXPECT_EQ(value_of(metrics, "specwatch_budget_spent{budget=\"all-tokens\",unit=\"tokens\"}"),
            tokens);
  EXPECT_EQ(value_of(metrics, "specwatch_budget_limit{budget=\"specular-daily\",unit=\"usd\"}"),
            0.5);
  // A clean restart reads nothing again and keeps the spend.
  sidecar_->send_signal(SIGTERM);
  ASSERT_EQ(sidecar_->wait_exit().exit_code, 0);
  sidecar_.reset();
  start();
  // The budgets appear once the runtime has started (after the listener).
  ASSERT_TRUE(wait_until([&] { return spend().tokens >= 0; }));
  EXPECT_EQ(spend().tokens, tokens);
}

TEST_F(Budgets, StatusPageApiAndCommandShowABudget) {
  // The 50 % threshold of specular-daily ($0.30 of $0.50) fires at the next evaluation.
  ASSERT_NO_FATAL_FAILURE(start_with_one_call_and_wait_for_the_alert("0.3"));
  const HttpResponse page = http_get(port_, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<tr class=\"budget\" id=\"budget-specular-daily\"><td "
                           "class=\"name\">specular-daily</td>"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("<td class=\"spent\">$0.30</td><td class=\"limit\">$0.50</td>"
                           "<td class=\"utilization\">60 %</td>"),
            std::string::npos);
  ProcessResult status =
      run_specwatch({"status", "--url", "http://127.0.0.1:" + std::to_string(port_)});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("specular-daily (day)  [############........]  60 %  $0.30 of "
                               "$0.50"),
            std::string::npos)
      << status.output;
  EXPECT_NE(status.output.find("firing   BudgetThreshold warning  specular-daily: $0.30 of $0.50 "
                               "(60 %) spent today, Europe/Berlin"),
            std::string::npos)
      << status.output;
  EXPECT_EQ(status.output.find('\x1b'), std::string::npos);  // piped: no colours
  ProcessResult json =
      run_specwatch({"status", "--json", "--url", "http://127.0.0.1:" + std::to_string(port_)});
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_EQ(json.output.rfind("{\"status\":\"success\"", 0), 0u) << json.output;
}

TEST_F(Budgets, StatusPageRenderedByHeadlessChromiumShowsTheBudget) {
  if (!chromium_installed()) {
    GTEST_SKIP() << "chromium is not installed (scripts/setup.sh test installs it)";
  }
  ASSERT_NO_FATAL_FAILURE(start_with_one_call_and_wait_for_the_alert("0.45"));
  const std::string dom = chromium_dom("http://127.0.0.1:" + std::to_string(port_) + "/",
                                       dir_.file("chromium-profile"));
  EXPECT_NE(dom.find("<td class=\"spent\">$0.45</td><td class=\"limit\">$0.50</td>"
                     "<td class=\"utilization\">90 %</td>"),
            std::string::npos)
      << dom;
  // The bar is 90 % wide, and the firing alert is listed.
  EXPECT_NE(dom.find("<div class=\"bar warn\"><div class=\"fill\" style=\"width:90.0%\"></div>"),
            std::string::npos)
      << dom;
  EXPECT_NE(dom.find("<td class=\"name\">BudgetThreshold specular-daily</td><td "
                     "class=\"severity\">warning</td><td class=\"bad\">firing</td>"),
            std::string::npos)
      << dom;
}

}  // namespace
}  // namespace specwatch::testing
