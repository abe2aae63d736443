#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/registry.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <future>

#include "otlp_support.h"
#include "sidecar/framing/json_parser.h"
#include "sidecar/otlp/otlp_grpc_receiver.h"
#include "sidecar/otlp/proto/logs_service.grpc.pb.h"
#include "sidecar/otlp/proto/metrics_service.grpc.pb.h"
#include "sidecar/otlp/proto/trace_service.grpc.pb.h"
#include "tests/support/grpc_raw_export.h"
#include "tests/support/wait_until.h"

namespace specwatch {
namespace {

using namespace specwatch::testing;

struct GrpcTest : ::testing::Test {
  prometheus::Registry registry;
  OtlpMetrics metrics{registry};
  FakeSink sink;
  CountingMetricsConsumer metrics_consumer;
  Logger logger{LogLevel::kError, [](std::string_view) {}};
  std::unique_ptr<OtlpGrpcReceiver> receiver;
  std::shared_ptr<grpc::Channel> channel;

  void start(OtlpGrpcOptions options = {}, OtlpBatchSink* custom_sink = nullptr) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.ingest.consume_timeout = std::chrono::milliseconds(20);
    receiver = std::make_unique<OtlpGrpcReceiver>(options, custom_sink ? *custom_sink : sink,
                                                  metrics_consumer, metrics, logger);
    receiver->start();
    ASSERT_TRUE(receiver->ready()) << receiver->error();
    grpc::ChannelArguments arguments;
    arguments.SetMaxSendMessageSize(64 << 20);
    channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(receiver->port()),
                                        grpc::InsecureChannelCredentials(), arguments);
  }
  void TearDown() override {
    if (receiver) receiver->stop(1000);
  }
  grpc::Status export_traces(const trace_v1::ExportTraceServiceRequest& request,
                             trace_v1::ExportTraceServiceResponse& response, bool compress = true) {
    auto stub = trace_v1::TraceService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (compress) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    return stub->Export(&context, request, &response);
  }
  double requests(OtlpSignal signal, ExportOutcome outcome) {
    return metrics.requests_value(OtlpProtocol::kGrpc, signal, outcome);
  }
  // Calls TraceService/Export with `bytes` as the message, whatever they are.
  grpc::Status export_raw(const std::string& bytes) { return export_raw_traces(channel, bytes); }
};

TEST_F(GrpcTest, GzipTracesAreAcceptedAsRecords) {
  start();
  trace_v1::ExportTraceServiceResponse response;
  grpc::Status status = export_traces(genai_span_request(), response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.has_partial_success());
  auto batches = sink.taken();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].source, "otlp-grpc");
  EXPECT_EQ(batches[0].service, "specular");
  EXPECT_EQ(batches[0].profile, "otlp-span");
  ASSERT_EQ(batches[0].records.size(), 1u);
  EXPECT_EQ(to_compact_json(*batches[0].records[0].value), kSpanRecord);
  EXPECT_EQ(batches[0].records[0].origin, "otlp-grpc");
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 1);
}

TEST_F(GrpcTest, PartialSuccessCountsRejectedSpans) {
  start();
  trace_v1::ExportTraceServiceResponse response;
  grpc::Status status = export_traces(spans_with_one_bad("svc", 2), response, false);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(response.partial_success().rejected_spans(), 1);
  EXPECT_EQ(response.partial_success().error_message(),
            "span \"bad\": trace_id must be 16 bytes, got 3");
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kPartial), 1);
}

