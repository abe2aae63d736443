// The file sink as the pipeline drives it: documents written before the acknowledgement runs,
// failures acknowledged as kFailed, the sources filter, redaction counted at site "export",
// the fsync option applied, and the lifecycle contract.
#include "exporters/file/file_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>

#include "exporters/common/event_id.h"
#include "tests/support/sample_secrets.h"
#include "tests/unit/exporters/test_dir.h"

namespace specwatch {
namespace {

using testing::slurp;

double counter_value(prometheus::Registry& registry, const std::string& name,
                     const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> got;
      for (const auto& label : metric.label) got[label.name] = label.value;
      if (got == labels) return metric.counter.value;
    }
  }
  return -1;
}

class FileSinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<FileSink> make(FileExporterConfig file, std::vector<std::string> sources = {}) {
    return std::make_unique<FileSink>(FileSinkSettings{"events", std::move(sources), file},
                                      PricingTable(), RedactionConfig{}, registry_, logger_);
  }
  FileExporterConfig config() {
    FileExporterConfig file;
    file.path = dir_.file("out.ndjson");
    return file;
  }

  // A batch of `records` one-event records from source `source`; the acknowledgement's status and
  // what the output file held when it ran are recorded.
  struct Fed {
    std::optional<DeliveryStatus> status;
    std::string file_at_ack;
  };
  void feed(Sink& sink, const std::string& source, const std::vector<std::string>& records,
            Fed& fed, const std::string& service = "svc") {
    RecordBatch batch;
    batch.source = source;
    batch.service = service;
    std::uint64_t offset = 0;
    std::vector<CanonicalEvent> events;
    std::vector<std::uint32_t> index;
    for (std::size_t i = 0; i < records.size(); ++i) {
      offset += records[i].size() + 1;
      Record record{records[i], RecordFormat::kJson, batch.own(dir_.file("in.ndjson"))};
      record.end_offset = offset;
      batch.records.push_back(std::move(record));
      CanonicalEvent event;
      event.service = service;
      event.body = CacheLookup{"query", i % 2 == 0};
      events.push_back(event);
      index.push_back(static_cast<std::uint32_t>(i));
    }
    const std::string out = dir_.file("out.ndjson");
    batch.ack = BatchAck([&fed, out](DeliveryStatus status) {
      fed.status = status;
      fed.file_at_ack = slurp(out);
    });
    {
      const EventBatch view{batch, Tool::kNone, events, index};
      sink.consume(view);
    }
    EXPECT_FALSE(fed.status.has_value()) << "acknowledged while the pipeline still holds it";
    batch.ack.release();  // what the pipeline does once every consumer returned
  }
  double events(const char* outcome) {
    return counter_value(registry_, "specwatch_component_events_total",
                         {{"component", "events"}, {"kind", "sink"}, {"outcome", outcome}});
  }

  testing::ScratchDir dir_;
  prometheus::Registry registry_;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
};

TEST_F(FileSinkTest, WritesOneLinePerEventBeforeTheAcknowledgement) {
  auto sink = make(config());
  sink->start();
  EXPECT_TRUE(sink->ready());
  Fed fed;
  feed(*sink, "traces", {"{\"a\":1}", "{\"a\":2}"}, fed);
  ASSERT_EQ(fed.status, DeliveryStatus::kDelivered);
  const std::string written = slurp(dir_.file("out.ndjson"));
  EXPECT_EQ(fed.file_at_ack, written);  // everything was in the file when the ack ran
  const std::string path = dir_.file("in.ndjson");
  EXPECT_EQ(
      written,
      R"({"schema_version":1,"event":{"id":")" + event_id_at_offset("traces", path, 8, 0) +
          R"(","kind":"cache_lookup"},"service":{"name":"svc"},"log":{"file":{"path":")" + path +
          R"("},"offset":8},"specwatch":{"source":"traces","cache":{"name":"query","hit":true}}})"
          "\n"
          R"({"schema_version":1,"event":{"id":")" +
          event_id_at_offset("traces", path, 16, 0) +
          R"(","kind":"cache_lookup"},"service":{"name":"svc"},"log":{"file":{"path":")" + path +
          R"("},"offset":16},"specwatch":{"source":"traces","cache":{"name":"query","hit":false}}})"
          "\n");
  EXPECT_EQ(events("received"), 2);
  EXPECT_EQ(events("sent"), 2);
  EXPECT_EQ(events("failed"), 0);
  sink->stop(1000);
}

TEST_F(FileSinkTest, TakesOnlyItsSources) {
  auto sink = make(config(), {"traces"});
  sink->start();
  Fed other;
  feed(*sink, "logs", {"{}"}, other);
  EXPECT_EQ(other.status, DeliveryStatus::kDelivered);  // not this sink's: nothing to hold
  EXPECT_EQ(slurp(dir_.file("out.ndjson")), "");
  Fed mine;
  feed(*sink, "traces", {"{}"}, mine);
  EXPECT_EQ(std::count(mine.file_at_ack.begin(), mine.file_at_ack.end(), '\n'), 1);
  EXPECT_EQ(events("received"), 1);
}

