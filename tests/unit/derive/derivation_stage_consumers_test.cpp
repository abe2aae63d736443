// The interim fan-out of DerivationStage (add_consumer): each batch's events reach every consumer
// once, in order, with the record each came from, after the derived metrics.
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <rapidjson/document.h>

#include "sidecar/derive/derivation_stage.h"

namespace specwatch {
namespace {

class Recorder final : public EventConsumer {
 public:
  const std::string& name() const override { return name_; }
  void consume(const EventBatch& batch) override {
    ++batches;
    source = batch.source();
    tool = std::string(batch.tool);
    record_index.assign(batch.record_index.begin(), batch.record_index.end());
    for (std::size_t i = 0; i < batch.events.size(); ++i) {
      models.push_back(std::get<LlmCall>(batch.events[i].body).model);
      origins.push_back(batch.record_of(i).data);
    }
  }
  int batches = 0;
  std::string source, tool;
  std::vector<std::uint32_t> record_index;
  std::vector<std::string> models, origins;

 private:
  std::string name_ = "recorder";
};

TEST(DerivationStageConsumers, EveryConsumerGetsTheBatchEventsWithTheirRecords) {
  prometheus::Registry registry;
  Logger logger(LogLevel::kError, [](std::string_view) {});
  auto& errors_family =
      prometheus::BuildCounter().Name("errors_total").Help("e").Register(registry);
  ErrorReporter errors(logger, errors_family);
  DerivedMetrics metrics(registry, PricingTable(), DeriveLimits{}, logger);
  ProfileSet profiles;
  DerivationStage stage(profiles, metrics, errors);
  Recorder first, second;
  stage.add_consumer(first);
  stage.add_consumer(second);

  RecordBatch batch;
  batch.source = "calls";
  batch.service = "svc";
  batch.profile = "genai";
  for (const char* text : {R"({"gen_ai.provider.name":"openai","gen_ai.request.model":"a"})",
                           R"({"msg":"no call here"})",
                           R"({"gen_ai.provider.name":"openai","gen_ai.request.model":"c"})"}) {
    batch.records.push_back(Record{text, RecordFormat::kJson, "/in.ndjson"});
  }
  for (const Record& record : batch.records) {
    rapidjson::Document doc;
    doc.Parse(record.data.c_str());
    stage.on_json(batch, record, doc);
  }
  stage.on_batch_end(batch);

  for (const Recorder* r : {&first, &second}) {
    EXPECT_EQ(r->batches, 1);
    EXPECT_EQ(r->source, "calls");
    EXPECT_EQ(r->tool, "none");
    EXPECT_EQ(r->record_index, (std::vector<std::uint32_t>{0, 2}));
    EXPECT_EQ(r->models, (std::vector<std::string>{"a", "c"}));
    EXPECT_EQ(r->origins, (std::vector<std::string>{batch.records[0].data, batch.records[2].data}));
  }

  // The next batch starts from nothing.
  RecordBatch empty;
  empty.source = "calls";
  empty.profile = "genai";
  stage.on_batch_end(empty);
  EXPECT_EQ(first.batches, 2);
  EXPECT_TRUE(first.record_index.empty());
}

}  // namespace
}  // namespace specwatch
