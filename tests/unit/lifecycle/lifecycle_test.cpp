// The lifecycle contract of component.h, checked the same way for every source and sink: stop()
// without start(), stop() twice, nothing emitted after stop(), final state persisted. A new
// component joins with one Subject and one line in kSubjects.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "exporters/elasticsearch/elasticsearch_sink.h"
#include "exporters/kafka/kafka_sink.h"
#include "exporters/webhook/webhook_factory.h"
#include "sidecar/otlp/otlp_grpc_receiver.h"
#include "sidecar/otlp/otlp_http_receiver.h"
#include "sidecar/otlp/proto/trace_service.grpc.pb.h"
#include "sidecar/pipeline/queued_consumer.h"
#include "sidecar/sources/file/checkpoint_store.h"
#include "tests/support/elasticsearch/elasticsearch_stand_in.h"
#include "tests/support/gated_delivery.h"
#include "tests/support/http/http_client.h"
#include "tests/support/kafka/mock_kafka_cluster.h"
#include "tests/support/metric_sample.h"
#include "tests/support/notifiers/notification_stand_ins.h"
#include "tests/support/test_event_batch.h"
#include "tests/unit/otlp/otlp_support.h"
#include "tests/unit/sources/file/test_support.h"

namespace specwatch {
namespace {

// A component in its test environment.
class Subject {
 public:
  virtual ~Subject() = default;
  virtual Component& component() = 0;
  // Offers the component one more item of input (a line, an export, a batch); returns once the
  // offer is made (answered, for a network receiver).
  virtual void feed() = 0;
  // Items the component has emitted downstream (to the pipeline, or delivered by a sink).
  virtual std::size_t emitted() = 0;
  // After stop(): what the component must persist is persisted.
  virtual bool final_state_persisted() = 0;
};

class FileSourceSubject final : public Subject {
 public:
  FileSourceSubject()
      : path_(logs_ / "a.log"),
        source_(harness_.make(testing::Harness::source_config("lifecycle", logs_ / "*.log"),
                              testing::Harness::fast_tail(), state_.path(), consumer_)) {
    testing::write_file(path_, "");
  }
  Component& component() override { return *source_; }
  void feed() override { testing::append_file(path_, testing::ndjson_lines(0, 1)); }
  std::size_t emitted() override { return consumer_.count(); }
  bool final_state_persisted() override {
    std::string error;
    auto entries = CheckpointStore::parse(testing::read_text(source_->checkpoint_path()), error);
    if (!entries) return false;
    for (const auto& entry : *entries) {
      if (entry.path == path_) return entry.offset == testing::file_size(path_);
    }
    return false;
  }

 private:
  testing::TempDir logs_, state_;
  std::string path_;
  testing::RecordingConsumer consumer_;
  testing::Harness harness_;
  std::unique_ptr<FileSource> source_;
};

// An OTLP receiver in front of a sink that acknowledges at once: every answered 200 / OK is a
// batch taken, and none is pending at the end.
class OtlpSubject : public Subject {
 public:
  std::size_t emitted() override { return sink_.taken().size(); }
  bool final_state_persisted() override { return sink_.taken().size() == accepted_; }

 protected:
  prometheus::Registry registry_;
  OtlpMetrics metrics_{registry_};
  testing::FakeSink sink_;
  testing::CountingMetricsConsumer metrics_consumer_;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
  std::size_t accepted_ = 0;
};

class OtlpHttpSubject final : public OtlpSubject {
 public:
  OtlpHttpSubject() {
    OtlpHttpOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    receiver_ =
        std::make_unique<OtlpHttpReceiver>(options, sink_, metrics_consumer_, metrics_, logger_);
  }
  Component& component() override { return *receiver_; }
  void feed() override {
    if (receiver_->port() == 0) return;  // never listened
    try {
      testing::TestHttpClient client(receiver_->port());
      auto response =
          client.request("POST", "/v1/traces", testing::simple_spans("svc", 1).SerializeAsString(),
                         "Content-Type: application/x-protobuf\r\n");
      if (response && response->status == 200) ++accepted_;
    } catch (const std::exception&) {
      // Not listening any more: nothing was offered.
    }
  }

