#include "sidecar/rules/rules_api.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "sidecar/http/query_string.h"
#include "sidecar/rules/go_format.h"

namespace specwatch::rules {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_pairs(Writer& w, const char* key, const LabelPairs& pairs) {
  w.Key(key);
  w.StartObject();
  for (const auto& [name, value] : pairs) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    write_string(w, value);
  }
  w.EndObject();
}

// Prometheus writes an alert's value with strconv.FormatFloat(v, 'e', -1, 64).
std::string value_text(double v) {
  std::string text = go_format_float_exponent(v);
  for (char& c : text) {
    if (c == 'E') c = 'e';
  }
  return text;
}

void write_alert(Writer& w, const AlertView& a) {
  w.StartObject();
  write_pairs(w, "labels", a.labels);
  write_pairs(w, "annotations", a.annotations);
  w.Key("state");
  write_string(w, a.state);
  w.Key("activeAt");
  write_string(w, rfc3339_ms(a.active_at_ms));
  if (a.keep_firing_since_ms != 0) {
    w.Key("keepFiringSince");
    write_string(w, rfc3339_ms(a.keep_firing_since_ms));
  }
  w.Key("value");
  write_string(w, value_text(a.value));
  w.EndObject();
}

bool listed(const AlertView& a) {
  return a.state == "pending" || a.state == "firing";
}

void write_rule(Writer& w, const RuleView& r) {
  w.StartObject();
  if (r.alerting) {
    w.Key("state");
    write_string(w, rule_state(r));
  }
  w.Key("name");
  write_string(w, r.name);
  w.Key("query");
  write_string(w, r.query);
  if (r.alerting) {
    w.Key("duration");
    w.Double(static_cast<double>(r.for_ms) / 1000.0);
    w.Key("keepFiringFor");
    w.Double(static_cast<double>(r.keep_firing_for_ms) / 1000.0);
  }
  write_pairs(w, "labels", r.labels);
  if (r.alerting) {
    write_pairs(w, "annotations", r.annotations);
    w.Key("alerts");
    w.StartArray();
    for (const auto& a : r.alerts) {
      if (listed(a)) write_alert(w, a);
    }
    w.EndArray();
  }
  w.Key("health");
  write_string(w, r.in_sidecar ? r.health : std::string("unknown"));
  std::string error =
      r.in_sidecar ? r.last_error : "not evaluated in the sidecar: " + r.scope_reason;
  if (!error.empty()) {
    w.Key("lastError");
    write_string(w, error);
  }
  w.Key("evaluationTime");
  w.Double(r.evaluation_seconds);
  w.Key("lastEvaluation");
  write_string(w, rfc3339_ms(r.last_evaluation_ms));
  w.Key("type");
  w.String(r.alerting ? "alerting" : "recording");
  w.EndObject();
}

// {"status":"success","data":{"<list>":[ — the envelope of every successful answer.
void start_success(Writer& w, const char* list) {
  w.StartObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  w.StartObject();
  w.Key(list);
  w.StartArray();
}

bool takes(const RulesFilter& filter, const RuleView& rule) {
  if ((filter.type == "alert" && !rule.alerting) || (filter.type == "record" && rule.alerting))
    return false;
  return filter.rule_names.empty() || filter.rule_names.contains(rule.name);
}

bool takes(const RulesFilter& filter, const GroupView& group) {
  if (!filter.groups.empty() && !filter.groups.contains(group.name)) return false;
  if (!filter.files.empty() && !filter.files.contains(group.file)) return false;
  if (!filter.rule_names.empty()) {
    return std::any_of(group.rules.begin(), group.rules.end(),
                       [&](const RuleView& rule) { return takes(filter, rule); });
  }
  return true;
}

// Prometheus' error document for a bad parameter (always 400, errorType bad_data).
std::string bad_data(const std::string& error) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("status");
  w.String("error");
  w.Key("errorType");
  w.String("bad_data");
  w.Key("error");
  write_string(w, error);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string rfc3339_ms(int64_t ms) {
  // Prometheus writes the zero time for a rule never evaluated.
  if (ms == 0) return "0001-01-01T00:00:00Z";
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, static_cast<int>(ms % 1000));
  return out;
}

RulesQuery read_rules_query(const std::string& query) {
  RulesQuery out;
  const QueryParameters parameters = parse_query_string(query);
  std::string type = first_value(parameters, "type").value_or("");
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!type.empty() && type != "alert" && type != "record") {
    // Prometheus: errors.Wrapf(errors.Errorf("not supported value %q", typ), "invalid parameter
    // %q")
    out.error = go_sprintf("invalid parameter \"type\": not supported value %q", {type});
    return out;
  }
  out.filter.type = type;
  for (auto& name : all_values(parameters, "rule_name[]")) out.filter.rule_names.insert(name);
  for (auto& name : all_values(parameters, "rule_group[]")) out.filter.groups.insert(name);
  for (auto& name : all_values(parameters, "file[]")) out.filter.files.insert(name);
  return out;
}

std::string rules_json(const RulesSnapshot& snapshot, const RulesFilter& filter) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  start_success(w, "groups");
  for (const auto& g : snapshot.groups) {
    if (!takes(filter, g)) continue;
    w.StartObject();
    w.Key("name");
    write_string(w, g.name);
    w.Key("file");
    write_string(w, g.file);
    w.Key("rules");
    w.StartArray();
    for (const auto& r : g.rules) {
      if (takes(filter, r)) write_rule(w, r);
    }
    w.EndArray();
    w.Key("interval");
    w.Double(static_cast<double>(g.interval_ms) / 1000.0);
    w.Key("limit");
    w.Int64(g.limit);
    w.Key("evaluationTime");
    w.Double(g.evaluation_seconds);
    w.Key("lastEvaluation");
    write_string(w, rfc3339_ms(g.last_evaluation_ms));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string alerts_json(const RulesSnapshot& snapshot) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  start_success(w, "alerts");
  for (const auto& g : snapshot.groups) {
    for (const auto& r : g.rules) {
      for (const auto& a : r.alerts) {
        if (listed(a)) write_alert(w, a);
      }
    }
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void register_rules_api(HttpServer& server, SnapshotReader read) {
  server.add_route("/api/v1/rules", {HttpMethod::kGet}, [read](const HttpRequest& request) {
    RulesQuery asked = read_rules_query(request.query);
    if (asked.error) return HttpResponse::json(400, bad_data(*asked.error));
    return HttpResponse::json(200, rules_json(*read(), asked.filter));
  });
  server.add_route("/api/v1/alerts", {HttpMethod::kGet}, [read](const HttpRequest&) {
    return HttpResponse::json(200, alerts_json(*read()));
  });
}

}  // namespace specwatch::rules
