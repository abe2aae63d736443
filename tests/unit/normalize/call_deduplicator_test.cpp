// CallDeduplicator: one provider call described by a parent and a child span is counted once,
// whichever arrives first; the state expires and is bounded.
#include "sidecar/normalize/call_deduplicator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sidecar/core/error_reporter.h"
#include "sidecar/core/logger.h"
#include "sidecar/normalize/normalize_stage.h"
#include "tests/support/metrics_text.h"

namespace specwatch {
namespace {

using std::chrono::seconds;

struct CallDeduplicatorTest : ::testing::Test {
  std::chrono::steady_clock::time_point now{};
  CallDeduplicator make(std::size_t max_entries = 100) {
    CallDeduplicator d(nullptr, {max_entries, seconds(60)}, [this] { return now; });
    d.begin_batch();
    return d;
  }
};

TEST_F(CallDeduplicatorTest, TheChildFirstCountsAndItsParentIsDropped) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "child", "parent"));
  EXPECT_FALSE(d.admit("t1", "parent", ""));
  EXPECT_EQ(d.deduplicated(), 1u);
}

TEST_F(CallDeduplicatorTest, TheParentFirstCountsAndTheChildThatFollowsIsDropped) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "parent", ""));
  EXPECT_FALSE(d.admit("t1", "child", "parent"));
  EXPECT_EQ(d.deduplicated(), 1u);
}

TEST_F(CallDeduplicatorTest, AChainOfThreeIsOneCall) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "sdk", "library"));
  EXPECT_FALSE(d.admit("t1", "library", "framework"));
  EXPECT_FALSE(d.admit("t1", "framework", ""));
  EXPECT_EQ(d.deduplicated(), 2u);
}

TEST_F(CallDeduplicatorTest, SiblingsUnderOneParentAndOtherTracesAreSeparateCalls) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "step1", "generateText"));
  EXPECT_TRUE(d.admit("t1", "step2", "generateText"));
  // The same span ids in another trace are other spans.
  EXPECT_TRUE(d.admit("t2", "generateText", ""));
  EXPECT_TRUE(d.admit("t2", "step1", "other"));
  // No trace or span id: not a span, always counted.
  EXPECT_TRUE(d.admit("", "", ""));
  EXPECT_TRUE(d.admit("", "", ""));
  EXPECT_EQ(d.deduplicated(), 0u);
}

TEST_F(CallDeduplicatorTest, EntriesAreKeptAtLeastOneTtlAndAtMostTwo) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "child", "parent"));
  EXPECT_EQ(d.size(), 2u);
  now += seconds(61);
  d.begin_batch();
  EXPECT_FALSE(d.admit("t1", "parent", ""));  // still known after one ttl
  EXPECT_TRUE(d.admit("t2", "child", "parent"));
  now += seconds(61);
  d.begin_batch();
  // Forgotten after two: the child counted at the start is unknown now, so a span under it is
  // counted.
  EXPECT_TRUE(d.admit("t1", "grandchild", "child"));
  EXPECT_FALSE(d.admit("t2", "parent", ""));  // one generation younger: still known
  now += seconds(200);
  d.begin_batch();
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.evictions(), 0u);
}

TEST_F(CallDeduplicatorTest, AFullStateForgetsItsOldestEntriesAndCountsThem) {
  prometheus::Registry registry;
  CallDeduplicator d(&registry, {4, seconds(60)}, [this] { return now; });
  d.begin_batch();
  // Generations of at most 2 entries.
  EXPECT_TRUE(d.admit("t1", "c1", "p1"));  // current: c1 p1
  EXPECT_TRUE(d.admit("t2", "c2", "p2"));  // full: previous c1 p1, current c2 p2
  EXPECT_TRUE(d.admit("t3", "c3", "p3"));  // full: c1 p1 forgotten early
  EXPECT_EQ(d.size(), 4u);
  EXPECT_EQ(d.evictions(), 2u);
  EXPECT_TRUE(d.admit("t1", "p1", ""));   // forgotten early: counted again (c2 p2 forgotten)
  EXPECT_FALSE(d.admit("t3", "p3", ""));  // still known
  const auto m = testing::parse_metrics(testing::render(registry));
  EXPECT_EQ(testing::value_of(m, "specwatch_llm_call_dedup_evictions_total"), 4);
  EXPECT_EQ(testing::value_of(m, "specwatch_llm_calls_deduplicated_total"), 1);
}

TEST_F(CallDeduplicatorTest, AGenerationReusedAfterRotationsKnowsNothingOfItsPastSpans) {
  CallDeduplicator d = make(20000);
  // 5,000 parents: the generation's table grows well beyond its first 1,024 slots.
  for (int i = 0; i < 5000; ++i) EXPECT_TRUE(d.admit("t", "p" + std::to_string(i), ""));
  EXPECT_EQ(d.size(), 5000u);
  now += seconds(61);
  d.begin_batch();  // the parents' generation is the previous one; a fresh one is current
  for (int i = 0; i < 5000; i += 2) {
    EXPECT_FALSE(d.admit("t", "c" + std::to_string(i), "p" + std::to_string(i)));
  }
  EXPECT_EQ(d.deduplicated(), 2500u);
  now += seconds(61);
  d.begin_batch();  // the parents forgotten: their table, emptied, is the current one again
  EXPECT_EQ(d.size(), 5000u);  // the children's 2,500 entries and the parents they marked
  for (int i = 1; i < 5000; i += 2) {
    EXPECT_TRUE(d.admit("t", "c" + std::to_string(i), "p" + std::to_string(i))) << i;
  }
  EXPECT_EQ(d.deduplicated(), 2500u);
  // The reused table works as a new one: a parent after its child is dropped.
  EXPECT_FALSE(d.admit("t", "p1", ""));
  EXPECT_EQ(d.deduplicated(), 2501u);
  EXPECT_EQ(d.size(), 10000u);
}

}  // namespace
}  // namespace specwatch

