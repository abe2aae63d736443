// Lookups under `roots:` (the index of the object a root leads to, RootNames in normalize.cpp): a
// rooted alternative `attributes.p` finds `p` through the attributes object's own member-name
// index and a per-layout memo instead of scanning the object. A speed-up only: each test checks
// the exact values, that a fresh vector (no layout cache) gives what the reused buffer gives, and
// the last one that the same fields written without `roots:` (explicit `p|attributes.p`
// alternatives, read by scanning) give the same events on thousands of generated records.
#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "sidecar/normalize/event_buffer.h"
#include "sidecar/normalize/profile_set.h"
#include "tests/unit/normalize/event_text.h"

namespace specwatch {
namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

// A fallback event's three free-text fields: from_provider, to_provider and reason read the
// paths under test; "no event" when the record made none.
std::string fields(const EventBuffer& buffer) {
  if (buffer.size() != 1) return "no event";
  const auto& f = std::get<Fallback>(buffer[0].body);
  return "from=" + f.from_provider + " to=" + f.to_provider + " reason=" + f.reason;
}

// A profile `name` with the `header` lines (roots, ...) and one rule that emits a fallback with
// the `set` lines.
std::string fallback_profile(const std::string& name, const std::string& header,
                             const std::string& set) {
  return "profiles:\n  - name: " + name + "\n" + header +
         "    rules:\n      - emit: fallback\n        set:\n" + set;
}

class Roots : public ::testing::Test {
 protected:
  // Normalizes `text` into the test's one buffer (so that layouts are cached from record to
  // record) and returns fields(), after checking that a fresh vector gives the same events.
  std::string run(const CompiledProfile& p, const std::string& text) {
    SCOPED_TRACE(text);
    test::normalize_checked(p, parse(text), buffer_);
    return fields(buffer_);
  }

  const CompiledProfile& compile(const std::string& yaml) {
    set_.add_yaml(yaml, "test.yaml");
    return *set_.find("p");
  }

  ProfileSet set_;
  EventBuffer buffer_;
};

// The profile of most tests: three fields under `roots: [attributes]`, one with a flat dotted
// spelling, one with two alternatives, one with an array index.
std::string attributes_profile() {
  return fallback_profile("p", "    roots: [attributes]\n", R"(
          from_provider: {field: gen_ai.usage.input_tokens}
          to_provider: {field: 'x|y'}
          reason: {field: 'list[1].n'}
)");
}

std::string from(const char* v) {
  return std::string("from=") + v + " to= reason=";
}
std::string to(const char* v) {
  return std::string("from= to=") + v + " reason=";
}

TEST_F(Roots, FlatNestedAndHalfFlatSpellings) {
  const CompiledProfile& p = compile(attributes_profile());
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai.usage.input_tokens":5}})"), from("5"));
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai":{"usage":{"input_tokens":6}}}})"), from("6"));
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai.usage":{"input_tokens":7}}})"), from("7"));
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai":{"usage.input_tokens":8}}})"), from("8"));
  // Among other members, as OTLP spans carry them.
  EXPECT_EQ(run(p, R"({"name":"chat","attributes":{"gen_ai.operation.name":"chat",)"
                   R"("gen_ai.provider.name":"openai","gen_ai.usage.input_tokens":120,)"
                   R"("gen_ai.usage.output_tokens":42},"resource":{"service.name":"s"}})"),
            from("120"));
  // The record's own flat keys that spell the root and the path together.
  EXPECT_EQ(run(p, R"({"attributes.gen_ai.usage.input_tokens":9})"), from("9"));
  EXPECT_EQ(run(p, R"({"attributes.gen_ai":{"usage.input_tokens":10},)"
                   R"("attributes":{"gen_ai.usage.input_tokens":11}})"),
            from("10"));
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai.usage.input_tokens":11},)"
                   R"("attributes.gen_ai":{"usage.input_tokens":10}})"),
            from("11"));
}

TEST_F(Roots, FirstSpellingInMemberOrderWins) {
  const CompiledProfile& p = compile(attributes_profile());
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai":{"usage":{"input_tokens":1}},)"
                   R"("gen_ai.usage.input_tokens":2}})"),
            from("1"));
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai.usage.input_tokens":2,)"
                   R"("gen_ai":{"usage":{"input_tokens":1}}}})"),
            from("2"));
  // A first spelling without the rest of the path does not stop the search ...
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai":{"usage":{}},"gen_ai.usage.input_tokens":3}})"),
            from("3"));
  // ... but a null one is found, and counts as absent.
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai.usage.input_tokens":null,)"
                   R"("gen_ai":{"usage":{"input_tokens":4}}}})"),
            from(""));
}

