// Features of the profile language on small user profiles.
#include <gtest/gtest.h>

#include "sidecar/normalize/profile_set.h"
#include "tests/unit/normalize/event_text.h"

namespace specwatch {
namespace {

class Language : public ::testing::Test {
 protected:
  void load(std::string_view yaml) { set_.add_yaml(yaml, "test.yaml"); }

  std::vector<std::string> json(std::string_view profile, std::string_view text,
                                std::string_view expected_reason = "") {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    EXPECT_FALSE(doc.HasParseError()) << text;
    std::vector<CanonicalEvent> out;
    EXPECT_EQ(normalize(*set_.find(profile), doc, "svc", out), expected_reason) << text;
    test::expect_same_on_tape(*set_.find(profile), doc, expected_reason, test::describe(out));
    return test::describe(out);
  }

  std::vector<std::string> line(std::string_view profile, std::string_view text) {
    std::vector<CanonicalEvent> out;
    EXPECT_EQ(normalize(*set_.find(profile), text, "svc", out), "") << text;
    return test::describe(out);
  }

  ProfileSet set_;
};

constexpr std::string_view kTokens = R"(
profiles:
  - name: tok
    roots: [attributes]
    rules:
      - emit: llm_call
        set:
          input_tokens: {field: 'a.b.c|alt.x[1]'}
)";

std::string tokens(const std::string& n) {
  return "llm_call service=svc ts=0 trace= span= workflow= provider= model= operation= "
         "outcome=success error_type= duration=- input=" +
         n +
         " input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- "
         "total=- cost=- count=1";
}

TEST_F(Language, PathsNestedFlatHalfFlatRootsIndexAndAlternatives) {
  load(kTokens);
  EXPECT_EQ(json("tok", R"({"a":{"b":{"c":1}}})"), std::vector{tokens("1")});
  EXPECT_EQ(json("tok", R"({"a.b.c":2})"), std::vector{tokens("2")});
  EXPECT_EQ(json("tok", R"({"a.b":{"c":3}})"), std::vector{tokens("3")});
  EXPECT_EQ(json("tok", R"({"a":{"b.c":4}})"), std::vector{tokens("4")});
  EXPECT_EQ(json("tok", R"({"attributes":{"a.b.c":5}})"), std::vector{tokens("5")});
  EXPECT_EQ(json("tok", R"({"alt":{"x":[9,6]}})"), std::vector{tokens("6")});
  EXPECT_EQ(json("tok", R"({"a":{"b":{"c":null}},"alt":{"x":[0,7]}})"), std::vector{tokens("7")});
  EXPECT_EQ(json("tok", R"({"alt":{"x":[1]}})"), std::vector{tokens("-")});
}

TEST_F(Language, ConditionsAndFinal) {
  load(R"(
profiles:
  - name: c
    rules:
      - name: in
        when: [{field: k, in: [a, b]}, {field: gone, exists: false}]
        emit: command
        final: true
        set: {command: in}
      - name: contains
        when: [{field: k, contains: zz}]
        emit: command
        set: {command: contains}
      - name: prefix
        when: [{field: k, prefix: zz}]
        emit: command
        set: {command: prefix}
      - name: regex
        when: [{field: k, regex: '^ZZ(?<rest>\d+)$', icase: true}]
        emit: command
        set: {command: {field: $rest}}
      - name: number
        when: [{field: n, equals: 5}]
        emit: command
        set: {command: five}
)");
  auto cmd = [](const std::string& c) {
    return "command service=svc ts=0 trace= span= workflow= command=" + c +
           " success=true error_code=";
  };
  EXPECT_EQ(json("c", R"({"k":"a","n":5})"), std::vector{cmd("in")});
  EXPECT_EQ(json("c", R"({"k":"b","gone":1})"), std::vector<std::string>{});
  EXPECT_EQ(json("c", R"({"k":"zz42","n":5})"),
            (std::vector{cmd("contains"), cmd("prefix"), cmd("42"), cmd("five")}));
  EXPECT_EQ(json("c", R"({"k":"xzz"})"), std::vector{cmd("contains")});
}

TEST_F(Language, MapsDefaultsConversionsBetweenAndWhenExists) {
  load(R"(
profiles:
  - name: v
    common:
      timestamp: [{field: t_ms, convert: unix_ms}, {field: t}]
    rules:
      - emit: workflow_step
        set:
          step_name: {field: s, lowercase: true, map: {build: compile}}
          step_type: {field: msg, contains_map: {"TIMEOUT": slow, fail: broken}, default: other}
          outcome: [{when_exists: err, value: error}, {field: ok}]
          duration_seconds: [{field: us, convert: us_to_s}, {between: [start, end]}]
          cost_usd: {field: pct, convert: percent_to_ratio}
)");
  auto step = [](const std::string& rest) { return "workflow_step service=svc " + rest; };
  EXPECT_EQ(json("v", R"({"t_ms":1500,"s":"BUILD","msg":"a Timeout here","ok":false,
                          "us":2500000,"pct":"12.5%"})"),
            std::vector{step("ts=1500000000 trace= span= workflow= step=compile step_type=slow "
                             "outcome=failure duration=2.5 cost=0.125")});
  EXPECT_EQ(json("v", R"({"t":"2025-01-01T00:00:00Z","s":"Lint","msg":"ok","err":"x",
                          "start":"2025-01-01T00:00:00Z","end":"2025-01-01T00:01:30.5Z"})"),
            std::vector{step("ts=1735689600000000000 trace= span= workflow= step=lint "
                             "step_type=other outcome=error duration=90.5 cost=-")});
  // Absent stays absent: no duration, no cost, no name.
  EXPECT_EQ(json("v", R"({"start":"2025-01-01T00:00:00Z"})"),
            std::vector{step("ts=0 trace= span= workflow= step= step_type= "
                             "outcome=success duration=- cost=-")});
}

