#include "sidecar/http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "tests/support/http/http_client.h"
#include "tests/support/wait_until.h"

namespace specwatch {
namespace {

using testing::TestHttpClient;

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest()
      : logger_(LogLevel::kDebug, [this](std::string_view line) {
          std::lock_guard lock(log_mutex_);
          log_ += line;
        }) {}

  std::unique_ptr<HttpServer> make_server(HttpServerOptions options = {}) {
    options.host = "127.0.0.1";
    auto server = std::make_unique<HttpServer>(options, logger_);
    server->add_route(
        "/echo", {HttpMethod::kPost, HttpMethod::kPut}, [](const HttpRequest& request) {
          auto response = HttpResponse::text(200, request.body);
          response.headers.emplace_back("X-Method", std::string(to_string(request.method)));
          response.headers.emplace_back("X-Query", request.query);
          response.headers.emplace_back("X-Tag",
                                        std::string(request.headers.get("x-TAG").value_or("none")));
          return response;
        });
    server->add_route(
        "/small", {HttpMethod::kPost},
        [](const HttpRequest& request) {
          return HttpResponse::text(200, std::to_string(request.body.size()));
        },
        16);
    server->add_route("/hello", {HttpMethod::kGet}, [](const HttpRequest&) {
      return HttpResponse::json(200, R"({"hello":"world"})");
    });
    server->add_route("/throws", {HttpMethod::kGet},
                      [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    return server;
  }

  std::unique_ptr<HttpServer> started_server(HttpServerOptions options = {}) {
    auto server = make_server(options);
    EXPECT_EQ(server->start(), "");
    EXPECT_NE(server->port(), 0);
    return server;
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "server log:\n" << log();
  }

  std::string log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

  std::mutex log_mutex_;
  std::string log_;
  Logger logger_;
};

TEST_F(HttpServerTest, GetReturnsHandlerResponse) {
  auto server = started_server();
  auto response = testing::http_get(server->port(), "/hello");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("content-length"), "17");
  EXPECT_EQ(response.body, R"({"hello":"world"})");
}

TEST_F(HttpServerTest, PostPassesBodyQueryMethodAndHeaders) {
  auto server = started_server();
  TestHttpClient client(server->port());
  auto response = client.request("PUT", "/echo?a=1&b=2", "payload", "X-Tag: seven\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "payload");
  EXPECT_EQ(response->header("x-method"), "PUT");
  EXPECT_EQ(response->header("x-query"), "a=1&b=2");
  EXPECT_EQ(response->header("x-tag"), "seven");
  EXPECT_EQ(response->header("content-type"), "text/plain; charset=utf-8");
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  auto server = started_server();
  auto response = testing::http_get(server->port(), "/nope?x=1");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.body, R"({"error":"not found"})");
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  auto server = started_server();
  TestHttpClient client(server->port());
  auto response = client.request("POST", "/hello", "x");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->header("allow"), "GET, HEAD");
  EXPECT_EQ(response->body, R"({"error":"method not allowed"})");

  TestHttpClient other(server->port());
  auto get_on_post = other.request("GET", "/echo");
  ASSERT_TRUE(get_on_post);
  EXPECT_EQ(get_on_post->status, 405);
  EXPECT_EQ(get_on_post->header("allow"), "POST, PUT");
  // A request without body leaves the connection usable.
  auto again = other.request("GET", "/hello");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(HttpServerTest, UnknownMethodTokenIs405) {
  auto server = started_server();
  TestHttpClient client(server->port());
  auto response = client.request("PROPFIND", "/hello");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->header("allow"), "GET, HEAD");
}

TEST_F(HttpServerTest, OversizedContentLengthIs413WithoutReadingBody) {
  auto server = started_server();
  TestHttpClient client(server->port());
  // Only the header is sent: the answer must come without the server waiting for 1 MB of body.
  client.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_EQ(response->body, R"({"error":"request body too large"})");
  EXPECT_TRUE(client.peer_closed());
}

TEST_F(HttpServerTest, BodySentAfter413IsDrainedNotReset) {
  auto server = started_server();
  TestHttpClient client(server->port());
  client.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  // A client that sends its body anyway must not be reset (which can destroy the 413 before it
  // is read): the server keeps reading and discarding.
  EXPECT_NO_THROW(client.send(std::string(3000000, 'b')));
  EXPECT_TRUE(client.peer_closed());
}

TEST_F(HttpServerTest, UnknownPathWithBodyClosesAfterAnswer) {
  auto server = started_server();
  TestHttpClient client(server->port());
  auto response = client.request("POST", "/missing", "some body");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_TRUE(client.peer_closed());
}

TEST_F(HttpServerTest, BodyAtTheLimitIsAccepted) {
  auto server = started_server();
  TestHttpClient client(server->port());
  auto response = client.request("POST", "/small", std::string(16, 'a'));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "16");
}

