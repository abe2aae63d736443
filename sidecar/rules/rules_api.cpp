#include "sidecar/rules/rules_api.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <ctime>

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

std::string query_parameter(const std::string& query, const std::string& name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string::npos) end = query.size();
    std::string part = query.substr(pos, end - pos);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
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

std::string rules_json(const RulesSnapshot& snapshot, const std::string& type) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  start_success(w, "groups");
  for (const auto& g : snapshot.groups) {
    w.StartObject();
    w.Key("name");
    write_string(w, g.name);
    w.Key("file");
    write_string(w, g.file);
    w.Key("rules");
    w.StartArray();
    for (const auto& r : g.rules) {
      if ((type == "alert" && !r.alerting) || (type == "record" && r.alerting)) continue;
      write_rule(w, r);
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
    std::string type = query_parameter(request.query, "type");
    if (!type.empty() && type != "alert" && type != "record") {
      return HttpResponse::json(
          400,
          R"({"status":"error","errorType":"bad_data","error":"type must be alert or record"})");
    }
    return HttpResponse::json(200, rules_json(*read(), type));
  });
  server.add_route("/api/v1/alerts", {HttpMethod::kGet}, [read](const HttpRequest&) {
    return HttpResponse::json(200, alerts_json(*read()));
  });
}

}  // namespace specwatch::rules
