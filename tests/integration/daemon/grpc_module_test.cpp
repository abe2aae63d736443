// The OTLP/gRPC receiver is the module libspecwatch_otlp_grpc.so beside the binary: loaded when
// otlp.grpc.enabled (and working through it), never mapped otherwise, and when it cannot be
// loaded the gRPC receiver is not ready with the reason while the rest of the sidecar runs.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "sidecar/otlp/proto/trace_service.pb.h"
#include "tests/integration/support/log_ports.h"
#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

std::string process_maps(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string config_with_grpc(const TempDir& dir, bool grpc_enabled) {
  return "http:\n  listen: \"127.0.0.1:0\"\n"
         "state_dir: \"" +
         dir.file("state") +
         "\"\n"
         "log_level: info\n"
         "tail:\n  poll_interval_ms: 100\n"
         "otlp:\n  grpc: {enabled: " +
         (grpc_enabled ? "true" : "false") +
         ", listen: \"127.0.0.1:0\"}\n  http: {listen: \"127.0.0.1:0\"}\n"
         "sources:\n" +
         ndjson_source("app", dir.file("*.log"));
}

TEST(GrpcModule, DisabledGrpcMapsNoGrpcLibrary) {
  TempDir dir;
  write_file(dir.file("app.log"), event_line(1));
  write_file(dir.file("specwatch.yaml"), config_with_grpc(dir, false));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  ASSERT_NE(wait_logged_port(sidecar, kOtlpHttpListening), 0) << sidecar.log();
  ASSERT_TRUE(wait_until([&] { return http_get(port, "/ready").status == 200; })) << sidecar.log();
  ASSERT_TRUE(wait_until([&] {
    return value_of(scrape(port), "specwatch_source_events_total{source=\"app\"}") == 1.0;
  })) << sidecar.log();

  const std::string maps = process_maps(sidecar.pid());
  ASSERT_NE(maps.find("libprotobuf"), std::string::npos) << maps;  // the maps were read
  EXPECT_EQ(maps.find("libgrpc"), std::string::npos) << maps;
  EXPECT_EQ(maps.find("libspecwatch_otlp_grpc"), std::string::npos) << maps;
  EXPECT_EQ(sidecar.log().find("OTLP/gRPC"), std::string::npos) << sidecar.log();
}

TEST(GrpcModule, EnabledGrpcReceiverRunsFromTheModule) {
  TempDir dir;
  write_file(dir.file("app.log"), "");
  write_file(dir.file("specwatch.yaml"), config_with_grpc(dir, true));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  std::uint16_t grpc_port = wait_logged_port(sidecar, kOtlpGrpcListening);
  ASSERT_NE(grpc_port, 0) << sidecar.log();
  ASSERT_TRUE(wait_until([&] { return http_get(port, "/ready").status == 200; })) << sidecar.log();

  const std::string maps = process_maps(sidecar.pid());
  const std::string module =
      std::filesystem::path(SPECWATCH_BINARY).parent_path() / "libspecwatch_otlp_grpc.so";
  EXPECT_NE(maps.find(module), std::string::npos) << maps;
  EXPECT_NE(maps.find("libgrpc"), std::string::npos) << maps;

  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
  auto* span = request.add_resource_spans()->add_scope_spans()->add_spans();
  span->set_trace_id(std::string(16, '\x01'));
  span->set_span_id(std::string(8, '\x02'));
  span->set_name("chat gpt-4o");
  span->set_start_time_unix_nano(1700000000000000000ull);
  span->set_end_time_unix_nano(1700000001000000000ull);
  const std::string bytes = request.SerializeAsString();

  grpc::GenericStub stub(grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_port),
                                             grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                 grpc::StubOptions(), &in, &out,
                 [&](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  ASSERT_TRUE(wait_until([&] {
    return value_of(scrape(port),
                    "specwatch_otlp_requests_total{outcome=\"success\",protocol="
                    "\"grpc\",signal=\"traces\"}") == 1.0;
  })) << sidecar.log();
}

TEST(GrpcModule, MissingModuleLeavesGrpcNotReadyAndTheRestRunning) {
  TempDir dir;
  // A copy of the executable in a directory without the module.
  const std::string binary = dir.file("specwatch");
  std::filesystem::copy_file(SPECWATCH_BINARY, binary);
  ASSERT_EQ(::chmod(binary.c_str(), 0755), 0);
  write_file(dir.file("app.log"), event_line(1));
  write_file(dir.file("specwatch.yaml"), config_with_grpc(dir, true));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"), {}, binary);
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  ASSERT_TRUE(wait_until([&] {
    return value_of(scrape(port), "specwatch_source_events_total{source=\"app\"}") == 1.0;
  })) << sidecar.log();
  ASSERT_NE(wait_logged_port(sidecar, kOtlpHttpListening), 0) << sidecar.log();

  const std::string module = dir.file("libspecwatch_otlp_grpc.so");
  const std::string reason = "cannot load the gRPC receiver module " + module + ": " + module +
                             ": cannot open shared object file: No such file or directory";
  const std::string expected = R"({"status":"not ready","waiting_for":[{"component":)"
                               R"("source/otlp-grpc","reason":")" +
                               reason + R"("}]})";
  HttpResponse ready;
  ASSERT_TRUE(wait_until([&] {
    ready = http_get(port, "/ready");
    return ready.body == expected;
  })) << ready.body;
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(http_get(port, "/health").status, 200);
  EXPECT_NE(sidecar.log().find(reason), std::string::npos) << sidecar.log();
  EXPECT_EQ(process_maps(sidecar.pid()).find("libgrpc"), std::string::npos);
}

}  // namespace
}  // namespace specwatch::testing