// Each field's alternatives in declaration order, each one's rooted spelling right after it: a
// top-level value wins over the rooted one of the same path, not over an earlier path's.
TEST_F(Roots, AlternativesKeepTheirOrder) {
  const CompiledProfile& p = compile(attributes_profile());
  EXPECT_EQ(run(p, R"({"x":"top","attributes":{"x":"root"}})"), to("top"));
  EXPECT_EQ(run(p, R"({"attributes":{"x":"root"},"x":"top"})"), to("top"));
  EXPECT_EQ(run(p, R"({"y":"top-y","attributes":{"x":"root-x"}})"), to("root-x"));
  EXPECT_EQ(run(p, R"({"x":null,"attributes":{"x":"root"}})"), to("root"));
  EXPECT_EQ(run(p, R"({"attributes":{"y":"root-y"},"x":null})"), to("root-y"));
  EXPECT_EQ(run(p, R"({"attributes":{"x":null,"y":"root-y"},"y":"top-y"})"), to("top-y"));
  EXPECT_EQ(run(p, R"({"attributes":{"z":1}})"), to(""));
}

TEST_F(Roots, RootThatIsNotAnObjectAndArrayIndexes) {
  const CompiledProfile& p = compile(attributes_profile());
  EXPECT_EQ(run(p, R"({"attributes":"text","x":"top"})"), to("top"));
  EXPECT_EQ(run(p, R"({"attributes":[{"x":"in-array"}],"y":"top-y"})"), to("top-y"));
  EXPECT_EQ(run(p, R"({"attributes":null,"x":"top"})"), to("top"));
  EXPECT_EQ(run(p, R"({"attributes":5})"), to(""));
  EXPECT_EQ(run(p, R"([{"attributes":{"x":"element"}}])"), to(""));  // not split_arrays
  EXPECT_EQ(run(p, R"("attributes")"), to(""));
  // An array index in the rest of the path, under the root and in a flat key spelling the root.
  EXPECT_EQ(run(p, R"({"attributes":{"list":[{"n":"a"},{"n":"b"}]}})"), "from= to= reason=b");
  EXPECT_EQ(run(p, R"({"attributes":{"list":[{"n":"a"}]}})"), "from= to= reason=");
  EXPECT_EQ(run(p, R"({"attributes":{"list":{"1":{"n":"c"}}}})"), "from= to= reason=");
  EXPECT_EQ(run(p, R"({"attributes.list":[{"n":"a"},{"n":"d"}]})"), "from= to= reason=d");
}

// One buffer: the attributes' names change from record to record (same count, other names; a
// name removed or added, another order), or stay while the record's own names change.
TEST_F(Roots, AttributesLayoutChangesBetweenRecords) {
  const CompiledProfile& p = compile(attributes_profile());
  auto both = [](const char* from, const char* to) {
    return std::string("from=") + from + " to=" + to + " reason=";
  };
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai.usage.input_tokens":1,"x":"a"}})"), both("1", "a"));
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai.usage.input_tokens":2,"x":"b"}})"), both("2", "b"));
  EXPECT_EQ(run(p, R"({"attributes":{"gen_ai.usage.output_tokens":3,"y":"c"}})"), both("", "c"));
  EXPECT_EQ(run(p, R"({"attributes":{"x":"d","gen_ai.usage.input_tokens":4}})"), both("4", "d"));
  EXPECT_EQ(run(p, R"({"attributes":{"x":"e"}})"), both("", "e"));
  EXPECT_EQ(run(p, R"({"attributes":{"x":"f","gen_ai.usage.input_tokens":6,"z":0}})"),
            both("6", "f"));
  // Same length, same first and last 8 bytes: only the middle of the long name differs.
  EXPECT_EQ(run(p, R"({"attributes":{"x":"g","gen_ai.usage.inpXt_tokens":7,"z":0}})"),
            both("", "g"));
  EXPECT_EQ(run(p, R"({"attributes":{"x":"h","gen_ai.usage.input_tokens":8,"z":0}})"),
            both("8", "h"));
  // The record's layout changes, the attributes' does not; then the other way round.
  EXPECT_EQ(run(p, R"({"a":1,"attributes":{"x":"i","gen_ai.usage.input_tokens":9,"z":0}})"),
            both("9", "i"));
  EXPECT_EQ(run(p, R"({"a":1,"attributes":{"x":"j","gen_ai":{"usage":{"input_tokens":10}},)"
                   R"("z":0}})"),
            both("10", "j"));
  EXPECT_EQ(run(p, R"({"a":1,"attributes":{"z":"k","gen_ai":{"usage":{"input_tokens":11}},)"
                   R"("x":0}})"),
            both("11", "0"));
  EXPECT_EQ(run(p, R"({"x":"l"})"), both("", "l"));
  EXPECT_EQ(run(p, R"({"attributes":{}})"), both("", ""));
  EXPECT_EQ(run(p, R"({"attributes":{"x":"m","gen_ai.usage.input_tokens":12,"z":0}})"),
            both("12", "m"));
}

