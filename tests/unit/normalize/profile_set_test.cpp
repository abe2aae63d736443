// User profiles: override, extension and the exact messages of broken YAML.
#include "sidecar/normalize/profile_set.h"

#include <gtest/gtest.h>

#include "sidecar/normalize/builtin_profiles.h"
#include "tests/unit/normalize/event_text.h"

namespace specwatch {
namespace {

std::vector<std::string> run(const ProfileSet& set, std::string_view profile,
                             std::string_view json) {
  const CompiledProfile* p = set.find(profile);
  EXPECT_NE(p, nullptr);
  if (p == nullptr) return {};
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  std::vector<CanonicalEvent> out;
  EXPECT_TRUE(normalize(*p, doc, "svc", out).empty());
  test::expect_same_on_tape(*p, doc, "", test::describe(out));
  return test::describe(out);
}

std::string error_of(std::string_view yaml) {
  ProfileSet set;
  try {
    set.add_yaml(yaml, "user.yaml");
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ProfileSet, FindUnknownIsNull) {
  ProfileSet set;
  EXPECT_EQ(set.find("nope"), nullptr);
  EXPECT_NE(set.find("generic"), nullptr);
}

TEST(ProfileSet, UserProfileReplacesBuiltin) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: generic
    rules:
      - name: only_errors
        when:
          - {field: lvl, equals: E}
        emit: log_record
        set:
          level: error
          error_code: {field: code}
)",
               "user.yaml");
  EXPECT_EQ(run(set, "generic", R"({"level":"INFO"})"), std::vector<std::string>{});
  EXPECT_EQ(run(set, "generic", R"({"lvl":"E","code":"X-1"})"),
            std::vector<std::string>{
                "log_record service=svc ts=0 trace= span= workflow= level=error error_code=X-1"});
}

TEST(ProfileSet, SetsShareTheBuiltinsAndReplacingOneTouchesOnlyItsSet) {
  ProfileSet first;
  ProfileSet second;
  // Compiled once: both sets hold the same compiled built-in.
  ASSERT_NE(first.find("generic"), nullptr);
  EXPECT_EQ(first.find("generic"), second.find("generic"));
  second.add_yaml(R"(
profiles:
  - name: generic
    rules:
      - name: nothing
        when:
          - {field: never, exists: true}
        emit: log_record
)",
                  "user.yaml");
  EXPECT_NE(second.find("generic"), first.find("generic"));
  EXPECT_EQ(run(second, "generic", R"({"level":"INFO","msg":"m"})"), std::vector<std::string>{});
  // The first set (and a set made later) still has the built-in.
  EXPECT_EQ(run(first, "generic", R"({"level":"INFO","msg":"m"})").size(), 1u);
  EXPECT_EQ(ProfileSet().find("generic"), first.find("generic"));
}

TEST(ProfileSet, ExtendsAddsRulesAndKeepsBase) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: my-app
    extends: generic
    rules:
      - name: checkout
        when:
          - {field: event, equals: checkout}
        emit: command
        set:
          command: {field: event}
          success: {field: ok}
)",
               "user.yaml");
  EXPECT_EQ(run(set, "my-app",
                R"({"timestamp":"1970-01-01T00:00:01Z","level":"warn","event":"checkout",
                    "ok":false,"service":"shop"})"),
            (std::vector<std::string>{
                "log_record service=shop ts=1000000000 trace= span= workflow= level=warn "
                "error_code=",
                "command service=shop ts=1000000000 trace= span= workflow= command=checkout "
                "success=false error_code="}));
  // The base is unchanged.
  EXPECT_EQ(run(set, "generic", R"({"level":"info","event":"checkout"})"),
            std::vector<std::string>{
                "log_record service=svc ts=0 trace= span= workflow= level=info error_code="});
}

TEST(ProfileSet, ExtendingTheReplacedBuiltin) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: spec-agents-console
    extends: spec-agents-console
    rules:
      - name: compiled
        when:
          - {field: line, regex: '^Compiled (?<route>/\S+) in (?<ms>\d+)ms'}
        emit: http_request
        set:
          route: {field: route}
          duration_seconds: {field: ms, convert: ms_to_s}
)",
               "user.yaml");
  const CompiledProfile* p = set.find("spec-agents-console");
  ASSERT_NE(p, nullptr);
  std::vector<CanonicalEvent> out;
  EXPECT_TRUE(normalize(*p, "Compiled /api/chat in 312ms", "svc", out).empty());
  EXPECT_TRUE(normalize(*p, "[EmbeddingCache] HIT x", "svc", out).empty());
  EXPECT_EQ(test::describe(out),
            (std::vector<std::string>{
                "http_request service=svc ts=0 trace= span= workflow= route=/api/chat method= "
                "status=- duration=0.312",
                "cache_lookup service=svc ts=0 trace= span= workflow= cache=embedding hit=true"}));
}