TEST_F(HttpServerTest, OversizedChunkedBodyIs413) {
  auto server = started_server();
  TestHttpClient client(server->port());
  client.send(
      "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "a\r\n0123456789\r\n"
      "a\r\n0123456789\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->body, R"({"error":"request body too large"})");
}

TEST_F(HttpServerTest, ChunkedBodyWithinLimitIsAssembled) {
  auto server = started_server();
  TestHttpClient client(server->port());
  client.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello world");
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  auto server = started_server();
  TestHttpClient client(server->port());
  client.send("GET /hello HTTP/1.1\r\nBad Header Line\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->body, R"({"error":"bad request"})");
  EXPECT_TRUE(client.peer_closed());
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  auto server = started_server(options);
  TestHttpClient client(server->port());
  auto response = client.request("GET", "/hello", {}, "X-Big: " + std::string(2000, 'h') + "\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_EQ(response->body, R"({"error":"request header too large"})");
}

TEST_F(HttpServerTest, HeadIsServedLikeGetWithoutBody) {
  auto server = started_server();
  TestHttpClient client(server->port());
  auto head = client.request("HEAD", "/hello");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "17");
  EXPECT_EQ(head->header("content-type"), "application/json");
  EXPECT_EQ(head->body, "");
  // Had a body been sent after the HEAD response, it would be read as the next response.
  auto get = client.request("GET", "/hello");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, R"({"hello":"world"})");
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  auto server = started_server();
  TestHttpClient client(server->port());
  auto first = client.request("GET", "/hello");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->header_count("connection"), 0u);
  auto second = client.request("POST", "/echo", "two");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "two");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = started_server();
  TestHttpClient client(server->port());
  client.send(
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  auto first = client.read_response();
  auto second = client.read_response();
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->body, R"({"hello":"world"})");
  EXPECT_EQ(second->body, "abc");
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  auto server = started_server();
  TestHttpClient client(server->port());
  auto response = client.request("GET", "/hello", {}, "Connection: close\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_TRUE(client.peer_closed());
}

TEST_F(HttpServerTest, ThrowingHandlerIs500) {
  auto server = started_server();
  auto response = testing::http_get(server->port(), "/throws");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, R"({"error":"internal error"})");
  EXPECT_NE(log().find(R"("msg":"http handler failed")"), std::string::npos);
  EXPECT_NE(log().find(R"("error":"boom")"), std::string::npos);
}

TEST_F(HttpServerTest, ExpectContinueGetsInterimResponse) {
  auto server = started_server();
  TestHttpClient client(server->port());
  client.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  auto interim = client.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  client.send("data");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "data");
}

TEST_F(HttpServerTest, AsyncRouteAnswersFromAnotherThread) {
  auto server = make_server();
  std::promise<HttpResponder> handed_over;
  server->add_async_route("/async", {HttpMethod::kPost},
                          [&](HttpRequest&& request, HttpResponder responder) {
                            EXPECT_EQ(request.body, "later");
                            handed_over.set_value(std::move(responder));
                          });
  ASSERT_EQ(server->start(), "");
  TestHttpClient client(server->port());
  client.send("POST /async HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nlater");
  auto responder = handed_over.get_future().get();
  std::thread answer([&] {
    responder(HttpResponse::json(202, "{}"));
    responder(HttpResponse::json(500, "second call ignored"));
  });
  answer.join();
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(response->body, "{}");
  auto next = client.request("GET", "/hello");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, DroppedResponderAnswers500) {
  auto server = make_server();
  server->add_async_route("/drop", {HttpMethod::kGet}, [](HttpRequest&&, HttpResponder) {});
  ASSERT_EQ(server->start(), "");
  auto response = testing::http_get(server->port(), "/drop");
  ASSERT_NE(response.status, 0);
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, R"({"error":"no response"})");
}