// A rooted field is decided once per pair of layouts (the record's, its attributes'; RefMemo):
// the same record layout with its attributes in another order or with other names is decided
// anew; a present value that is null, or attributes that are no object, go the general way.
TEST_F(Roots, AFieldIsDecidedAgainWhenOnlyTheAttributesLayoutChanges) {
  const CompiledProfile& p = compile(attributes_profile());
  for (int round = 0; round < 2; ++round) {  // the second time with every layout seen before
    SCOPED_TRACE(round);
    EXPECT_EQ(run(p, R"({"attributes":{"x":"a1","y":"b1"}})"), to("a1"));
    EXPECT_EQ(run(p, R"({"attributes":{"x":"a2","y":"b2"}})"), to("a2"));
    EXPECT_EQ(run(p, R"({"attributes":{"y":"b3","x":"a3"}})"), to("a3"));
    EXPECT_EQ(run(p, R"({"attributes":{"y":"b4","x":"a4"}})"), to("a4"));
    EXPECT_EQ(run(p, R"({"attributes":{"y":"b5","q":"c5"}})"), to("b5"));
    EXPECT_EQ(run(p, R"({"attributes":{"y":null,"q":"c6"}})"), to(""));
    EXPECT_EQ(run(p, R"({"attributes":{"y":"b7","x":null}})"), to("b7"));
    EXPECT_EQ(run(p, R"({"attributes":{"y":"b8","x":"a8"}})"), to("a8"));
    EXPECT_EQ(run(p, R"({"attributes":"text"})"), to(""));
    EXPECT_EQ(run(p, R"({"attributes":{"y":"b9","x":"a9"}})"), to("a9"));
    EXPECT_EQ(run(p, R"({"attributes":{"q":"c10"}})"), to(""));
    EXPECT_EQ(run(p, R"({"attributes":{"x":"a11","y":"b11"}})"), to("a11"));
    // A top-level spelling before the rooted one: decided by the record's layout.
    EXPECT_EQ(run(p, R"({"x":"top","attributes":{"x":"a12"}})"), to("top"));
    EXPECT_EQ(run(p, R"({"x":null,"attributes":{"x":"a13"}})"), to("a13"));
  }
}

// The attributes' layouts alternate (a failed call's span has one attribute more) and now and
// then a third comes: each record reads its own layout's positions, whichever of a field's two
// RefMemos was made for it, and neither is taken for the other layout.
TEST_F(Roots, TwoAttributeLayoutsInTurnAndAThird) {
  const CompiledProfile& p = compile(attributes_profile());
  for (int i = 0; i < 12; ++i) {
    SCOPED_TRACE(i);
    const std::string n = std::to_string(i);
    if (i % 5 == 4) {  // a third layout: x is absent, y at another position
      EXPECT_EQ(run(p, R"({"attributes":{"q":"c","e":"E","y":"b)" + n + R"("}})"),
                to(("b" + n).c_str()));
    } else if (i % 2 == 0) {
      EXPECT_EQ(run(p, R"({"attributes":{"x":"a)" + n + R"(","y":"b"}})"), to(("a" + n).c_str()));
    } else {  // one member more, before the others: every position differs
      EXPECT_EQ(run(p, R"({"attributes":{"e":"E","y":"b)" + n + R"(","x":"a)" + n + R"("}})"),
                to(("a" + n).c_str()));
    }
  }
  // The two layouts again, now with x absent from the second: y there, x in the first.
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    const std::string n = std::to_string(i);
    EXPECT_EQ(run(p, R"({"attributes":{"x":"a)" + n + R"(","y":"b"}})"), to(("a" + n).c_str()));
    EXPECT_EQ(run(p, R"({"attributes":{"e":"E","y":"b)" + n + R"(","z":"c"}})"),
              to(("b" + n).c_str()));
  }
}