TEST_F(GrpcTest, LogsAndMetricsServices) {
  start();
  logs_v1::ExportLogsServiceRequest logs;
  logs.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body()->set_string_value(
      "hello");
  logs_v1::ExportLogsServiceResponse logs_response;
  grpc::ClientContext logs_context;
  ASSERT_TRUE(
      logs_v1::LogsService::NewStub(channel)->Export(&logs_context, logs, &logs_response).ok());
  metrics_v1::ExportMetricsServiceRequest request;
  request.add_resource_metrics()
      ->add_scope_metrics()
      ->add_metrics()
      ->mutable_gauge()
      ->add_data_points()
      ->set_as_double(1);
  metrics_v1::ExportMetricsServiceResponse metrics_response;
  grpc::ClientContext metrics_context;
  ASSERT_TRUE(metrics_v1::MetricsService::NewStub(channel)
                  ->Export(&metrics_context, request, &metrics_response)
                  .ok());
  auto batches = sink.taken();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].profile, "otlp-log");
  EXPECT_EQ(to_compact_json(*batches[0].records[0].value),
            R"({"signal":"log","time_unix_nano":0,"severity_number":0,"severity_text":"",)"
            R"("body":"hello","attributes":{},"resource":{},"trace_id":"","span_id":""})");
  EXPECT_EQ(metrics_consumer.points(), 1);
  EXPECT_EQ(requests(OtlpSignal::kLogs, ExportOutcome::kSuccess), 1);
  EXPECT_EQ(requests(OtlpSignal::kMetrics, ExportOutcome::kSuccess), 1);
}

TEST_F(GrpcTest, AFullPipelineAnswersUnavailableAndTheHeldCallSucceedsLater) {
  start();
  sink.set_hold(true);
  sink.set_capacity(1);
  auto held = std::async(std::launch::async, [&] {
    trace_v1::ExportTraceServiceResponse response;
    return export_traces(simple_spans("a", 2), response);
  });
  ASSERT_TRUE(sink.wait_batches(1));
  trace_v1::ExportTraceServiceResponse response;
  grpc::Status refused = export_traces(simple_spans("b", 1), response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(refused.error_message(), "the pipeline is full; retry later");
  sink.release_all();
  grpc::Status later = held.get();
  EXPECT_TRUE(later.ok()) << later.error_message();
  EXPECT_EQ(sink.taken().size(), 1u);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kTraces, true), 2);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kUnavailable), 1);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 1);
}

TEST_F(GrpcTest, DeflateMessagesAreInflatedToo) {
  start();
  auto stub = trace_v1::TraceService::NewStub(channel);
  grpc::ClientContext context;
  context.set_compression_algorithm(GRPC_COMPRESS_DEFLATE);
  trace_v1::ExportTraceServiceResponse response;
  grpc::Status status = stub->Export(&context, genai_span_request(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto batches = sink.taken();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(to_compact_json(*batches[0].records[0].value), kSpanRecord);
}

TEST_F(GrpcTest, OversizedMessagesAreRefusedCompressedOrNot) {
  OtlpGrpcOptions options;
  options.max_body_bytes = 1 << 20;
  start(options);
  trace_v1::ExportTraceServiceRequest request = simple_spans("svc", 1);
  auto* attribute =
      request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_attributes();
  attribute->set_key("big");
  attribute->mutable_value()->set_string_value(std::string(8 << 20, 'a'));  // gzips to ~8 KiB
  trace_v1::ExportTraceServiceResponse response;
  grpc::Status compressed = export_traces(request, response, true);
  EXPECT_EQ(compressed.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(compressed.error_message(), "message exceeds 1048576 bytes after decompression");
  grpc::Status plain = export_traces(request, response, false);
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(plain.error_message(), "message exceeds 1048576 bytes");
  // The receiver is still up for a good sender.
  grpc::Status good = export_traces(simple_spans("svc", 1), response);
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(sink.taken().size(), 1u);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kTooLarge), 2);
}

TEST_F(GrpcTest, AGzipBombIsRefusedAtTheLimitWhileAGoodSenderIsServed) {
  start();  // 16 MiB after decompression
  trace_v1::ExportTraceServiceRequest bomb = simple_spans("svc", 1);
  auto* attribute =
      bomb.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_attributes();
  attribute->set_key("zeros");
  attribute->mutable_value()->set_string_value(std::string(48 << 20, '\0'));  // ~48 KiB gzipped
  auto bombing = std::async(std::launch::async, [&] {
    trace_v1::ExportTraceServiceResponse response;
    return export_traces(bomb, response, true);
  });
  for (int i = 0; i < 5; ++i) {
    trace_v1::ExportTraceServiceResponse response;
    EXPECT_TRUE(export_traces(simple_spans("good", 2), response).ok());
  }
  grpc::Status status = bombing.get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "message exceeds 16777216 bytes after decompression");
  EXPECT_EQ(sink.taken().size(), 5u);
}

