// /metrics, /health, /ready and error statuses of the real binary.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

TEST(Endpoints, ServeMetricsHealthReadyAndRejectOthers) {
  TempDir dir;
  std::string log_file = dir.file("app.log");
  std::string lines;
  for (int i = 0; i < 3; ++i) lines += event_line(i);
  write_file(log_file, lines);
  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"), ndjson_source("app", dir.file("*.log"))));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();

  auto health = http_get(port, "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "{\"status\":\"ok\"}");

  ASSERT_TRUE(wait_until([&] { return http_get(port, "/ready").status == 200; }));
  EXPECT_EQ(http_get(port, "/ready").body, "{\"status\":\"ready\"}");

  ASSERT_TRUE(wait_until([&] {
    return value_of(scrape(port), "specwatch_source_events_total{source=\"app\"}") == 3.0;
  })) << sidecar.log();
  auto metrics = http_get(port, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  auto m = parse_metrics(metrics.body);
  EXPECT_EQ(value_of(m, "specwatch_source_bytes_total{source=\"app\"}"),
            static_cast<double>(lines.size()));
  EXPECT_EQ(value_of(m, "specwatch_source_files{source=\"app\"}"), 1.0);
  EXPECT_EQ(value_of(m, "specwatch_source_lag_bytes{source=\"app\"}"), 0.0);
  EXPECT_EQ(value_of(m, "specwatch_build_info{version=\"" SPECWATCH_VERSION "\"}"), 1.0);
  EXPECT_GT(value_of(m, "process_resident_memory_bytes").value_or(0), 0.0);
  EXPECT_TRUE(value_of(m, "process_cpu_seconds_total").has_value());

  EXPECT_EQ(http_get(port, "/nope").status, 404);
  auto post = http_request(port, "POST", "/metrics", "x", "text/plain");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
}

}  // namespace
}  // namespace specwatch::testing

namespace specwatch::testing {
namespace {

// A receiver that cannot listen keeps /ready at 503 and names itself; the rest keeps working.
TEST(Endpoints, ReadyIs503NamingTheComponentThatIsNotReady) {
  int blocker = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(blocker, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(blocker, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(blocker, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string taken = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  TempDir dir;
  write_file(dir.file("app.log"), event_line(1));
  std::string config = test_config(dir.file("state"), ndjson_source("app", dir.file("*.log")));
  // The OTLP/HTTP receiver is told to listen where something already does.
  config.replace(config.find("http: {listen: \"127.0.0.1:0\"}"),
                 std::string("http: {listen: \"127.0.0.1:0\"}").size(),
                 "http: {listen: \"" + taken + "\"}");
  write_file(dir.file("specwatch.yaml"), config);
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  ASSERT_TRUE(wait_until([&] {
    return value_of(scrape(port), "specwatch_source_events_total{source=\"app\"}") == 1.0;
  })) << sidecar.log();
  // Until the OTLP/gRPC receiver (a module loaded at start) listens, it is named too: wait for
  // the answer that names only the receiver that cannot listen.
  const std::string expected =
      "{\"status\":\"not ready\",\"waiting_for\":[{\"component\":"
      "\"source/otlp-http\",\"reason\":\"cannot listen on " +
      taken + ": Address already in use\"}]}";
  HttpResponse ready;
  ASSERT_TRUE(wait_until([&] {
    ready = http_get(port, "/ready");
    return ready.body == expected;
  })) << ready.body;
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(http_get(port, "/health").status, 200);
  ::close(blocker);
}

}  // namespace
}  // namespace specwatch::testing
