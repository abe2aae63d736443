// The `queue:` mapping of an asynchronous component: defaults, values, exact errors.
#include "sidecar/pipeline/queue_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace specwatch {
namespace {

struct Parsed {
  QueueConfig config;
  std::vector<std::string> errors;
};

Parsed parse(const std::string& yaml) {
  ErrorCollector errors("cfg.yaml");
  ConfigReader reader(errors, fixed_environment({}), "/");
  Parsed parsed;
  read_queue_config(YAML::Load(yaml), "exporters[0].queue", parsed.config, reader);
  for (const ConfigError& error : errors.take()) parsed.errors.push_back(error.to_string());
  return parsed;
}

TEST(QueueConfigSection, DefaultsAreBlockAndTenThousandEvents) {
  const Parsed parsed = parse("{}");
  EXPECT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.config.max_events, 10000u);
  EXPECT_EQ(parsed.config.when_full, QueueConfig::WhenFull::kBlock);
}

TEST(QueueConfigSection, ReadsMaxEventsAndDrop) {
  const Parsed parsed = parse("{max_events: 250, when_full: drop}");
  EXPECT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.config.max_events, 250u);
  EXPECT_EQ(parsed.config.when_full, QueueConfig::WhenFull::kDrop);
}

// In the order they are found: unknown keys first, then each value.
TEST(QueueConfigSection, ReportsEveryProblemAndKeepsTheDefaults) {
  const Parsed parsed = parse("{max_events: 0, when_full: Drop, depth: 3}");
  EXPECT_EQ(parsed.errors,
            (std::vector<std::string>{
                "cfg.yaml:1:34: exporters[0].queue.depth: unknown key; allowed keys: max_events, "
                "when_full",
                "cfg.yaml:1:14: exporters[0].queue.max_events: must be at least 1, got 0",
                "cfg.yaml:1:28: exporters[0].queue.when_full: must be one of: block, drop (got "
                "\"Drop\")",
            }));
  EXPECT_EQ(parsed.config.max_events, 10000u);
  EXPECT_EQ(parsed.config.when_full, QueueConfig::WhenFull::kBlock);
}

TEST(QueueConfigSection, AQueueThatIsNotAMappingIsReported) {
  const Parsed parsed = parse("[1, 2]");
  EXPECT_EQ(parsed.errors, (std::vector<std::string>{"cfg.yaml:1:1: exporters[0].queue: expected "
                                                     "a mapping, got a list"}));
}

}  // namespace
}  // namespace specwatch