// The receiver on a SlowServiceSink, released before the receiver stops (a failed test must not
// leave a thread held), with compressed messages over 4 KiB inflated on the decode worker.
struct GrpcDecodeTest : GrpcTest {
  SlowServiceSink slow_sink{sink};
  std::future<grpc::Status> slow;     // a compressed call held on the decode worker
  std::future<grpc::Status> waiting;  // another queued behind it

  void TearDown() override {
    slow_sink.release();
    GrpcTest::TearDown();
  }
  std::future<grpc::Status> export_async(const trace_v1::ExportTraceServiceRequest& request,
                                         bool compress) {
    return std::async(std::launch::async, [this, request, compress] {
      trace_v1::ExportTraceServiceResponse response;
      return export_traces(request, response, compress);
    });
  }
  // Compressed, and over 4 KiB before compression.
  static trace_v1::ExportTraceServiceRequest large(const std::string& service) {
    auto request = simple_spans(service, 100);
    EXPECT_GT(request.ByteSizeLong(), 4096u);
    return request;
  }
  void start_held(std::size_t decode_queue = 64) {
    OtlpGrpcOptions options;
    options.inline_inflate_bytes = 4096;
    options.decode_queue = decode_queue;
    start(options, &slow_sink);
    slow = export_async(large("slow"), true);
    ASSERT_TRUE(slow_sink.wait_entered());
  }
  void queue_one() {
    waiting = export_async(large("queued"), true);
    ASSERT_TRUE(
        ::specwatch::testing::wait_until([&] { return receiver->decode_queue_length() == 1; }));
  }
  static bool answered(std::future<grpc::Status>& status) {
    return status.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
};

TEST_F(GrpcDecodeTest, ALargeCompressedCallBeingDecodedDoesNotHoldUpTheOthers) {
  ASSERT_NO_FATAL_FAILURE(start_held());
  for (int i = 0; i < 3; ++i) {
    trace_v1::ExportTraceServiceResponse response;
    EXPECT_TRUE(export_traces(simple_spans("fast", 1), response, false).ok());
    EXPECT_TRUE(export_traces(simple_spans("fast", 2), response, true).ok());
  }
  EXPECT_FALSE(answered(slow));
  EXPECT_EQ(sink.taken().size(), 6u);
  slow_sink.release();
  grpc::Status status = slow.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  expect_slow_batch_last(sink, 7, 100);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 7);
}

TEST_F(GrpcDecodeTest, ATruncatedGzipMessagePastTheInlineBoundIsInvalidArgumentFromTheWorker) {
  OtlpGrpcOptions options;
  options.inline_inflate_bytes = 4096;
  start(options);
  // Sent as gRPC bytes that start like gzip: 4 KiB inflate on the completion-queue thread, then
  // the worker finds the stream cut short.
  const std::string whole = gzip(std::string(40000, 'a'));
  grpc::Status status = export_raw(whole.substr(0, whole.size() - 8));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "truncated gzip stream");
  trace_v1::ExportTraceServiceResponse response;
  EXPECT_TRUE(export_traces(simple_spans("after", 1), response).ok());
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kInvalid), 1);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 1);
  EXPECT_EQ(sink.taken().size(), 1u);
}

