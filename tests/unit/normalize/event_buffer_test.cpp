// normalize() into a reused EventBuffer, and the one-pass lookup of a record's top-level names
// (ObjectNames in normalize.cpp): both are speed-ups only, so they must yield exactly the events
// of the plain path (a fresh vector; paths resolved by scanning the members, as for nested
// objects and records with duplicate names).
#include "sidecar/normalize/event_buffer.h"

#include <gtest/gtest.h>

#include "sidecar/framing/json_parser.h"
#include "sidecar/normalize/profile_set.h"
#include "tests/unit/normalize/event_text.h"

namespace specwatch {
namespace {

const std::string kSamples = SPECWATCH_SAMPLES_DIR;

struct Result {
  std::vector<std::string> events;
  std::vector<std::string> reasons;
  bool operator==(const Result&) const = default;
};

// Appends members "~pad0".."~pad9" to every object record (or object element of an array record):
// names no path uses must not change what the paths find.
void pad(rapidjson::Value& v, rapidjson::Document::AllocatorType& alloc) {
  if (v.IsArray()) {
    for (auto& element : v.GetArray()) pad(element, alloc);
    return;
  }
  if (!v.IsObject()) return;
  for (int i = 0; i < 10; ++i) {
    rapidjson::Value name(("~pad" + std::to_string(i)).c_str(), alloc);
    v.AddMember(name, rapidjson::Value(i), alloc);
  }
}

struct Case {
  const char* profile;
  const char* file;
  bool text;
};

const Case kCases[] = {
    {"specular-trace", "specular/logs/trace_auto-1736965845.json", false},
    {"specular-trace", "specular/logs/trace_docs-1736966000.json", false},
    {"specular-log", "specular/logs/specular.log", false},
    {"specular-attestation", "specular/attestations/auto-1736965845.attestation.json", false},
    {"spec-agents-log", "spec-agents/pino.log", false},
    {"spec-agents-console", "spec-agents/console.log", true},
    {"spek-result", "spek/analyzer/result-flat.json", false},
    {"spek-result", "spek/analyzer/result-cli.json", false},
    {"specweaver-metrics", "specweaver/artifacts/metrics.json", false},
    {"specweaver-log", "specweaver/logs/specweaver.log", true},
    {"genai", "otel/genai.ndjson", false},
    {"generic", "generic/app.log", false},
};

TEST(EventBuffer, SameEventsAsAFreshVectorOnEverySample) {
  ProfileSet set;
  // One buffer for all profiles and files: its slots are reused across event kinds.
  EventBuffer buffer;
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.profile) + " " + c.file);
    const CompiledProfile* p = set.find(c.profile);
    ASSERT_NE(p, nullptr);
    Result plain, reused;
    std::vector<CanonicalEvent> events;
    auto one = [&](auto&& record) {
      events.clear();
      const std::string_view r1 = normalize(*p, record, "svc", events);
      if (!r1.empty()) plain.reasons.emplace_back(r1);
      for (const auto& e : test::describe(events)) plain.events.push_back(e);
      buffer.clear();
      const std::string_view r2 = normalize(*p, record, "svc", buffer);
      if (!r2.empty()) reused.reasons.emplace_back(r2);
      for (const auto& e : test::describe(buffer)) reused.events.push_back(e);
    };
    if (c.text) {
      for (const auto& line : test::read_lines(kSamples + "/" + c.file)) {
        one(std::string_view(line));
      }
    } else {
      for (const auto& doc : test::read_json_values(kSamples + "/" + c.file)) one(doc);
    }
    EXPECT_FALSE(plain.events.empty());
    EXPECT_EQ(reused, plain);
  }
}

