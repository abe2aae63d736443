#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <thread>

#include "otlp_support.h"
#include "sidecar/framing/json_parser.h"
#include "sidecar/otlp/otlp_http_receiver.h"
#include "sidecar/otlp/pipeline_sink.h"
#include "sidecar/otlp/proto/rpc_status.pb.h"
#include "sidecar/pipeline/pipeline.h"
#include "tests/support/http/http_client.h"
#include "tests/support/wait_until.h"

namespace specwatch {
namespace {

using namespace specwatch::testing;

constexpr const char* kProtobuf = "Content-Type: application/x-protobuf\r\n";
constexpr const char* kJson = "Content-Type: application/json\r\n";

std::string with_gzip(const char* type) {
  return std::string(type) + "Content-Encoding: gzip\r\n";
}

google::rpc::Status status_of(const std::string& body) {
  google::rpc::Status status;
  EXPECT_TRUE(status.ParseFromString(body));
  return status;
}

// Peak resident memory of this process in KiB.
long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

struct HttpTest : ::testing::Test {
  prometheus::Registry registry;
  OtlpMetrics metrics{registry};
  FakeSink sink;
  CountingMetricsConsumer metrics_consumer;
  Logger logger{LogLevel::kError, [](std::string_view) {}};
  std::unique_ptr<OtlpHttpReceiver> receiver;

  void start(OtlpHttpOptions options = {}, OtlpBatchSink* custom_sink = nullptr) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.ingest.consume_timeout = std::chrono::milliseconds(20);
    receiver = std::make_unique<OtlpHttpReceiver>(options, custom_sink ? *custom_sink : sink,
                                                  metrics_consumer, metrics, logger);
    receiver->start();
    ASSERT_TRUE(receiver->ready()) << receiver->error();
  }
  void TearDown() override {
    if (receiver) receiver->stop(1000);
  }
  std::optional<HttpResponse> post(const std::string& path, const std::string& body,
                                   const std::string& headers) {
    TestHttpClient client(receiver->port());
    return client.request("POST", path, body, headers);
  }
  double requests(OtlpSignal signal, ExportOutcome outcome) {
    return metrics.requests_value(OtlpProtocol::kHttp, signal, outcome);
  }
};

TEST_F(HttpTest, ProtobufTracesAreAcceptedWithAnEmptyExportResponse) {
  start();
  auto response = post("/v1/traces", genai_span_request().SerializeAsString(), kProtobuf);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-type"), "application/x-protobuf");
  EXPECT_EQ(response->body, "");
  auto batches = sink.taken();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].source, "otlp-http");
  EXPECT_EQ(batches[0].service, "specular");
  EXPECT_EQ(batches[0].profile, "otlp-span");
  ASSERT_EQ(batches[0].records.size(), 1u);
  EXPECT_EQ(to_compact_json(*batches[0].records[0].value), kSpanRecord);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 1);
}

TEST_F(HttpTest, JsonTracesAreAcceptedWithAJsonExportResponse) {
  start();
  auto response =
      post("/v1/traces", kGenAiSpanJson, "Content-Type: application/json; charset=utf-8\r\n");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-type"), "application/json");
  EXPECT_EQ(response->body, "{}");
  auto batches = sink.taken();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(to_compact_json(*batches[0].records[0].value), kSpanRecord);
}

TEST_F(HttpTest, GzipBodiesInBothEncodings) {
  start();
  auto protobuf =
      post("/v1/traces", gzip(genai_span_request().SerializeAsString()), with_gzip(kProtobuf));
  ASSERT_TRUE(protobuf.has_value());
  EXPECT_EQ(protobuf->status, 200);
  auto json = post("/v1/traces", gzip(kGenAiSpanJson), with_gzip(kJson));
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->status, 200);
  EXPECT_EQ(json->body, "{}");
  auto batches = sink.taken();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(to_compact_json(*batches[0].records[0].value), kSpanRecord);
  EXPECT_EQ(to_compact_json(*batches[1].records[0].value), kSpanRecord);
}

