// A minimal blocking HTTP/1.1 client for tests of the real binary.
#pragma once

#include <cstdint>
#include <string>

namespace specwatch::testing {

struct HttpResult {
  int status = 0;  // 0 when the connection failed
  std::string headers;
  std::string body;
};

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& path,
                        const std::string& body = "", const std::string& content_type = "");
inline HttpResult http_get(std::uint16_t port, const std::string& path) {
  return http_request(port, "GET", path);
}

}  // namespace specwatch::testing
