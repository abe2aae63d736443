#include "sidecar/status/status_json.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace specwatch {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void string(Writer& w, const std::string& text) {
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
}

void optional_double(Writer& w, const std::optional<double>& value) {
  if (value) {
    w.Double(*value);
  } else {
    w.Null();
  }
}

void write_budget(Writer& w, const BudgetStatus& budget) {
  w.StartObject();
  w.Key("name");
  string(w, budget.name);
  w.Key("description");
  string(w, budget.description);
  w.Key("unit");
  string(w, budget.unit);
  w.Key("window");
  string(w, budget.window);
  w.Key("time_zone");
  string(w, budget.time_zone);
  w.Key("spent");
  w.Double(budget.spent);
  w.Key("limit");
  w.Double(budget.limit);
  w.Key("utilization");
  w.Double(budget.utilization);
  w.Key("forecast");
  optional_double(w, budget.forecast);
  w.Key("forecast_ratio");
  optional_double(w, budget.forecast_ratio());
  w.Key("period_start");
  w.Int64(budget.period_start_s);
  w.Key("period_end");
  w.Int64(budget.period_end_s);
  w.Key("unpriced_calls");
  w.Int64(budget.unpriced_calls);
  w.Key("open_workflows");
  w.Int64(budget.open_workflows);
  w.Key("over_limit_total");
  w.Int64(budget.over_limit_total);
  w.Key("thresholds");
  w.StartArray();
  for (const BudgetThresholdStatus& threshold : budget.thresholds) {
    w.StartObject();
    w.Key("percent");
    w.Double(threshold.percent);
    w.Key("severity");
    string(w, threshold.severity);
    w.Key("state");
    w.String(threshold.fired ? "fired" : "pending");
    w.Key("fired_at");
    w.Int64(threshold.fired_at_s);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void write_pairs(Writer& w, const NotificationLabels& pairs) {
  w.StartObject();
  for (const auto& [key, value] : pairs) {
    string(w, key);
    string(w, value);
  }
  w.EndObject();
}

void optional_int(Writer& w, const std::optional<std::int64_t>& value) {
  if (value) {
    w.Int64(*value);
  } else {
    w.Null();
  }
}

void write_counts(Writer& w, const NamedCounts& counts) {
  w.StartObject();
  for (const auto& [name, count] : counts) {
    string(w, name);
    w.Int64(count);
  }
  w.EndObject();
}

void write_component(Writer& w, const ComponentHealth& component) {
  w.StartObject();
  w.Key("kind");
  string(w, component.kind);
  w.Key("name");
  string(w, component.name);
  w.Key("ready");
  w.Bool(component.ready);
  w.Key("reason");
  string(w, component.reason);
  if (component.kind == "exporter") {
    // Reaching the peer is not readiness (Sink::peer_error): a separate field.
    w.Key("peer_reachable");
    w.Bool(component.peer_error.empty());
    w.Key("peer_error");
    string(w, component.peer_error);
  }
  w.Key("paths");
  w.StartArray();
  for (const std::string& path : component.paths) string(w, path);
  w.EndArray();
  w.Key("files");
  optional_int(w, component.files);
  w.Key("lag_bytes");
  optional_int(w, component.lag_bytes);
  w.Key("events");
  optional_int(w, component.events);
  w.Key("errors");
  write_counts(w, component.errors);
  w.Key("outcomes");
  write_counts(w, component.outcomes);
  w.Key("queue");
  optional_int(w, component.queue);
  w.Key("spool_bytes");
  optional_int(w, component.spool_bytes);
  w.EndObject();
}

void write_alert(Writer& w, const StatusAlert& alert) {
  w.StartObject();
  w.Key("labels");
  write_pairs(w, alert.labels);
  w.Key("annotations");
  write_pairs(w, alert.annotations);
  w.Key("state");
  string(w, alert.state);
  w.Key("value");
  w.Double(alert.value);
  w.Key("starts_at");
  w.Int64(alert.starts_at_s);
  w.Key("ends_at");
  w.Int64(alert.ends_at_s);
  w.Key("origin");
  string(w, alert.origin);
  w.EndObject();
}

std::string text_of(const rapidjson::Value& object, const char* key) {
  auto found = object.FindMember(key);
  return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

double number_of(const rapidjson::Value& object, const char* key) {
  auto found = object.FindMember(key);
  return found != object.MemberEnd() && found->value.IsNumber() ? found->value.GetDouble() : 0.0;
}

std::int64_t int_of(const rapidjson::Value& object, const char* key) {
  auto found = object.FindMember(key);
  return found != object.MemberEnd() && found->value.IsInt64() ? found->value.GetInt64() : 0;
}

const rapidjson::Value* array_of(const rapidjson::Value& object, const char* key) {
  auto found = object.FindMember(key);
  return found != object.MemberEnd() && found->value.IsArray() ? &found->value : nullptr;
}

std::optional<std::int64_t> optional_int_of(const rapidjson::Value& object, const char* key) {
  auto found = object.FindMember(key);
  if (found == object.MemberEnd() || !found->value.IsInt64()) return std::nullopt;
  return found->value.GetInt64();
}

NamedCounts counts_of(const rapidjson::Value& object, const char* key) {
  NamedCounts counts;
  auto found = object.FindMember(key);
  if (found == object.MemberEnd() || !found->value.IsObject()) return counts;
  for (const auto& member : found->value.GetObject()) {
    if (member.value.IsInt64())
      counts.emplace_back(member.name.GetString(), member.value.GetInt64());
  }
  return counts;
}

ComponentHealth component_of(const rapidjson::Value& item) {
  ComponentHealth component;
  component.kind = text_of(item, "kind");
  component.name = text_of(item, "name");
  auto ready = item.FindMember("ready");
  component.ready = ready != item.MemberEnd() && ready->value.IsBool() && ready->value.GetBool();
  component.reason = text_of(item, "reason");
  component.peer_error = text_of(item, "peer_error");
  if (const auto* paths = array_of(item, "paths")) {
    for (const auto& path : paths->GetArray()) {
      if (path.IsString()) component.paths.emplace_back(path.GetString());
    }
  }
  component.files = optional_int_of(item, "files");
  component.lag_bytes = optional_int_of(item, "lag_bytes");
  component.events = optional_int_of(item, "events");
  component.errors = counts_of(item, "errors");
  component.outcomes = counts_of(item, "outcomes");
  component.queue = optional_int_of(item, "queue");
  component.spool_bytes = optional_int_of(item, "spool_bytes");
  return component;
}

NotificationLabels pairs_of(const rapidjson::Value& object, const char* key) {
  NotificationLabels pairs;
  auto found = object.FindMember(key);
  if (found == object.MemberEnd() || !found->value.IsObject()) return pairs;
  for (const auto& member : found->value.GetObject()) {
    if (member.value.IsString())
      pairs.emplace_back(member.name.GetString(), member.value.GetString());
  }
  return pairs;
}

}  // namespace

std::string budgets_json(const std::vector<BudgetStatus>& budgets) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  w.StartObject();
  w.Key("budgets");
  w.StartArray();
  for (const BudgetStatus& budget : budgets) write_budget(w, budget);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

std::string status_json(const StatusSnapshot& snapshot) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  w.StartObject();
  w.Key("now");
  w.Int64(snapshot.now_s);
  w.Key("components");
  w.StartArray();
  for (const ComponentHealth& component : snapshot.components) write_component(w, component);
  w.EndArray();
  w.Key("budgets");
  w.StartArray();
  for (const BudgetStatus& budget : snapshot.budgets) write_budget(w, budget);
  w.EndArray();
  w.Key("alerts");
  w.StartArray();
  for (const StatusAlert& alert : snapshot.alerts) write_alert(w, alert);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

std::optional<StatusSnapshot> parse_status_json(const std::string& json, std::string& error) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data") || !doc["data"].IsObject()) {
    error = "not a status document";
    return std::nullopt;
  }
  const rapidjson::Value& data = doc["data"];
  StatusSnapshot snapshot;
  snapshot.now_s = int_of(data, "now");
  if (const auto* components = array_of(data, "components")) {
    for (const auto& item : components->GetArray()) {
      if (item.IsObject()) snapshot.components.push_back(component_of(item));
    }
  }
  if (const auto* budgets = array_of(data, "budgets")) {
    for (const auto& item : budgets->GetArray()) {
      if (!item.IsObject()) continue;
      BudgetStatus budget;
      budget.name = text_of(item, "name");
      budget.description = text_of(item, "description");
      budget.unit = text_of(item, "unit");
      budget.window = text_of(item, "window");
      budget.time_zone = text_of(item, "time_zone");
      budget.spent = number_of(item, "spent");
      budget.limit = number_of(item, "limit");
      budget.utilization = number_of(item, "utilization");
      if (auto forecast = item.FindMember("forecast");
          forecast != item.MemberEnd() && forecast->value.IsNumber()) {
        budget.forecast = forecast->value.GetDouble();
      }
      budget.period_start_s = int_of(item, "period_start");
      budget.period_end_s = int_of(item, "period_end");
      budget.unpriced_calls = int_of(item, "unpriced_calls");
      budget.open_workflows = int_of(item, "open_workflows");
      budget.over_limit_total = int_of(item, "over_limit_total");
      if (const auto* thresholds = array_of(item, "thresholds")) {
        for (const auto& threshold : thresholds->GetArray()) {
          if (!threshold.IsObject()) continue;
          budget.thresholds.push_back(
              {number_of(threshold, "percent"), text_of(threshold, "severity"),
               text_of(threshold, "state") == "fired", int_of(threshold, "fired_at")});
        }
      }
      snapshot.budgets.push_back(std::move(budget));
    }
  }
  if (const auto* alerts = array_of(data, "alerts")) {
    for (const auto& item : alerts->GetArray()) {
      if (!item.IsObject()) continue;
      StatusAlert alert;
      alert.state = text_of(item, "state");
      alert.labels = pairs_of(item, "labels");
      alert.annotations = pairs_of(item, "annotations");
      alert.value = number_of(item, "value");
      alert.starts_at_s = int_of(item, "starts_at");
      alert.ends_at_s = int_of(item, "ends_at");
      alert.origin = text_of(item, "origin");
      snapshot.alerts.push_back(std::move(alert));
    }
  }
  return snapshot;
}

}  // namespace specwatch
