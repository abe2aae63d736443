// The Elasticsearch exporter against the strict stand-in (tests/support/elasticsearch): the bulk
// wire format, the index of each event, per-item results (429 retried alone, 409 delivered, 400
// dead-lettered), whole-request retries, the index template only when missing, credentials and
// the acknowledgement without a spool.
#include "exporters/elasticsearch/elasticsearch_sink.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <rapidjson/document.h>

#include <fstream>
#include <set>
#include <thread>

#include "exporters/elasticsearch/elasticsearch_bulk.h"
#include "tests/support/elasticsearch/elasticsearch_stand_in.h"
#include "tests/support/metric_sample.h"
#include "tests/support/test_event_batch.h"
#include "tests/unit/exporters/test_dir.h"

namespace specwatch {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// 2025-01-15T10:30:45Z and 2025-01-16T00:00:01Z in nanoseconds.
constexpr std::int64_t kJan15 = 1736937045'000'000'000;
constexpr std::int64_t kJan16 = 1736985601'000'000'000;

class ElasticsearchSinkTest : public ::testing::Test {
 protected:
  ElasticsearchExporterConfig config() {
    ElasticsearchExporterConfig es;
    es.url = stand_in_.url();
    es.index = "specular-logs-%Y.%m.%d";
    es.initial_backoff = 20ms;
    es.max_backoff = 200ms;
    return es;
  }
  std::unique_ptr<ElasticsearchSink> make(ElasticsearchExporterConfig es) {
    return std::make_unique<ElasticsearchSink>(
        ElasticsearchSinkSettings{"search", {}, std::move(es), dir_.path()}, PricingTable(),
        RedactionConfig{}, registry_, logger_);
  }
  // `events` events, each from its own record with its own offset (so its own event id).
  std::unique_ptr<testing::TestEventBatch> batch(testing::AckProbe& probe, std::size_t events,
                                                 std::size_t first = 0) {
    auto out = std::make_unique<testing::TestEventBatch>("traces", events, probe.make(), events);
    for (std::size_t i = 0; i < events; ++i) {
      out->events[i].trace_id = "t" + std::to_string(first + i);
      out->events[i].timestamp_ns = (first + i) % 2 == 0 ? kJan15 : kJan16;
      out->batch.records[i].end_offset = 100 * (first + i + 1);
      out->batch.records[i].stream_id = 42;
      out->batch.records[i].origin = "/logs/a.ndjson";
    }
    return out;
  }
  double metric(const std::string& outcome) {
    return testing::metric_sample(registry_, "specwatch_component_events_total",
                                  {{"component", "search"}, {"kind", "sink"}, {"outcome", outcome}})
        .value_or(-1);
  }
  double up() {
    return testing::metric_sample(registry_, "specwatch_exporter_up", {{"exporter", "search"}})
        .value_or(-1);
  }