TEST(ProfileSet, ForEachItemsAndConstants) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: batch
    rules:
      - name: calls
        for_each: calls
        emit: llm_call
        set:
          provider: openai
          model: {field: item.m}
          input_tokens: {field: item.usage.in}
          cost_usd: {field: item.c, required: true}
)",
               "user.yaml");
  EXPECT_EQ(run(set, "batch", R"({"calls":[{"m":"gpt-4o","usage":{"in":7},"c":0.5}]})"),
            std::vector<std::string>{
                "llm_call service=svc ts=0 trace= span= workflow= provider=openai model=gpt-4o "
                "operation= outcome=success error_type= duration=- input=7 "
                "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- "
                "total=- cost=0.5 count=1"});
}

TEST(ProfileSet, ErrorLeavesSetUnchanged) {
  ProfileSet set;
  EXPECT_THROW(set.add_yaml(R"(
profiles:
  - name: generic
    rules: []
  - name: broken
    rules:
      - emit: nothing
)",
                            "user.yaml"),
               ProfileError);
  EXPECT_EQ(run(set, "generic", R"({"level":"info"})"),
            std::vector<std::string>{
                "log_record service=svc ts=0 trace= span= workflow= level=info error_code="});
  EXPECT_EQ(set.find("broken"), nullptr);
}

TEST(ProfileErrors, ExactMessages) {
  EXPECT_EQ(error_of("profiles:\n  - name: p\n    rules:\n      - name: r\n        emit: llm\n"),
            "user.yaml:5:15: profile \"p\", rule \"r\", key \"emit\": unknown event kind \"llm\"");
  EXPECT_EQ(error_of("profiles:\n  - name: p\n    rules:\n      - name: r\n        emit: llm_call\n"
                     "        set:\n          modle: {field: m}\n"),
            "user.yaml:7:11: profile \"p\", rule \"r\", key \"modle\": no such field in llm_call");
  EXPECT_EQ(error_of("profiles:\n  - name: p\n    colour: red\n"),
            "user.yaml:3:5: profile \"p\", key \"colour\": unknown key");
  EXPECT_EQ(
      error_of("profiles:\n  - name: p\n    rules:\n      - name: r\n        emit: log_record\n"
               "        when:\n          - {field: x, regex: '(unclosed'}\n"),
      "user.yaml:7:31: profile \"p\", rule \"r\", key \"regex\": invalid regex: "
      "Mismatched '(' and ')' in regular expression");
  EXPECT_EQ(
      error_of("profiles:\n  - name: p\n    rules:\n      - name: r\n        emit: log_record\n"
               "        when:\n          - {field: x, equals: a, exists: true}\n"),
      "user.yaml:7:13: profile \"p\", rule \"r\", key \"field\": a condition needs exactly "
      "one of exists, equals, in, contains, prefix, regex");
  EXPECT_EQ(error_of("profiles:\n  - name: p\n    input: text\n    rules:\n      - name: r\n"
                     "        emit: log_record\n        set:\n          level: {field: lvl}\n"),
            "user.yaml:8:26: profile \"p\", rule \"r\", key \"field\": unknown capture \"lvl\"");
  EXPECT_EQ(
      error_of("profiles:\n  - name: p\n    rules:\n      - name: r\n        emit: workflow_run\n"
               "        set:\n          duration_seconds: {field: d, convert: hours}\n"),
      "user.yaml:7:49: profile \"p\", rule \"r\", key \"convert\": unknown conversion "
      "\"hours\" (ns_to_s, us_to_s, ms_to_s, percent_to_ratio; model_family for text)");
  EXPECT_EQ(error_of("profiles:\n  - name: p\n    rules:\n      - name: r\n        emit: llm_call\n"
                     "        set:\n          model: {field: m, mapped_only: true}\n"),
            "user.yaml:7:42: profile \"p\", rule \"r\", key \"mapped_only\": needs a map or "
            "contains_map");
  EXPECT_EQ(error_of("profiles:\n  - name: p\n    rules:\n      - name: r\n        emit: llm_call\n"
                     "        set:\n          model: {field: m, map: {a: b}, default: c, "
                     "mapped_only: true}\n"),
            "user.yaml:7:67: profile \"p\", rule \"r\", key \"mapped_only\": cannot be combined "
            "with default");
  EXPECT_EQ(error_of("profiles:\n  - name: p\n    extends: nothing\n"),
            "user.yaml:3:14: profile \"p\", key \"extends\": unknown profile \"nothing\"");
  EXPECT_EQ(error_of("profiles:\n  - name: p\n  - name: p\n"),
            "user.yaml:3:11: profile \"p\" defined twice");
  EXPECT_EQ(error_of("profiles: [a: [\n"), "user.yaml:2:1: end of sequence flow not found");
  EXPECT_EQ(error_of("other: 1\n"), "user.yaml: expected a mapping with a \"profiles\" key");
  EXPECT_EQ(error_of("profiles:\n  - name: p\n    rules:\n      - emit: log_record\n"
                     "        set:\n          level: {field: a, value: b}\n"),
            "user.yaml:6:18: profile \"p\", rule \"#1\", key \"level\": needs exactly one of "
            "field, value, between");
}

