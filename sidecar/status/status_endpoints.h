// GET / (the status page), GET /api/v1/status and GET /api/v1/budgets on the admin server.
#pragma once

#include "sidecar/http/http_server.h"
#include "sidecar/status/status_model.h"

namespace specwatch {

void register_status_endpoints(HttpServer& server, StatusInputs inputs);

}  // namespace specwatch