// Text values copied into a reused event slot (assign_text): every length from 0 to 40 after every
// length from 0 to 40, into a common field the slot keeps and into a body field set_kind()
// empties. The fixed-size moves take 8 to 32 bytes into a field at least that long; the rest goes
// through std::string. normalize_checked() compares each record with a fresh vector.
TEST(EventBuffer, TextOfEveryLengthAfterEveryLengthInAReusedSlot) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: texts
    common:
      trace_id: {field: t}
    rules:
      - emit: llm_call
        set:
          model: {field: m}
)",
               "test.yaml");
  const CompiledProfile& p = *set.find("texts");
  EventBuffer buffer;
  // Distinct bytes at every position, so that a byte copied from the wrong place shows.
  auto text = [](std::size_t n, char first) {
    std::string t;
    for (std::size_t i = 0; i < n; ++i) t += static_cast<char>(first + i % 26);
    return t;
  };
  for (std::size_t before = 0; before <= 40; ++before) {
    for (std::size_t after = 0; after <= 40; ++after) {
      for (const auto& [n, first] : {std::pair{before, 'a'}, std::pair{after, 'A'}}) {
        const std::string t = text(n, first);
        const std::string m = text(40 - n, first);
        rapidjson::Document doc;
        doc.SetObject();
        doc.AddMember("t", rapidjson::StringRef(t.data(), t.size()), doc.GetAllocator());
        doc.AddMember("m", rapidjson::StringRef(m.data(), m.size()), doc.GetAllocator());
        test::normalize_checked(p, doc, buffer);
        ASSERT_EQ(buffer.size(), 1u);
        EXPECT_EQ(buffer[0].trace_id, t) << before << " then " << after;
        EXPECT_EQ(std::get<LlmCall>(buffer[0].body).model, m) << before << " then " << after;
      }
    }
  }
}

TEST(EventBuffer, UnusedMembersChangeNothing) {
  ProfileSet set;
  for (const Case& c : kCases) {
    if (c.text) continue;
    SCOPED_TRACE(std::string(c.profile) + " " + c.file);
    const CompiledProfile* p = set.find(c.profile);
    ASSERT_NE(p, nullptr);
    Result small, big;
    for (auto& doc : test::read_json_values(kSamples + "/" + c.file)) {
      std::vector<CanonicalEvent> events;
      const std::string_view r1 = normalize(*p, doc, "svc", events);
      if (!r1.empty()) small.reasons.emplace_back(r1);
      for (const auto& e : test::describe(events)) small.events.push_back(e);
      pad(doc, doc.GetAllocator());
      events.clear();
      const std::string_view r2 = normalize(*p, doc, "svc", events);
      if (!r2.empty()) big.reasons.emplace_back(r2);
      for (const auto& e : test::describe(events)) big.events.push_back(e);
    }
    EXPECT_FALSE(small.events.empty());
    EXPECT_EQ(big, small);
  }
}

// Nested, flat and half-flat spellings of one path, duplicates and nulls: the first member in
// record order that resolves wins (a duplicate name sends the record down the scanning path),
// with or without other members around.
TEST(EventBuffer, RecordNamesKeepMemberOrderDuplicatesAndNulls) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: tok
    rules:
      - emit: llm_call
        set:
          input_tokens: {field: 'a.b.c|z'}
)",
               "test.yaml");
  const CompiledProfile* p = set.find("tok");
  ASSERT_NE(p, nullptr);
  const std::string filler = R"("f1":0,"f2":0,"f3":0,"f4":0,"f5":0,"f6":0,"f7":0,"f8":0)";
  auto tokens = [&](std::string members) {
    std::string results;
    for (const std::string& text : {"{" + members + "}", "{" + members + "," + filler + "}"}) {
      rapidjson::Document doc;
      doc.Parse(text.data(), text.size());
      EXPECT_FALSE(doc.HasParseError()) << text;
      EventBuffer buffer;
      EXPECT_EQ(normalize(*p, doc, "svc", buffer), "") << text;
      EXPECT_EQ(buffer.size(), 1U) << text;
      if (buffer.size() != 1) return std::string("?");
      const auto& call = std::get<LlmCall>(buffer[0].body);
      results += call.input_tokens ? std::to_string(*call.input_tokens) : "-";
      results += ' ';
    }
    return results;
  };
  EXPECT_EQ(tokens(R"("a.b.c":2,"a":{"b":{"c":1}})"), "2 2 ");
  EXPECT_EQ(tokens(R"("a":{"b":{"c":1}},"a.b.c":2)"), "1 1 ");
  EXPECT_EQ(tokens(R"("a.b":{"c":3},"a":{"b":{"c":1}})"), "3 3 ");
  EXPECT_EQ(tokens(R"("a":{"x":1},"a":{"b":{"c":5}})"), "5 5 ");
  EXPECT_EQ(tokens(R"("a":{"b":{"x":1}},"a.b":{"c":6})"), "6 6 ");
  // A null found first shadows later spellings; the next alternative is tried.
  EXPECT_EQ(tokens(R"("a.b.c":null,"a":{"b":{"c":1}},"z":7)"), "7 7 ");
  EXPECT_EQ(tokens(R"("z":8)"), "8 8 ");
  EXPECT_EQ(tokens(R"("y":8)"), "- - ");
}

