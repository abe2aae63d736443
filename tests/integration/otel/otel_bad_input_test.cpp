// Bad input against the real binary's OTLP receivers, over HTTP and gRPC: each is refused with
// the documented answer, the process stays up, and a good export by the real SDK right after is
// accepted and counted. (The receivers' unit tests cover the details; this is end to end.)
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <stdexcept>

#include "sidecar/otlp/proto/rpc_status.pb.h"
#include "tests/integration/otel/otel_harness.h"
#include "tests/support/grpc_raw_export.h"
#include "tests/support/gzip_bomb.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

constexpr std::size_t kMaxBody = 1 << 20;  // otlp.max_body_bytes below
const std::string kLimits = "  max_body_bytes: 1048576\n";

using RawAnswer = HttpResponse;

// One POST with the given extra header lines ("Name: value\r\n" each); Connection: close.
RawAnswer post(std::uint16_t port, const std::string& path, const std::string& headers,
               const std::string& body) {
  return http_request(port, "POST", path, body, "", headers);
}

google::rpc::Status status_of(const std::string& protobuf_body) {
  google::rpc::Status status;
  EXPECT_TRUE(status.ParseFromString(protobuf_body)) << "not a google.rpc.Status";
  return status;
}

std::string counter(const std::string& protocol, const std::string& outcome) {
  return "specwatch_otlp_requests_total{outcome=\"" + outcome + "\",protocol=\"" + protocol +
         "\",signal=\"traces\"}";
}
const std::string kAcceptedSpans =
    "specwatch_otlp_items_total{outcome=\"accepted\",signal=\"traces\"}";

class OtelBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string problem = node_problem();
    if (!problem.empty()) GTEST_FAIL() << problem;
    sidecar_ = std::make_unique<OtelSidecar>(kLimits);
    ASSERT_EQ(sidecar_->problem(), "");
  }
  // The real SDK's export right after the bad input: accepted and counted.
  void good_export_is_counted(const std::string& scenario, double spans) {
    ASSERT_TRUE(sidecar_->process().running()) << sidecar_->process().log();
    NodeResult r = run_sender(scenario, *sidecar_);
    ASSERT_EQ(r.exit_code, 0) << r.output << "\n--- sidecar log:\n" << sidecar_->process().log();
    auto m = sidecar_->wait_for(kAcceptedSpans, spans);
    EXPECT_EQ(value_of(m, kAcceptedSpans), spans);
    EXPECT_TRUE(sidecar_->process().running());
  }
  std::unique_ptr<OtelSidecar> sidecar_;
};

TEST_F(OtelBadInput, HttpMalformedProtobufIs400WithStatus) {
  RawAnswer a = post(sidecar_->otlp_http_port(), "/v1/traces",
                     "Content-Type: application/x-protobuf\r\n", std::string("\xff\xff\xff", 3));
  EXPECT_EQ(a.status, 400) << a.header_text();
  google::rpc::Status status = status_of(a.body);
  EXPECT_EQ(status.code(), 3);  // INVALID_ARGUMENT
  EXPECT_EQ(status.message(),
            "invalid OTLP protobuf: cannot parse ExportTraceServiceRequest (3 bytes)");
  good_export_is_counted("specular-spans", 4);
  auto m = sidecar_->scrape();
  EXPECT_EQ(value_of(m, counter("http", "invalid")), 1);
  EXPECT_EQ(value_of(m, counter("http", "success")), 1);
}

TEST_F(OtelBadInput, HttpMalformedJsonIs400WithJsonStatus) {
  RawAnswer a = post(sidecar_->otlp_http_port(), "/v1/traces", "Content-Type: application/json\r\n",
                     "{\"resourceSpans\": [");
  EXPECT_EQ(a.status, 400) << a.header_text();
  EXPECT_NE(a.body.find("\"code\":3"), std::string::npos) << a.body;
  good_export_is_counted("genai-spans-http", 3);
  EXPECT_EQ(value_of(sidecar_->scrape(), counter("http", "invalid")), 1);
}

TEST_F(OtelBadInput, HttpWrongContentTypeIs415) {
  RawAnswer a =
      post(sidecar_->otlp_http_port(), "/v1/traces", "Content-Type: text/plain\r\n", "hello");
  EXPECT_EQ(a.status, 415) << a.header_text();
  EXPECT_NE(a.body.find("\"code\""), std::string::npos) << a.body;  // a Status, in JSON
  good_export_is_counted("specular-spans", 4);
  EXPECT_EQ(value_of(sidecar_->scrape(), counter("http", "unsupported_media_type")), 1);
}

TEST_F(OtelBadInput, HttpOversizedBodyIs413) {
  RawAnswer a = post(sidecar_->otlp_http_port(), "/v1/traces",
                     "Content-Type: application/x-protobuf\r\n", std::string(kMaxBody + 1, '\x0a'));
  EXPECT_EQ(a.status, 413) << a.header_text();
  good_export_is_counted("specular-spans", 4);
}

TEST_F(OtelBadInput, HttpGzipBombIs413Quickly) {
  const std::string bomb = gzip_bomb(512);  // 512 MiB of zeros in about half a MiB
  ASSERT_LT(bomb.size(), kMaxBody);
  auto start = std::chrono::steady_clock::now();
  RawAnswer a = post(sidecar_->otlp_http_port(), "/v1/traces",
                     "Content-Type: application/x-protobuf\r\nContent-Encoding: gzip\r\n", bomb);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(a.status, 413) << a.header_text();
  google::rpc::Status status = status_of(a.body);
  EXPECT_EQ(status.message(), "request body exceeds 1048576 bytes after decompression");
  // Inflation stops one byte past the limit: far less than inflating 512 MiB would take.
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  good_export_is_counted("specular-spans", 4);
  EXPECT_EQ(value_of(sidecar_->scrape(), counter("http", "too_large")), 1);
}

class OtelBadGrpc : public OtelBadInput {
 protected:
  grpc::Status call(const std::string& bytes) {
    grpc::ChannelArguments arguments;
    arguments.SetMaxSendMessageSize(64 << 20);
    auto channel =
        grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(sidecar_->otlp_grpc_port()),
                                  grpc::InsecureChannelCredentials(), arguments);
    return export_raw_traces(channel, bytes);
  }
};

TEST_F(OtelBadGrpc, MalformedProtobufIsInvalidArgument) {
  grpc::Status s = call(std::string("\xff\xff\xff", 3));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "invalid OTLP protobuf: cannot parse ExportTraceServiceRequest (3 bytes)");
  good_export_is_counted("genai-spans-grpc", 3);
  auto m = sidecar_->scrape();
  EXPECT_EQ(value_of(m, counter("grpc", "invalid")), 1);
  EXPECT_EQ(value_of(m, counter("grpc", "success")), 1);
}

TEST_F(OtelBadGrpc, OversizedMessageIsResourceExhausted) {
  grpc::Status s = call(std::string(kMaxBody + 1, '\x0a'));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  good_export_is_counted("genai-spans-grpc", 3);
}

TEST_F(OtelBadGrpc, GzipBombIsResourceExhaustedQuickly) {
  const std::string bomb = gzip_bomb(512);
  auto start = std::chrono::steady_clock::now();
  grpc::Status s = call(bomb);  // gzip bytes as the message: the receiver inflates them itself
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), "message exceeds 1048576 bytes after decompression");
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  good_export_is_counted("genai-spans-grpc", 3);
  EXPECT_EQ(value_of(sidecar_->scrape(), counter("grpc", "too_large")), 1);
}

}  // namespace
}  // namespace specwatch::testing