TEST_F(HttpTest, PartialSuccessCountsRejectedItems) {
  start();
  auto response = post("/v1/traces", spans_with_one_bad("svc", 3).SerializeAsString(), kProtobuf);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  trace_v1::ExportTraceServiceResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(response->body));
  EXPECT_EQ(parsed.partial_success().rejected_spans(), 1);
  EXPECT_EQ(parsed.partial_success().error_message(),
            "span \"bad\": trace_id must be 16 bytes, got 3");
  auto json = post("/v1/logs",
                   R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[)"
                   R"({"timeUnixNano":"5","body":{"stringValue":"ok"}},)"
                   R"({"traceId":"0102","body":{"stringValue":"bad"}}]}]}]})",
                   kJson);
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->status, 200);
  EXPECT_EQ(json->body, R"({"partialSuccess":{"rejectedLogRecords":"1","errorMessage":)"
                        R"("log record: trace_id must be empty or 16 bytes, got 2"}})");
  EXPECT_EQ(sink.taken().size(), 2u);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kPartial), 1);
  EXPECT_EQ(requests(OtlpSignal::kLogs, ExportOutcome::kPartial), 1);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kTraces, true), 3);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kTraces, false), 1);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kLogs, true), 1);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kLogs, false), 1);
}

TEST_F(HttpTest, MalformedAndTruncatedProtobufIs400WithAStatus) {
  start();
  auto malformed = post("/v1/traces", "\xff\xff\xff", kProtobuf);
  ASSERT_TRUE(malformed.has_value());
  EXPECT_EQ(malformed->status, 400);
  EXPECT_EQ(malformed->header("content-type"), "application/x-protobuf");
  google::rpc::Status status = status_of(malformed->body);
  EXPECT_EQ(status.code(), 3);
  EXPECT_EQ(status.message(),
            "invalid OTLP protobuf: cannot parse ExportTraceServiceRequest (3 bytes)");

  const std::string whole = genai_span_request().SerializeAsString();
  const std::string truncated = whole.substr(0, whole.size() - 5);
  auto cut = post("/v1/traces", truncated, kProtobuf);
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->status, 400);
  EXPECT_EQ(status_of(cut->body).message(),
            "invalid OTLP protobuf: cannot parse ExportTraceServiceRequest (" +
                std::to_string(truncated.size()) + " bytes)");
  // proto3 strings must be UTF-8: the generated parser refuses anything else.
  trace_v1::ExportTraceServiceRequest bad_utf8 = simple_spans("svc", 1);
  bad_utf8.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name("\xff");
  std::string bad_bytes;
  bad_utf8.SerializePartialToString(&bad_bytes);
  auto utf8 = post("/v1/traces", bad_bytes, kProtobuf);
  ASSERT_TRUE(utf8.has_value());
  EXPECT_EQ(utf8->status, 400);
  EXPECT_EQ(sink.taken().size(), 0u);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kInvalid), 3);
}

// A large resource repeated in each of many small spans would take gigabytes once decoded: the
// request is refused whole with the reason, counted, and the next one goes through.
TEST_F(HttpTest, ARequestThatWouldExpandBeyondTheBoundIs400) {
  start();
  trace_v1::ExportTraceServiceRequest request = simple_spans("svc", 3000);
  auto* resource = request.mutable_resource_spans(0)->mutable_resource();
  for (int i = 0; i < 20000; ++i) {
    auto* kv = resource->add_attributes();
    kv->set_key("k" + std::to_string(i));
    kv->mutable_value()->set_string_value("v");
  }
  const std::string body = request.SerializeAsString();
  auto refused = post("/v1/traces", body, kProtobuf);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(status_of(refused->body).message(),
            "OTLP ExportTraceServiceRequest too large once decoded: its spans take more than " +
                std::to_string(32 * body.size() + 1024 * 1024) + " bytes (" +
                std::to_string(body.size()) +
                " bytes received; a resource is repeated in each of its items): send fewer per "
                "request");
  EXPECT_EQ(sink.taken().size(), 0u);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kInvalid), 1);
  auto next = post("/v1/traces", simple_spans("svc", 2).SerializeAsString(), kProtobuf);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
  ASSERT_EQ(sink.taken().size(), 1u);
  EXPECT_EQ(sink.taken()[0].records.size(), 2u);
}