 private:
  std::unique_ptr<OtlpHttpReceiver> receiver_;
};

class OtlpGrpcSubject final : public OtlpSubject {
 public:
  OtlpGrpcSubject() {
    OtlpGrpcOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    receiver_ =
        std::make_unique<OtlpGrpcReceiver>(options, sink_, metrics_consumer_, metrics_, logger_);
  }
  Component& component() override { return *receiver_; }
  void feed() override {
    if (receiver_->port() == 0) return;
    if (!channel_) {
      channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(receiver_->port()),
                                     grpc::InsecureChannelCredentials());
    }
    auto stub = testing::trace_v1::TraceService::NewStub(channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    testing::trace_v1::ExportTraceServiceResponse response;
    if (stub->Export(&context, testing::simple_spans("svc", 1), &response).ok()) ++accepted_;
  }

 private:
  std::unique_ptr<OtlpGrpcReceiver> receiver_;
  std::shared_ptr<grpc::Channel> channel_;
};

// The queued wrapper around a sink that delivers at once.
class QueuedSinkSubject final : public Subject {
 public:
  QueuedSinkSubject() { shared_.open_gate(); }
  Component& component() override { return sink_; }
  void feed() override {
    auto& probe = probes_.emplace_back(std::make_unique<testing::AckProbe>());
    testing::TestEventBatch batch("lifecycle", 1, probe->make());
    sink_.consume(batch.view());
  }
  std::size_t emitted() override {
    std::lock_guard lock(shared_.mutex);
    return shared_.delivered.size();
  }
  bool final_state_persisted() override {
    for (const auto& probe : probes_) {
      if (probe->calls.load() != 1) return false;  // every acknowledgement settled
    }
    std::lock_guard lock(shared_.mutex);
    return shared_.finished == 1;
  }

 private:
  prometheus::Registry registry_;
  testing::GatedDelivery::Shared shared_;
  QueuedConsumer sink_{"lifecycle-sink", QueueConfig{},
                       std::make_unique<testing::GatedDelivery>(shared_), registry_};
  std::vector<std::unique_ptr<testing::AckProbe>> probes_;
};

// A notifier (the webhook type; every type shares QueuedNotifier) in front of a receiver that
// accepts at once: each feed is a new firing alert, emitted once the receiver took it, and the
// delivery ledger is in state_dir after stop().
class NotifierSubject final : public Subject {
 public:
  NotifierSubject() {
    WebhookConfig config;
    config.url = receiver_.url();
    notifier_ = make_webhook_notifier("lifecycle-notifier", config,
                                      NotifierServices{registry_, logger_, state_.path()});
  }
  Component& component() override { return *notifier_; }
  void feed() override {
    AlertNotification alert;
    alert.labels = {{"alertname", "Lifecycle" + std::to_string(++fed_)}};
    notifier_->notify(std::span<const AlertNotification>(&alert, 1));
  }
  std::size_t emitted() override { return receiver_.accepted().size(); }
  bool final_state_persisted() override {
    StateRead read = StateStore(state_.path()).read("notifier-lifecycle-notifier", 1);
    return read.status == StateRead::Status::kOk &&
           read.data.find("\"firing\":true") != std::string::npos;
  }

 private:
  testing::TempDir state_;
  prometheus::Registry registry_;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
  testing::JsonStandIn receiver_{"/hook"};
  std::unique_ptr<QueuedNotifier> notifier_;
  int fed_ = 0;
};

// The Kafka exporter in front of librdkafka's mock cluster: an event emitted is one Kafka
// acknowledged; the final state is every batch settled and the spool holding nothing.
class KafkaSinkSubject final : public Subject {
 public:
  KafkaSinkSubject() {
    KafkaExporterConfig kafka;
    kafka.brokers = cluster_.bootstraps();
    kafka.topic = "lifecycle";
    kafka.properties = {{"linger.ms", "1"}, {"log_level", "0"}};
    sink_ =
        std::make_unique<KafkaSink>(KafkaSinkSettings{"lifecycle-kafka", {}, kafka, state_.path()},
                                    PricingTable(), RedactionConfig{}, registry_, logger_);
  }
  Component& component() override { return *sink_; }
  void feed() override {
    auto& probe = probes_.emplace_back(std::make_unique<testing::AckProbe>());
    testing::TestEventBatch batch("lifecycle", 1, probe->make());
    sink_->consume(batch.view());
  }
  std::size_t emitted() override {
    return static_cast<std::size_t>(
        testing::metric_sample(
            registry_, "specwatch_component_events_total",
            {{"component", "lifecycle-kafka"}, {"kind", "sink"}, {"outcome", "acknowledged"}})
            .value_or(0));
  }
  bool final_state_persisted() override {
    for (const auto& probe : probes_) {
      if (probe->calls.load() != 1) return false;
    }
    const std::filesystem::path spool =
        std::filesystem::path(state_.path()) / "spool/lifecycle-kafka";
    for (const auto& item : std::filesystem::directory_iterator(spool)) {
      if (item.path().extension() == ".seg") return false;
    }
    return true;
  }

