// The dead-letter file: one NDJSON line per refused event with the reason and the remote answer,
// the event kept as JSON (or as a string when it is not JSON), counted, rotated by size.
#include "exporters/common/dead_letter.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <sstream>

#include "tests/unit/exporters/test_dir.h"

namespace specwatch {
namespace {

using testing::slurp;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class DeadLetterTest : public ::testing::Test {
 protected:
  prometheus::Registry registry_;
  prometheus::Counter& counter_ =
      prometheus::BuildCounter().Name("dead_lettered_total").Register(registry_).Add({});
  testing::ScratchDir dir_;
};

TEST_F(DeadLetterTest, EachLineHoldsTheEventTheReasonAndTheRemoteAnswer) {
  const std::string path = default_dead_letter_path(dir_.path(), "kafka-main");
  EXPECT_EQ(path, dir_.path() + "/dead_letter/kafka-main.ndjson");
  DeadLetterFile file("kafka-main", path, DeadLetterConfig{}, counter_);
  ASSERT_EQ(file.write("{\"event\":{\"id\":\"abc\"},\n \"n\":1}\n", "kafka: MSG_SIZE_TOO_LARGE",
                       "Broker: Message size too large"),
            "");
  ASSERT_EQ(file.write("not json \"quoted\"", "elasticsearch: 400", "{\"error\":\"mapping\"}"), "");
  EXPECT_EQ(counter_.Value(), 2);
  const std::vector<std::string> lines = lines_of(slurp(path));
  ASSERT_EQ(lines.size(), 2u);
  rapidjson::Document first;
  first.Parse(lines[0].c_str());
  ASSERT_FALSE(first.HasParseError()) << lines[0];
  EXPECT_STREQ(first["exporter"].GetString(), "kafka-main");
  EXPECT_STREQ(first["reason"].GetString(), "kafka: MSG_SIZE_TOO_LARGE");
  EXPECT_STREQ(first["remote_answer"].GetString(), "Broker: Message size too large");
  EXPECT_STREQ(first["event"]["event"]["id"].GetString(), "abc");
  EXPECT_EQ(first["event"]["n"].GetInt(), 1);
  EXPECT_EQ(std::string(first["time"].GetString()).size(), 30u);  // RFC 3339 with nanoseconds
  rapidjson::Document second;
  second.Parse(lines[1].c_str());
  ASSERT_FALSE(second.HasParseError()) << lines[1];
  EXPECT_STREQ(second["event"].GetString(), "not json \"quoted\"");
  EXPECT_STREQ(second["remote_answer"].GetString(), "{\"error\":\"mapping\"}");
}

TEST_F(DeadLetterTest, TheFileIsRotatedBySizeAndBounded) {
  DeadLetterConfig config;
  config.max_bytes = 4096;
  config.max_files = 2;
  const std::string path = dir_.file("dl.ndjson");
  DeadLetterFile file("x", path, config, counter_);
  const std::string document = "{\"pad\":\"" + std::string(1000, 'p') + "\"}";
  for (int i = 0; i < 20; ++i) ASSERT_EQ(file.write(document, "r", "a"), "");
  EXPECT_EQ(counter_.Value(), 20);
  EXPECT_TRUE(std::filesystem::exists(path + ".1"));
  EXPECT_TRUE(std::filesystem::exists(path + ".2"));
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  for (const std::string& name : {path, path + ".1", path + ".2"}) {
    EXPECT_LE(std::filesystem::file_size(name), 4096u) << name;
  }
}

TEST_F(DeadLetterTest, AnUnwritableFileIsReportedAndNotCounted) {
  testing::ScratchDir other;
  const std::string blocker = other.file("not-a-dir");
  { std::ofstream(blocker) << "x"; }
  DeadLetterFile file("x", blocker + "/dl.ndjson", DeadLetterConfig{}, counter_);
  auto callback = file.callback();
  callback("{}", "r", "a");
  EXPECT_NE(file.last_error().find("cannot open " + blocker + "/dl.ndjson"), std::string::npos)
      << file.last_error();
  EXPECT_EQ(counter_.Value(), 0);
}

}  // namespace
}  // namespace specwatch
