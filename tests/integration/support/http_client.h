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

// `extra_headers`: further header lines, each "Name: value\r\n". The whole request is sent even
// when the server answers early (a 413 before the body), as far as the server reads it.
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& path,
                        const std::string& body = "", const std::string& content_type = "",
                        const std::string& extra_headers = "");
inline HttpResult http_get(std::uint16_t port, const std::string& path) {
  return http_request(port, "GET", path);
}

}  // namespace specwatch::testing
