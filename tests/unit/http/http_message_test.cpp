#include "sidecar/http/http_message.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

TEST(HttpMessage, MethodNamesRoundTrip) {
  EXPECT_EQ(to_string(HttpMethod::kPost), "POST");
  EXPECT_EQ(parse_http_method("OPTIONS"), HttpMethod::kOptions);
  EXPECT_EQ(parse_http_method("get"), std::nullopt);
  EXPECT_EQ(parse_http_method("PROPFIND"), std::nullopt);
}

TEST(HttpMessage, HeaderLookupIgnoresCaseAndReturnsFirst) {
  HttpHeaders headers;
  headers.add("Content-Type", "application/json");
  headers.add("X-Tag", "one");
  headers.add("x-tag", "two");
  EXPECT_EQ(headers.get("content-type"), "application/json");
  EXPECT_EQ(headers.get("X-TAG"), "one");
  EXPECT_FALSE(headers.contains("Content-Length"));
  EXPECT_EQ(headers.entries().size(), 3u);
}

TEST(HttpMessage, JsonErrorEscapesMessage) {
  auto response = HttpResponse::json_error(400, "bad \"field\"\n");
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"error":"bad \"field\"\n"})");
}

}  // namespace
}  // namespace specwatch
