#include "sidecar/http/http_message.h"

#include <strings.h>

#include <array>

#include "sidecar/core/logger.h"

namespace specwatch {

namespace {

constexpr std::array<std::pair<HttpMethod, std::string_view>, 7> kMethodNames{{
    {HttpMethod::kGet, "GET"},
    {HttpMethod::kHead, "HEAD"},
    {HttpMethod::kPost, "POST"},
    {HttpMethod::kPut, "PUT"},
    {HttpMethod::kDelete, "DELETE"},
    {HttpMethod::kPatch, "PATCH"},
    {HttpMethod::kOptions, "OPTIONS"},
}};

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string_view to_string(HttpMethod method) {
  for (const auto& [value, name] : kMethodNames) {
    if (value == method) return name;
  }
  return "UNKNOWN";
}

std::optional<HttpMethod> parse_http_method(std::string_view token) {
  for (const auto& [value, name] : kMethodNames) {
    if (name == token) return value;
  }
  return std::nullopt;
}

void HttpHeaders::add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> HttpHeaders::get(std::string_view name) const {
  for (const auto& [key, value] : entries_) {
    if (equals_ignore_case(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

HttpResponse HttpResponse::json(unsigned status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::json_error(unsigned status, std::string_view message) {
  std::string body = "{\"error\":\"";
  append_json_escaped(body, message);
  body += "\"}";
  return json(status, std::move(body));
}

HttpResponse HttpResponse::text(unsigned status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

}  // namespace specwatch
