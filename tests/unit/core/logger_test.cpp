#include "sidecar/core/logger.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace specwatch {
namespace {

struct Captured {
  std::vector<std::string> lines;
  Logger::Writer writer() {
    return [this](std::string_view line) { lines.emplace_back(line); };
  }
};

TEST(Logger, WritesOneJsonLineWithTimeLevelMsgFields) {
  Captured out;
  Logger log(LogLevel::kInfo, out.writer());
  log.info("source started", {{"source", "specular-traces"}, {"files", 3}, {"ok", true}});
  ASSERT_EQ(out.lines.size(), 1u);
  std::regex shape(
      R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z","level":"info","msg":"source started",)"
      R"("fields":\{"source":"specular-traces","files":3,"ok":true\}\}\n)");
  EXPECT_TRUE(std::regex_match(out.lines[0], shape)) << out.lines[0];
}

TEST(Logger, FiltersBelowLevelAndChangesLevelAtRuntime) {
  Captured out;
  Logger log(LogLevel::kWarn, out.writer());
  log.info("hidden");
  log.debug("hidden");
  log.error("shown");
  EXPECT_EQ(out.lines.size(), 1u);
  log.set_level(LogLevel::kDebug);
  log.debug("now shown");
  EXPECT_EQ(out.lines.size(), 2u);
}

TEST(Logger, EscapesControlCharactersQuotesAndInvalidUtf8) {
  Captured out;
  Logger log(LogLevel::kDebug, out.writer());
  log.warn("a\"b\\c\nd\x01\xff");
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_NE(out.lines[0].find(R"("msg":"a\"b\\c\nd\u0001\ufffd")"), std::string::npos)
      << out.lines[0];
}

TEST(Logger, ParsesLevels) {
  EXPECT_EQ(parse_log_level("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("error"), LogLevel::kError);
  EXPECT_FALSE(parse_log_level("verbose").has_value());
}

}  // namespace
}  // namespace specwatch