TEST_F(Roots, DuplicateNames) {
  const CompiledProfile& p = compile(attributes_profile());
  for (int round = 0; round < 2; ++round) {  // the second time with the layouts cached
    SCOPED_TRACE(round);
    EXPECT_EQ(run(p, R"({"attributes":{"x":"first","x":"second"}})"), to("first"));
    EXPECT_EQ(run(p, R"({"attributes":{"x":null,"x":"second"},"y":"top-y"})"), to("top-y"));
    EXPECT_EQ(run(p, R"({"attributes":{"gen_ai":{"x":1},"gen_ai":{"usage":{"input_tokens":12}}}})"),
              from("12"));
    // A duplicate name no path reads.
    EXPECT_EQ(run(p, R"({"attributes":{"q":1,"q":2,"x":"ok"}})"), to("ok"));
    // The root itself twice: each object is tried in member order.
    EXPECT_EQ(run(p, R"({"attributes":{"x":"one"},"attributes":{"x":"two"}})"), to("one"));
    EXPECT_EQ(run(p, R"({"attributes":{"y":"one"},"attributes":{"x":"two"}})"), to("two"));
  }
}

TEST_F(Roots, MultiSegmentRoot) {
  const CompiledProfile& p = compile(
      fallback_profile("p", "    roots: ['span.attrs']\n", "          to_provider: {field: x}\n"));
  EXPECT_EQ(run(p, R"({"span":{"attrs":{"x":"nested"}}})"), to("nested"));
  EXPECT_EQ(run(p, R"({"span.attrs":{"x":"flat"}})"), to("flat"));
  EXPECT_EQ(run(p, R"({"span":{"attrs.x":"half"}})"), to("half"));
  // Two objects the root leads to: the first in member order that has the path.
  EXPECT_EQ(run(p, R"({"span.attrs":{"y":1},"span":{"attrs":{"x":"second"}}})"), to("second"));
  EXPECT_EQ(run(p, R"({"span.attrs":{"x":"first"},"span":{"attrs":{"x":"second"}}})"), to("first"));
}

TEST_F(Roots, EveryElementOfASplitArray) {
  const CompiledProfile& p =
      compile(fallback_profile("p", "    split_arrays: true\n    roots: [attributes]\n",
                               "          to_provider: {field: x}\n"));
  const rapidjson::Document doc =
      parse(R"([{"attributes":{"x":"a"}},{"attributes":{"y":0,"x":"b"}},{"attributes":{"x":"c"}},)"
            R"({"x":"d"},{"attributes":"e"}])");
  buffer_.clear();
  EXPECT_EQ(normalize(p, doc, "svc", buffer_), "");
  std::vector<std::string> tos;
  for (const auto& e : buffer_) tos.push_back(std::get<Fallback>(e.body).to_provider);
  EXPECT_EQ(tos, (std::vector<std::string>{"a", "b", "c", "d", ""}));
  test::expect_same_on_tape(p, doc, "", test::describe(buffer_));
}

// An extending profile may list other roots than its base: each root path keeps its own index,
// the base's rules its roots, the extension's fields theirs.
TEST_F(Roots, ExtendingProfileWithOtherRoots) {
  set_.add_yaml(R"(
profiles:
  - name: base
    roots: [attributes]
    rules:
      - emit: fallback
        set:
          to_provider: {field: x}
  - name: p
    extends: base
    roots: [resource, attributes]
    common:
      workflow_id: {field: x}
)",
                "test.yaml");
  const CompiledProfile& p = *set_.find("p");
  const std::string record = R"({"resource":{"x":"R"},"attributes":{"x":"A"}})";
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(run(p, record), to("A"));
    EXPECT_EQ(buffer_[0].workflow_id, "R");
  }
  EXPECT_EQ(run(p, R"({"resource":{"y":"R"},"attributes":{"x":"A"}})"), to("A"));
  EXPECT_EQ(buffer_[0].workflow_id, "A");
}