TEST_F(HttpTest, MalformedJsonAndCorruptGzipAre400) {
  start();
  auto json = post("/v1/metrics", R"({"resourceMetrics":[{)", kJson);
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->status, 400);
  EXPECT_EQ(json->header("content-type"), "application/json");
  EXPECT_EQ(
      json->body,
      R"({"code":3,"message":"invalid JSON at offset 21: Missing a name for object member."})");
  auto corrupt = post("/v1/traces", "definitely not gzip", with_gzip(kJson));
  ASSERT_TRUE(corrupt.has_value());
  EXPECT_EQ(corrupt->status, 400);
  EXPECT_EQ(corrupt->body, R"({"code":3,"message":"invalid gzip stream: incorrect header check"})");
  EXPECT_EQ(requests(OtlpSignal::kMetrics, ExportOutcome::kInvalid), 1);
}

TEST_F(HttpTest, OtherContentTypesAndEncodingsAre415) {
  start();
  auto text = post("/v1/traces", "hello", "Content-Type: text/plain\r\n");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->status, 415);
  EXPECT_EQ(text->body, R"({"code":3,"message":"unsupported Content-Type \"text/plain\"; use )"
                        R"(application/x-protobuf or application/json"})");
  auto none = post("/v1/logs", "hello", "");
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->status, 415);
  auto brotli = post("/v1/traces", "x", std::string(kJson) + "Content-Encoding: br\r\n");
  ASSERT_TRUE(brotli.has_value());
  EXPECT_EQ(brotli->status, 415);
  EXPECT_EQ(brotli->body,
            R"({"code":3,"message":"unsupported Content-Encoding \"br\"; use gzip or identity"})");
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kUnsupportedMediaType), 2);
  EXPECT_EQ(requests(OtlpSignal::kLogs, ExportOutcome::kUnsupportedMediaType), 1);
}

TEST_F(HttpTest, OversizedBodiesAre413) {
  OtlpHttpOptions options;
  options.max_body_bytes = 1000;
  options.max_compressed_bytes = 4000;
  start(options);
  auto big = post("/v1/traces", std::string(2000, 'x'), kJson);
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(big->body, R"({"code":3,"message":"request body exceeds 1000 bytes"})");
  auto inflated = post("/v1/traces", gzip(std::string(1001, ' ')), with_gzip(kJson));
  ASSERT_TRUE(inflated.has_value());
  EXPECT_EQ(inflated->status, 413);
  EXPECT_EQ(inflated->body,
            R"({"code":3,"message":"request body exceeds 1000 bytes after decompression"})");
  auto exact = post("/v1/traces", gzip(std::string(998, ' ') + "{}"), with_gzip(kJson));
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->status, 200);
  auto wire = post("/v1/traces", std::string(5000, 'x'), kJson);  // beyond the compressed bound
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(wire->status, 413);
  EXPECT_EQ(wire->body, R"({"error":"request body too large"})");
  // The server's own 413 (before the handler) is counted too.
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kTooLarge), 3);
}

