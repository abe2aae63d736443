#include "exporters/notifiers_common/delivery_ledger.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "exporters/notifiers_common/alert_identity.h"

namespace specwatch {

DeliveryLedger::DeliveryLedger(std::string state_dir, std::string document)
    : document_(std::move(document)) {
  if (!state_dir.empty()) store_.emplace(std::move(state_dir));
}

std::string DeliveryLedger::load() {
  if (!store_) return "";
  StateRead read = store_->read(document_, kVersion);
  if (read.status == StateRead::Status::kMissing) return "";
  if (read.status != StateRead::Status::kOk) {
    return read.error.empty() ? "unusable state document " + document_ : read.error;
  }
  rapidjson::Document doc;
  doc.Parse(read.data.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("alerts") ||
      !doc["alerts"].IsObject()) {
    return "state document " + document_ + " has no \"alerts\" object";
  }
  for (const auto& member : doc["alerts"].GetObject()) {
    const auto& value = member.value;
    if (!value.IsObject() || !value.HasMember("firing") || !value["firing"].IsBool() ||
        !value.HasMember("last_sent_ms") || !value["last_sent_ms"].IsInt64()) {
      continue;
    }
    LedgerEntry entry;
    entry.firing = value["firing"].GetBool();
    entry.last_sent = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(value["last_sent_ms"].GetInt64()));
    entries_[member.name.GetString()] = entry;
  }
  return "";
}

std::string DeliveryLedger::load_once() {
  if (loaded_) return "";
  std::string error = load();
  loaded_ = error.empty();
  return error;
}

std::string DeliveryLedger::settle(std::chrono::system_clock::time_point now) {
  forget_resolved_before(now - std::chrono::minutes(30));
  return save();
}

std::string DeliveryLedger::save() {
  if (!store_ || !dirty_) return "";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("alerts");
  writer.StartObject();
  for (const auto& [fingerprint, entry] : entries_) {
    writer.Key(fingerprint.c_str());
    writer.StartObject();
    writer.Key("firing");
    writer.Bool(entry.firing);
    writer.Key("last_sent_ms");
    writer.Int64(
        std::chrono::duration_cast<std::chrono::milliseconds>(entry.last_sent.time_since_epoch())
            .count());
    writer.EndObject();
  }
  writer.EndObject();
  writer.EndObject();
  std::string error = store_->write(document_, kVersion, buffer.GetString());
  if (error.empty()) dirty_ = false;
  return error;
}

const LedgerEntry* DeliveryLedger::find(const std::string& fingerprint) const {
  auto it = entries_.find(fingerprint);
  return it == entries_.end() ? nullptr : &it->second;
}

void DeliveryLedger::record(const std::string& fingerprint, bool firing,
                            std::chrono::system_clock::time_point when) {
  entries_[fingerprint] = LedgerEntry{firing, when};
  dirty_ = true;
}

void DeliveryLedger::forget_resolved_before(std::chrono::system_clock::time_point before) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!it->second.firing && it->second.last_sent < before) {
      it = entries_.erase(it);
      dirty_ = true;
    } else {
      ++it;
    }
  }
}

std::vector<DueAlert> select_due(const std::vector<AlertNotification>& alerts,
                                 DeliveryLedger& ledger, std::chrono::system_clock::time_point now,
                                 std::optional<std::chrono::milliseconds> repeat_interval,
                                 bool send_resolved) {
  std::vector<DueAlert> due;
  for (const AlertNotification& alert : alerts) {
    std::string fingerprint = alert_fingerprint(alert.labels);
    const LedgerEntry* entry = ledger.find(fingerprint);
    const bool sent_firing = entry != nullptr && entry->firing;
    if (alert.status == AlertNotification::Status::kFiring) {
      const bool repeat =
          sent_firing && repeat_interval && now - entry->last_sent >= *repeat_interval;
      if (!sent_firing || repeat) due.push_back({&alert, std::move(fingerprint)});
    } else if (sent_firing) {
      if (send_resolved) {
        due.push_back({&alert, std::move(fingerprint)});
      } else {
        ledger.record(fingerprint, false, now);
      }
    }
  }
  return due;
}

}  // namespace specwatch