// mapped_only: an unmatched map yields nothing and the next alternative is tried;
// model_family: the model name without its release date or "-latest".
TEST_F(Language, MappedOnlyAlternativesAndModelFamily) {
  load(R"(
profiles:
  - name: m
    rules:
      - emit: llm_call
        set:
          model: {field: m, convert: model_family}
          error_type:
            - {field: code, map: {"429": rate_limited}, mapped_only: true}
            - {field: message, contains_map: {overloaded: overloaded}, mapped_only: true}
            - {field: kind}
)");
  auto call = [](const std::string& model, const std::string& error) {
    return "llm_call service=svc ts=0 trace= span= workflow= provider= model=" + model +
           " operation= outcome=success error_type=" + error +
           " duration=- input=- input_includes_cache=true output=- cache_read=- "
           "cache_creation=- reasoning=- total=- cost=- count=1";
  };
  EXPECT_EQ(json("m", R"({"m":"gpt-4o-mini-2024-07-18","code":429,"message":"Overloaded"})"),
            std::vector{call("gpt-4o-mini", "rate_limited")});
  EXPECT_EQ(json("m", R"({"m":"claude-sonnet-4-5-20250929","code":500,"message":"Overloaded"})"),
            std::vector{call("claude-sonnet-4-5", "overloaded")});
  EXPECT_EQ(json("m", R"({"m":"claude-3-7-sonnet-latest","code":500,"kind":"InternalError"})"),
            std::vector{call("claude-3-7-sonnet", "InternalError")});
  EXPECT_EQ(json("m", R"({"m":"gpt-4o","code":200})"), std::vector{call("gpt-4o", "")});
  // Not a date: kept as it is.
  EXPECT_EQ(json("m", R"({"m":"gemini-2.5-pro-001"})"),
            std::vector{call("gemini-2.5-pro-001", "")});
  EXPECT_EQ(json("m", R"({"m":"o1-2024-12"})"), std::vector{call("o1-2024-12", "")});
  EXPECT_EQ(json("m", R"({"m":"-20250101"})"), std::vector{call("-20250101", "")});
}

