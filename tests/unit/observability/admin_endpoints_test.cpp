#include "sidecar/observability/admin_endpoints.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "sidecar/observability/metrics_renderer.h"
#include "sidecar/observability/process_collector.h"
#include "tests/support/http/http_client.h"

namespace specwatch {
namespace {

using testing::http_get;
using testing::TestHttpClient;

class AdminEndpointsTest : public ::testing::Test {
 protected:
  AdminEndpointsTest() : logger_(LogLevel::kError, [](std::string_view) {}) {
    auto& family = prometheus::BuildCounter()
                       .Name("specwatch_test_events_total")
                       .Help("Events seen by the test.")
                       .Register(*registry_);
    family.Add({{"source", "specular-traces"}}).Increment(42);
  }

  void start(std::vector<std::shared_ptr<const prometheus::Collectable>> extra = {},
             std::vector<const TextExposable*> direct = {}) {
    HttpServerOptions options;
    options.host = "127.0.0.1";
    server_ = std::make_unique<HttpServer>(options, logger_);
    register_admin_endpoints(
        *server_, *registry_,
        [this] {
          std::lock_guard lock(mutex_);
          return not_ready_;
        },
        std::move(extra), std::move(direct));
    ASSERT_EQ(server_->start(), "");
  }

  void set_not_ready(std::vector<NotReady> not_ready) {
    std::lock_guard lock(mutex_);
    not_ready_ = std::move(not_ready);
  }

  Logger logger_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::mutex mutex_;
  std::vector<NotReady> not_ready_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(AdminEndpointsTest, MetricsServesTextFormat) {
  start();
  auto response = http_get(server_->port(), "/metrics");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body,
            "# HELP specwatch_test_events_total Events seen by the test.\n"
            "# TYPE specwatch_test_events_total counter\n"
            "specwatch_test_events_total{source=\"specular-traces\"} 42\n");
}

TEST_F(AdminEndpointsTest, MetricsIncludesExtraCollectables) {
  start({std::make_shared<ProcessCollector>()});
  auto response = http_get(server_->port(), "/metrics");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("specwatch_test_events_total{source=\"specular-traces\"} 42\n"),
            std::string::npos);
  EXPECT_NE(response.body.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
  EXPECT_NE(response.body.find("\nprocess_open_fds "), std::string::npos);
}

// A family that writes its own text, as the derived metrics do, unless the page has its name.
class OwnTextFamily : public TextExposable {
 public:
  explicit OwnTextFamily(std::string name) : name_(std::move(name)) {}
  void append_text(std::string& out, const NameTaken& taken) const override {
    if (taken(name_)) return;
    out += "# TYPE " + name_ + " counter\n" + name_ + " 7\n";
  }

 private:
  std::string name_;
};

TEST_F(AdminEndpointsTest, MetricsWritesFamiliesThatWriteTheirOwnTextAfterTheCollectedOnes) {
  const OwnTextFamily own("specwatch_test_own_total");
  const OwnTextFamily clash("specwatch_test_events_total");  // the registry has this name
  start({}, {&own, &clash});
  const std::string expected =
      "# HELP specwatch_test_events_total Events seen by the test.\n"
      "# TYPE specwatch_test_events_total counter\n"
      "specwatch_test_events_total{source=\"specular-traces\"} 42\n"
      "# TYPE specwatch_test_own_total counter\n"
      "specwatch_test_own_total 7\n";
  // The second page is written into a string reserved from the first one's size: the same text.
  for (int scrape = 0; scrape < 2; ++scrape) {
    auto response = http_get(server_->port(), "/metrics");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.body, expected);
  }
}

TEST_F(AdminEndpointsTest, MetricsAnswersHeadWithoutBody) {
  start();
  TestHttpClient client(server_->port());
  auto response = client.request("HEAD", "/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response->header("content-length"), std::to_string(render_metrics(*registry_).size()));
  EXPECT_EQ(response->body, "");
}

TEST_F(AdminEndpointsTest, HealthIsOk) {
  start();
  auto response = http_get(server_->port(), "/health");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.body, R"({"status":"ok"})");
}

TEST_F(AdminEndpointsTest, ReadyWhenProbeReportsNothing) {
  start();
  auto response = http_get(server_->port(), "/ready");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.body, R"({"status":"ready"})");
}

TEST_F(AdminEndpointsTest, NotReadyListsComponentsAndFollowsTheProbe) {
  start();
  set_not_ready({{"source/specular-traces", "starting"}, {"sink/\"odd\"", "line\nbreak"}});
  auto response = http_get(server_->port(), "/ready");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.body, R"({"status":"not ready","waiting_for":[)"
                           R"({"component":"source/specular-traces","reason":"starting"},)"
                           R"({"component":"sink/\"odd\"","reason":"line\nbreak"}]})");

  set_not_ready({});
  auto ready = http_get(server_->port(), "/ready");
  ASSERT_NE(ready.status, 0);
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready"})");
}

