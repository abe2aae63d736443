// The real binary tailing an NDJSON file (genai profile, one llm_call per line) into the strict
// Elasticsearch stand-in (tests/support/elasticsearch):
// - 10 % of the items refused with 429 inside HTTP 200 answers: every event stored exactly once
//   (distinct `_id`s = events, no content twice) in the index of its day;
// - a 15 s outage in the middle of the stream (every request answered 503): nothing lost,
//   nothing twice; meanwhile /ready stays ready and `specwatch status`, /api/v1/status and
//   specwatch_exporter_up show the exporter cut off from its peer;
// - an item refused with 400: in the dead-letter file with its reason and the item's answer;
// - kill -9 in the middle of the stream and a restart: distinct `_id`s = events, no content twice
//   (what is sent again is answered 409 and counted delivered).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "tests/integration/support/checkpoint.h"
#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/elasticsearch/elasticsearch_stand_in.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

class ElasticsearchExport : public ::testing::Test {
 protected:
  ElasticsearchExport() {
    std::filesystem::create_directories(dir_.file("in"));
    const std::string exporters =
        "exporters:\n  - type: elasticsearch\n    name: search\n    url: \"" + stand_in_.url() +
        "\"\n    index: \"specular-logs-%Y.%m.%d\"\n"
        "    retry: {initial_backoff: 100ms, max_backoff: 2s}\n    timeout: 5s\n";
    write_file(dir_.file("specwatch.yaml"),
               test_config(dir_.file("state"),
                           ndjson_source("genai", dir_.file("in/*.ndjson"), "    profile: genai\n"),
                           exporters));
  }
  static double outcome(std::uint16_t port, const std::string& name) {
    return sink_outcome(port, "search", name);
  }
  static double exporter_up(std::uint16_t port) {
    return value_of(scrape(port), "specwatch_exporter_up{exporter=\"search\"}").value_or(-1);
  }
  std::uint64_t checkpoint_offset() {
    return first_checkpoint_offset(dir_.file("state/checkpoints/genai.json"));
  }

  void expect_clean_store(std::size_t events) {
    EXPECT_EQ(stand_in_.stored(), events);  // distinct _id = events: 0 lost
    EXPECT_EQ(stand_in_.duplicate_contents(), 0u);
    EXPECT_TRUE(stand_in_.violations().empty()) << stand_in_.violations().front();
    for (const auto& [id, index] : stand_in_.indices()) {
      ASSERT_EQ(index, "specular-logs-2025.01.15") << id;
    }
  }

  TempDir dir_;
  ElasticsearchStandIn stand_in_;
};

TEST_F(ElasticsearchExport, TenPercentOfItemsRefusedWith429AreStoredExactlyOnce) {
  constexpr int kLines = 20000;
  // One item in ten, chosen by its id, is refused the first time it arrives.
  stand_in_.script_items([](const std::string& id, const std::string&, int attempt) {
    return attempt == 0 && std::hash<std::string>{}(id) % 10 == 0 ? 429U : 0U;
  });
  write_file(dir_.file("in/calls.ndjson"), genai_lines(0, kLines));
  SidecarProcess sidecar(dir_.file("specwatch.yaml"), dir_.file("run.log"));
  const std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  ASSERT_TRUE(wait_until([&] { return outcome(port, "acknowledged") == kLines; }, 90s))
      << outcome(port, "acknowledged") << "\n"
      << sidecar.log();
  expect_clean_store(kLines);
  const std::size_t refused = stand_in_.scripted(429);
  EXPECT_GT(refused, kLines / 20u);
  EXPECT_LT(refused, kLines / 5u);
  EXPECT_EQ(outcome(port, "retried"), static_cast<double>(refused));
  EXPECT_EQ(outcome(port, "sent"), kLines);
  EXPECT_EQ(outcome(port, "dead_lettered"), 0);
  EXPECT_EQ(outcome(port, "failed"), 0);
  EXPECT_EQ(stand_in_.conflicts(), 0u);
  EXPECT_EQ(stand_in_.template_puts(), 1u);
  sidecar.send_signal(SIGTERM);
  EXPECT_EQ(sidecar.wait_exit().exit_code, 0);
}