TEST_F(Language, TextExtractFallbackAndLongLines) {
  ProfileSet set;
  const CompiledProfile* p = set.find("specweaver-log");
  ASSERT_NE(p, nullptr);
  std::vector<CanonicalEvent> out;
  // No prefix: the message is still examined.
  EXPECT_EQ(normalize(*p, "✅ local succeeded", "svc", out), "");
  // A line far longer than the regex window does not exhaust the stack.
  const std::string long_line = "2025-08-12 02:38:47 WARNING: " + std::string(200000, 'x');
  EXPECT_EQ(normalize(*p, long_line, "svc", out), "");
  EXPECT_EQ(test::describe(out),
            (std::vector<std::string>{
                "llm_call service=svc ts=0 trace= span= workflow= provider=local model= "
                "operation= outcome=success error_type= duration=- input=- "
                "input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- "
                "total=- cost=- count=1",
                "log_record service=svc ts=1754966327000000000 trace= span= workflow= level=warn "
                "error_code="}));
}

// The generic profile's fields through apply()'s inline cases (a string for service, ids and an
// ISO timestamp; a level spelled four or five letters) and through the general path (numbers,
// other spellings), on consecutive records of one layout (the per-layout memo) and alone.
TEST_F(Language, CommonFieldsAndLevelsTheInlineWayAndTheGeneralWay) {
  const CompiledProfile& generic = *set_.find("generic");
  const std::pair<std::string_view, std::string_view> levels[] = {
      {"INFO", "info"},      {"Info", "info"},   {"iNfO", "info"},   {"WARN", "warn"},
      {"warn", "warn"},      {"ERROR", "error"}, {"Error", "error"}, {"DEBUG", "debug"},
      {"debuG", "debug"},    {"TRACE", "debug"}, {"FATAL", "fatal"}, {"panic", "fatal"},
      {"WARNING", "warn"},   {"err", "error"},   {"notice", "info"}, {"information", "info"},
      {"critical", "fatal"}, {"crit", "fatal"},  {"alert", "fatal"}, {"emergency", "fatal"},
      {"verbose", "debug"}};
  EventBuffer buffer;
  for (const auto& [spelling, level] : levels) {
    const std::string record = R"({"time":"2025-01-15T10:30:01.000001-08:00","level":")" +
                               std::string(spelling) +
                               R"(","service":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e0001",)"
                               R"("span_id":"00f067aa0ba90001","msg":"m"})";
    const std::string expected =
        "log_record service=api ts=1736965801000001000 "
        "trace=4bf92f3577b34da6a3ce929d0e0e0001 span=00f067aa0ba90001 "
        "workflow= level=" +
        std::string(level) + " error_code=";
    EXPECT_EQ(json("generic", record), std::vector<std::string>{expected}) << spelling;
    rapidjson::Document doc;
    doc.Parse(record.data(), record.size());
    EXPECT_EQ(test::normalize_checked(generic, doc, buffer), std::vector<std::string>{expected})
        << spelling;
  }
  // Not levels: four or five letters that only look like one, and a level that is no word.
  for (std::string_view bad : {"inf0", "infos", "errox", "debux", "warm", "INFO "}) {
    const std::string record = R"({"level":")" + std::string(bad) + R"("})";
    EXPECT_EQ(json("generic", record, "invalid_field"), std::vector<std::string>{}) << bad;
  }
  // Numbers take the general way: a numeric service is its text, pino levels are numbers, and an
  // epoch timestamp is not ISO text.
  EXPECT_EQ(json("generic", R"({"ts":1736965801.5,"level":40,"service":42,"trace_id":7})"),
            std::vector<std::string>{"log_record service=42 ts=1736965801500000000 trace=7 span= "
                                     "workflow= level=warn error_code="});
  // An object where an id belongs spoils the record.
  EXPECT_EQ(json("generic", R"({"level":"info","span_id":{"x":1}})", "invalid_field"),
            std::vector<std::string>{});
}