TEST_F(AdminEndpointsTest, EmptyProbeMeansReady) {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  HttpServer server(options, logger_);
  register_admin_endpoints(server, *registry_, ReadinessProbe{});
  ASSERT_EQ(server.start(), "");
  auto response = http_get(server.port(), "/ready");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":"ready"})");
}

TEST_F(AdminEndpointsTest, OtherPathsAndMethods) {
  start();
  auto missing = http_get(server_->port(), "/metricz");
  ASSERT_NE(missing.status, 0);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error":"not found"})");

  TestHttpClient client(server_->port());
  auto post = client.request("POST", "/metrics", "x");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->header("allow"), "GET, HEAD");
}

TEST_F(AdminEndpointsTest, MetricsReflectChangesBetweenScrapes) {
  start();
  TestHttpClient client(server_->port());
  auto first = client.request("GET", "/metrics");
  ASSERT_TRUE(first);
  prometheus::BuildCounter()
      .Name("specwatch_test_events_total")
      .Help("Events seen by the test.")
      .Register(*registry_)
      .Add({{"source", "specular-traces"}})
      .Increment(1);
  auto second = client.request("GET", "/metrics");
  ASSERT_TRUE(second);
  EXPECT_NE(first->body.find("{source=\"specular-traces\"} 42\n"), std::string::npos);
  EXPECT_NE(second->body.find("{source=\"specular-traces\"} 43\n"), std::string::npos);
}

// A collectable whose Collect() blocks until released: a render that takes as long as the test
// wants, without timing anything.
class BlockingCollectable final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
    return {};
  }
  // Waits (up to 5 s) until `count` renders have entered Collect().
  bool wait_entered(int count) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return entered_ >= count; });
  }
  void release() const {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  mutable int entered_ = 0;
  mutable bool released_ = false;
};

TEST_F(AdminEndpointsTest, HealthAndReadyAnswerWhileMetricsIsRendering) {
  auto blocking = std::make_shared<BlockingCollectable>();
  start({blocking});
  auto scrape =
      std::async(std::launch::async, [&] { return http_get(server_->port(), "/metrics"); });
  ASSERT_TRUE(blocking->wait_entered(1));
  // The render is in progress and cannot finish before release().
  auto health = http_get(server_->port(), "/health");
  auto ready = http_get(server_->port(), "/ready");
  blocking->release();
  ASSERT_NE(health.status, 0);
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  ASSERT_NE(ready.status, 0);
  EXPECT_EQ(ready.status, 200);
  auto metrics = scrape.get();
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("specwatch_test_events_total{source=\"specular-traces\"} 42\n"),
            std::string::npos);
}

TEST(MetricsRendererTest, WaitingScrapesShareOneRenderAndExtraOnesAre503) {
  auto blocking = std::make_shared<BlockingCollectable>();
  std::atomic<int> renders{0};
  MetricsRenderer renderer(
      [&] {
        blocking->Collect();
        return HttpResponse::text(200, "render " + std::to_string(++renders));
      },
      3);
  std::mutex mutex;
  std::vector<std::pair<int, HttpResponse>> answers;
  auto responder = [&](int id) {
    return [&, id](HttpResponse response) {
      std::lock_guard lock(mutex);
      answers.emplace_back(id, std::move(response));
    };
  };
  renderer.submit(responder(0));
  ASSERT_TRUE(blocking->wait_entered(1));
  for (int id = 1; id <= 4; ++id) renderer.submit(responder(id));
  {
    // The fourth waiting scrape is over the bound of 3: answered at once, on this thread.
    std::lock_guard lock(mutex);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, 4);
    EXPECT_EQ(answers[0].second.status, 503u);
    EXPECT_EQ(answers[0].second.body, R"({"error":"too many concurrent scrapes"})");
    ASSERT_EQ(answers[0].second.headers.size(), 1u);
    EXPECT_EQ(answers[0].second.headers[0].first, "Retry-After");
    EXPECT_EQ(answers[0].second.headers[0].second, "1");
  }
  blocking->release();
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       std::chrono::steady_clock::now() < deadline;) {
    {
      std::lock_guard lock(mutex);
      if (answers.size() == 5) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_EQ(answers[1].first, 0);
  EXPECT_EQ(answers[1].second.body, "render 1");
  for (std::size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(answers[i].first, static_cast<int>(i) - 1);
    EXPECT_EQ(answers[i].second.body, "render 2");  // the three waiting shared one render
  }
  EXPECT_EQ(renders.load(), 2);
}

}  // namespace
}  // namespace specwatch