  testing::ElasticsearchStandIn stand_in_;
  testing::ScratchDir dir_;
  prometheus::Registry registry_;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
};

TEST(ElasticsearchBulk, IndexOfAnEventFollowsItsTimestampInUtc) {
  IndexNamer namer("specular-logs-%Y.%m.%d");
  EXPECT_EQ(namer.name(kJan15), "specular-logs-2025.01.15");
  EXPECT_EQ(namer.name(kJan16), "specular-logs-2025.01.16");
  EXPECT_EQ(namer.name(kJan16 - 2'000'000'000), "specular-logs-2025.01.15");
  IndexNamer hourly("x-%Y%j-%H");
  EXPECT_EQ(hourly.name(kJan15), "x-2025015-10");
}

TEST(ElasticsearchBulk, ItemsAreCreateActionsAndTheirDocuments) {
  std::string body;
  append_bulk_item({"i-1", "abc", R"({"a":1})"}, body);
  append_bulk_item({"i-2", "def", R"({"b":2})"}, body);
  EXPECT_EQ(body,
            "{\"create\":{\"_index\":\"i-1\",\"_id\":\"abc\"}}\n{\"a\":1}\n"
            "{\"create\":{\"_index\":\"i-2\",\"_id\":\"def\"}}\n{\"b\":2}\n");
  BulkEntryWriter writer;
  writer.begin("traces");
  writer.add({"i-1", "abc", R"({"a":1})"});
  std::string_view source;
  std::vector<BulkItem> items;
  ASSERT_TRUE(parse_bulk_entry(writer.bytes(), source, items));
  EXPECT_EQ(source, "traces");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, "abc");
  EXPECT_FALSE(
      parse_bulk_entry(writer.bytes().substr(0, writer.bytes().size() - 1), source, items));
}

TEST(ElasticsearchBulk, AnswersAreReadPerItem) {
  std::vector<BulkItemResult> results;
  std::string error;
  ASSERT_TRUE(parse_bulk_answer(
      R"({"errors":true,"items":[{"create":{"status":201}},{"create":{"status":409}},)"
      R"({"create":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"busy"}}},)"
      R"({"create":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"bad"}}},)"
      R"({"create":{"status":503}}]})",
      5, results, error));
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].outcome, BulkItemResult::Outcome::kStored);
  EXPECT_EQ(results[1].outcome, BulkItemResult::Outcome::kStored);
  EXPECT_EQ(results[2].outcome, BulkItemResult::Outcome::kRetry);
  EXPECT_EQ(results[3].outcome, BulkItemResult::Outcome::kRejected);
  EXPECT_EQ(results[3].reason, "elasticsearch: 400 mapper_parsing_exception: bad");
  EXPECT_EQ(
      results[3].answer,
      R"({"create":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"bad"}}})");
  EXPECT_EQ(results[4].outcome, BulkItemResult::Outcome::kRetry);
  EXPECT_FALSE(parse_bulk_answer(R"({"items":[]})", 1, results, error));
  EXPECT_EQ(error, "the bulk answer has 0 items for 1 sent");
  EXPECT_FALSE(parse_bulk_answer("<html>", 1, results, error));
  EXPECT_EQ(error, "the bulk answer is not a JSON object");
}

TEST_F(ElasticsearchSinkTest, EveryEventIsCreatedOnceInTheIndexOfItsDay) {
  auto sink = make(config());
  sink->start();
  ASSERT_TRUE(sink->ready()) << sink->not_ready_reason();
  testing::AckProbe probe;
  auto events = batch(probe, 10);
  sink->consume(events->view());
  events->release();
  EXPECT_TRUE(probe.released_with(DeliveryStatus::kDelivered));  // the spool owns it
  ASSERT_TRUE(eventually([&] { return stand_in_.stored() == 10; }));
  ASSERT_TRUE(eventually([&] { return metric("acknowledged") == 10; }));
  EXPECT_TRUE(stand_in_.violations().empty());
  EXPECT_EQ(stand_in_.bulk_requests(), 1u);
  std::map<std::string, int> per_index;
  for (const auto& [id, index] : stand_in_.indices()) ++per_index[index];
  EXPECT_EQ(per_index, (std::map<std::string, int>{{"specular-logs-2025.01.15", 5},
                                                   {"specular-logs-2025.01.16", 5}}));
  for (const auto& [id, document] : stand_in_.documents()) {
    rapidjson::Document doc;
    doc.Parse(document.c_str());
    ASSERT_FALSE(doc.HasParseError());
    EXPECT_EQ(id, doc["event"]["id"].GetString());  // _id is event.id
  }
  const auto headers = stand_in_.last_bulk_headers();
  EXPECT_EQ(headers.at("content-encoding"), "gzip");
  EXPECT_EQ(headers.at("content-type"), "application/x-ndjson");
  EXPECT_EQ(headers.count("authorization"), 0u);
  // The template was missing: looked up, then created once, for the indices of the pattern.
  EXPECT_EQ(stand_in_.template_gets(), 1u);
  EXPECT_EQ(stand_in_.template_puts(), 1u);
  EXPECT_NE(stand_in_.template_body()->find(R"("index_patterns":["specular-logs-*"])"),
            std::string::npos);
  EXPECT_EQ(up(), 1);
  EXPECT_EQ(sink->peer_error(), "");
  sink->stop(5000);
}