 private:
  testing::MockKafkaCluster cluster_;
  testing::TempDir state_;
  prometheus::Registry registry_;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
  std::unique_ptr<KafkaSink> sink_;
  std::vector<std::unique_ptr<testing::AckProbe>> probes_;
};

// The Elasticsearch exporter in front of the stand-in: an event emitted is one document stored;
// the final state is every batch settled and the spool holding nothing.
class ElasticsearchSinkSubject final : public Subject {
 public:
  ElasticsearchSinkSubject() {
    ElasticsearchExporterConfig es;
    es.url = stand_in_.url();
    sink_ = std::make_unique<ElasticsearchSink>(
        ElasticsearchSinkSettings{"lifecycle-es", {}, es, state_.path()}, PricingTable(),
        RedactionConfig{}, registry_, logger_);
  }
  Component& component() override { return *sink_; }
  void feed() override {
    auto& probe = probes_.emplace_back(std::make_unique<testing::AckProbe>());
    testing::TestEventBatch batch("lifecycle", 1, probe->make());
    batch.batch.records[0].end_offset = probes_.size();  // its own event id
    sink_->consume(batch.view());
  }
  std::size_t emitted() override { return stand_in_.stored(); }
  bool final_state_persisted() override {
    for (const auto& probe : probes_) {
      if (probe->calls.load() != 1) return false;
    }
    const std::filesystem::path spool = std::filesystem::path(state_.path()) / "spool/lifecycle-es";
    for (const auto& item : std::filesystem::directory_iterator(spool)) {
      if (item.path().extension() == ".seg") return false;
    }
    return true;
  }

 private:
  testing::ElasticsearchStandIn stand_in_;
  testing::TempDir state_;
  prometheus::Registry registry_;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
  std::unique_ptr<ElasticsearchSink> sink_;
  std::vector<std::unique_ptr<testing::AckProbe>> probes_;
};

struct SubjectFactory {
  const char* name;
  std::function<std::unique_ptr<Subject>()> make;
};

template <typename T>
SubjectFactory subject(const char* name) {
  return {name, [] { return std::make_unique<T>(); }};
}

// Every source and sink. A new one: its Subject above and one line here.
const SubjectFactory kSubjects[] = {
    subject<FileSourceSubject>("file_source"),
    subject<OtlpHttpSubject>("otlp_http_receiver"),
    subject<OtlpGrpcSubject>("otlp_grpc_receiver"),
    subject<QueuedSinkSubject>("queued_sink"),
    subject<NotifierSubject>("notifier"),
    subject<KafkaSinkSubject>("kafka_sink"),
    subject<ElasticsearchSinkSubject>("elasticsearch_sink"),
};

class Lifecycle : public ::testing::TestWithParam<SubjectFactory> {
 protected:
  void SetUp() override { subject_ = GetParam().make(); }
  Component& component() { return subject_->component(); }
  std::unique_ptr<Subject> subject_;
};

TEST_P(Lifecycle, StopWithoutStartIsSafeAndCanBeRepeated) {
  component().stop(1000);
  component().stop(1000);
  EXPECT_FALSE(component().ready());
  subject_->feed();
  EXPECT_EQ(subject_->emitted(), 0u);
}

TEST_P(Lifecycle, NothingIsEmittedAfterStopAndTheFinalStateIsPersisted) {
  component().start();
  ASSERT_TRUE(testing::wait_until([&] { return component().ready(); }))
      << component().not_ready_reason();
  EXPECT_EQ(component().not_ready_reason(), "");
  subject_->feed();
  ASSERT_TRUE(testing::wait_until([&] { return subject_->emitted() == 1; }));
  component().stop(5000);
  EXPECT_TRUE(subject_->final_state_persisted());
  EXPECT_FALSE(component().ready());

  subject_->feed();
  // Nothing can arrive any more; a bounded look, longer than a file source's poll interval.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(subject_->emitted(), 1u);
  component().stop(5000);  // a second stop changes nothing
  EXPECT_EQ(subject_->emitted(), 1u);
}

INSTANTIATE_TEST_SUITE_P(EverySourceAndSink, Lifecycle, ::testing::ValuesIn(kSubjects),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace specwatch
