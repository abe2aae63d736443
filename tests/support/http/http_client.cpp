#include "tests/support/http/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sidecar/core/ascii.h"

namespace specwatch::testing {

namespace {

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

std::string HttpResponse::header_text() const {
  std::string text;
  for (const auto& [key, value] : headers) text.append(key).append(": ").append(value).append("\n");
  return text;
}

std::size_t HttpResponse::header_count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const auto& entry) { return entry.first == name; }));
}

TestHttpClient::TestHttpClient(std::uint16_t port, int timeout_seconds) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  timeval timeout{timeout_seconds, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    std::string error = std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error("connect failed: " + error);
  }
}

TestHttpClient::~TestHttpClient() {
  if (fd_ >= 0) ::close(fd_);
}

void TestHttpClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) throw std::runtime_error("send failed");
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

std::size_t TestHttpClient::send_some(std::string_view bytes) {
  std::size_t total = 0;
  while (total < bytes.size()) {
    auto sent = ::send(fd_, bytes.data() + total, bytes.size() - total, MSG_NOSIGNAL);
    if (sent <= 0) break;
    total += static_cast<std::size_t>(sent);
  }
  return total;
}

bool TestHttpClient::fill() {
  char chunk[16384];
  auto got = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (got <= 0) return false;
  buffer_.append(chunk, static_cast<std::size_t>(got));
  return true;
}

std::optional<HttpResponse> TestHttpClient::read_response(bool head) {
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  std::string header_block = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);

  HttpResponse response;
  std::size_t line_end = header_block.find("\r\n");
  std::string status_line = header_block.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  auto space = status_line.find(' ');
  if (space == std::string::npos) return std::nullopt;
  response.status = std::stoi(status_line.substr(space + 1, 3));
  while (line_end != std::string::npos) {
    std::size_t start = line_end + 2;
    line_end = header_block.find("\r\n", start);
    std::string line = header_block.substr(
        start, line_end == std::string::npos ? std::string::npos : line_end - start);
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    response.headers.emplace_back(ascii_lowercase(line.substr(0, colon)),
                                  trim(line.substr(colon + 1)));
  }
  if (head || response.status == 204 || response.status == 304 || response.status < 200) {
    return response;
  }
  std::string length_text = response.header("content-length");
  if (length_text == "<absent>") {
    // Until the connection closes.
    while (fill()) {
    }
    response.body = std::move(buffer_);
    buffer_.clear();
    return response;
  }
  std::size_t length = std::stoul(length_text);
  while (buffer_.size() < length) {
    if (!fill()) return std::nullopt;
  }
  response.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return response;
}

std::optional<HttpResponse> TestHttpClient::request(std::string_view method,
                                                    std::string_view target, std::string_view body,
                                                    std::string_view extra_headers) {
  std::string raw;
  raw.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
  if (!body.empty() || method == "POST" || method == "PUT") {
    raw.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  raw.append(extra_headers).append("\r\n").append(body);
  send(raw);
  return read_response(method == "HEAD");
}

bool TestHttpClient::peer_closed() {
  if (!buffer_.empty()) return false;
  char byte;
  auto got = ::recv(fd_, &byte, 1, 0);
  if (got == 0) return true;
  if (got < 0 && (errno == ECONNRESET || errno == EPIPE)) return true;
  if (got > 0) buffer_.push_back(byte);
  return false;  // data, or a timeout (EAGAIN): still open
}

HttpResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                          std::string_view body, std::string_view content_type,
                          std::string_view extra_headers) {
  std::string raw;
  raw.append(method).append(" ").append(target);
  raw.append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
  if (!content_type.empty()) raw.append("Content-Type: ").append(content_type).append("\r\n");
  raw.append(extra_headers);
  if (!body.empty() || method == "POST" || method == "PUT") {
    raw.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  raw.append("\r\n").append(body);
  try {
    // Integration tests wait on a busy sidecar: a longer read deadline than unit tests.
    TestHttpClient client(port, 10);
    client.send_some(raw);
    std::optional<HttpResponse> response = client.read_response(method == "HEAD");
    return response ? std::move(*response) : HttpResponse{};
  } catch (const std::exception&) {
    return HttpResponse{};  // refused, or not an HTTP answer
  }
}

}  // namespace specwatch::testing
