#include "sidecar/observability/admin_endpoints.h"

#include <utility>

#include "sidecar/core/logger.h"
#include "sidecar/observability/metrics_renderer.h"

namespace specwatch {

namespace {

// Scrapes waiting for the next render beyond this are answered 503 at once: Prometheus scrapes a
// target once per interval, so more than a few at a time is a misconfiguration or an attack.
constexpr std::size_t kMaxWaitingScrapes = 8;

}  // namespace

std::string readiness_body(const std::vector<NotReady>& not_ready) {
  if (not_ready.empty()) return R"({"status":"ready"})";
  std::string body = R"({"status":"not ready","waiting_for":[)";
  bool first = true;
  for (const auto& entry : not_ready) {
    if (!first) body += ',';
    first = false;
    body += R"({"component":")";
    append_json_escaped(body, entry.component);
    body += R"(","reason":")";
    append_json_escaped(body, entry.reason);
    body += "\"}";
  }
  body += "]}";
  return body;
}

void register_admin_endpoints(
    HttpServer& server, prometheus::Registry& registry, ReadinessProbe readiness,
    std::vector<std::shared_ptr<const prometheus::Collectable>> extra_collectables,
    std::vector<const TextExposable*> direct_families) {
  // Rendered off the io thread: see metrics_renderer.h. The page is reserved at the last page's
  // size and a little more (pages grow slowly), so that a render of megabytes grows it once.
  auto renderer = std::make_shared<MetricsRenderer>(
      [&registry, extra = std::move(extra_collectables), direct = std::move(direct_families),
       last_size = std::size_t{0}]() mutable {
        HttpResponse response;
        response.content_type = std::string(kPrometheusTextContentType);
        response.body.reserve(last_size + last_size / 16);
        append_metrics_page(response.body, {registry, extra, direct});
        last_size = response.body.size();
        return response;
      },
      kMaxWaitingScrapes);
  server.add_async_route(
      "/metrics", {HttpMethod::kGet},
      [renderer](HttpRequest&&, HttpResponder respond) { renderer->submit(std::move(respond)); });
  server.add_route("/health", {HttpMethod::kGet}, [](const HttpRequest&) {
    return HttpResponse::json(200, R"({"status":"ok"})");
  });
  server.add_route("/ready", {HttpMethod::kGet},
                   [probe = std::move(readiness)](const HttpRequest&) {
                     std::vector<NotReady> not_ready;
                     if (probe) not_ready = probe();
                     unsigned status = not_ready.empty() ? 200 : 503;
                     return HttpResponse::json(status, readiness_body(not_ready));
                   });
}

}  // namespace specwatch