// A reload may compile a profile at the address of the one it replaces, with other roots and other
// names at other ids: what the root indexes cached for the old one must not be used.
TEST_F(Roots, ProfileReplacedAtTheSameAddress) {
  CompiledProfile p = compile(
      fallback_profile("p", "    roots: [attributes]\n", "          to_provider: {field: x}\n"));
  const std::string record = R"({"attributes":{"x":"A","y":"B"},"attrs":{"x":"C","y":"D"}})";
  EXPECT_EQ(run(p, record), to("A"));
  EXPECT_EQ(run(p, record), to("A"));
  p = compile(fallback_profile("p", "    roots: [attrs]\n", "          to_provider: {field: y}\n"));
  EXPECT_EQ(run(p, record), to("D"));
  EXPECT_EQ(run(p, record), to("D"));
  p = compile(fallback_profile("p", "    roots: [attributes, attrs]\n",
                               "          to_provider: {field: 'w|y|x'}\n"));
  EXPECT_EQ(run(p, record), to("B"));
  EXPECT_EQ(run(p, R"({"attributes":{"x":"A","w":null},"attrs":{"x":"C","y":"D"}})"), to("D"));
}

// The built-in otlp-span profile on a span as the OTLP receivers write it.
TEST_F(Roots, OtlpSpanRecord) {
  const CompiledProfile& p = *set_.find("otlp-span");
  const rapidjson::Document doc =
      parse(R"({"signal":"span","name":"chat gpt-4o","kind":"client",)"
            R"("trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"a1a2a3a4a5a6a7a8",)"
            R"("parent_span_id":"","start_time_unix_nano":1700000000000000000,)"
            R"("duration_ns":1500000000,"status":{"code":"error","message":"rate limited"},)"
            R"("attributes":{"gen_ai.operation.name":"chat","gen_ai.provider.name":"openai",)"
            R"("gen_ai.request.model":"gpt-4o","gen_ai.usage.input_tokens":120,)"
            R"("gen_ai.usage.output_tokens":42,"gen_ai.usage.cache_read.input_tokens":100,)"
            R"("error.type":"429","tags":["a","b"]},)"
            R"("resource":{"service.name":"specular","service.version":"1.2.0"},)"
            R"("scope":{"name":"specular/provider","version":"0.9"},"events":[]})");
  for (int round = 0; round < 2; ++round) {  // the second time with the layouts cached
    EXPECT_EQ(
        test::normalize_checked(p, doc, buffer_),
        std::vector<std::string>{
            "llm_call service=specular ts=1700000000000000000 "
            "trace=0102030405060708090a0b0c0d0e0f10 span=a1a2a3a4a5a6a7a8 workflow= "
            "provider=openai model=gpt-4o operation=chat outcome=error error_type=rate_limited "
            "duration=1.5 input=120 input_includes_cache=true output=42 cache_read=100 "
            "cache_creation=- reasoning=- total=- cost=- count=1"});
  }
}

// Generated records: JSON text of members drawn from the spellings the fields below read (flat,
// nested, half-flat; nulls; duplicates; roots that are not objects; flat keys spelling the root),
// in random order. Each structure is used twice with other values, so that the second record
// meets its layouts in the cache.
class RecordGenerator {
 public:
  std::string record(std::uint32_t structure, std::uint32_t values) {
    shape_.seed(structure);
    values_.seed(values);
    return object(2, true);
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(shape_); }

  std::string value() {
    switch (std::uniform_int_distribution<int>(0, 4)(values_)) {
      case 0:
        return "null";
      case 1:
        return std::to_string(values_() % 1000);
      default:
        return "\"v" + std::to_string(values_() % 1000) + "\"";
    }
  }

  std::string member(int depth, bool top) {
    static const char* const kNames[] = {"gen_ai",
                                         "gen_ai.provider.name",
                                         "gen_ai.system",
                                         "gen_ai.provider",
                                         "provider",
                                         "name",
                                         "system",
                                         "gen_ai.usage",
                                         "usage",
                                         "input_tokens",
                                         "prompt_tokens",
                                         "gen_ai.usage.input_tokens",
                                         "usage.input_tokens",
                                         "list",
                                         "n",
                                         "error",
                                         "error.type",
                                         "type",
                                         "trace_id",
                                         "traceId",
                                         "attributes",
                                         "attributes.gen_ai",
                                         "attributes.gen_ai.system",
                                         "other"};
    const std::string name = kNames[pick(std::size(kNames))];
    std::string text = "\"" + name + "\":";
    const int kind = pick(top && name == "attributes" ? 2 : 6);
    if (name == "attributes" && kind == 1) return text + (pick(2) == 0 ? "\"text\"" : "[1]");
    if (name == "list") return text + list(depth);
    if (depth > 0 && kind < 2) return text + object(depth - 1, false);
    return text + value();
  }