namespace specwatch {
namespace {

// What the stage hands on: "<record index>:<span id>" per llm_call event.
class CallRecorder final : public EventConsumer {
 public:
  const std::string& name() const override { return name_; }
  void consume(const EventBatch& batch) override {
    for (std::size_t i = 0; i < batch.events.size(); ++i) {
      seen.push_back(std::to_string(batch.record_index[i]) + ":" + batch.events[i].span_id);
    }
  }
  std::vector<std::string> seen;

 private:
  std::string name_ = "recorder";
};

// A normalize stage with the built-in profiles and a CallRecorder, fed batches of genai records.
struct NormalizeStageCalls : ::testing::Test {
  prometheus::Registry registry;
  Logger logger{LogLevel::kError, [](std::string_view) {}};
  ErrorReporter errors{logger, prometheus::BuildCounter().Name("e").Help("h").Register(registry)};
  const ProfileSet profiles;
  NormalizeStage stage{profiles, errors, &registry};
  CallRecorder recorder;

  NormalizeStageCalls() { stage.add_consumer(recorder); }

  // One batch of `records` (JSON text), normalized with the genai profile and handed on.
  void feed(const std::vector<std::string>& records) {
    RecordBatch batch;
    batch.source = "otlp-http";
    batch.profile = "genai";
    batch.records.resize(records.size());
    std::vector<rapidjson::Document> docs(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) docs[i].Parse(records[i].c_str());
    for (std::size_t i = 0; i < records.size(); ++i) {
      stage.on_json(batch, batch.records[i], JsonRef::of(docs[i]));
    }
    stage.on_batch_end(batch);
  }
  std::optional<double> metric(const std::string& name) {
    return testing::value_of(testing::parse_metrics(testing::render(registry)), name);
  }
};

TEST_F(NormalizeStageCalls, ADoublyInstrumentedCallReachesTheConsumersOnce) {
  // The SDK's span (child) ends first, the library's span (parent) after it; then an unrelated
  // call of another trace.
  feed({
      R"({"trace_id":"t1","span_id":"child","parent_span_id":"parent",)"
      R"("attributes":{"gen_ai.provider.name":"anthropic","gen_ai.usage.input_tokens":5}})",
      R"({"trace_id":"t1","span_id":"parent","parent_span_id":"",)"
      R"("attributes":{"gen_ai.provider.name":"anthropic","gen_ai.usage.input_tokens":5}})",
      R"({"trace_id":"t2","span_id":"other","parent_span_id":"",)"
      R"("attributes":{"gen_ai.provider.name":"openai","gen_ai.usage.input_tokens":7}})",
  });
  EXPECT_EQ(recorder.seen, (std::vector<std::string>{"0:child", "2:other"}));
  EXPECT_EQ(metric("specwatch_llm_calls_deduplicated_total"), 1);
  EXPECT_EQ(metric("specwatch_llm_call_dedup_evictions_total"), 0);
}

TEST_F(NormalizeStageCalls, CallsWithoutSpanIdsAmongSpansKeepTheirPlaceAndAreAllCounted) {
  // Calls of a provider-call log (a trace id but no span id, or neither) between a child span and
  // its parent: only the parent is dropped, and every record keeps its index.
  const std::string attributes =
      R"("attributes":{"gen_ai.provider.name":"anthropic","gen_ai.usage.input_tokens":5}})";
  const std::vector<std::string> records = {
      R"({"trace_id":"t1",)" + attributes,
      R"({"trace_id":"t1","span_id":"child","parent_span_id":"parent",)" + attributes,
      R"({)" + attributes,
      R"({"trace_id":"t1","span_id":"parent",)" + attributes,
      R"({"trace_id":"t1",)" + attributes,
      R"({"trace_id":"t2","span_id":"other",)" + attributes,
  };
  feed(records);
  feed(records);  // the stage's scratch reused by a second batch
  // The second batch, the same records again: the child (its parent marked as a call) and the
  // parent (covered by its child) are dropped; "other", with no parent or child, is counted again
  // (the rule links a parent and its child, not a span sent twice); the calls without span ids
  // always are.
  EXPECT_EQ(recorder.seen, (std::vector<std::string>{"0:", "1:child", "2:", "4:", "5:other",
                                                     "0:", "2:", "4:", "5:other"}));
  EXPECT_EQ(metric("specwatch_llm_calls_deduplicated_total"), 3);
}

}  // namespace
}  // namespace specwatch