TEST_F(ElasticsearchSinkTest, ItemsRejectedWith429AreRetriedAloneAnd409CountsAsStored) {
  // Items 3 and 7 are refused twice with 429; item 5 was stored before (409 on create).
  std::set<std::string> busy;
  stand_in_.script_items([&](const std::string& id, const std::string& document, int attempt) {
    const bool slow = document.find("\"trace_id\":\"t3\"") != std::string::npos ||
                      document.find("\"trace_id\":\"t7\"") != std::string::npos;
    if (slow) busy.insert(id);
    return slow && attempt < 2 ? 429U : 0U;
  });
  auto sink = make(config());
  testing::AckProbe first_probe;
  auto first = batch(first_probe, 1, 5);
  sink->start();
  sink->consume(first->view());
  ASSERT_TRUE(eventually([&] { return stand_in_.stored() == 1; }));
  testing::AckProbe probe;
  auto events = batch(probe, 10);
  sink->consume(events->view());
  ASSERT_TRUE(eventually([&] { return metric("acknowledged") == 11; }));
  EXPECT_EQ(stand_in_.stored(), 10u);
  EXPECT_EQ(stand_in_.conflicts(), 1u);
  EXPECT_EQ(stand_in_.scripted(429), 4u);
  EXPECT_EQ(metric("retried"), 4);
  EXPECT_EQ(metric("sent"), 11);
  EXPECT_EQ(stand_in_.duplicate_contents(), 0u);
  const auto requests = stand_in_.bulk_ids();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[1].size(), 10u);
  // The retries carry only the two refused items.
  EXPECT_EQ(std::set<std::string>(requests[2].begin(), requests[2].end()), busy);
  EXPECT_EQ(std::set<std::string>(requests[3].begin(), requests[3].end()), busy);
  sink->stop(5000);
}

