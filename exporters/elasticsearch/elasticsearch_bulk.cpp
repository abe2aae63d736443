#include "exporters/elasticsearch/elasticsearch_bulk.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>

#include "exporters/common/length_prefixed.h"

namespace specwatch {

void BulkEntryWriter::begin(std::string_view source) {
  bytes_.clear();
  append_field(bytes_, source);
}

void BulkEntryWriter::add(const BulkItem& item) {
  append_field(bytes_, item.index);
  append_field(bytes_, item.id);
  append_field(bytes_, item.document);
}

bool parse_bulk_entry(std::string_view entry, std::string_view& source,
                      std::vector<BulkItem>& items) {
  items.clear();
  if (!take_field(entry, source)) return false;
  while (!entry.empty()) {
    BulkItem item;
    if (!take_field(entry, item.index) || !take_field(entry, item.id) ||
        !take_field(entry, item.document)) {
      return false;
    }
    items.push_back(item);
  }
  return true;
}

const std::string& IndexNamer::name(std::int64_t unix_ns) {
  if (unix_ns == 0) {
    unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  }
  // Floor division, so that a time before 1970 still lands in its own hour.
  constexpr std::int64_t kNsPerHour = 3'600'000'000'000;
  const std::int64_t hour = unix_ns >= 0 ? unix_ns / kNsPerHour : (unix_ns + 1) / kNsPerHour - 1;
  if (hour == cached_hour_ && !cached_.empty()) return cached_;
  const std::time_t seconds = static_cast<std::time_t>(hour * 3600);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[256];
  const std::size_t size = std::strftime(buffer, sizeof buffer, pattern_.c_str(), &utc);
  cached_.assign(buffer, size);
  cached_hour_ = hour;
  return cached_;
}

void append_bulk_item(const BulkItem& item, std::string& body) {
  // The index (config-checked) and the id (hex digits) need no JSON escaping.
  body.append("{\"create\":{\"_index\":\"");
  body.append(item.index);
  body.append("\",\"_id\":\"");
  body.append(item.id);
  body.append("\"}}\n");
  body.append(item.document);
  body.push_back('\n');
}

namespace {

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string string_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return "";
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

BulkItemResult item_result(const rapidjson::Value& item) {
  BulkItemResult result;
  result.answer = to_json(item);
  // {"create":{"_index":…,"_id":…,"status":201,…}} — the action name is the only member.
  const rapidjson::Value* action = nullptr;
  if (item.IsObject() && item.MemberCount() == 1) action = &item.MemberBegin()->value;
  if (action == nullptr || !action->IsObject() || !action->HasMember("status") ||
      !(*action)["status"].IsUint()) {
    result.outcome = BulkItemResult::Outcome::kRetry;
    result.reason = "elasticsearch: an item without a status";
    return result;
  }
  result.status = (*action)["status"].GetUint();
  if (result.status == 200 || result.status == 201 || result.status == 409) {
    result.outcome = BulkItemResult::Outcome::kStored;
    return result;
  }
  const auto error = action->FindMember("error");
  std::string type;
  std::string why;
  if (error != action->MemberEnd()) {
    type = string_member(error->value, "type");
    why = string_member(error->value, "reason");
  }
  result.reason = "elasticsearch: " + std::to_string(result.status);
  if (!type.empty()) result.reason += " " + type;
  if (!why.empty()) result.reason += ": " + why;
  result.outcome = result.status == 429 || result.status >= 500
                       ? BulkItemResult::Outcome::kRetry
                       : BulkItemResult::Outcome::kRejected;
  return result;
}

}  // namespace

bool parse_bulk_answer(std::string_view body, std::size_t expected,
                       std::vector<BulkItemResult>& results, std::string& error) {
  results.clear();
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error = "the bulk answer is not a JSON object";
    return false;
  }
  const auto items = doc.FindMember("items");
  if (items == doc.MemberEnd() || !items->value.IsArray()) {
    error = "the bulk answer has no items";
    return false;
  }
  if (items->value.Size() != expected) {
    error = "the bulk answer has " + std::to_string(items->value.Size()) + " items for " +
            std::to_string(expected) + " sent";
    return false;
  }
  results.reserve(expected);
  for (const auto& item : items->value.GetArray()) results.push_back(item_result(item));
  return true;
}

}  // namespace specwatch
