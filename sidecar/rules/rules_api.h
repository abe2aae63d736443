// GET /api/v1/rules and GET /api/v1/alerts in the shape of Prometheus' HTTP API (2.42), so tools
// that read a Prometheus server can read the sidecar:
//   {"status":"success","data":{"groups":[{"name","file","rules":[...],"interval","limit",
//     "evaluationTime","lastEvaluation"}]}}
//   {"status":"success","data":{"alerts":[{"labels","annotations","state","activeAt","value"}]}}
// A rule the sidecar does not evaluate (Prometheus-only) is listed with health "unknown" and the
// reason in lastError. /api/v1/rules takes ?type=alert|record as Prometheus does.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "sidecar/http/http_server.h"
#include "sidecar/rules/rules_snapshot.h"

namespace specwatch::rules {

using SnapshotReader = std::function<std::shared_ptr<const RulesSnapshot>()>;

// `type`: "" (all), "alert" or "record".
std::string rules_json(const RulesSnapshot& snapshot, const std::string& type = "");
std::string alerts_json(const RulesSnapshot& snapshot);

void register_rules_api(HttpServer& server, SnapshotReader read);

// RFC 3339 in UTC with milliseconds, as the API writes times ("2026-01-02T03:04:05.678Z").
std::string rfc3339_ms(int64_t ms);

}  // namespace specwatch::rules