TEST_F(FileSinkTest, AFailedWriteFailsTheBatchAndTheSinkIsNotReady) {
  FileExporterConfig file = config();
  file.path = "/dev/full";
  auto sink = make(file);
  sink->start();
  ASSERT_TRUE(sink->ready());
  Fed fed;
  feed(*sink, "traces", {"{}", "{}"}, fed);
  EXPECT_EQ(fed.status, DeliveryStatus::kFailed);
  EXPECT_FALSE(sink->ready());
  EXPECT_EQ(sink->not_ready_reason(), "cannot write /dev/full: No space left on device");
  EXPECT_EQ(events("failed"), 2);
  EXPECT_EQ(events("sent"), 0);
}

TEST_F(FileSinkTest, FsyncTrueSyncsEachBatchBeforeTheAcknowledgement) {
  // A FIFO takes writes but cannot be fsynced: with fsync on, the failed fsync must fail the
  // batch, which shows the sync runs before the acknowledgement; with fsync off it is delivered.
  const std::string fifo = dir_.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  for (bool fsync : {false, true}) {
    FileExporterConfig file = config();
    file.path = fifo;
    file.rotate_max_bytes = 0;
    file.fsync = fsync;
    auto sink = make(file);
    sink->start();
    Fed fed;
    feed(*sink, "traces", {"{}"}, fed);
    EXPECT_EQ(fed.status, fsync ? DeliveryStatus::kFailed : DeliveryStatus::kDelivered) << fsync;
    if (fsync) {
      EXPECT_EQ(sink->not_ready_reason(), "cannot fsync " + fifo + ": Invalid argument");
    }
    sink->stop(0);
  }
  ::close(reader);
}

TEST_F(FileSinkTest, RedactsEveryPositionAndCountsAtSiteExport) {
  const std::string key(testing::kOpenAiKey);
  FileExporterConfig file = config();
  file.include_original = true;
  auto sink = make(file);
  sink->start();
  Fed fed;
  feed(*sink, "traces", {"{\"k\":\"" + key + "\"}"}, fed, "svc-" + key);
  ASSERT_EQ(fed.status, DeliveryStatus::kDelivered);
  const std::string written = slurp(dir_.file("out.ndjson"));
  EXPECT_EQ(written.find(key), std::string::npos);
  EXPECT_NE(written.find(R"("service":{"name":"svc-[REDACTED:openai_api_key]"})"),
            std::string::npos);
  EXPECT_NE(written.find(R"("original":"{\"k\":\"[REDACTED:openai_api_key]\"}")"),
            std::string::npos);
  EXPECT_EQ(counter_value(registry_, "specwatch_redactions_total",
                          {{"pattern", "openai_api_key"}, {"site", "export"}}),
            2);
}

TEST_F(FileSinkTest, AnExporterOwnPatternsReplaceTheSectionsForItAlone) {
  // The section's patterns leave e-mail addresses alone (personal data, off by default); this
  // exporter turns them on and turns bearer_token off.
  const std::string mail = "ada@example.org";
  const std::string url = "Bearer eyJhbGciOiJIUzI1NiJ9.abc123DEF456ghi";
  FileExporterConfig file = config();
  RedactionConfig own;
  own.patterns.set(BuiltinPattern::kEmailAddress, true);
  own.patterns.set(BuiltinPattern::kBearerToken, false);
  file.redaction = own;
  auto sink = make(file);
  sink->start();
  Fed fed;
  feed(*sink, "traces", {"{}"}, fed, mail + " " + url);
  const std::string written = slurp(dir_.file("out.ndjson"));
  EXPECT_NE(written.find(R"("service":{"name":"[REDACTED:email_address] )" + url + "\"}"),
            std::string::npos)
      << written;
  EXPECT_EQ(counter_value(registry_, "specwatch_redactions_total",
                          {{"pattern", "email_address"}, {"site", "export"}}),
            1);
}

TEST_F(FileSinkTest, RedactFalseWritesTheTextAsItIs) {
  const std::string key(testing::kOpenAiKey);
  FileExporterConfig file = config();
  file.redact = false;
  auto sink = make(file);
  sink->start();
  Fed fed;
  feed(*sink, "traces", {"{}"}, fed, "svc-" + key);
  EXPECT_NE(slurp(dir_.file("out.ndjson")).find(key), std::string::npos);
  EXPECT_EQ(counter_value(registry_, "specwatch_redactions_total",
                          {{"pattern", "openai_api_key"}, {"site", "export"}}),
            -1);  // no export site registered at all
}

TEST_F(FileSinkTest, LifecycleStopWithoutStartTwiceAndNothingAfterStop) {
  auto never_started = make(config());
  never_started->stop(0);
  never_started->stop(0);
  EXPECT_FALSE(never_started->ready());

  auto sink = make(config());
  EXPECT_FALSE(sink->ready());
  EXPECT_EQ(sink->not_ready_reason(), "starting");
  sink->start();
  sink->stop(0);
  sink->stop(0);
  EXPECT_EQ(sink->not_ready_reason(), "stopped");
  Fed fed;
  feed(*sink, "traces", {"{}"}, fed);
  EXPECT_EQ(fed.status, DeliveryStatus::kFailed);  // read again by whoever runs next
  EXPECT_EQ(slurp(dir_.file("out.ndjson")), "");
}

TEST_F(FileSinkTest, NotReadyWithTheReasonWhenTheFileCannotBeOpened) {
  FileExporterConfig file = config();
  file.path = dir_.file("missing/out.ndjson");
  auto sink = make(file);
  sink->start();
  EXPECT_FALSE(sink->ready());
  EXPECT_EQ(sink->not_ready_reason(), "cannot open " + file.path + ": No such file or directory");
}

}  // namespace
}  // namespace specwatch
