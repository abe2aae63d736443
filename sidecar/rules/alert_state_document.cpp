#include "sidecar/rules/alert_state_document.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <stdexcept>

namespace specwatch::rules {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_pairs(Writer& w, const char* key, const std::vector<Label>& items) {
  w.Key(key);
  w.StartObject();
  for (const auto& l : items) {
    w.Key(l.name.c_str(), static_cast<rapidjson::SizeType>(l.name.size()));
    w.String(l.value.c_str(), static_cast<rapidjson::SizeType>(l.value.size()));
  }
  w.EndObject();
}

std::vector<Label> read_pairs(const rapidjson::Value& object, const char* key) {
  std::vector<Label> out;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsObject())
    throw std::runtime_error(std::string("alert without an object \"") + key + "\"");
  for (const auto& m : it->value.GetObject()) {
    if (!m.value.IsString()) throw std::runtime_error(std::string("non-string value in ") + key);
    out.push_back(Label{m.name.GetString(), m.value.GetString()});
  }
  return out;
}

int64_t read_ms(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsInt64())
    throw std::runtime_error(std::string("alert without an integer \"") + key + "\"");
  return it->value.GetInt64();
}

std::string read_string(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString())
    throw std::runtime_error(std::string("alert without a string \"") + key + "\"");
  return it->value.GetString();
}

AlertState parse_state(const std::string& text) {
  if (text == "pending") return AlertState::kPending;
  if (text == "firing") return AlertState::kFiring;
  if (text == "inactive") return AlertState::kInactive;
  throw std::runtime_error("unknown alert state \"" + text + "\"");
}

}  // namespace

std::string encode_alert_states(const std::vector<SavedAlert>& alerts) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("alerts");
  w.StartArray();
  for (const auto& saved : alerts) {
    const Alert& a = saved.alert;
    w.StartObject();
    w.Key("group");
    w.String(saved.group.c_str());
    w.Key("rule");
    w.String(saved.rule.c_str());
    write_pairs(w, "labels", a.labels.items());
    write_pairs(w, "annotations", a.annotations);
    w.Key("state");
    w.String(alert_state_name(a.state));
    w.Key("value");
    // JSON has no NaN or infinity; the value is refreshed at the first evaluation anyway.
    w.Double(std::isfinite(a.value) ? a.value : 0.0);
    w.Key("active_at_ms");
    w.Int64(a.active_at);
    w.Key("fired_at_ms");
    w.Int64(a.fired_at);
    w.Key("resolved_at_ms");
    w.Int64(a.resolved_at);
    w.Key("keep_firing_since_ms");
    w.Int64(a.keep_firing_since);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<SavedAlert> decode_alert_states(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("not a JSON object");
  auto alerts = doc.FindMember("alerts");
  if (alerts == doc.MemberEnd() || !alerts->value.IsArray())
    throw std::runtime_error("no \"alerts\" array");
  std::vector<SavedAlert> out;
  for (const auto& item : alerts->value.GetArray()) {
    if (!item.IsObject()) throw std::runtime_error("an alert that is not an object");
    SavedAlert saved;
    saved.group = read_string(item, "group");
    saved.rule = read_string(item, "rule");
    Alert& a = saved.alert;
    a.labels = Labels(read_pairs(item, "labels"));
    a.annotations = read_pairs(item, "annotations");
    a.state = parse_state(read_string(item, "state"));
    auto value = item.FindMember("value");
    if (value == item.MemberEnd() || !value->value.IsNumber())
      throw std::runtime_error("alert without a number \"value\"");
    a.value = value->value.GetDouble();
    a.active_at = read_ms(item, "active_at_ms");
    a.fired_at = read_ms(item, "fired_at_ms");
    a.resolved_at = read_ms(item, "resolved_at_ms");
    a.keep_firing_since = read_ms(item, "keep_firing_since_ms");
    out.push_back(std::move(saved));
  }
  return out;
}

}  // namespace specwatch::rules