// The layout cache (EventBuffer::ObjectIndex::layout): one buffer normalizes records whose member
// names change from one record to the next, or stay the same, and must give exactly the events
// of a fresh vector each time.
class LayoutCache : public ::testing::Test {
 protected:
  // Normalizes `text` into the test's one buffer and returns its events, after checking that a
  // fresh vector (no cache) gives the same events and reason.
  std::vector<std::string> run(const CompiledProfile& p, const std::string& text) {
    SCOPED_TRACE(text);
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    EXPECT_FALSE(doc.HasParseError());
    return test::normalize_checked(p, doc, buffer_);
  }

  // Normalizes `text` read the pipeline's way (on simdjson's tape, one parser) into the test's one
  // buffer and returns its events, after checking that the same record as a RapidJSON value into
  // a fresh vector gives the same events and reason.
  std::vector<std::string> tape_run(const CompiledProfile& p, const std::string& text) {
    SCOPED_TRACE(text.size() > 200 ? text.substr(0, 200) + "…" : text);
    const ParseResult parsed = parser_.parse_view(text);
    EXPECT_TRUE(parsed.ok());
    EXPECT_TRUE(parsed.json.on_tape());
    buffer_.clear();
    const std::string_view reason = normalize(p, parsed.json, "svc", buffer_);
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    std::vector<CanonicalEvent> fresh;
    EXPECT_EQ(normalize(p, doc, "svc", fresh), reason);
    EXPECT_EQ(test::describe(buffer_), test::describe(fresh));
    return test::describe(buffer_);
  }

  // A profile that sets a log record's level from `lvl` and its error code from the paths
  // `error_code`.
  const CompiledProfile& lvl_profile(const std::string& error_code) {
    profiles_.add_yaml(R"(
profiles:
  - name: p
    rules:
      - emit: log_record
        set:
          level: {field: 'lvl'}
          error_code: {field: ')" +
                           error_code + "'}\n",
                       "test.yaml");
    return *profiles_.find("p");
  }

  static std::string level(const char* level, const char* error_code = "") {
    return std::string("log_record service=svc ts=0 trace= span= workflow= level=") + level +
           " error_code=" + error_code;
  }

  EventBuffer buffer_;
  ProfileSet profiles_;
  JsonParser parser_;
};

TEST_F(LayoutCache, LayoutChangesBetweenRecords) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: p
    rules:
      - emit: log_record
        set:
          level: {field: 'lvl|severity_of_the_record_aaaa_x', required: true}
          error_code: {field: 'err.code|code'}
)",
               "test.yaml");
  const CompiledProfile& p = *set.find("p");
  using V = std::vector<std::string>;
  EXPECT_EQ(run(p, R"({"lvl":"info","code":"A"})"), V{level("info", "A")});
  EXPECT_EQ(run(p, R"({"lvl":"warn","code":"B"})"), V{level("warn", "B")});  // same layout
  // The same names in another order, then one name replaced by another of the same length.
  EXPECT_EQ(run(p, R"({"code":"C","lvl":"error"})"), V{level("error", "C")});
  EXPECT_EQ(run(p, R"({"code":"D","lvx":"error"})"), V{});
  EXPECT_EQ(run(p, R"({"code":"E","lvl":"debug"})"), V{level("debug", "E")});
  // One member more, one fewer, a nested spelling, no members.
  EXPECT_EQ(run(p, R"({"code":"F","lvl":"info","x":1})"), V{level("info", "F")});
  EXPECT_EQ(run(p, R"({"lvl":"warn"})"), V{level("warn")});
  EXPECT_EQ(run(p, R"({"lvl":"warn","err":{"code":"G"}})"), V{level("warn", "G")});
  EXPECT_EQ(run(p, R"({"lvl":"warn","err.code":"H"})"), V{level("warn", "H")});
  EXPECT_EQ(run(p, R"({})"), V{});
  // Names longer than a MemberNameKey that agree in length and in their first and last 8 bytes.
  EXPECT_EQ(run(p, R"({"severity_of_the_record_aaaa_x":"fatal"})"), V{level("fatal")});
  EXPECT_EQ(run(p, R"({"severity_of_the_record_bbbb_x":"fatal"})"), V{});
  EXPECT_EQ(run(p, R"({"severity_of_the_record_aaaa_x":"info"})"), V{level("info")});
}