TEST_F(ElasticsearchSinkTest, AnItemRejectedWith400GoesToTheDeadLetterFileWithTheAnswer) {
  stand_in_.script_items([](const std::string&, const std::string& document, int) {
    return document.find("\"trace_id\":\"t2\"") != std::string::npos ? 400U : 0U;
  });
  auto sink = make(config());
  sink->start();
  testing::AckProbe probe;
  auto events = batch(probe, 4);
  sink->consume(events->view());
  ASSERT_TRUE(eventually([&] { return metric("dead_lettered") == 1; }));
  ASSERT_TRUE(eventually([&] { return metric("acknowledged") == 3; }));
  EXPECT_EQ(stand_in_.stored(), 3u);
  sink->stop(5000);
  const std::string text = testing::slurp(sink->dead_letter_path());
  rapidjson::Document line;
  line.Parse(text.c_str(), text.find('\n'));
  ASSERT_FALSE(line.HasParseError()) << text;
  EXPECT_STREQ(line["exporter"].GetString(), "search");
  EXPECT_STREQ(line["reason"].GetString(),
               "elasticsearch: 400 mapper_parsing_exception: failed to parse field "
               "[gen_ai.usage.input_tokens] of type [long]");
  EXPECT_NE(std::string(line["remote_answer"].GetString()).find("\"status\":400"),
            std::string::npos);
  EXPECT_STREQ(line["event"]["trace_id"].GetString(), "t2");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST_F(ElasticsearchSinkTest, AWholeRequestAnswered503IsSentAgainAndThePeerShowsDown) {
  stand_in_.set_unavailable(true);
  ElasticsearchExporterConfig es = config();
  es.template_enabled = false;  // with it, the template's GET would be what waits
  auto sink = make(es);
  sink->start();
  testing::AckProbe probe;
  auto events = batch(probe, 3);
  sink->consume(events->view());
  ASSERT_TRUE(eventually([&] { return up() == 0; }));
  // Not ready is for the sidecar's own state only: the events wait in the spool.
  EXPECT_TRUE(sink->ready());
  EXPECT_NE(sink->peer_error().find("503"), std::string::npos) << sink->peer_error();
  EXPECT_EQ(stand_in_.stored(), 0u);
  stand_in_.set_unavailable(false);
  ASSERT_TRUE(eventually([&] { return metric("acknowledged") == 3; }));
  EXPECT_EQ(stand_in_.stored(), 3u);
  EXPECT_EQ(up(), 1);
  EXPECT_EQ(sink->peer_error(), "");
  EXPECT_GE(metric("retried"), 3);
  sink->stop(5000);
}

TEST_F(ElasticsearchSinkTest, AnExistingTemplateIsLeftAloneAndADisabledOneNotAskedFor) {
  stand_in_.set_template(R"({"index_patterns":["mine-*"],"template":{}})");
  auto sink = make(config());
  sink->start();
  testing::AckProbe probe;
  auto events = batch(probe, 1);
  sink->consume(events->view());
  ASSERT_TRUE(eventually([&] { return stand_in_.stored() == 1; }));
  EXPECT_EQ(stand_in_.template_gets(), 1u);
  EXPECT_EQ(stand_in_.template_puts(), 0u);
  sink->stop(5000);

  testing::ElasticsearchStandIn other;
  ElasticsearchExporterConfig es = config();
  es.url = other.url();
  es.template_enabled = false;
  es.spool.path = dir_.file("other-spool");
  auto second = std::make_unique<ElasticsearchSink>(
      ElasticsearchSinkSettings{"search-2", {}, es, dir_.path()}, PricingTable(), RedactionConfig{},
      registry_, logger_);
  second->start();
  testing::AckProbe second_probe;
  auto more = batch(second_probe, 1);
  second->consume(more->view());
  ASSERT_TRUE(eventually([&] { return other.stored() == 1; }));
  EXPECT_EQ(other.template_gets(), 0u);
  second->stop(5000);
}

TEST_F(ElasticsearchSinkTest, CredentialsComeFromTheirFiles) {
  {
    std::ofstream(dir_.file("password")) << "s3cret\n";
    std::ofstream(dir_.file("api-key")) << "aWQ6a2V5\n";
  }
  ElasticsearchExporterConfig basic = config();
  basic.username = "specwatch";
  basic.password_file = dir_.file("password");
  basic.gzip = false;
  auto sink = make(basic);
  sink->start();
  testing::AckProbe probe;
  auto events = batch(probe, 1);
  sink->consume(events->view());
  ASSERT_TRUE(eventually([&] { return stand_in_.stored() == 1; }));
  // base64("specwatch:s3cret")
  EXPECT_EQ(stand_in_.last_bulk_headers().at("authorization"), "Basic c3BlY3dhdGNoOnMzY3JldA==");
  EXPECT_EQ(stand_in_.last_bulk_headers().count("content-encoding"), 0u);
  sink->stop(5000);

  testing::ElasticsearchStandIn other;
  ElasticsearchExporterConfig api = config();
  api.url = other.url();
  api.api_key_file = dir_.file("api-key");
  api.spool.path = dir_.file("other-spool");
  auto second = std::make_unique<ElasticsearchSink>(
      ElasticsearchSinkSettings{"search-2", {}, api, dir_.path()}, PricingTable(),
      RedactionConfig{}, registry_, logger_);
  second->start();
  testing::AckProbe second_probe;
  auto more = batch(second_probe, 1);
  second->consume(more->view());
  ASSERT_TRUE(eventually([&] { return other.stored() == 1; }));
  EXPECT_EQ(other.last_bulk_headers().at("authorization"), "ApiKey aWQ6a2V5");
  second->stop(5000);
}

TEST_F(ElasticsearchSinkTest, WithoutASpoolTheAcknowledgementWaitsForElasticsearch) {
  stand_in_.set_unavailable(true);
  ElasticsearchExporterConfig es = config();
  es.spool.enabled = false;
  auto sink = make(es);
  sink->start();
  testing::AckProbe probe;
  auto events = batch(probe, 2);
  sink->consume(events->view());
  events->release();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(probe.calls.load(), 0);  // held: Elasticsearch has not stored it
  stand_in_.set_unavailable(false);
  ASSERT_TRUE(eventually([&] { return probe.calls.load() == 1; }));
  EXPECT_TRUE(probe.released_with(DeliveryStatus::kDelivered));
  EXPECT_EQ(stand_in_.stored(), 2u);
  sink->stop(5000);
}

}  // namespace
}  // namespace specwatch
