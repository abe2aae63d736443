#include "sidecar/observability/admin_endpoints.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "sidecar/core/logger.h"
#include "sidecar/observability/metrics_renderer.h"
#include "sidecar/observability/text_exposition.h"

namespace specwatch {

namespace {

// Scrapes waiting for the next render beyond this are answered 503 at once: Prometheus scrapes a
// target once per interval, so more than a few at a time is a misconfiguration or an attack.
constexpr std::size_t kMaxWaitingScrapes = 8;

}  // namespace

std::string render_metrics(
    const prometheus::Collectable& registry,
    const std::vector<std::shared_ptr<const prometheus::Collectable>>& extra) {
  auto families = registry.Collect();
  // Position of each name in `families`, so that merging is linear in the number of families (a
  // search per pushed family made 50,000 pushed families take seconds).
  std::unordered_map<std::string, std::size_t> position;
  position.reserve(families.size());
  for (std::size_t i = 0; i < families.size(); ++i) position.emplace(families[i].name, i);
  for (const auto& collectable : extra) {
    if (!collectable) continue;
    auto more = collectable->Collect();
    // One name must never appear twice in an exposition (a scraper rejects the whole page). A
    // family of an extra collectable replaces a registry family of the same name: pushed OTLP
    // metrics carry the tool's own measurement under the tool's own name, which beats the
    // approximation derived from its logs (docs/OTLP_METRICS.md).
    for (auto& family : more) {
      auto [it, added] = position.emplace(family.name, families.size());
      if (added) {
        families.push_back(std::move(family));
      } else {
        families[it->second] = std::move(family);
      }
    }
  }
  return serialize_text_exposition(families);
}

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
    std::vector<std::shared_ptr<const prometheus::Collectable>> extra_collectables) {
  // Rendered off the io thread: see metrics_renderer.h.
  auto renderer = std::make_shared<MetricsRenderer>(
      [&registry, extra = std::move(extra_collectables)] {
        HttpResponse response;
        response.content_type = std::string(kPrometheusTextContentType);
        response.body = render_metrics(registry, extra);
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