// Two layouts in turn (the current one and the one before, swapped back in), then a third that
// replaces the older of them: the same names in other orders, so that a position kept for the
// wrong layout reads another member.
TEST_F(LayoutCache, TwoLayoutsInTurnAndAThird) {
  const CompiledProfile& p = lvl_profile("code|err");
  using V = std::vector<std::string>;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    EXPECT_EQ(run(p, R"({"lvl":"info","code":"A"})"), V{level("info", "A")});
    EXPECT_EQ(run(p, R"({"code":"B","lvl":"warn"})"), V{level("warn", "B")});
    EXPECT_EQ(run(p, R"({"lvl":"error","code":"C"})"), V{level("error", "C")});
    EXPECT_EQ(run(p, R"({"code":"D","lvl":"debug"})"), V{level("debug", "D")});
    EXPECT_EQ(run(p, R"({"err":"E","lvl":"fatal"})"), V{level("fatal", "E")});
    EXPECT_EQ(run(p, R"({"lvl":"info","code":"F"})"), V{level("info", "F")});
    EXPECT_EQ(run(p, R"({"err":"G","lvl":"warn"})"), V{level("warn", "G")});
    EXPECT_EQ(run(p, R"({"code":"H","lvl":"error"})"), V{level("error", "H")});
  }
}

// A record whose producer vouches for its layout (Record::value_layout, the OTLP receivers' spans
// and logs) is read with the positions of the last record of that layout, its names not compared:
// a record that breaks the promise (the same names in another order) is read by position, which
// shows that no compare was made. Without the promise, or with another layout's, the names are
// compared and the record read by name.
TEST_F(LayoutCache, AVouchedLayoutIsReadWithoutComparingItsNames) {
  const CompiledProfile& p = lvl_profile("code");
  using V = std::vector<std::string>;
  const auto vouched = [&](const std::string& text, ValueLayout layout,
                           std::string_view reason = "") {
    SCOPED_TRACE(text);
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    EXPECT_FALSE(doc.HasParseError());
    buffer_.clear();
    EXPECT_EQ(normalize(p, JsonRef::of(doc), "svc", buffer_, layout), reason);
    return test::describe(buffer_);
  };
  EXPECT_EQ(vouched(R"({"lvl":"info","code":"A"})", ValueLayout::kOtlpSpan), V{level("info", "A")});
  EXPECT_EQ(vouched(R"({"lvl":"warn","code":"B"})", ValueLayout::kOtlpSpan), V{level("warn", "B")});
  const std::string reordered = R"({"code":"warn","lvl":"E"})";
  EXPECT_EQ(vouched(reordered, ValueLayout::kOtlpSpan), V{level("warn", "E")});  // by position
  EXPECT_EQ(vouched(reordered, ValueLayout::kUnknown, "invalid_field"), V{});    // by name
  EXPECT_EQ(vouched(reordered, ValueLayout::kOtlpLog, "invalid_field"), V{});
  // The first layout again, found as the one before and taken on its promise.
  EXPECT_EQ(vouched(R"({"lvl":"debug","code":"F"})", ValueLayout::kOtlpSpan),
            V{level("debug", "F")});
  EXPECT_EQ(vouched(R"({"code":"G","lvl":"error"})", ValueLayout::kUnknown),
            V{level("error", "G")});
}

TEST_F(LayoutCache, DuplicateNamesStayOnTheScanningPath) {
  const CompiledProfile& p = lvl_profile("code");
  using V = std::vector<std::string>;
  EXPECT_EQ(run(p, R"({"lvl":"info","code":"A"})"), V{level("info", "A")});
  // The first member of a duplicated name wins (a null one shadows the later one), also when the
  // same layout comes again.
  EXPECT_EQ(run(p, R"({"lvl":"warn","code":"B","lvl":"error"})"), V{level("warn", "B")});
  EXPECT_EQ(run(p, R"({"lvl":"debug","code":"C","lvl":"error"})"), V{level("debug", "C")});
  EXPECT_EQ(run(p, R"({"lvl":null,"code":"D","lvl":"error"})"), V{level("info", "D")});
  EXPECT_EQ(run(p, R"({"lvl":"fatal","code":"E"})"), V{level("fatal", "E")});
}