TEST_F(HttpServerTest, BindFailureIsReportedClearly) {
  auto first = started_server();
  HttpServerOptions options;
  options.port = first->port();
  auto second = make_server(options);
  EXPECT_EQ(second->start(), "cannot listen on 127.0.0.1:" + std::to_string(first->port()) +
                                 ": Address already in use");
  EXPECT_EQ(second->port(), 0);
  second->stop();
}

TEST_F(HttpServerTest, InvalidHostIsReported) {
  HttpServerOptions options;
  options.host = "256.1.1.1";
  HttpServer server(options, logger_);
  std::string error = server.start();
  EXPECT_EQ(error.rfind("cannot listen on 256.1.1.1:0: ", 0), 0u) << error;
}

TEST_F(HttpServerTest, StopWithIdleConnectionReturnsPromptly) {
  HttpServerOptions options;
  options.read_timeout = std::chrono::seconds(60);
  auto server = started_server(options);
  TestHttpClient idle(server->port());
  auto response = idle.request("GET", "/hello");  // the session surely exists now
  ASSERT_TRUE(response);
  TestHttpClient silent(server->port());  // connected, never sends a byte
  auto begin = std::chrono::steady_clock::now();
  server->stop();
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_TRUE(idle.peer_closed());
  EXPECT_TRUE(silent.peer_closed());
}

TEST_F(HttpServerTest, StopIsSafeWithoutStartAndTwice) {
  auto never_started = make_server();
  never_started->stop();
  never_started->stop();
  auto server = started_server();
  std::uint16_t port = server->port();
  server->stop();
  server->stop();
  EXPECT_THROW(TestHttpClient client(port), std::runtime_error);
}

TEST_F(HttpServerTest, TricklingHeaderIsClosedAfterHeaderTimeoutNotReadTimeout) {
  HttpServerOptions options;
  options.header_timeout = std::chrono::milliseconds(200);
  options.read_timeout = std::chrono::seconds(60);
  auto server = started_server(options);
  TestHttpClient slow(server->port());
  slow.send("GET /hello HTTP/1.1\r\n");  // never finishes the header
  // The client's own read timeout is 5 s, so end of file here comes from the server.
  EXPECT_TRUE(slow.peer_closed());
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterHeaderTimeout) {
  HttpServerOptions options;
  options.header_timeout = std::chrono::milliseconds(200);
  options.read_timeout = std::chrono::seconds(60);
  auto server = started_server(options);
  TestHttpClient client(server->port());
  auto response = client.request("GET", "/hello");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(client.peer_closed());
}

// Waits (up to 5 s) until the server counts `count` open connections.
bool wait_open(const HttpServer& server, std::size_t count) {
  return testing::wait_until([&] { return server.open_connections() == count; },
                             std::chrono::seconds(5), std::chrono::milliseconds(1));
}

// Waits (up to 5 s) until the server counts `count` idle connections.
bool wait_idle(const HttpServer& server, std::size_t count) {
  return testing::wait_until([&] { return server.idle_connections() == count; },
                             std::chrono::seconds(5), std::chrono::milliseconds(1));
}

TEST_F(HttpServerTest, IdleConnectionsAtTheCapMakeRoomForANewClient) {
  HttpServerOptions options;
  options.max_connections = 2;
  std::atomic<int> refused{0};
  options.on_connection_refused = [&] { ++refused; };
  auto server = started_server(options);
  TestHttpClient oldest(server->port());
  ASSERT_TRUE(oldest.request("GET", "/hello"));  // idle since this answer
  TestHttpClient never_asked(server->port());    // idle since it connected
  ASSERT_TRUE(wait_open(*server, 2));
  ASSERT_TRUE(wait_idle(*server, 2));
  for (int round = 0; round < 3; ++round) {
    // Each newcomer is served; the one idle the longest makes room.
    TestHttpClient newcomer(server->port());
    auto response = newcomer.request("GET", "/hello");
    ASSERT_TRUE(response) << "round " << round;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, R"({"hello":"world"})");
    if (round == 0) {
      EXPECT_TRUE(oldest.peer_closed());
    } else if (round == 1) {
      EXPECT_TRUE(never_asked.peer_closed());
    }
  }
  EXPECT_EQ(refused.load(), 0);
  EXPECT_LE(server->open_connections(), 2u);
}

