#include "sidecar/observability/admin_endpoints.h"

#include <algorithm>
#include <utility>

#include "sidecar/core/logger.h"
#include "sidecar/observability/text_exposition.h"

namespace specwatch {

std::string render_metrics(
    const prometheus::Collectable& registry,
    const std::vector<std::shared_ptr<const prometheus::Collectable>>& extra) {
  auto families = registry.Collect();
  for (const auto& collectable : extra) {
    if (!collectable) continue;
    auto more = collectable->Collect();
    // One name must never appear twice in an exposition (a scraper rejects the whole page). A
    // family of an extra collectable replaces a registry family of the same name: pushed OTLP
    // metrics carry the tool's own measurement under the tool's own name, which beats the
    // approximation derived from its logs (docs/OTLP_METRICS.md).
    for (auto& family : more) {
      auto same =
          std::find_if(families.begin(), families.end(),
                       [&](const prometheus::MetricFamily& f) { return f.name == family.name; });
      if (same != families.end()) {
        *same = std::move(family);
      } else {
        families.push_back(std::move(family));
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
  server.add_route("/metrics", {HttpMethod::kGet},
                   [&registry, extra = std::move(extra_collectables)](const HttpRequest&) {
                     HttpResponse response;
                     response.content_type = std::string(kPrometheusTextContentType);
                     response.body = render_metrics(registry, extra);
                     return response;
                   });
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