TEST_F(HttpTest, AnswersOfTheServerItselfAreCountedPerSignal) {
  OtlpHttpOptions options;
  options.max_compressed_bytes = 100;
  start(options);
  auto wire = post("/v1/logs", std::string(101, 'x'), kJson);
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(wire->status, 413);
  {
    TestHttpClient client(receiver->port());
    client.send("POST /v1/metrics HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n");
    auto malformed = client.read_response();
    ASSERT_TRUE(malformed.has_value());
    EXPECT_EQ(malformed->status, 400);
  }
  {
    TestHttpClient client(receiver->port());
    client.send(
        "POST /v1/traces HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    auto coded = client.read_response();
    ASSERT_TRUE(coded.has_value());
    EXPECT_EQ(coded->status, 501);
    EXPECT_EQ(coded->body, R"({"error":"unsupported transfer coding"})");
  }
  {
    TestHttpClient client(receiver->port());
    auto wrong_method = client.request("GET", "/v1/traces");  // not an export: not counted
    ASSERT_TRUE(wrong_method.has_value());
    EXPECT_EQ(wrong_method->status, 405);
  }
  EXPECT_EQ(requests(OtlpSignal::kLogs, ExportOutcome::kTooLarge), 1);
  EXPECT_EQ(requests(OtlpSignal::kMetrics, ExportOutcome::kInvalid), 1);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kUnsupportedMediaType), 1);
  double total = 0;
  for (auto signal : {OtlpSignal::kTraces, OtlpSignal::kLogs, OtlpSignal::kMetrics}) {
    for (int o = 0; o < 6; ++o) total += requests(signal, static_cast<ExportOutcome>(o));
  }
  EXPECT_EQ(total, 3);
  EXPECT_TRUE(sink.taken().empty());
}

TEST_F(HttpTest, ConnectionsOverTheCapWithExportsInProgressAre503AndCounted) {
  OtlpHttpOptions options;
  options.max_connections = 1;
  options.retry_after_seconds = 3;
  sink.set_hold(true);  // the export stays in progress until release_all()
  start(options);
  TestHttpClient busy(receiver->port());
  const std::string body = genai_span_request().SerializeAsString();
  busy.send("POST /v1/traces HTTP/1.1\r\nHost: t\r\n" + std::string(kProtobuf) +
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_TRUE(sink.wait_batches(1));
  auto refused = post("/v1/traces", body, kProtobuf);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->header("retry-after"), "3");
  EXPECT_EQ(refused->body, R"({"error":"too many connections"})");
  EXPECT_EQ(metrics.connections_refused_otlp_http_value(), 1);
  sink.set_hold(false);
  sink.release_all();
  auto answer = busy.read_response();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 200);
  // The server marks the connection idle when the answer's write completes, which can be just
  // after the client read it: wait for that, then a newcomer takes its place.
  ASSERT_TRUE(testing::wait_until([&] { return receiver->idle_connections() == 1; },
                                  std::chrono::seconds(5), std::chrono::milliseconds(1)));
  auto served = post("/v1/traces", body, kProtobuf);
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200);
  EXPECT_TRUE(busy.peer_closed());
  EXPECT_EQ(metrics.connections_refused_otlp_http_value(), 1);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 2);
}

TEST_F(HttpTest, IdleConnectionsAreClosedAfterTheHeaderTimeout) {
  OtlpHttpOptions options;
  options.header_timeout = std::chrono::milliseconds(100);
  start(options);
  TestHttpClient idle(receiver->port());
  EXPECT_TRUE(idle.peer_closed());  // the client's own timeout is 5 s
}

TEST_F(HttpTest, GzipBombIs413WithBoundedMemoryWhileAGoodSenderIsServed) {
  start();                                   // 16 MiB after decompression
  const std::string bomb = gzip_bomb(2048);  // 2 GiB of zeros in about 2 MiB
  const long peak_before = peak_rss_kib();
  auto bombing = std::async(std::launch::async,
                            [&] { return post("/v1/traces", bomb, with_gzip(kProtobuf)); });
  for (int i = 0; i < 5; ++i) {
    auto good = post("/v1/traces", simple_spans("good", 2).SerializeAsString(), kProtobuf);
    ASSERT_TRUE(good.has_value());
    EXPECT_EQ(good->status, 200);
  }
  auto response = bombing.get();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(status_of(response->body).message(),
            "request body exceeds 16777216 bytes after decompression");
  // Inflating the bomb would take 2 GiB; the bounded inflater stops past 16 MiB.
  EXPECT_LT(peak_rss_kib() - peak_before, 64 * 1024);
  EXPECT_EQ(sink.taken().size(), 5u);
}