TEST_F(ElasticsearchExport, AFifteenSecondOutageMidStreamLosesNothingAndShowsInStatus) {
  constexpr int kHalf = 5000;
  write_file(dir_.file("in/calls.ndjson"), genai_lines(0, kHalf));
  SidecarProcess sidecar(dir_.file("specwatch.yaml"), dir_.file("run.log"));
  const std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  ASSERT_TRUE(wait_until([&] { return outcome(port, "acknowledged") == kHalf; }, 60s));
  EXPECT_EQ(exporter_up(port), 1);

  stand_in_.set_unavailable(true);
  append_file(dir_.file("in/calls.ndjson"), genai_lines(kHalf, kHalf));
  // The second half is read, spooled and acknowledged to the source while Elasticsearch is away.
  ASSERT_TRUE(
      wait_until([&] { return checkpoint_offset() == genai_lines(0, 2 * kHalf).size(); }, 30s))
      << sidecar.log();
  std::this_thread::sleep_for(15s);  // longer than the backoff ceiling (2 s)
  EXPECT_EQ(outcome(port, "acknowledged"), kHalf);
  EXPECT_EQ(exporter_up(port), 0);
  // /ready is the sidecar's own readiness; the outage shows in the status instead.
  EXPECT_EQ(http_get(port, "/ready").status, 200);
  const HttpResponse status = http_get(port, "/api/v1/status");
  EXPECT_NE(status.body.find("\"name\":\"search\",\"ready\":true,\"reason\":\"\","
                             "\"peer_reachable\":false,\"peer_error\":\"_bulk answered 503: "),
            std::string::npos)
      << status.body;
  const ProcessResult text =
      run_specwatch({"status", "--url", "http://127.0.0.1:" + std::to_string(port)});
  // "  search  ready  sent …  failed …  dropped …  queue …  peer unreachable: …" on one line.
  const std::size_t row = text.output.find("\n  search  ready  sent ");
  ASSERT_NE(row, std::string::npos) << text.output;
  const std::string line = text.output.substr(row + 1, text.output.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find("  peer unreachable: _bulk answered 503: "), std::string::npos) << line;

  stand_in_.set_unavailable(false);
  ASSERT_TRUE(wait_until([&] { return outcome(port, "acknowledged") == 2 * kHalf; }, 60s))
      << outcome(port, "acknowledged") << "\n"
      << sidecar.log();
  expect_clean_store(2 * kHalf);
  EXPECT_EQ(stand_in_.conflicts(), 0u);
  EXPECT_EQ(exporter_up(port), 1);
  sidecar.send_signal(SIGTERM);
  EXPECT_EQ(sidecar.wait_exit().exit_code, 0);
}

TEST_F(ElasticsearchExport, AnItemRefusedWith400IsDeadLetteredWithItsReasonAndAnswer) {
  constexpr int kLines = 1000;
  // The event of line 7 (span id 0000000000000007) has a field the index cannot map.
  stand_in_.script_items([](const std::string&, const std::string& document, int) {
    return document.find("\"span_id\":\"0000000000000007\"") != std::string::npos ? 400U : 0U;
  });
  write_file(dir_.file("in/calls.ndjson"), genai_lines(0, kLines));
  SidecarProcess sidecar(dir_.file("specwatch.yaml"), dir_.file("run.log"));
  const std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  ASSERT_TRUE(wait_until([&] { return outcome(port, "acknowledged") == kLines - 1; }, 60s))
      << sidecar.log();
  ASSERT_TRUE(wait_until([&] { return checkpoint_offset() == genai_lines(0, kLines).size(); }));
  EXPECT_EQ(outcome(port, "dead_lettered"), 1);
  EXPECT_EQ(stand_in_.stored(), static_cast<std::size_t>(kLines - 1));
  const std::string text = read_file(dir_.file("state/dead_letter/search.ndjson"));
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  rapidjson::Document line;
  line.Parse(text.c_str(), text.size() - 1);
  ASSERT_FALSE(line.HasParseError()) << text;
  EXPECT_STREQ(line["exporter"].GetString(), "search");
  EXPECT_STREQ(line["reason"].GetString(),
               "elasticsearch: 400 mapper_parsing_exception: failed to parse field "
               "[gen_ai.usage.input_tokens] of type [long]");
  const std::string answer = line["remote_answer"].GetString();
  EXPECT_NE(answer.find("\"_index\":\"specular-logs-2025.01.15\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"status\":400"), std::string::npos) << answer;
  EXPECT_STREQ(line["event"]["span_id"].GetString(), "0000000000000007");
  sidecar.send_signal(SIGTERM);
  EXPECT_EQ(sidecar.wait_exit().exit_code, 0);
}

TEST_F(ElasticsearchExport, KillDuringTheStreamAndRestartStoresEveryEventOnce) {
  constexpr int kLines = 50000;
  const std::string text = genai_lines(0, kLines);
  write_file(dir_.file("in/calls.ndjson"), text);
  {
    SidecarProcess sidecar(dir_.file("specwatch.yaml"), dir_.file("first.log"));
    const std::uint16_t port = sidecar.wait_started();
    ASSERT_NE(port, 0) << sidecar.log();
    ASSERT_TRUE(wait_until([&] { return outcome(port, "acknowledged") > 0; }, 30s));
    sidecar.send_signal(SIGKILL);
    ASSERT_EQ(sidecar.wait_exit().signal, SIGKILL);
  }
  const std::size_t before_restart = stand_in_.stored();
  ASSERT_LT(before_restart, static_cast<std::size_t>(kLines)) << "killed too late to test";

  SidecarProcess sidecar(dir_.file("specwatch.yaml"), dir_.file("second.log"));
  const std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  ASSERT_TRUE(wait_until(
      [&] {
        return checkpoint_offset() == text.size() &&
               stand_in_.stored() == static_cast<std::size_t>(kLines);
      },
      120s))
      << stand_in_.stored() << "\n"
      << sidecar.log();
  expect_clean_store(kLines);
  std::cerr << "stored before the restart: " << before_restart
            << ", sent again and answered 409: " << stand_in_.conflicts() << "\n";
  sidecar.send_signal(SIGTERM);
  EXPECT_EQ(sidecar.wait_exit().exit_code, 0);
}

}  // namespace
}  // namespace specwatch::testing
