// /api/v1/rules parameters read as Prometheus reads them: `type` validated (its 400 error text),
// any case, the first one given; the rule_name[], rule_group[] and file[] filters.
#include "sidecar/rules/rules_api.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace specwatch::rules {
namespace {

RuleView rule(const std::string& name, bool alerting) {
  RuleView r;
  r.name = name;
  r.alerting = alerting;
  r.query = "vector(1)";
  return r;
}

RulesSnapshot snapshot() {
  RulesSnapshot s;
  s.groups.push_back(GroupView{
      "g1", "/r/a.rules.yml", 15000, 0, {rule("r:one", false), rule("AlertOne", true)}, 0.0, 0});
  s.groups.push_back(GroupView{"g2", "/r/b.rules.yml", 15000, 0, {rule("AlertTwo", true)}, 0.0, 0});
  return s;
}

// "group:rule" for every rule listed, "group:" for a group listed without rules.
std::vector<std::string> listed(const std::string& query) {
  RulesQuery asked = read_rules_query(query);
  EXPECT_FALSE(asked.error.has_value()) << *asked.error;
  rapidjson::Document doc;
  doc.Parse(rules_json(snapshot(), asked.filter).c_str());
  std::vector<std::string> out;
  for (const auto& g : doc["data"]["groups"].GetArray()) {
    const std::string group = g["name"].GetString();
    if (g["rules"].Empty()) out.push_back(group + ":");
    for (const auto& r : g["rules"].GetArray()) out.push_back(group + ":" + r["name"].GetString());
  }
  return out;
}

using Names = std::vector<std::string>;

TEST(RulesApi, TypeOtherThanAlertOrRecordIsRefusedWithPrometheusText) {
  EXPECT_EQ(read_rules_query("type=foo").error,
            "invalid parameter \"type\": not supported value \"foo\"");
  // Lower-cased before the check, and decoded, as Prometheus does.
  EXPECT_EQ(read_rules_query("type=Alerts%21").error,
            "invalid parameter \"type\": not supported value \"alerts!\"");
  // The first `type` counts.
  EXPECT_EQ(read_rules_query("type=foo&type=alert").error,
            "invalid parameter \"type\": not supported value \"foo\"");
  EXPECT_FALSE(read_rules_query("type=alert&type=foo").error.has_value());
  // Quoted as Go's %q quotes.
  EXPECT_EQ(read_rules_query("type=a%22b").error,
            "invalid parameter \"type\": not supported value \"a\\\"b\"");
  // An empty or undecodable value is no filter.
  EXPECT_FALSE(read_rules_query("type=").error.has_value());
  EXPECT_FALSE(read_rules_query("type=al%zz").error.has_value());
}

TEST(RulesApi, TypeSelectsRulesAndKeepsEveryGroup) {
  EXPECT_EQ(listed(""), (Names{"g1:r:one", "g1:AlertOne", "g2:AlertTwo"}));
  EXPECT_EQ(listed("type=ALERT"), (Names{"g1:AlertOne", "g2:AlertTwo"}));
  EXPECT_EQ(listed("type=record"), (Names{"g1:r:one", "g2:"}));
}

TEST(RulesApi, NameGroupAndFileFiltersOmitGroupsLeftEmpty) {
  EXPECT_EQ(listed("rule_name[]=AlertTwo&rule_name[]=r:one"), (Names{"g1:r:one", "g2:AlertTwo"}));
  EXPECT_EQ(listed("rule_name[]=AlertTwo&type=record"), (Names{}));
  EXPECT_EQ(listed("rule_group%5B%5D=g2"), (Names{"g2:AlertTwo"}));
  EXPECT_EQ(listed("file[]=%2Fr%2Fa.rules.yml&type=alert"), (Names{"g1:AlertOne"}));
  EXPECT_EQ(listed("file[]=/r/a.rules.yml&rule_group[]=g2"), (Names{}));
  EXPECT_EQ(listed("rule_name[]=nothing"), (Names{}));
}

TEST(RulesApi, AnEmptyListIsStillTheSuccessEnvelope) {
  RulesQuery asked = read_rules_query("rule_name[]=nothing");
  EXPECT_EQ(rules_json(snapshot(), asked.filter), R"({"status":"success","data":{"groups":[]}})");
}

}  // namespace
}  // namespace specwatch::rules