bool answered(std::future<std::optional<HttpResponse>>& response) {
  return response.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

// The receiver on a SlowServiceSink, released before the receiver stops: a failed test must not
// leave a thread held.
struct HttpDecodeTest : HttpTest {
  SlowServiceSink slow_sink{sink};
  std::future<std::optional<HttpResponse>> slow;     // a gzip export held on the decode worker
  std::future<std::optional<HttpResponse>> waiting;  // a JSON export queued behind it

  void TearDown() override {
    slow_sink.release();
    HttpTest::TearDown();
  }
  void hold_the_worker_with_one_waiting(OtlpHttpOptions options);
};

// Gzip bodies inflating past 4 KiB go to the decode worker.
OtlpHttpOptions small_inline_bound() {
  OtlpHttpOptions options;
  options.inline_inflate_bytes = 4096;
  return options;
}

// A gzip export of service "slow" that inflates past small_inline_bound()'s 4 KiB.
std::string slow_gzip_export(int spans = 100) {
  const std::string body = simple_spans("slow", spans).SerializeAsString();
  EXPECT_GT(body.size(), 4096u);
  return gzip(body);
}

void HttpDecodeTest::hold_the_worker_with_one_waiting(OtlpHttpOptions options) {
  start(options, &slow_sink);
  slow = std::async(std::launch::async,
                    [&] { return post("/v1/traces", slow_gzip_export(), with_gzip(kProtobuf)); });
  ASSERT_TRUE(slow_sink.wait_entered());
  waiting =
      std::async(std::launch::async, [&] { return post("/v1/traces", kGenAiSpanJson, kJson); });
  ASSERT_TRUE(wait_until([&] { return receiver->decode_queue_length() == 1; }));
}

TEST_F(HttpDecodeTest, AGzipExportBeingDecodedDoesNotHoldUpIdentityOrSmallGzipProtobuf) {
  start(small_inline_bound(), &slow_sink);
  auto slow = std::async(std::launch::async, [&] {
    return post("/v1/traces", slow_gzip_export(), with_gzip(kProtobuf));
  });
  ASSERT_TRUE(slow_sink.wait_entered());  // the decode worker holds the gzip export
  for (int i = 0; i < 3; ++i) {
    auto fast = post("/v1/traces", simple_spans("fast", 1).SerializeAsString(), kProtobuf);
    ASSERT_TRUE(fast.has_value());
    EXPECT_EQ(fast->status, 200);
    auto small_gzip =
        post("/v1/traces", gzip(simple_spans("fast", 2).SerializeAsString()), with_gzip(kProtobuf));
    ASSERT_TRUE(small_gzip.has_value());
    EXPECT_EQ(small_gzip->status, 200);
  }
  EXPECT_FALSE(answered(slow));
  EXPECT_EQ(sink.taken().size(), 6u);
  slow_sink.release();
  auto response = slow.get();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  expect_slow_batch_last(sink, 7, 100);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 7);
}

TEST_F(HttpDecodeTest, ATruncatedOrOversizedGzipBodyPastTheInlineBoundIsAnsweredByTheWorker) {
  OtlpHttpOptions options = small_inline_bound();
  options.max_body_bytes = 65536;
  start(options);
  // 4 KiB inflate on the io thread, then the worker finds the stream cut short.
  const std::string whole = gzip(std::string(40000, 'a'));
  auto truncated = post("/v1/traces", whole.substr(0, whole.size() - 8), with_gzip(kProtobuf));
  ASSERT_TRUE(truncated.has_value());
  EXPECT_EQ(truncated->status, 400);
  EXPECT_EQ(status_of(truncated->body).message(), "truncated gzip stream");
  auto oversized = post("/v1/traces", gzip(std::string(70000, 'a')), with_gzip(kProtobuf));
  ASSERT_TRUE(oversized.has_value());
  EXPECT_EQ(oversized->status, 413);
  EXPECT_EQ(status_of(oversized->body).message(),
            "request body exceeds 65536 bytes after decompression");
  auto good = post("/v1/traces", simple_spans("after", 2).SerializeAsString(), kProtobuf);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->status, 200);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kInvalid), 1);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kTooLarge), 1);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 1);
  EXPECT_EQ(sink.taken().size(), 1u);
}