TEST_F(HttpServerTest, BusyConnectionsAtTheCapRefuseWith503AndRetryAfter) {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.max_connections = 1;
  options.retry_after_seconds = 7;
  std::atomic<int> refused{0};
  options.on_connection_refused = [&] { ++refused; };
  HttpServer server(options, logger_);
  std::promise<HttpResponder> held;
  server.add_async_route("/hold", {HttpMethod::kGet},
                         [&](HttpRequest&&, HttpResponder respond) { held.set_value(respond); });
  ASSERT_EQ(server.start(), "");
  TestHttpClient busy(server.port());
  busy.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n");
  auto responder = held.get_future().get();  // the only connection has a request in progress
  for (int i = 1; i <= 2; ++i) {
    TestHttpClient refused_client(server.port());
    auto response = refused_client.request("GET", "/hold");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 503);
    EXPECT_EQ(response->header("retry-after"), "7");
    EXPECT_EQ(response->header("connection"), "close");
    EXPECT_EQ(response->body, R"({"error":"too many connections"})");
    EXPECT_TRUE(refused_client.peer_closed());
    EXPECT_EQ(refused.load(), i);
  }
  responder(HttpResponse::text(200, "done"));
  auto answer = busy.read_response();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "done");
  EXPECT_EQ(server.open_connections(), 1u);
}

// What HttpServerOptions::on_server_error reported, in order.
class ServerErrors {
 public:
  using List = std::vector<std::pair<std::string, unsigned>>;
  std::function<void(std::string_view, unsigned)> recorder() {
    return [this](std::string_view path, unsigned status) {
      std::lock_guard lock(mutex_);
      seen_.emplace_back(std::string(path), status);
    };
  }
  List seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  List seen_;
};

TEST_F(HttpServerTest, TransferCodingOtherThanChunkedIs501) {
  ServerErrors errors;
  HttpServerOptions options;
  options.on_server_error = errors.recorder();
  auto server = started_server(options);
  TestHttpClient client(server->port());
  client.send(
      "POST /echo?x=1 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 501);
  EXPECT_EQ(response->body, R"({"error":"unsupported transfer coding"})");
  EXPECT_EQ(response->header("connection"), "close");
  // `chunked` alone, in any case, is still accepted.
  TestHttpClient chunked(server->port());
  chunked.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n");
  auto ok = chunked.read_response();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "abc");
  EXPECT_EQ(errors.seen(), (ServerErrors::List{{"/echo", 501}}));
}

TEST_F(HttpServerTest, ServerAnsweredErrorsAreReportedWithPathAndStatus) {
  ServerErrors errors;
  HttpServerOptions options;
  options.on_server_error = errors.recorder();
  auto server = started_server(options);
  {
    TestHttpClient client(server->port());
    auto response = client.request("POST", "/small", std::string(17, 'x'));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
  }
  {
    TestHttpClient client(server->port());
    client.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: zz\r\n\r\n");
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
  }
  {
    TestHttpClient client(server->port());
    auto response = client.request("GET", "/small");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 405);
  }
  {
    TestHttpClient client(server->port());
    auto response = client.request("GET", "/nowhere");  // 404 is not reported
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 404);
  }
  EXPECT_EQ(errors.seen(), (ServerErrors::List{{"/small", 413}, {"/small", 400}, {"/small", 405}}));
}

TEST_F(HttpServerTest, RoutesCannotBeAddedAfterStartOrTwice) {
  auto server = make_server();
  EXPECT_THROW(server->add_route("/hello", {HttpMethod::kGet},
                                 [](const HttpRequest&) { return HttpResponse{}; }),
               std::logic_error);
  ASSERT_EQ(server->start(), "");
  EXPECT_THROW(server->add_route("/new", {HttpMethod::kGet},
                                 [](const HttpRequest&) { return HttpResponse{}; }),
               std::logic_error);
}

TEST_F(HttpServerTest, SeveralThreadsServeConcurrentClients) {
  HttpServerOptions options;
  options.threads = 2;
  auto server = started_server(options);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      TestHttpClient client(server->port());
      for (int j = 0; j < 20; ++j) {
        auto response = client.request("POST", "/echo", "x");
        if (response && response->status == 200 && response->body == "x") ++ok;
      }
    });
  }
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(ok.load(), 160);
}

}  // namespace
}  // namespace specwatch