// One list of assignments read each way in turn (Assignment::Reading): the general way (a map, a
// lowercase, two specs) and memoized ({field: x}), in records whose names are indexed and in
// records whose names are not (a name given twice), with bad values in the middle of the common
// fields and of the rule's.
TEST_F(Language, AssignmentsReadEachWayInOneList) {
  load(R"(
profiles:
  - name: mix
    common:
      service: {field: svc, map: {a: alpha}}
      trace_id: {field: tid}
      workflow_id: [{field: wf}, {value: none}]
    rules:
      - emit: llm_call
        set:
          provider: {field: prov, lowercase: true}
          model: {field: model}
          input_tokens: {field: in}
          operation: [{field: op}, {value: chat}]
          output_tokens: {field: out}
  - name: rooted
    roots: [attributes]
    rules:
      - emit: llm_call
        set:
          model: {field: model}
          input_tokens: {field: in, default: 0}
)");
  using Reading = Assignment::Reading;
  const CompiledProfile& mix = *set_.find("mix");
  std::vector<Reading> common, set;
  for (const Assignment& a : mix.common) common.push_back(a.reading);
  for (const Assignment& a : mix.rules[0].set) set.push_back(a.reading);
  // A list whose first spec is plain (workflow_id, operation) reads that one memoized.
  EXPECT_EQ(common, (std::vector{Reading::kGeneral, Reading::kMemoized, Reading::kMemoized}));
  EXPECT_EQ(set, (std::vector{Reading::kGeneral, Reading::kMemoized, Reading::kMemoized,
                              Reading::kMemoized, Reading::kMemoized}));
  const CompiledProfile& rooted = *set_.find("rooted");
  EXPECT_EQ(rooted.rules[0].set[0].reading, Reading::kMemoizedRooted);
  EXPECT_EQ(rooted.rules[0].set[1].reading, Reading::kGeneral);  // a default is a step

  auto call = [](std::string_view svc, std::string_view tid, std::string_view wf,
                 std::string_view prov, std::string_view model, std::string_view op,
                 std::string_view in, std::string_view out) {
    return "llm_call service=" + std::string(svc) + " ts=0 trace=" + std::string(tid) +
           " span= workflow=" + std::string(wf) + " provider=" + std::string(prov) +
           " model=" + std::string(model) + " operation=" + std::string(op) +
           " outcome=success error_type= duration=- input=" + std::string(in) +
           " input_includes_cache=true output=" + std::string(out) +
           " cache_read=- cache_creation=- reasoning=- total=- cost=- count=1";
  };
  using V = std::vector<std::string>;
  const std::string full =
      R"({"svc":"a","tid":"t1","wf":"w1","prov":"OpenAI","model":"m1","in":5,"op":"embed","out":7})";
  const V full_events{call("alpha", "t1", "w1", "openai", "m1", "embed", "5", "7")};
  EXPECT_EQ(json("mix", full), full_events);
  // Only the memoized fields, then none of them.
  EXPECT_EQ(json("mix", R"({"tid":"t2","model":"m2","in":1,"out":2})"),
            V{call("svc", "t2", "none", "", "m2", "chat", "1", "2")});
  EXPECT_EQ(json("mix", R"({"svc":"b","prov":"X"})"),
            V{call("b", "", "none", "x", "", "chat", "-", "-")});
  // Names given twice are not indexed: every field the general way, the first member winning.
  EXPECT_EQ(json("mix", R"({"model":"m3","tid":"t3","model":"m4","in":3,"in":4,"prov":"P"})"),
            V{call("svc", "t3", "none", "p", "m3", "chat", "3", "-")});
  // Bad values: a common one (the other common fields are still read, the record makes no
  // event), and one of the rule's after memoized ones and before another.
  EXPECT_EQ(json("mix", R"({"tid":{"x":1},"model":"m5"})", "invalid_field"), V{});
  EXPECT_EQ(json("mix", R"({"model":"m6","in":-1,"out":2})", "invalid_field"), V{});
  EXPECT_EQ(json("mix", R"({"model":"m7","in":1,"out":"x"})", "invalid_field"), V{});
  // Two bad values: the first drops the event and ends the list (the second must not drop
  // another).
  EXPECT_EQ(json("mix", R"({"model":"m8","in":-1,"out":"x"})", "invalid_field"), V{});
  // lowercase: text with capitals anywhere is lowered, text without them is taken as it is.
  for (const auto& [given, lowered] :
       {std::pair{"gcp.Gemini", "gcp.gemini"}, std::pair{"openaI", "openai"},
        std::pair{"AZURE.AI", "azure.ai"}, std::pair{"x_ai-2", "x_ai-2"}}) {
    EXPECT_EQ(json("mix", R"({"prov":")" + std::string(given) + R"("})"),
              V{call("svc", "", "none", lowered, "", "chat", "-", "-")})
        << given;
  }
  // A list's first field present but not text: invalid, the list's next spec not tried (as
  // evaluate() decides it); present but null: absent, the next spec is.
  EXPECT_EQ(json("mix", R"({"model":"m9","op":{"x":1}})", "invalid_field"), V{});
  EXPECT_EQ(json("mix", R"({"model":"m9","op":null,"wf":null})"),
            V{call("svc", "", "none", "", "m9", "chat", "-", "-")});
  // Record after record of one layout into one buffer (the memo and the layout cache), with a
  // duplicated name in between.
  EventBuffer buffer;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& text :
         {full, std::string(R"({"svc":"a","tid":"t1","wf":"w1","prov":"OpenAI","model":"m1",)"
                            R"("in":5,"op":"embed","out":7,"out":8})")}) {
      rapidjson::Document doc;
      doc.Parse(text.data(), text.size());
      EXPECT_EQ(test::normalize_checked(mix, doc, buffer), full_events) << text;
    }
  }
  EXPECT_EQ(json("rooted", R"({"attributes":{"model":"r1","in":9}})"),
            V{"llm_call service=svc ts=0 trace= span= workflow= provider= model=r1 operation= "
              "outcome=success error_type= duration=- input=9 input_includes_cache=true "
              "output=- cache_read=- cache_creation=- reasoning=- total=- cost=- count=1"});
}