TEST_F(HttpDecodeTest, JsonAndGzipExportsOverTheDecodeQueueAre503WithRetryAfter) {
  OtlpHttpOptions options = small_inline_bound();
  options.decode_queue = 1;
  options.retry_after_seconds = 4;
  ASSERT_NO_FATAL_FAILURE(hold_the_worker_with_one_waiting(options));

  auto refused_json = post("/v1/traces", kGenAiSpanJson, kJson);
  ASSERT_TRUE(refused_json.has_value());
  EXPECT_EQ(refused_json->status, 503);
  EXPECT_EQ(refused_json->header("retry-after"), "4");
  EXPECT_EQ(refused_json->body,
            R"({"code":14,"message":"the OTLP/HTTP decode queue is full; retry later"})");
  auto refused_gzip = post("/v1/logs", slow_gzip_export(), with_gzip(kProtobuf));
  ASSERT_TRUE(refused_gzip.has_value());
  EXPECT_EQ(refused_gzip->status, 503);
  EXPECT_EQ(status_of(refused_gzip->body).message(),
            "the OTLP/HTTP decode queue is full; retry later");
  EXPECT_FALSE(answered(waiting));

  slow_sink.release();
  auto waited = waiting.get();
  ASSERT_TRUE(waited.has_value());
  EXPECT_EQ(waited->status, 200);
  ASSERT_TRUE(slow.get().has_value());
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 2);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kUnavailable), 1);
  EXPECT_EQ(requests(OtlpSignal::kLogs, ExportOutcome::kUnavailable), 1);
  EXPECT_EQ(receiver->decode_queue_length(), 0u);
}

TEST_F(HttpDecodeTest, StoppingAnswersExportsWaitingForTheDecodeWorker503) {
  ASSERT_NO_FATAL_FAILURE(hold_the_worker_with_one_waiting(small_inline_bound()));

  auto stopping = std::async(std::launch::async, [&] { receiver->stop(0); });
  auto cancelled = waiting.get();  // answered before the export being decoded ends
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(cancelled->status, 503);
  EXPECT_EQ(cancelled->header("retry-after"), "1");
  EXPECT_EQ(cancelled->body, R"({"code":14,"message":"the receiver is shutting down"})");
  EXPECT_FALSE(answered(slow));
  slow_sink.release();
  stopping.get();
  auto finished = slow.get();
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->status, 200);  // its batch was taken before the receiver closed
  EXPECT_EQ(sink.taken().size(), 1u);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kUnavailable), 1);
}

TEST_F(HttpTest, MetricsExportsReachTheMetricsConsumer) {
  start();
  auto response = post("/v1/metrics",
                       R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m",)"
                       R"("gauge":{"dataPoints":[{"asDouble":1.5,"timeUnixNano":"1"},)"
                       R"({"asInt":"2"}]}}]}]}]})",
                       kJson);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "{}");
  EXPECT_EQ(metrics_consumer.requests(), 1);
  EXPECT_EQ(metrics_consumer.points(), 2);
  EXPECT_EQ(requests(OtlpSignal::kMetrics, ExportOutcome::kSuccess), 1);
}

TEST_F(HttpTest, ReadinessFollowsTheListener) {
  start();
  EXPECT_EQ(receiver->name(), "otlp-http");
  EXPECT_EQ(receiver->not_ready_reason(), "");
  OtlpHttpOptions options;
  options.host = "127.0.0.1";
  options.port = receiver->port();
  OtlpHttpReceiver second(options, sink, metrics_consumer, metrics, logger);
  second.start();
  EXPECT_FALSE(second.ready());
  EXPECT_EQ(second.not_ready_reason(),
            "cannot listen on 127.0.0.1:" + std::to_string(receiver->port()) +
                ": Address already in use");
  receiver->stop(0);
  EXPECT_FALSE(receiver->ready());
  EXPECT_EQ(receiver->not_ready_reason(), "stopped");
}

