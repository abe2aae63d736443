// SIGTERM drains and exits 0 with nothing lost or repeated across a restart; SIGHUP reloads a
// valid config and keeps the old one when the new one is invalid; kill -9 loses nothing.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <regex>
#include <thread>

#include "tests/integration/support/log_ports.h"
#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

double events(std::uint16_t port, const std::string& source) {
  return value_of(scrape(port), "specwatch_source_events_total{source=\"" + source + "\"}")
      .value_or(-1);
}

// Events of `source` once it watches one file and has read it to its end; 0 when it read no
// record (the series appears with the first one); -1 before that point or without an answer.
double events_after_reading_to_the_end(std::uint16_t port, const std::string& source) {
  const MetricsMap text = scrape(port);
  const std::string label = "{source=\"" + source + "\"}";
  if (value_of(text, "specwatch_source_files" + label) != 1.0 ||
      value_of(text, "specwatch_source_lag_bytes" + label) != 0.0) {
    return -1;
  }
  return value_of(text, "specwatch_source_events_total" + label).value_or(0);
}

// "source totals" lines written at exit: events processed by this process, per source.
double logged_total(const std::string& log, const std::string& source) {
  std::regex re("\"msg\":\"source totals\",\"fields\":\\{\"source\":\"" + source +
                "\",\"events\":(\\d+)");
  std::smatch m;
  if (!std::regex_search(log, m, re)) return -1;
  return std::stod(m[1]);
}

TEST(Signals, SigtermDrainsAndARestartReadsExactlyTheRest) {
  TempDir dir;
  const int total = 200000;
  std::string content;
  content.reserve(total * 130);
  for (int i = 0; i < total; ++i) content += event_line(i);
  write_file(dir.file("big.log"), content);
  std::string config = dir.file("specwatch.yaml");
  write_file(config, test_config(dir.file("state"), ndjson_source("big", dir.file("*.log"))));

  double first = 0;
  {
    SidecarProcess sidecar(config, dir.file("run1.out"));
    std::uint16_t port = sidecar.wait_started();
    ASSERT_NE(port, 0) << sidecar.log();
    ASSERT_TRUE(wait_until([&] { return events(port, "big") > 0; }));
    auto stop_started = std::chrono::steady_clock::now();
    sidecar.send_signal(SIGTERM);
    auto result = sidecar.wait_exit(std::chrono::seconds(10));
    EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(5));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("\"msg\":\"specwatch stopped\""), std::string::npos);
    first = logged_total(result.output, "big");
    ASSERT_GT(first, 0) << result.output;
  }
  SidecarProcess again(config, dir.file("run2.out"));
  std::uint16_t port = again.wait_started();
  ASSERT_NE(port, 0);
  // Exactly the records the first run did not process: none lost, none repeated. (The first run
  // may have finished the file before SIGTERM reached it: then the rest is none at all.)
  ASSERT_TRUE(wait_until([&] {
    return events_after_reading_to_the_end(port, "big") == total - first;
  })) << "first="
      << first << " second=" << events_after_reading_to_the_end(port, "big");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more arrives
  EXPECT_EQ(events_after_reading_to_the_end(port, "big"), total - first);
}

TEST(Signals, SighupAppliesAValidConfigAndKeepsTheOldOneOnAnInvalidOne) {
  TempDir dir;
  write_file(dir.file("a.log"), event_line(1) + event_line(2));
  write_file(dir.file("b.jsonl"), event_line(3));
  std::string config = dir.file("specwatch.yaml");
  write_file(config, test_config(dir.file("state"), ndjson_source("a", dir.file("*.log"))));
  SidecarProcess sidecar(config, dir.file("sidecar.out"));
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  ASSERT_TRUE(wait_until([&] { return events(port, "a") == 2; }));

  // Valid: a second source appears; the first is not read again (its checkpoint holds).
  write_file(config, test_config(dir.file("state"), ndjson_source("a", dir.file("*.log")) +
                                                        ndjson_source("b", dir.file("*.jsonl"))));
  sidecar.send_signal(SIGHUP);
  // The new source may count its event before the reload is logged: wait for both.
  ASSERT_TRUE(wait_until([&] {
    return events(port, "b") == 1 &&
           sidecar.log().find("\"msg\":\"configuration reloaded\"") != std::string::npos;
  })) << sidecar.log();
  EXPECT_EQ(events(port, "a"), 2);

  // Invalid: logged, the running config stays, tailing goes on.
  write_file(config, "sources: [ {name: a, framing: nope} ]\n");
  sidecar.send_signal(SIGHUP);
  // One line per problem: wait for both (the second may be written a moment after the first).
  ASSERT_TRUE(wait_until([&] {
    const std::string log = sidecar.log();
    return log.find("invalid configuration; keeping the running one") != std::string::npos &&
           log.find("sources[0].framing: must be one of") != std::string::npos;
  })) << sidecar.log();
  EXPECT_NE(sidecar.log().find("sources[0].include: required key is missing"), std::string::npos);
  append_file(dir.file("a.log"), event_line(4));
  ASSERT_TRUE(wait_until([&] { return events(port, "a") == 3; })) << sidecar.log();
  EXPECT_TRUE(sidecar.running());
}