// A replaced profile (a reload) may be compiled at the address of the one it replaces, with other
// names at other ids: positions cached for the old profile must not be used for the new one.
TEST_F(LayoutCache, ProfileReplacedAtTheSameAddress) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: p
    rules:
      - emit: log_record
        set:
          level: {field: 'a'}
          error_code: {field: 'b'}
)",
               "old.yaml");
  CompiledProfile p = *set.find("p");
  using V = std::vector<std::string>;
  const std::string record = R"({"a":"info","b":"warn","c":"X"})";
  EXPECT_EQ(run(p, record), V{level("info", "warn")});
  EXPECT_EQ(run(p, record), V{level("info", "warn")});
  set.add_yaml(R"(
profiles:
  - name: p
    rules:
      - emit: log_record
        set:
          level: {field: 'b'}
          error_code: {field: 'c'}
)",
               "new.yaml");
  p = *set.find("p");  // same address, new record names
  EXPECT_EQ(run(p, record), V{level("warn", "X")});
  // Recompiling the same text gives a new indexing too (same names, but not known to be).
  set.add_yaml(R"(
profiles:
  - name: p
    rules:
      - emit: log_record
        set:
          level: {field: 'c|a'}
)",
               "newer.yaml");
  p = *set.find("p");
  EXPECT_EQ(run(p, R"({"a":"info","b":"warn","c":"debug"})"), V{level("debug")});
  EXPECT_EQ(run(p, R"({"a":"info","b":"warn","c":null})"), V{level("info")});
}

// The memo of what each alternative of a field reference finds (EventBuffer::Scratch::record's
// memo) belongs to one layout: records whose names change, alternatives that are present but null
// or without the nested key, and a reload that renumbers the references.
TEST_F(LayoutCache, FirstPresentAlternativeFollowsTheLayout) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: p
    common:
      trace_id: {field: 'tid|trace.id|t'}
    rules:
      - emit: log_record
        set:
          level: {field: 'lvl|level|sev', required: true}
          error_code: {field: 'err.type|code|err.code'}
)",
               "test.yaml");
  const CompiledProfile& p = *set.find("p");
  using V = std::vector<std::string>;
  auto with_trace = [](const char* trace, const char* lvl, const char* code = "") {
    return std::string("log_record service=svc ts=0 trace=") + trace +
           " span= workflow= level=" + lvl + " error_code=" + code;
  };
  EXPECT_EQ(run(p, R"({"level":"info","code":"A","t":"T1"})"), V{with_trace("T1", "info", "A")});
  EXPECT_EQ(run(p, R"({"level":"warn","code":"B","t":"T2"})"), V{with_trace("T2", "warn", "B")});
  // Same layout: a present first alternative that is null falls through to the next ones.
  EXPECT_EQ(run(p, R"({"level":null,"code":"C","t":"T3"})"), V{});
  // Another layout: an earlier alternative appears.
  EXPECT_EQ(run(p, R"({"lvl":"error","level":"info","code":"D","tid":"T4","t":"T0"})"),
            V{with_trace("T4", "error", "D")});
  EXPECT_EQ(run(p, R"({"lvl":null,"level":"debug","code":"E","tid":null,"t":"T5"})"),
            V{with_trace("T5", "debug", "E")});
  // A nested first alternative without its nested key, then with it; a flat dotted spelling.
  EXPECT_EQ(run(p, R"({"sev":"warn","err":{"x":1},"trace":{"y":2}})"), V{level("warn")});
  EXPECT_EQ(run(p, R"({"sev":"warn","err":{"type":"F"},"trace":{"id":"T6"}})"),
            V{with_trace("T6", "warn", "F")});
  EXPECT_EQ(run(p, R"({"sev":"warn","err":{"code":"G"},"trace.id":"T7"})"),
            V{with_trace("T7", "warn", "G")});
  EXPECT_EQ(run(p, R"({"sev":"warn","err":{"type":"H","code":"I"},"code":"J"})"),
            V{level("warn", "H")});
  // No alternative present at all, then present again in the same layout as before.
  EXPECT_EQ(run(p, R"({"x":"warn","y":"K"})"), V{});
  EXPECT_EQ(run(p, R"({"level":"info","code":"L","t":"T8"})"), V{with_trace("T8", "info", "L")});
  // Both spellings of a nested name (the first in record order wins), then one of them alone.
  EXPECT_EQ(run(p, R"({"sev":"info","err.type":"M","err":{"type":"N"}})"), V{level("info", "M")});
  EXPECT_EQ(run(p, R"({"sev":"info","err":{"type":"O"},"err.type":"P"})"), V{level("info", "O")});
  EXPECT_EQ(run(p, R"({"sev":"info","err":{"code":"Q"},"err.type":"R"})"), V{level("info", "R")});
  // A null at the first spelling in record order ends that alternative (as on the scanning path).
  EXPECT_EQ(run(p, R"({"sev":"info","err":{"type":null},"err.type":"S"})"), V{level("info")});
  EXPECT_EQ(run(p, R"({"sev":"info","err.type":null,"code":"U"})"), V{level("info", "U")});
  EXPECT_EQ(run(p, R"({"sev":"info","err.type":"V","code":"U"})"), V{level("info", "V")});
}

