// The sidecar's own endpoints on the admin HttpServer:
//   GET /metrics  the Prometheus text format (0.0.4) of the registry and any extra collectables,
//                 rendered on a thread of its own (metrics_renderer.h) so that a long render never
//                 delays /health or /ready; at most 8 scrapes wait, more get 503 + Retry-After,
//   GET /health   200 {"status":"ok"} while the process serves HTTP at all,
//   GET /ready    200 {"status":"ready"}, or 503 with what is not ready yet and why.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sidecar/core/text_exposable.h"
#include "sidecar/http/http_server.h"
#include "sidecar/observability/metrics_page.h"

namespace specwatch {

struct NotReady {
  std::string component;  // e.g. "source/specular-traces"
  std::string reason;     // e.g. "starting"
};

// Called on every GET /ready (on an io thread, so it must be quick and thread-safe): returns
// the components that are not ready; empty means ready. An empty std::function counts as ready.
using ReadinessProbe = std::function<std::vector<NotReady>()>;

inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// The body of a GET /ready answer for the given probe result.
std::string readiness_body(const std::vector<NotReady>& not_ready);

// Adds /metrics, /health and /ready to a server that is not started yet. The registry, the extra
// collectables (such as a ProcessCollector) and the families that write their own text (the
// derived metrics; metrics_page.h) must outlive the server.
void register_admin_endpoints(
    HttpServer& server, prometheus::Registry& registry, ReadinessProbe readiness,
    std::vector<std::shared_ptr<const prometheus::Collectable>> extra_collectables = {},
    std::vector<const TextExposable*> direct_families = {});

}  // namespace specwatch