TEST_F(HttpTest, StoppingAnswersHeldExports503) {
  start();
  sink.set_hold(true);
  auto held = std::async(std::launch::async, [&] {
    return post("/v1/traces", simple_spans("svc", 1).SerializeAsString(), kProtobuf);
  });
  ASSERT_TRUE(sink.wait_batches(1));
  receiver->stop(0);
  auto response = held.get();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(status_of(response->body).message(), "the receiver is shutting down");
  sink.release_all();
}

// Blocks the pipeline worker in on_batch_end until opened; counts the records it parsed. It says
// it may block, as a sink in `block` mode does: so the pipeline hands every batch to its worker
// and the receiver's thread stays free to answer 503 (pipeline.h).
class GateProcessor final : public RecordProcessor {
 public:
  bool may_block() const override { return true; }
  void on_json(const RecordBatch&, const Record&, JsonRef value) override {
    std::lock_guard lock(mutex_);
    if (value.is_object() && value.find("signal")) ++records_;
  }
  void on_text(const RecordBatch&, const Record&) override {}
  void on_batch_end(RecordBatch&) override {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  bool wait_entered(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return entered_ >= count; });
  }
  int records() {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  int entered_ = 0;
  int records_ = 0;
};

TEST_F(HttpTest, AFullPipelineAnswers503WithRetryAfterAndLosesNothingAccepted) {
  PipelineConfig config;
  config.queue_max_batches = 1;
  PipelineMetrics pipeline_metrics(registry);
  auto& errors_total =
      prometheus::BuildCounter().Name("specwatch_source_errors_total").Help("e").Register(registry);
  ErrorReporter errors(logger, errors_total);
  Pipeline pipeline(config, pipeline_metrics, errors, logger);
  GateProcessor gate;
  pipeline.add_processor(gate);
  pipeline.start();
  PipelineSink<Pipeline> pipeline_sink(pipeline);
  OtlpHttpOptions options;
  options.retry_after_seconds = 7;
  start(options, &pipeline_sink);

  auto first = std::async(std::launch::async, [&] {
    return post("/v1/traces", simple_spans("a", 2).SerializeAsString(), kProtobuf);
  });
  ASSERT_TRUE(gate.wait_entered(1));  // the worker holds the first batch
  auto second = std::async(std::launch::async, [&] {
    return post("/v1/traces", simple_spans("b", 3).SerializeAsString(), kProtobuf);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (pipeline.queued_batches() < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(pipeline.queued_batches(), 1u);  // the queue is full

  auto refused = post("/v1/traces", kGenAiSpanJson, kJson);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->header("retry-after"), "7");
  EXPECT_EQ(refused->body, R"({"code":14,"message":"the pipeline is full; retry later"})");

  gate.open();
  auto first_response = first.get();
  auto second_response = second.get();
  ASSERT_TRUE(first_response.has_value());
  ASSERT_TRUE(second_response.has_value());
  EXPECT_EQ(first_response->status, 200);
  EXPECT_EQ(second_response->status, 200);
  auto retried = post("/v1/traces", kGenAiSpanJson, kJson);
  ASSERT_TRUE(retried.has_value());
  EXPECT_EQ(retried->status, 200);
  EXPECT_EQ(gate.records(), 6);  // 2 + 3 + the retried one: every accepted span was processed
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kSuccess), 3);
  EXPECT_EQ(requests(OtlpSignal::kTraces, ExportOutcome::kUnavailable), 1);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kTraces, true), 6);
  receiver->stop(1000);
  pipeline.stop();
}

}  // namespace
}  // namespace specwatch