TEST_F(LayoutCache, FirstPresentAlternativeAcrossAReload) {
  ProfileSet set;
  set.add_yaml(R"(
profiles:
  - name: p
    rules:
      - emit: log_record
        set:
          level: {field: 'a|b'}
          error_code: {field: 'c|d'}
)",
               "old.yaml");
  CompiledProfile p = *set.find("p");
  using V = std::vector<std::string>;
  const std::string record = R"({"b":"info","d":"X","e":"warn","f":"Y"})";
  EXPECT_EQ(run(p, record), V{level("info", "X")});
  EXPECT_EQ(run(p, record), V{level("info", "X")});
  set.add_yaml(R"(
profiles:
  - name: p
    common:
      trace_id: {field: 'g|f'}
    rules:
      - emit: log_record
        set:
          level: {field: 'e|b'}
          error_code: {field: 'd|c'}
)",
               "new.yaml");
  p = *set.find("p");  // same address, references renumbered, other alternatives present
  EXPECT_EQ(run(p, record), V{"log_record service=svc ts=0 trace=Y span= workflow= level=warn "
                              "error_code=X"});
  EXPECT_EQ(run(p, R"({"b":"error","d":"Z","e":null,"f":"W"})"),
            V{"log_record service=svc ts=0 trace=W span= workflow= level=error error_code=Z"});
}

// Records on simdjson's tape through one buffer, as the pipeline reads a file: the layout check
// compares each name where simdjson stored it (stored_member_name.h). For every name length from
// 1 to 40 (a profile's field name is never empty), a record with the profile's names, then the same
// with one byte of a name changed (at every position, in the name the profile reads and in another
// member's), one byte longer and one shorter, each followed by the first record again. Each result
// is checked against the same record as a RapidJSON value into a fresh vector. A compare that
// missed a byte, the length or the rest of a long name would keep the first record's positions and
// read a member the record no longer has under that name.
TEST_F(LayoutCache, TapeRecordsNamesChangedAtEveryByte) {
  using V = std::vector<std::string>;
  const auto record = [](const std::string& name, const std::string& other) {
    return "{\"" + name + "\":\"warn\",\"" + other + "\":\"E\"}";
  };
  for (std::size_t length = 1; length <= 40; ++length) {
    SCOPED_TRACE(length);
    std::string name;
    for (std::size_t i = 0; i < length; ++i) name += static_cast<char>('a' + i % 26);
    const std::string other = "c" + name;
    ProfileSet set;
    set.add_yaml(
        "profiles:\n  - name: p\n    rules:\n      - emit: log_record\n        set:\n"
        "          level: {field: '" +
            name +
            "'}\n"
            "          error_code: {field: '" +
            other + "'}\n",
        "test.yaml");
    const CompiledProfile& p = *set.find("p");
    const V both{level("warn", "E")};  // without a level: info
    ASSERT_EQ(tape_run(p, record(name, other)), both);
    ASSERT_EQ(tape_run(p, record(name, other)), both);  // the same layout, found again
    for (std::size_t k = 0; k < length; ++k) {
      std::string changed = name;
      changed[k] = 'Z';
      EXPECT_EQ(tape_run(p, record(changed, other)), (V{level("info", "E")})) << k;
      EXPECT_EQ(tape_run(p, record(name, other)), both) << k;
    }
    for (std::size_t k = 0; k < other.size(); ++k) {
      std::string changed = other;
      changed[k] = 'Z';
      EXPECT_EQ(tape_run(p, record(name, changed)), (V{level("warn")})) << k;
      EXPECT_EQ(tape_run(p, record(name, other)), both) << k;
    }
    EXPECT_EQ(tape_run(p, record(name + "Z", other)), (V{level("info", "E")}));
    EXPECT_EQ(tape_run(p, record(name, other)), both);
    EXPECT_EQ(tape_run(p, record(name, other + "Z")), (V{level("warn")}));
    EXPECT_EQ(tape_run(p, record(name, other)), both);
    EXPECT_EQ(tape_run(p, record(name.substr(0, length - 1), other)), (V{level("info", "E")}));
    EXPECT_EQ(tape_run(p, record(name, other)), both);
  }
}

