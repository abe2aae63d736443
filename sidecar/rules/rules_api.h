// GET /api/v1/rules and GET /api/v1/alerts in the shape of Prometheus' HTTP API (2.42), so tools
// that read a Prometheus server can read the sidecar:
//   {"status":"success","data":{"groups":[{"name","file","rules":[...],"interval","limit",
//     "evaluationTime","lastEvaluation"}]}}
//   {"status":"success","data":{"alerts":[{"labels","annotations","state","activeAt","value"}]}}
// A rule the sidecar does not evaluate (Prometheus-only) is listed with health "unknown" and the
// reason in lastError.
//
// /api/v1/rules reads its parameters as Prometheus does: `type` (alert | record, any case; the
// first one given counts) as 2.42, and the `rule_name[]`, `rule_group[]` and `file[]` filters of
// later versions (2.46), which 2.42 ignores. A bad `type` is answered 400 with Prometheus' error
// document. /api/v1/alerts takes no parameter (others are ignored, as by Prometheus).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "sidecar/http/http_server.h"
#include "sidecar/rules/rules_snapshot.h"

namespace specwatch::rules {

using SnapshotReader = std::function<std::shared_ptr<const RulesSnapshot>()>;

struct RulesFilter {
  std::string type;  // "" (all), "alert" or "record"
  // Each empty set takes everything; otherwise a rule (group) is listed only if named.
  std::set<std::string, std::less<>> rule_names;
  std::set<std::string, std::less<>> groups;
  std::set<std::string, std::less<>> files;
};

// The filter a query string asks for, or the error text Prometheus answers with
// (`invalid parameter "type": not supported value "foo"`).
struct RulesQuery {
  RulesFilter filter;
  std::optional<std::string> error;
};
RulesQuery read_rules_query(const std::string& query);

// Groups are listed even when `type` leaves none of their rules (as 2.42 does); a group left
// without rules by the name, group or file filters is omitted (as the versions that have them).
std::string rules_json(const RulesSnapshot& snapshot, const RulesFilter& filter = {});
std::string alerts_json(const RulesSnapshot& snapshot);

void register_rules_api(HttpServer& server, SnapshotReader read);

// RFC 3339 in UTC with milliseconds, as the API writes times ("2026-01-02T03:04:05.678Z").
std::string rfc3339_ms(int64_t ms);

}  // namespace specwatch::rules
