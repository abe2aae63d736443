// JSON pieces several notifiers send: a label set as an object, written with RapidJSON.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "sidecar/core/alert_notification.h"

namespace specwatch {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void write_label_object(JsonWriter& writer, const NotificationLabels& labels) {
  writer.StartObject();
  for (const auto& [name, value] : labels) {
    writer.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndObject();
}

inline void write_string(JsonWriter& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace specwatch
