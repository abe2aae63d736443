// Every unit-test file of the bundled alerts passes under the engine, as under promtool.
#include <gtest/gtest.h>

#include <filesystem>

#include "sidecar/rules/rule_test_runner.h"

namespace specwatch::rules {
namespace {

TEST(AlertFiles, EveryBundledTestFilePasses) {
  std::filesystem::path dir = std::filesystem::path(SPECWATCH_SOURCE_DIR) / "alerts" / "tests";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.path().string().ends_with(".test.yml")) continue;
    ++files;
    RuleTestReport report = run_rule_test_file(entry.path().string());
    EXPECT_TRUE(report.passed) << report.output;
  }
  EXPECT_EQ(files, 6);
}

}  // namespace
}  // namespace specwatch::rules