  std::string list(int depth) {
    std::string text = "[";
    const int n = pick(4);
    for (int i = 0; i < n; ++i) {
      if (i > 0) text += ',';
      text += depth > 0 && pick(3) != 0 ? object(depth - 1, false) : value();
    }
    return text + "]";
  }

  std::string object(int depth, bool top) {
    std::string text = "{";
    const int n = pick(top ? 9 : 5);
    for (int i = 0; i < n; ++i) {
      if (i > 0) text += ',';
      text += member(depth, top);
    }
    if (top && pick(4) != 0) {  // most records have the root, as spans do
      text += std::string(n > 0 ? "," : "") + "\"attributes\":" + object(depth, false);
    }
    return text + "}";
  }

  std::mt19937 shape_;
  std::mt19937 values_;
};

// The fields of the generated-records test; `roots` is spliced in.
std::string generated_profile(const std::string& name, const std::string& roots) {
  return R"(
profiles:
  - name: )" +
         name + "\n" + roots + R"(
    common:
      trace_id: {field: 'trace_id|traceId'}
    rules:
      - emit: fallback
        set:
          from_provider: {field: 'gen_ai.provider.name|gen_ai.system'}
          to_provider: {field: [gen_ai.usage.input_tokens, gen_ai.usage.prompt_tokens]}
          reason: {field: 'list[1].n|error.type'}
      - emit: command
        when:
          - {field: gen_ai.system, exists: true}
        set:
          command: {field: 'list[0].n|gen_ai.provider'}
)";
}

TEST_F(Roots, SameEventsAsExplicitAlternativesOnGeneratedRecords) {
  set_.add_yaml(generated_profile("rooted", "    roots: [attributes]"), "rooted.yaml");
  set_.add_yaml(generated_profile("unrooted", ""), "unrooted.yaml");
  // What the compiler makes of `roots: [attributes]`, written out: read by scanning.
  set_.add_yaml(R"(
profiles:
  - name: explicit
    common:
      trace_id: {field: 'trace_id|attributes.trace_id|traceId|attributes.traceId'}
    rules:
      - emit: fallback
        set:
          from_provider:
            field: [gen_ai.provider.name, attributes.gen_ai.provider.name, gen_ai.system,
                    attributes.gen_ai.system]
          to_provider:
            field: [gen_ai.usage.input_tokens, attributes.gen_ai.usage.input_tokens,
                    gen_ai.usage.prompt_tokens, attributes.gen_ai.usage.prompt_tokens]
          reason: {field: 'list[1].n|attributes.list[1].n|error.type|attributes.error.type'}
      - emit: command
        when:
          - {field: gen_ai.system|attributes.gen_ai.system, exists: true}
        set:
          command:
            field: ['list[0].n', 'attributes.list[0].n', gen_ai.provider,
                    attributes.gen_ai.provider]
)",
                "explicit.yaml");
  const CompiledProfile& rooted = *set_.find("rooted");
  const CompiledProfile& plain = *set_.find("explicit");
  const CompiledProfile& unrooted = *set_.find("unrooted");
  RecordGenerator generator;
  EventBuffer explicit_buffer;
  int from_roots = 0;  // records whose events the roots change
  for (std::uint32_t i = 0; i < 6000; ++i) {
    const std::string text = generator.record(i / 2, i);
    SCOPED_TRACE(text);
    const rapidjson::Document doc = parse(text);
    std::vector<CanonicalEvent> fresh;
    const std::string_view r1 = normalize(rooted, doc, "svc", fresh);
    buffer_.clear();
    const std::string_view r2 = normalize(rooted, doc, "svc", buffer_);
    explicit_buffer.clear();
    const std::string_view r3 = normalize(plain, doc, "svc", explicit_buffer);
    ASSERT_EQ(r2, r1);
    ASSERT_EQ(r3, r1);
    ASSERT_EQ(test::describe(buffer_), test::describe(fresh));
    ASSERT_EQ(test::describe(explicit_buffer), test::describe(fresh));
    test::expect_same_on_tape(rooted, doc, r1, test::describe(fresh));
    std::vector<CanonicalEvent> top_level_only;
    normalize(unrooted, doc, "svc", top_level_only);
    if (test::describe(top_level_only) != test::describe(fresh)) ++from_roots;
  }
  // The generator reaches values under the root often enough to mean something.
  EXPECT_GT(from_roots, 1000);
}

}  // namespace
}  // namespace specwatch
