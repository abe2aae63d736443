// HTTP(S) posts: URL parsing (and what may be logged of a URL), TLS verified against a CA file,
// refused without it, refused for another host name, and accepted with insecure_skip_verify.
#include "exporters/notifiers_common/http_post.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <thread>

#include "tests/unit/notifiers/notifier_test_support.h"

namespace specwatch {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// A self-signed certificate for `name` (as DNS and, for an address, IP subjectAltName), made
// with the openssl command line tool.
bool make_certificate(const std::string& dir, const std::string& name) {
  const bool address = name.find_first_not_of("0123456789.") == std::string::npos;
  const std::string san = address ? "IP:" + name : "DNS:" + name;
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=" + name +
      " -addext subjectAltName=" + san + " -keyout '" + dir + "/key.pem' -out '" + dir +
      "/cert.pem' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// Answers every POST over TLS with 200 and the request body, until destroyed.
class TlsServer {
 public:
  explicit TlsServer(const std::string& dir) : context_(asio::ssl::context::tls_server) {
    context_.use_certificate_chain_file(dir + "/cert.pem");
    context_.use_private_key_file(dir + "/key.pem", asio::ssl::context::pem);
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    stopping_ = true;
    beast::error_code ignored;
    asio::ip::tcp::socket poke(io_);
    poke.connect({asio::ip::make_address("127.0.0.1"), port_}, ignored);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  void serve() {
    while (!stopping_) {
      asio::ip::tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      beast::ssl_stream<asio::ip::tcp::socket> stream(std::move(socket), context_);
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused the certificate
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(stream, buffer, request, ec);
      if (ec) continue;
      http::response<http::string_body> response{http::status::ok, 11};
      response.body() = request.body();
      response.prepare_payload();
      http::write(stream, response, ec);
      stream.shutdown(ec);
    }
  }

  asio::io_context io_;
  asio::ssl::context context_;
  asio::ip::tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

HttpPostRequest request_to(const std::string& url) {
  std::string error;
  HttpPostRequest request;
  request.url = *HttpUrl::parse(url, error);
  request.body = "{\"ping\":1}";
  return request;
}

TEST(HttpUrl, ParsesAndRedactsThePath) {
  std::string error;
  auto url = HttpUrl::parse("https://hooks.slack.com/services/T0/B0/secret", error);
  ASSERT_TRUE(url);
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "hooks.slack.com");
  EXPECT_EQ(url->port, "443");
  EXPECT_EQ(url->target, "/services/T0/B0/secret");
  EXPECT_EQ(url->redacted(), "https://hooks.slack.com:443");
  auto v6 = HttpUrl::parse("http://[::1]:9093?x=1", error);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->target, "/?x=1");
  EXPECT_EQ(v6->redacted(), "http://[::1]:9093");
  EXPECT_FALSE(HttpUrl::parse("http://user:pw@host/", error));
  EXPECT_EQ(error, "must not carry credentials (use the basic_auth settings)");
  EXPECT_FALSE(HttpUrl::parse("http://host:0/", error));
  EXPECT_EQ(error, "invalid port");
  EXPECT_FALSE(HttpUrl::parse("http:///x", error));
  EXPECT_EQ(error, "has no host");
}

class TlsTest : public ::testing::Test {
 protected:
  testing::ScratchDir dir_;
};

TEST_F(TlsTest, VerifiesAgainstTheCaFile) {
  ASSERT_TRUE(make_certificate(dir_.path(), "127.0.0.1"));
  TlsServer server(dir_.path());
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/hook";
  TlsSettings tls;
  tls.ca_file = dir_.file("cert.pem");
  HttpPostResult result = http_post(request_to(url), tls, std::chrono::seconds(10));
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.status, 200u);
  EXPECT_EQ(result.body, "{\"ping\":1}");

  // The system's CA store does not know the self-signed certificate.
  result = http_post(request_to(url), TlsSettings{}, std::chrono::seconds(10));
  EXPECT_EQ(result.status, 0u);
  EXPECT_EQ(
      result.error.rfind(
          "TLS handshake with https://127.0.0.1:" + std::to_string(server.port()) + " failed: ", 0),
      0u)
      << result.error;
  EXPECT_NE(result.error.find("certificate verify failed"), std::string::npos) << result.error;
  EXPECT_EQ(result.error.find("/hook"), std::string::npos);

  tls = TlsSettings{};
  tls.insecure_skip_verify = true;
  result = http_post(request_to(url), tls, std::chrono::seconds(10));
  EXPECT_EQ(result.status, 200u) << result.error;
}

TEST_F(TlsTest, RefusesACertificateForAnotherHost) {
  ASSERT_TRUE(make_certificate(dir_.path(), "other.example"));
  TlsServer server(dir_.path());
  TlsSettings tls;
  tls.ca_file = dir_.file("cert.pem");
  HttpPostResult result =
      http_post(request_to("https://127.0.0.1:" + std::to_string(server.port()) + "/"), tls,
                std::chrono::seconds(10));
  EXPECT_EQ(result.status, 0u);
  EXPECT_NE(result.error.find("certificate verify failed"), std::string::npos) << result.error;
}

TEST(HttpPost, NoAnswerIsAnErrorWithinTheTimeout) {
  // A listener that never accepts: the connection is queued, the request never answered.
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  HttpPostResult result = http_post(request_to("http://127.0.0.1:" + std::to_string(port) + "/"),
                                    TlsSettings{}, std::chrono::milliseconds(300));
  EXPECT_EQ(result.status, 0u);
  EXPECT_EQ(result.error,
            "cannot read the answer: timed out (http://127.0.0.1:" + std::to_string(port) + ")");
}

}  // namespace
}  // namespace specwatch