TEST(Signals, KillDashNineMidStreamLosesNothing) {
  TempDir dir;
  const int total = 100000;
  std::string path = dir.file("live.log");
  write_file(path, "");
  std::string config = dir.file("specwatch.yaml");
  write_file(config, test_config(dir.file("state"), ndjson_source("live", dir.file("*.log"))));

  auto sidecar = std::make_unique<SidecarProcess>(config, dir.file("run1.out"));
  std::uint16_t port = sidecar->wait_started();
  ASSERT_NE(port, 0) << sidecar->log();
  // A writer appends continuously; the sidecar is killed hard while it reads.
  std::thread writer([&] {
    std::string chunk;
    for (int i = 0; i < total; ++i) {
      chunk += event_line(i);
      if (i % 1000 == 999) {
        append_file(path, chunk);
        chunk.clear();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
  });
  // Kill once a checkpoint has been written mid-stream (a crash before the first checkpoint
  // would simply re-read from the start).
  std::string checkpoint_path = dir.file("state") + "/checkpoints/live.json";
  ASSERT_TRUE(wait_until([&] {
    return events(port, "live") >= total / 4 &&
           read_file(checkpoint_path).find("\"offset\":0") == std::string::npos &&
           read_file(checkpoint_path).find("\"offset\":") != std::string::npos;
  }));
  double seen_before_kill = events(port, "live");
  sidecar->send_signal(SIGKILL);
  sidecar->wait_exit();
  writer.join();

  // The checkpoint says how far the first run had acknowledged: the second run must read exactly
  // from there to the end (no loss), and re-read at most the in-flight window.
  std::string checkpoint = read_file(checkpoint_path);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(checkpoint, m, std::regex("\"offset\":\\s*(\\d+)"))) << checkpoint;
  std::size_t offset = std::stoull(m[1]);
  std::string all = read_file(path);
  ASSERT_LE(offset, all.size());
  double records_before = static_cast<double>(std::count(all.begin(), all.begin() + offset, '\n'));

  SidecarProcess second(config, dir.file("run2.out"));
  port = second.wait_started();
  ASSERT_NE(port, 0);
  ASSERT_TRUE(wait_until([&] { return events(port, "live") == total - records_before; }))
      << "records_before=" << records_before << " second=" << events(port, "live");
  // Duplicates are bounded by the in-flight window (docs/ARCHITECTURE.md): what fits in the
  // pipeline queue (8 MiB of ~120-byte lines) plus what one checkpoint interval (100 ms here)
  // acknowledges, at most 1,000,000 events/s.
  const double window = (8 << 20) / 120.0 + 100000;
  EXPECT_LE(seen_before_kill - records_before, window);
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(Signals, SighupWithAnUnchangedOtlpSectionKeepsTheReceiversServing) {
  TempDir dir;
  write_file(dir.file("a.log"), event_line(1));
  std::string config = dir.file("specwatch.yaml");
  write_file(config, test_config(dir.file("state"), ndjson_source("a", dir.file("*.log"))));
  SidecarProcess sidecar(config, dir.file("sidecar.out"));
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  std::uint16_t otlp_port = wait_logged_port(sidecar, kOtlpHttpListening);
  ASSERT_NE(otlp_port, 0) << sidecar.log();

  const std::string span =
      R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
      R"({"stringValue":"svc"}}]},"scopeSpans":[{"spans":[{"traceId":)"
      R"("5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"op",)"
      R"("kind":1,"startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]}]})";
  std::atomic<bool> sending{true};
  std::atomic<int> ok{0}, failed_connections{0}, unavailable{0}, other{0};
  std::thread client([&] {
    while (sending) {
      // A new connection each time: a listener closed by the reload would show as a failure.
      HttpResponse result = http_request(otlp_port, "POST", "/v1/traces", span, "application/json");
      if (result.status == 200) {
        ++ok;
      } else if (result.status == 0) {
        ++failed_connections;
      } else if (result.status == 503) {
        ++unavailable;
      } else {
        ++other;
      }
    }
  });
  for (int reload = 1; reload <= 5; ++reload) {
    int before = ok;
    ASSERT_TRUE(wait_until([&] { return ok > before; }));  // exports flow between reloads
    sidecar.send_signal(SIGHUP);
    ASSERT_TRUE(wait_until([&] {
      return occurrences(sidecar.log(), "\"msg\":\"configuration reloaded\"") ==
             static_cast<std::size_t>(reload);
    })) << sidecar.log();
  }
  int before = ok;
  EXPECT_TRUE(wait_until([&] { return ok > before; }));
  sending = false;
  client.join();
  EXPECT_EQ(failed_connections.load(), 0);
  EXPECT_EQ(unavailable.load(), 0);
  EXPECT_EQ(other.load(), 0);
  const std::string log = sidecar.log();
  EXPECT_EQ(occurrences(log, "\"otlp_receivers\":\"kept\""), 5u);
  EXPECT_EQ(occurrences(log, std::string(kOtlpHttpListening)), 1u);  // never rebuilt
  EXPECT_EQ(value_of(scrape(port),
                     "specwatch_otlp_requests_total{outcome=\"success\",protocol=\"http\","
                     "signal=\"traces\"}"),
            ok.load());
}

}  // namespace
}  // namespace specwatch::testing
