#include "sidecar/config/config_reader.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

struct ReaderTest : ::testing::Test {
  ErrorCollector errors{"r.yaml"};
  ConfigReader reader{errors, fixed_environment({{"N", "42"}, {"HOME", "/home/ada"}}), "/etc/sw"};

  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const ConfigError& error : errors.errors()) out.push_back(error.to_string());
    return out;
  }
};

TEST_F(ReaderTest, ReadIntAcceptsDecimalQuotedAndExpanded) {
  YAML::Node doc = YAML::Load("a: 7\nb: \"8\"\nc: ${N}\nd: +9\ne: -3");
  EXPECT_EQ(reader.read_int(doc["a"], "a", 0), 7);
  EXPECT_EQ(reader.read_int(doc["b"], "b", 0), 8);
  EXPECT_EQ(reader.read_int(doc["c"], "c", 0), 42);
  EXPECT_EQ(reader.read_int(doc["d"], "d", 0), 9);
  EXPECT_EQ(reader.read_int(doc["e"], "e", -5), -3);
  EXPECT_EQ(errors.size(), 0u);
}

TEST_F(ReaderTest, ReadIntReportsTypeAndRange) {
  YAML::Node doc =
      YAML::Load("a: 1.5\nb: 0x10\nc: 0\nd: 11\ne: 99999999999999999999\nf: [1]\ng:\nh: 10\n");
  EXPECT_EQ(reader.read_int(doc["a"], "a", 0), std::nullopt);
  EXPECT_EQ(reader.read_int(doc["b"], "b", 0), std::nullopt);
  EXPECT_EQ(reader.read_int(doc["c"], "c", 1, 10), std::nullopt);
  EXPECT_EQ(reader.read_int(doc["d"], "d", 1, 10), std::nullopt);
  EXPECT_EQ(reader.read_int(doc["e"], "e", 1), std::nullopt);
  EXPECT_EQ(reader.read_int(doc["f"], "f", 1), std::nullopt);
  EXPECT_EQ(reader.read_int(doc["g"], "g", 1), std::nullopt);
  EXPECT_EQ(reader.read_int(doc["h"], "h", 1, 10), 10);
  EXPECT_EQ(reader.read_int(YAML::Node("+-5"), "i", -10), std::nullopt);
  EXPECT_EQ(texts(), (std::vector<std::string>{
                         "r.yaml:1:4: a: expected an integer, got \"1.5\"",
                         "r.yaml:2:4: b: expected an integer, got \"0x10\"",
                         "r.yaml:3:4: c: must be at least 1, got 0",
                         "r.yaml:4:4: d: must be at most 10, got 11",
                         "r.yaml:5:4: e: must be at most 9223372036854775807, got "
                         "99999999999999999999",
                         "r.yaml:6:4: f: expected an integer, got a list",
                         "r.yaml:8:1: g: expected an integer, got null",
                         "r.yaml:0:0: i: expected an integer, got \"+-5\"",
                     }));
}

TEST_F(ReaderTest, ReadBoolAcceptsOnlyTrueAndFalse) {
  YAML::Node doc = YAML::Load("a: true\nb: False\nc: yes\nd: {x: 1}\n");
  EXPECT_EQ(reader.read_bool(doc["a"], "a"), true);
  EXPECT_EQ(reader.read_bool(doc["b"], "b"), false);
  EXPECT_EQ(reader.read_bool(doc["c"], "c"), std::nullopt);
  EXPECT_EQ(reader.read_bool(doc["d"], "d"), std::nullopt);
  EXPECT_EQ(texts(), (std::vector<std::string>{
                         "r.yaml:3:4: c: expected true or false, got \"yes\"",
                         "r.yaml:4:4: d: expected true or false, got a mapping",
                     }));
}

TEST_F(ReaderTest, ReadStringListNamesTheBadElement) {
  YAML::Node doc = YAML::Load("a: [x, \"${N}\"]\nb: [x, [y]]\nc: x\n");
  EXPECT_EQ(reader.read_string_list(doc["a"], "a"), (std::vector<std::string>{"x", "42"}));
  EXPECT_EQ(reader.read_string_list(doc["b"], "b"), std::nullopt);
  EXPECT_EQ(reader.read_string_list(doc["c"], "c"), std::nullopt);
  EXPECT_EQ(texts(), (std::vector<std::string>{
                         "r.yaml:2:8: b[1]: expected a string, got a list",
                         "r.yaml:3:4: c: expected a list of strings, got \"x\"",
                     }));
}

TEST_F(ReaderTest, ReadPathResolvesAgainstTheBaseDirectory) {
  YAML::Node doc = YAML::Load("a: logs/../data/./x.json\nb: /abs/p\nc: ~/t\nd: \"\"\n");
  EXPECT_EQ(reader.read_path(doc["a"], "a"), "/etc/sw/data/x.json");
  EXPECT_EQ(reader.read_path(doc["b"], "b"), "/abs/p");
  EXPECT_EQ(reader.read_path(doc["c"], "c"), "/home/ada/t");
  EXPECT_EQ(reader.read_path(doc["d"], "d"), std::nullopt);
  EXPECT_EQ(texts(), (std::vector<std::string>{"r.yaml:4:4: d: must not be empty"}));
}

TEST_F(ReaderTest, CheckUnknownKeysReportsUnknownAndDuplicateKeys) {
  YAML::Node doc = YAML::Load("s:\n  a: 1\n  zz: 2\n  a: 3\n");
  reader.check_unknown_keys(doc["s"], "s", {"a", "b"});
  EXPECT_EQ(texts(), (std::vector<std::string>{
                         "r.yaml:3:3: s.zz: unknown key; allowed keys: a, b",
                         "r.yaml:4:3: s.a: duplicate key; first written at line 2",
                     }));
}

TEST_F(ReaderTest, UnexpandedReaderTakesTextLiterally) {
  ConfigReader literal(errors, fixed_environment({}), "/", /*expand=*/false);
  YAML::Node node("${NOT_EXPANDED}");
  EXPECT_EQ(literal.read_string(node, "k"), "${NOT_EXPANDED}");
  EXPECT_EQ(errors.size(), 0u);
}

TEST_F(ReaderTest, MissingNodesAreReportedNotThrown) {
  YAML::Node doc = YAML::Load("a: 1\n");
  const YAML::Node& map = doc;
  EXPECT_EQ(reader.read_int(map["nope"], "nope", 0), std::nullopt);
  EXPECT_EQ(reader.read_string_list(map["nope"], "nope"), std::nullopt);
  EXPECT_FALSE(reader.expect_map(map["nope"], "nope"));
  EXPECT_EQ(texts(), (std::vector<std::string>{
                         "r.yaml:0:0: nope: expected an integer, got nothing",
                         "r.yaml:0:0: nope: expected a list of strings, got nothing",
                         "r.yaml:0:0: nope: expected a mapping, got nothing",
                     }));
}

TEST(ConfigErrorText, OmitsAnEmptyKey) {
  EXPECT_EQ((ConfigError{"f.yaml", 3, 4, "a.b", "bad"}).to_string(), "f.yaml:3:4: a.b: bad");
  EXPECT_EQ((ConfigError{"f.yaml", 0, 0, "", "cannot read"}).to_string(),
            "f.yaml:0:0: cannot read");
}

}  // namespace
}  // namespace specwatch
