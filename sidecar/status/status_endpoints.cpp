#include "sidecar/status/status_endpoints.h"

#include "sidecar/status/status_json.h"
#include "sidecar/status/status_page.h"

namespace specwatch {

void register_status_endpoints(HttpServer& server, StatusInputs inputs) {
  auto shared = std::make_shared<const StatusInputs>(std::move(inputs));
  server.add_route("/", {HttpMethod::kGet}, [shared](const HttpRequest&) {
    HttpResponse response;
    response.content_type = "text/html; charset=utf-8";
    response.body = render_status_page(take_status_snapshot(*shared));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });
  server.add_route("/api/v1/status", {HttpMethod::kGet}, [shared](const HttpRequest&) {
    return HttpResponse::json(200, status_json(take_status_snapshot(*shared)));
  });
  server.add_route("/api/v1/budgets", {HttpMethod::kGet}, [shared](const HttpRequest&) {
    return HttpResponse::json(
        200, budgets_json(shared->budgets ? shared->budgets() : std::vector<BudgetStatus>{}));
  });
}

}  // namespace specwatch
