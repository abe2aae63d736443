// Records that match a rule but carry malformed fields: a reason is reported, never a crash, and
// the other events of the record survive.
#include <gtest/gtest.h>

#include "sidecar/normalize/profile_set.h"
#include "tests/unit/normalize/event_text.h"

namespace specwatch {
namespace {

struct Result {
  std::string reason;
  std::vector<std::string> events;
};

Result json(std::string_view profile, std::string_view text) {
  static const ProfileSet set;
  const CompiledProfile* p = set.find(profile);
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  std::vector<CanonicalEvent> out;
  Result r;
  r.reason = std::string(normalize(*p, doc, "svc", out));
  r.events = test::describe(out);
  test::expect_same_on_tape(*p, doc, r.reason, r.events);
  return r;
}

TEST(Malformed, WrongTypeIsInvalidField) {
  Result r =
      json("specular-trace", R"({"type":"step_complete","data":{"step_name":"s","cost":"cheap"}})");
  EXPECT_EQ(r.reason, "invalid_field");
  EXPECT_TRUE(r.events.empty());

  r = json("genai", R"({"gen_ai.provider.name":"openai","gen_ai.usage.input_tokens":"many"})");
  EXPECT_EQ(r.reason, "invalid_field");
  EXPECT_TRUE(r.events.empty());

  r = json("genai", R"({"gen_ai.provider.name":"openai","gen_ai.usage.input_tokens":-5})");
  EXPECT_EQ(r.reason, "invalid_field");
  // Beyond int64 (a uint64 or a double that reads as an integer): refused, not wrapped.
  r = json("genai",
           R"({"gen_ai.provider.name":"openai","gen_ai.usage.input_tokens":18446744073709551615})");
  EXPECT_EQ(r.reason, "invalid_field");
  r = json("genai",
           R"({"gen_ai.provider.name":"openai","gen_ai.usage.input_tokens":-9223372036854775808})");
  EXPECT_EQ(r.reason, "invalid_field");

  r = json("spek-result", R"({"nasa_compliance_score":1.5})");
  EXPECT_EQ(r.reason, "invalid_field");
  EXPECT_TRUE(r.events.empty());

  r = json("specweaver-metrics",
           R"({"run_id":"a","status":"failed","created_at":"2025-08-12T03:00:00",
               "completed_at":"2025-08-12T02:00:00"})");
  EXPECT_EQ(r.reason, "invalid_field");  // ends before it starts
  EXPECT_TRUE(r.events.empty());
}

TEST(Malformed, BadCommonFieldDropsRecordEvents) {
  const Result r = json("generic", R"({"timestamp":"not a time","level":"info"})");
  EXPECT_EQ(r.reason, "invalid_field");
  EXPECT_TRUE(r.events.empty());
}

TEST(Malformed, MissingRequiredField) {
  Result r = json("specular-trace", R"({"type":"policy_check","data":{"reason":"x"}})");
  EXPECT_EQ(r.reason, "missing_field");
  EXPECT_TRUE(r.events.empty());
  r = json("generic", R"({"message":"no level"})");
  EXPECT_EQ(r.reason, "missing_field");
  EXPECT_TRUE(r.events.empty());
}

TEST(Malformed, OtherEventsOfTheRecordSurvive) {
  // The log_record is fine; the llm_call's unknown level of detail is not.
  const Result r = json("spec-agents-log",
                        R"({"level":"ERROR","event":"llm_failure","provider":{"name":"groq"}})");
  EXPECT_EQ(r.reason, "invalid_field");
  EXPECT_EQ(r.events, std::vector<std::string>{
                          "log_record service=svc ts=0 trace= span= workflow= level=error "
                          "error_code="});
}

TEST(Malformed, UnknownLevelAndOutcome) {
  Result r = json("generic", R"({"level":"LOUD"})");
  EXPECT_EQ(r.reason, "invalid_field");
  r = json("specweaver-metrics", R"({"status":"completed","created_at":1,"completed_at":{}})");
  EXPECT_EQ(r.reason, "invalid_field");
}

TEST(Malformed, NonObjectsAndWrongInput) {
  Result r = json("genai", "[1,2,3]");
  EXPECT_EQ(r.reason, "");
  EXPECT_TRUE(r.events.empty());
  r = json("specular-trace", R"("just a string")");
  EXPECT_EQ(r.reason, "");
  EXPECT_TRUE(r.events.empty());
  r = json("specular-attestation", R"({"workflowId":"w","status":"ok","provenance":{"models":7}})");
  EXPECT_EQ(r.reason, "invalid_field");
  EXPECT_EQ(r.events.size(), 1u);  // the workflow_run

  static const ProfileSet set;
  rapidjson::Document doc;
  doc.Parse("{}");
  std::vector<CanonicalEvent> out;
  EXPECT_EQ(normalize(*set.find("specweaver-log"), doc, "svc", out), "wrong_input");
  EXPECT_EQ(normalize(*set.find("generic"), std::string_view("text"), "svc", out), "wrong_input");
  EXPECT_EQ(normalize(*set.find("specweaver-log"), std::string_view(""), "svc", out), "");
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace specwatch