// The tape's name compare with names as hostile records write them: escapes that simdjson decodes
// before storing (an escaped quote, a \u escape spelling the same name as its raw UTF-8, which must
// count as the same layout), multi-byte UTF-8 names one bit apart, names of 300 bytes differing
// only in their middle or last byte, and a record of almost the largest size simdjson reads whose
// last string in the buffer is a one-byte name (the compare's fixed-size reads past it stay in
// simdjson's padding; `valgrind build/tests/unit/normalize/unit_normalize
// --gtest_filter='LayoutCache.Tape*'` reports no invalid read).
TEST_F(LayoutCache, TapeRecordsWithEscapedLongAndLastNames) {
  using V = std::vector<std::string>;
  const auto profile = [&](const std::string& level_field, const std::string& code_field) {
    auto set = std::make_unique<ProfileSet>();
    set->add_yaml(
        "profiles:\n  - name: p\n    rules:\n      - emit: log_record\n        set:\n"
        "          level: {field: '" +
            level_field +
            "'}\n"
            "          error_code: {field: '" +
            code_field + "'}\n",
        "test.yaml");
    return set;
  };
  {
    const auto set = profile("a\"b", "mod\u00e8le");
    const CompiledProfile& p = *set->find("p");
    const V both{level("warn", "E")};
    EXPECT_EQ(tape_run(p, R"({"a\"b":"warn","mod\u00e8le":"E"})"), both);
    EXPECT_EQ(tape_run(p, "{\"a\\\"b\":\"warn\",\"mod\u00e8le\":\"E\"}"), both);  // raw UTF-8
    EXPECT_EQ(tape_run(p, R"({"a\"c":"warn","mod\u00e8le":"E"})"), (V{level("info", "E")}));
    EXPECT_EQ(tape_run(p, R"({"a\"b":"warn","mod\u00e9le":"E"})"), (V{level("warn")}));
    EXPECT_EQ(tape_run(p, R"({"a\"b":"warn","mod\u00e8le":"E"})"), both);
  }
  {
    const std::string name(300, 'n');
    std::string middle = name, last = name;
    middle[150] = 'm';
    last[299] = 'm';
    const auto set = profile(name, "code");
    const CompiledProfile& p = *set->find("p");
    const auto record = [](const std::string& n) {
      return "{\"" + n + "\":\"warn\",\"code\":\"E\"}";
    };
    EXPECT_EQ(tape_run(p, record(name)), (V{level("warn", "E")}));
    EXPECT_EQ(tape_run(p, record(middle)), (V{level("info", "E")}));
    EXPECT_EQ(tape_run(p, record(name)), (V{level("warn", "E")}));
    EXPECT_EQ(tape_run(p, record(last)), (V{level("info", "E")}));
    EXPECT_EQ(tape_run(p, record(name)), (V{level("warn", "E")}));
  }
  {
    const auto set = profile("lvl", "c");
    const CompiledProfile& p = *set->find("p");
    // The padding value's length keeps the record just under kSimdMaxRecordBytes.
    const auto record = [](const std::string& last) {
      return R"({"pad":")" + std::string(kSimdMaxRecordBytes - 64, 'x') + R"(","lvl":"warn",")" +
             last + R"(":1})";
    };
    ASSERT_LE(record("c").size(), kSimdMaxRecordBytes);
    EXPECT_EQ(tape_run(p, record("c")), (V{level("warn", "1")}));
    EXPECT_EQ(tape_run(p, record("c")), (V{level("warn", "1")}));
    EXPECT_EQ(tape_run(p, record("d")), (V{level("warn")}));
    EXPECT_EQ(tape_run(p, record("c")), (V{level("warn", "1")}));
  }
}

}  // namespace
}  // namespace specwatch