// Which tool's metrics a profile feeds is what its `tool:` says, never its name: a user profile
// "my-specular" feeds Specular's metrics only when it says so, and one that extends a built-in
// inherits the built-in's tool.
TEST(ProfileSet, ToolIsExplicit) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: my-specular
    tool: specular
    extends: generic
  - name: specular-lookalike
    extends: generic
  - name: my-trace
    extends: specular-trace
  - name: untooled-trace
    extends: specular-trace
    tool: none
)",
               "user.yaml");
  EXPECT_EQ(set.find("my-specular")->tool, Tool::kSpecular);
  EXPECT_EQ(set.find("specular-lookalike")->tool, Tool::kNone);
  EXPECT_EQ(set.find("my-trace")->tool, Tool::kSpecular);
  EXPECT_EQ(set.find("untooled-trace")->tool, Tool::kNone);
  EXPECT_EQ(error_of("profiles:\n  - name: p\n    tool: specularr\n"),
            "user.yaml:3:11: profile \"p\", key \"tool\": expected specular, spec-agents, spek, "
            "specweaver, service or none, got \"specularr\"");
}

TEST(ProfileSet, BuiltinProfilesNameTheirTool) {
  ProfileSet set;
  const std::pair<const char*, Tool> expected[] = {
      {"generic", Tool::kNone},
      {"genai", Tool::kNone},
      {"otlp-span", Tool::kByService},
      {"otlp-log", Tool::kByService},
      {"specular-trace", Tool::kSpecular},
      {"specular-log", Tool::kSpecular},
      {"specular-attestation", Tool::kSpecular},
      {"spec-agents-log", Tool::kSpecAgents},
      {"spec-agents-console", Tool::kSpecAgents},
      {"spek-log", Tool::kSpek},
      {"spek-result", Tool::kSpek},
      {"specweaver-log", Tool::kSpecWeaver},
      {"specweaver-metrics", Tool::kSpecWeaver},
  };
  for (const auto& [name, tool] : expected) {
    const CompiledProfile* p = set.find(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->tool, tool) << name;
  }
}

// The build reads each built-in's name and base from its file without a YAML parser
// (sidecar/normalize/CMakeLists.txt), so that a start need not parse them: the index must say
// what a real YAML parse of the same text says.
TEST(BuiltinProfileIndex, NameAndBaseAgreeWithTheParsedYaml) {
  const std::vector<BuiltinProfile>& builtins = builtin_profiles();
  ASSERT_EQ(builtins.size(), 13u);
  std::size_t extending = 0;
  for (const BuiltinProfile& b : builtins) {
    const YAML::Node doc = YAML::Load(std::string(b.yaml));
    ASSERT_TRUE(doc["profiles"].IsSequence()) << b.origin;
    ASSERT_EQ(doc["profiles"].size(), 1u) << b.origin;
    const YAML::Node profile = doc["profiles"][0];
    EXPECT_EQ(profile["name"].as<std::string>(), b.name) << b.origin;
    EXPECT_EQ(b.origin, "builtin:" + std::string(b.name) + ".yaml");
    const std::string base = profile["extends"] ? profile["extends"].as<std::string>() : "";
    EXPECT_EQ(base, b.extends) << b.origin;
    if (!b.extends.empty()) ++extending;
  }
  EXPECT_EQ(extending, 2u);  // otlp-span and otlp-log extend genai
}

TEST(BuiltinProfileIndex, AnExtendingBuiltinCompilesWithItsBasesRules) {
  ProfileSet set;
  const CompiledProfile* genai = set.find("genai");
  const CompiledProfile* span = set.find("otlp-span");
  ASSERT_NE(genai, nullptr);
  ASSERT_NE(span, nullptr);
  // otlp-span adds its own rules after genai's: it has every one of them, and more.
  ASSERT_GT(span->rules.size(), genai->rules.size());
  for (std::size_t r = 0; r < genai->rules.size(); ++r) {
    EXPECT_EQ(span->rules[r].name, genai->rules[r].name) << r;
  }
}

}  // namespace
}  // namespace specwatch
