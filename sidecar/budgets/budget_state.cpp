// BudgetEngine::save / restore: the engine's state as one JSON document of the state store.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "sidecar/budgets/budget_track.h"

namespace specwatch {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_ring(Writer& w, const char* key, const BucketRing& ring) {
  w.Key(key);
  w.StartArray();
  for (const auto& slot : ring.slots()) {
    if (slot.index < 0 || slot.amount == 0) continue;
    w.StartArray();
    w.Int64(slot.index);
    w.Int64(slot.amount);
    w.EndArray();
  }
  w.EndArray();
}

void read_ring(const rapidjson::Value& value, BucketRing& ring) {
  if (!value.IsArray()) return;
  for (const auto& item : value.GetArray()) {
    if (!item.IsArray() || item.Size() != 2 || !item[0].IsInt64() || !item[1].IsInt64()) continue;
    const std::int64_t index = item[0].GetInt64();
    if (index < 0) continue;
    ring.slots()[static_cast<std::size_t>(index) % BucketRing::kBuckets] = {index,
                                                                            item[1].GetInt64()};
  }
}

void write_times(Writer& w, const char* key, const std::vector<std::int64_t>& times) {
  w.Key(key);
  w.StartArray();
  for (std::int64_t t : times) w.Int64(t);
  w.EndArray();
}

void read_times(const rapidjson::Value& value, std::vector<std::int64_t>& times) {
  if (!value.IsArray() || value.Size() != times.size()) return;
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    if (value[i].IsInt64()) times[i] = value[i].GetInt64();
  }
}

// The member `key`, or null when absent (operator[] must not be used on a missing member).
const rapidjson::Value& member(const rapidjson::Value& object, const char* key) {
  static const rapidjson::Value kNull;
  auto found = object.FindMember(key);
  return found == object.MemberEnd() ? kNull : found->value;
}

std::int64_t int_of(const rapidjson::Value& object, const char* key) {
  auto found = object.FindMember(key);
  return found != object.MemberEnd() && found->value.IsInt64() ? found->value.GetInt64() : 0;
}

// What must be equal for a saved state to apply to a configured budget.
std::string signature(const BudgetConfig& budget) {
  return budget_window_name(budget) + "|" + budget_unit_name(budget.unit) + "|" + budget.time_zone +
         "|" + std::to_string(budget.thresholds.size());
}

}  // namespace

std::string BudgetEngine::save() const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("watermarks");
  w.StartArray();
  for (const auto& [key, mark] : watermarks_) {
    w.StartObject();
    w.Key("source");
    w.String(key.source.c_str(), static_cast<rapidjson::SizeType>(key.source.size()));
    // As a string: a JSON number above 2^53 may not survive other readers.
    w.Key("stream");
    w.String(std::to_string(key.stream).c_str());
    w.Key("offset");
    w.Uint64(mark.offset);
    w.Key("updated");
    w.Int64(mark.updated_s);
    w.EndObject();
  }
  w.EndArray();
  w.Key("budgets");
  w.StartArray();
  for (const auto& track : tracks_) {
    w.StartObject();
    w.Key("name");
    w.String(track->config.name.c_str());
    w.Key("signature");
    w.String(signature(track->config).c_str());
    w.Key("period_start");
    w.Int64(track->period.start_s);
    w.Key("amount");
    w.Int64(track->amount);
    w.Key("unpriced");
    w.Int64(track->unpriced);
    w.Key("late");
    w.Int64(track->late);
    w.Key("over_limit_total");
    w.Int64(track->over_limit_total);
    w.Key("last_over");
    w.Int64(track->last_over_s);
    write_times(w, "fired_at", track->fired_at);
    write_ring(w, "last_hour", track->last_hour);
    write_ring(w, "rolling", track->rolling);
    w.Key("workflows");
    w.StartArray();
    for (auto it = track->workflows.rbegin(); it != track->workflows.rend(); ++it) {
      w.StartObject();
      w.Key("id");
      w.String(it->id.c_str(), static_cast<rapidjson::SizeType>(it->id.size()));
      w.Key("amount");
      w.Int64(it->amount);
      w.Key("first");
      w.Int64(it->first_s);
      w.Key("last");
      w.Int64(it->last_s);
      write_times(w, "fired_at", it->fired_at);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

std::string BudgetEngine::restore(const std::string& json, std::int64_t now_s) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return "the budget state is not a JSON object";
  if (auto marks = doc.FindMember("watermarks");
      marks != doc.MemberEnd() && marks->value.IsArray()) {
    for (const auto& item : marks->value.GetArray()) {
      if (!item.IsObject() || !item.HasMember("source") || !item["source"].IsString() ||
          !item.HasMember("stream") || !item["stream"].IsString() || !item.HasMember("offset") ||
          !item["offset"].IsUint64()) {
        continue;
      }
      StreamKey key{item["source"].GetString(),
                    std::strtoull(item["stream"].GetString(), nullptr, 10)};
      watermarks_[key] = {item["offset"].GetUint64(), int_of(item, "updated")};
    }
  }
  auto budgets = doc.FindMember("budgets");
  if (budgets == doc.MemberEnd() || !budgets->value.IsArray()) return "";
  for (const auto& item : budgets->value.GetArray()) {
    if (!item.IsObject() || !item.HasMember("name") || !item["name"].IsString() ||
        !item.HasMember("signature") || !item["signature"].IsString()) {
      continue;
    }
    for (auto& track : tracks_) {
      if (track->config.name != item["name"].GetString() ||
          signature(track->config) != item["signature"].GetString()) {
        continue;
      }
      track->over_limit_total = int_of(item, "over_limit_total");
      track->last_over_s = int_of(item, "last_over");
      read_ring(member(item, "last_hour"), track->last_hour);
      read_ring(member(item, "rolling"), track->rolling);
      if (track->calendar()) {
        track->roll(now_s);
        // A saved period that is over stays over: the new period starts empty.
        if (int_of(item, "period_start") == track->period.start_s) {
          track->amount = int_of(item, "amount");
          track->unpriced = int_of(item, "unpriced");
          track->late = int_of(item, "late");
          read_times(member(item, "fired_at"), track->fired_at);
        }
      }
      if (auto workflows = item.FindMember("workflows");
          workflows != item.MemberEnd() && workflows->value.IsArray()) {
        for (const auto& saved : workflows->value.GetArray()) {
          if (!saved.IsObject() || !saved.HasMember("id") || !saved["id"].IsString()) continue;
          WorkflowSpend workflow{saved["id"].GetString(), int_of(saved, "amount"),
                                 int_of(saved, "first"), int_of(saved, "last"),
                                 std::vector<std::int64_t>(track->fired_at.size(), 0)};
          read_times(member(saved, "fired_at"), workflow.fired_at);
          if (track->workflow_index.count(workflow.id) != 0) continue;
          track->workflows.push_front(std::move(workflow));
          track->workflow_index[track->workflows.front().id] = track->workflows.begin();
        }
      }
    }
  }
  return "";
}

}  // namespace specwatch
