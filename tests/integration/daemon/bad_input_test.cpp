// Bad input beside good input: every good record counted, every bad one counted by reason, the
// sidecar keeps running.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"

namespace specwatch::testing {
namespace {

TEST(BadInput, IsCountedByReasonAndNeverStopsGoodData) {
  TempDir dir;
  std::string logs = dir.file("logs");
  mkdir(logs.c_str(), 0755);
  std::string good;
  for (int i = 0; i < 500; ++i) good += event_line(i);
  write_file(logs + "/good.log", good);
  std::string bad;
  bad += "{\"msg\": \"missing brace\"\n";                               // invalid_json
  bad += std::string("\x00\x01\x02\xff\xfe binary", 12) + "\n";         // invalid_json
  bad += "{\"msg\":\"caf\xe9 latin-1\"}\n";                             // invalid_utf8, kept
  bad += "{\"huge\":\"" + std::string(2 * 1024 * 1024, 'x') + "\"}\n";  // record_too_large
  bad += event_line(1000);                                              // good, after all of it
  write_file(logs + "/bad.log", bad);
  mkdir((logs + "/dir.log").c_str(), 0755);  // a directory matching the glob

  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"), ndjson_source("mixed", logs + "/*.log")));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();

  // 500 good + the latin-1 record (repaired) + the last good line.
  ASSERT_TRUE(wait_until([&] {
    return value_of(scrape(port), "specwatch_source_events_total{source=\"mixed\"}") == 502.0;
  })) << sidecar.log();
  auto m = scrape(port);
  EXPECT_EQ(value_of(m, "specwatch_source_errors_total{reason=\"invalid_json\",source=\"mixed\"}"),
            2.0);
  EXPECT_EQ(value_of(m, "specwatch_source_errors_total{reason=\"invalid_utf8\",source=\"mixed\"}"),
            1.0);
  EXPECT_EQ(
      value_of(m, "specwatch_source_errors_total{reason=\"record_too_large\",source=\"mixed\"}"),
      1.0);
  EXPECT_EQ(value_of(m, "specwatch_source_files{source=\"mixed\"}"), 2.0);
  EXPECT_TRUE(sidecar.running());
  // Logged once per file and reason, not once per record.
  std::string log = sidecar.log();
  std::size_t count = 0;
  for (auto pos = log.find("\"reason\":\"invalid_json\""); pos != std::string::npos;
       pos = log.find("\"reason\":\"invalid_json\"", pos + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u) << log;
}

}  // namespace
}  // namespace specwatch::testing