// ns_to_s, us_to_s and ms_to_s read alike every way: a plain spec is read memoized where the
// record's names are indexed (the number scaled where it is set), the general way where they are
// not (a name given twice), and a spec with a step (a default) through evaluate(). Integers,
// doubles and numeric strings are scaled; a negative, non-numeric or boolean value is invalid.
TEST_F(Language, SecondsConversionsReadAlikeEveryWay) {
  load(R"(
profiles:
  - name: ms
    rules:
      - emit: llm_call
        set: {duration_seconds: {field: lat, convert: ms_to_s}}
  - name: us
    rules:
      - emit: llm_call
        set: {duration_seconds: {field: lat, convert: us_to_s}}
  - name: ns
    rules:
      - emit: llm_call
        set: {duration_seconds: {field: lat, convert: ns_to_s}}
  - name: ms-stepped
    rules:
      - emit: llm_call
        set: {duration_seconds: {field: lat, convert: ms_to_s, default: 7}}
  - name: either
    rules:
      - emit: llm_call
        set: {duration_seconds: [{field: lat, convert: ms_to_s}, {field: lat_us, convert: us_to_s}]}
  - name: either-rooted
    roots: [attributes]
    rules:
      - emit: llm_call
        set:
          duration_seconds:
            - {field: d_ns, convert: ns_to_s}
            - {field: d_ms, convert: ms_to_s}
            - {field: d_s}
)");
  using Reading = Assignment::Reading;
  for (const char* name : {"ms", "us", "ns", "either"}) {
    EXPECT_EQ(set_.find(name)->rules[0].set[0].reading, Reading::kMemoized) << name;
  }
  EXPECT_EQ(set_.find("either-rooted")->rules[0].set[0].reading, Reading::kMemoizedRooted);
  EXPECT_EQ(set_.find("ms-stepped")->rules[0].set[0].reading, Reading::kGeneral);
  auto call = [](std::string_view duration) {
    return std::vector<std::string>{
        "llm_call service=svc ts=0 trace= span= workflow= provider= model= operation= "
        "outcome=success error_type= duration=" +
        std::string(duration) +
        " input=- input_includes_cache=true output=- cache_read=- cache_creation=- reasoning=- "
        "total=- cost=- count=1"};
  };
  const std::vector<std::string> none;
  for (const char* name : {"ms", "ms-stepped"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(json(name, R"({"lat":1500})"), call("1.5"));
    EXPECT_EQ(json(name, R"({"lat":1234.5})"), call("1.2345"));
    EXPECT_EQ(json(name, R"({"lat":"250"})"), call("0.25"));
    EXPECT_EQ(json(name, R"({"lat":0})"), call("0"));
    EXPECT_EQ(json(name, R"({"x":1,"lat":1500,"x":2})"), call("1.5"));  // not indexed
    EXPECT_EQ(json(name, R"({"lat":1500,"lat":2})"), call("1.5"));      // the first one
    EXPECT_EQ(json(name, R"({"lat":-1})", "invalid_field"), none);
    EXPECT_EQ(json(name, R"({"lat":"fast"})", "invalid_field"), none);
    EXPECT_EQ(json(name, R"({"lat":true})", "invalid_field"), none);
  }
  // Absent: no duration either way (a default stands in for an unmapped value, not a missing one).
  EXPECT_EQ(json("ms", R"({"other":1})"), call("-"));
  EXPECT_EQ(json("ms-stepped", R"({"other":1})"), call("-"));
  EXPECT_EQ(json("us", R"({"lat":1500})"), call("0.0015"));
  EXPECT_EQ(json("us", R"({"lat":"2500000"})"), call("2.5"));
  EXPECT_EQ(json("ns", R"({"lat":1500000000})"), call("1.5"));
  EXPECT_EQ(json("ns", R"({"lat":18446744073709551615})"), call("1.84467441e+10"));
  EXPECT_EQ(json("ns", R"({"lat":-5e9})", "invalid_field"), none);
  // Plain specs in a list of several: each scaled by its own conversion.
  EXPECT_EQ(json("either", R"({"lat":1500,"lat_us":9})"), call("1.5"));
  EXPECT_EQ(json("either", R"({"lat_us":1500})"), call("0.0015"));
  EXPECT_EQ(json("either", R"({"lat_us":"x"})", "invalid_field"), none);
  // A list whose first spec is read memoized (under a root here): the later specs only when its
  // field is absent or null; a present but bad value is invalid without trying them. Record after
  // record into one buffer too, the layouts alternating (the memo of each layout reused).
  const std::vector<std::pair<std::string, std::vector<std::string>>> rooted = {
      {R"({"d_ns":1500000000})", call("1.5")},
      {R"({"attributes":{"d_ns":2000000000}})", call("2")},
      {R"({"attributes":{"d_ms":250}})", call("0.25")},
      {R"({"d_ms":250,"attributes":{"d_s":3}})", call("0.25")},
      {R"({"attributes":{"d_s":3}})", call("3")},
      {R"({"attributes":{"d_ns":null,"d_ms":5}})", call("0.005")},
      {R"({"d_ns":null,"attributes":{"d_s":4}})", call("4")},
      {R"({"other":1})", call("-")},
  };
  EventBuffer buffer;
  for (int round = 0; round < 2; ++round) {
    for (const auto& [text, events] : rooted) {
      EXPECT_EQ(json("either-rooted", text), events) << text;
      rapidjson::Document doc;
      doc.Parse(text.data(), text.size());
      EXPECT_EQ(test::normalize_checked(*set_.find("either-rooted"), doc, buffer), events) << text;
    }
  }
  EXPECT_EQ(json("either-rooted", R"({"attributes":{"d_ns":"x","d_ms":5}})", "invalid_field"),
            none);
}

// A key looked up by scanning an object (below the record's top level, which is indexed): for
// every length up to past the inline compare's 16 bytes, a member differing from the key in any
// one byte is not the key, and neither is a flat dotted name differing from a join in one byte.
TEST_F(Language, ScannedNamesDifferingInOneByteAreOtherNames) {
  const std::string letters = "abcdefghijklmnopqrstuvwx";
  auto cmd = [](const std::string& c) {
    return "command service=svc ts=0 trace= span= workflow= command=" + c +
           " success=true error_code=";
  };
  for (std::size_t n = 1; n <= 20; ++n) {
    const std::string key = letters.substr(0, n);
    const std::string name = "p" + std::to_string(n);
    load("profiles:\n  - name: " + name +
         "\n    rules:\n      - emit: command\n        set: {command: {field: 'obj." + key +
         ".x'}}\n");
    for (std::size_t at = 0; at < n; ++at) {
      std::string other = key;
      other[at] = 'Z';
      SCOPED_TRACE(key + " / " + other);
      // Nested: obj.<other>.x is not obj.<key>.x; the key's own member after it is.
      EXPECT_EQ(json(name, R"({"obj":{")" + other + R"(":{"x":"wrong"},")" + key +
                               R"(":{"x":"right"}}})"),
                std::vector{cmd("right")});
      // Flat: "<other>.x" is no join of the key; "<key>.x" after it is.
      EXPECT_EQ(json(name, R"({"obj":{")" + other + R"(.x":"wrong",")" + key + R"(.x":"flat"}})"),
                std::vector{cmd("flat")});
      EXPECT_EQ(
          json(name, R"({"obj":{")" + key + ".Z" + R"(":"wrong",")" + other + R"(.x":"wrong"}})"),
          std::vector{cmd("")});
    }
  }
}

