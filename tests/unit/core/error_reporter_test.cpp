#include "sidecar/core/error_reporter.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <string>
#include <vector>

namespace specwatch {
namespace {

TEST(ErrorReporter, CountsEveryErrorAndLogsOncePerOriginReasonAndInterval) {
  std::vector<std::string> lines;
  Logger log(LogLevel::kDebug, [&](std::string_view l) { lines.emplace_back(l); });
  prometheus::Registry registry;
  auto& family = prometheus::BuildCounter()
                     .Name("specwatch_source_errors_total")
                     .Help("errors")
                     .Register(registry);
  auto now = std::chrono::steady_clock::time_point{};
  ErrorReporter reporter(log, family, std::chrono::seconds(60), [&] { return now; });

  for (int i = 0; i < 5; ++i) reporter.report("src", "/a.json", "invalid_json", "bad record");
  reporter.report("src", "/b.json", "invalid_json", "bad record");
  reporter.report("src", "/a.json", "record_too_large", "too big");

  EXPECT_EQ(reporter.counter("src", "invalid_json").Value(), 6.0);
  EXPECT_EQ(reporter.counter("src", "record_too_large").Value(), 1.0);
  EXPECT_EQ(lines.size(), 3u);  // /a.json invalid_json, /b.json invalid_json, /a.json too large

  now += std::chrono::seconds(61);
  reporter.report("src", "/a.json", "invalid_json", "bad record");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[3].find("\"suppressed_since_last_log\":4"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find("\"origin\":\"/a.json\""), std::string::npos);
  EXPECT_NE(lines[3].find("\"level\":\"warn\""), std::string::npos);
}

}  // namespace
}  // namespace specwatch
