#include "sidecar/app/status_command.h"

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "sidecar/app/app_config.h"
#include "sidecar/status/status_json.h"
#include "sidecar/status/status_text.h"

namespace specwatch {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct Address {
  std::string host;
  std::string port;
};

// "http://host:port[/...]" or "host:port".
bool parse_url(std::string url, Address& out) {
  if (url.rfind("http://", 0) == 0) url = url.substr(7);
  if (const auto slash = url.find('/'); slash != std::string::npos) url.resize(slash);
  const auto colon = url.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == url.size()) return false;
  out.host = url.substr(0, colon);
  out.port = url.substr(colon + 1);
  if (out.host.size() > 2 && out.host.front() == '[')
    out.host = out.host.substr(1, out.host.size() - 2);
  return true;
}

// The configured listener, 0.0.0.0 read as the local host.
std::string url_from_config(const std::string& config_path) {
  ConfigLoadResult loaded = load_app_config(config_path, process_environment());
  if (!loaded.config) return "http://127.0.0.1:9464";
  std::string host = loaded.config->http.host;
  if (host == "0.0.0.0" || host == "::" || host.empty()) host = "127.0.0.1";
  return "http://" + host + ":" + std::to_string(loaded.config->http.port);
}

bool fetch(const Address& address, const std::string& target, std::string& body,
           std::string& error) {
  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(resolver.resolve(address.host, address.port));
    http::request<http::empty_body> request(http::verb::get, target, 11);
    request.set(http::field::host, address.host);
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (response.result_int() != 200) {
      error = "HTTP " + std::to_string(response.result_int());
      return false;
    }
    body = std::move(response.body());
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

}  // namespace

int run_status_command(const CommandLine& cl, const std::string& config_path) {
  const std::string url = cl.status_url.empty() ? url_from_config(config_path) : cl.status_url;
  Address address;
  if (!parse_url(url, address)) {
    std::fprintf(stderr, "specwatch status: not an address: %s\n", url.c_str());
    return 2;
  }
  const bool colour = isatty(STDOUT_FILENO) != 0 && !cl.status_json;
  while (true) {
    std::string body;
    std::string error;
    if (!fetch(address, "/api/v1/status", body, error)) {
      std::fprintf(stderr, "specwatch status: cannot read %s/api/v1/status: %s\n", url.c_str(),
                   error.c_str());
      if (cl.status_watch_s == 0) return 1;
    } else if (cl.status_json) {
      std::printf("%s\n", body.c_str());
    } else {
      std::optional<StatusSnapshot> snapshot = parse_status_json(body, error);
      if (!snapshot) {
        std::fprintf(stderr, "specwatch status: %s: %s\n", url.c_str(), error.c_str());
        if (cl.status_watch_s == 0) return 1;
      } else {
        if (cl.status_watch_s > 0 && colour) std::fputs("\x1b[H\x1b[2J", stdout);
        std::fputs(render_status_text(*snapshot, colour).c_str(), stdout);
      }
    }
    std::fflush(stdout);
    if (cl.status_watch_s == 0) return 0;
    std::this_thread::sleep_for(std::chrono::seconds(cl.status_watch_s));
  }
}

}  // namespace specwatch