// Map keys and `in` values match whole texts only: not a prefix, not a longer text (each longer
// key comes before the shorter one it starts with), at lengths on both sides of the inline
// compare's 4-, 8- and 16-byte loads.
TEST_F(Language, MapKeysAndInValuesMatchWholeTexts) {
  load(R"(
profiles:
  - name: m
    rules:
      - when: [{field: k, in: [ab, abcdefgh, abcdefghijklmnopq]}]
        emit: command
        set:
          command: {field: k, map: {abc: three, ab: two, abcdefghijklmnop: sixteen, abcdefgh: eight,
                                    abcdefghijklmnopqr: eighteen, abcdefghijklmnopq: seventeen}}
)");
  auto cmd = [](const std::string& c) {
    return "command service=svc ts=0 trace= span= workflow= command=" + c +
           " success=true error_code=";
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(json("m", R"({"k":"ab"})"), V{cmd("two")});
  EXPECT_EQ(json("m", R"({"k":"abcdefgh"})"), V{cmd("eight")});
  EXPECT_EQ(json("m", R"({"k":"abcdefghijklmnopq"})"), V{cmd("seventeen")});
  // Prefixes and extensions of the `in` values are not in it.
  for (const char* k : {"a", "abc", "abcdefg", "abcdefghi", "abcdefghijklmnop",
                        "abcdefghijklmnopqr", "abcdefgX", "Xbcdefgh", "abcdefghijklmnoXq"}) {
    EXPECT_EQ(json("m", std::string(R"({"k":")") + k + R"("})"), V{}) << k;
  }
}

}  // namespace
}  // namespace specwatch