TEST_F(GrpcDecodeTest, CallsOverTheDecodeQueueAreUnavailable) {
  ASSERT_NO_FATAL_FAILURE(start_held(1));
  ASSERT_NO_FATAL_FAILURE(queue_one());
  trace_v1::ExportTraceServiceResponse response;
  grpc::Status refused = export_traces(large("refused"), response, true);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(refused.error_message(), "the OTLP/gRPC decode queue is full; retry later");
  EXPECT_FALSE(answered(waiting));
  slow_sink.release();
  EXPECT_TRUE(waiting.get().ok());
  EXPECT_TRUE(slow.get().ok());
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 2);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kUnavailable), 1);
  EXPECT_EQ(receiver->decode_queue_length(), 0u);
}

TEST_F(GrpcDecodeTest, StoppingAnswersCallsWaitingForTheDecodeWorkerUnavailable) {
  ASSERT_NO_FATAL_FAILURE(start_held());
  ASSERT_NO_FATAL_FAILURE(queue_one());
  auto stopping = std::async(std::launch::async, [&] { receiver->stop(0); });
  grpc::Status cancelled = waiting.get();  // answered before the call being decoded ends
  EXPECT_EQ(cancelled.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(cancelled.error_message(), "the receiver is shutting down");
  EXPECT_FALSE(answered(slow));
  slow_sink.release();
  stopping.get();
  grpc::Status finished = slow.get();
  EXPECT_TRUE(finished.ok()) << finished.error_message();  // taken before the receiver closed
  EXPECT_EQ(sink.taken().size(), 1u);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kUnavailable), 1);
}

TEST_F(GrpcTest, UndecodableBytesAreInvalidArgument) {
  start();
  grpc::Status status = export_raw("\xff\xff\xff");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "invalid OTLP protobuf: cannot parse ExportTraceServiceRequest (3 bytes)");
  EXPECT_EQ(sink.taken().size(), 0u);
  trace_v1::ExportTraceServiceResponse response;
  EXPECT_TRUE(export_traces(simple_spans("svc", 1), response).ok());
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kInvalid), 1);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 1);
}

TEST_F(GrpcTest, StoppingAnswersHeldCallsUnavailable) {
  start();
  sink.set_hold(true);
  auto held = std::async(std::launch::async, [&] {
    trace_v1::ExportTraceServiceResponse response;
    return export_traces(simple_spans("a", 1), response);
  });
  ASSERT_TRUE(sink.wait_batches(1));
  receiver->stop(0);
  grpc::Status status = held.get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "the receiver is shutting down");
  EXPECT_FALSE(receiver->ready());
  EXPECT_EQ(receiver->not_ready_reason(), "stopped");
  sink.release_all();
}

TEST_F(GrpcTest, APortInUseLeavesTheReceiverNotReady) {
  start();
  OtlpGrpcOptions options;
  options.host = "127.0.0.1";
  options.port = receiver->port();
  OtlpGrpcReceiver second(options, sink, metrics_consumer, metrics, logger);
  second.start();
  EXPECT_FALSE(second.ready());
  EXPECT_EQ(second.not_ready_reason(),
            "cannot listen on 127.0.0.1:" + std::to_string(receiver->port()));
}

TEST_F(GrpcTest, AConnectionThatNeverHandshakesIsClosedAfterTheHandshakeTimeout) {
  OtlpGrpcOptions options;
  options.handshake_timeout = std::chrono::milliseconds(200);
  start(options);
  // A TCP connection that never sends the HTTP/2 preface: gRPC's default would keep it 120 s.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(receiver->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  timeval five_seconds{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof(five_seconds));
  // The server sends its own SETTINGS at once; then end of file (or a reset) once the handshake
  // deadline passes. A read that times out (5 s) means the connection was kept.
  bool closed = false;
  char buffer[256];
  for (int reads = 0; reads < 100; ++reads) {
    auto got = ::recv(fd, buffer, sizeof(buffer), 0);
    if (got == 0 || (got < 0 && errno == ECONNRESET)) {
      closed = true;
      break;
    }
    if (got < 0) break;
  }
  ::close(fd);
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace specwatch
