#include "tests/support/notifiers/notification_stand_ins.h"

#include <regex>
#include <thread>

namespace specwatch::testing {
namespace {

using Value = rapidjson::Value;

std::size_t characters(const Value& text) {
  std::size_t count = 0;
  const char* s = text.GetString();
  for (rapidjson::SizeType i = 0; i < text.GetStringLength(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool is_string(const Value& object, const char* key) {
  return object.HasMember(key) && object[key].IsString();
}

void check_keys(const Value& object, const std::set<std::string>& allowed, const std::string& where,
                std::vector<std::string>& problems) {
  for (const auto& member : object.GetObject()) {
    if (!allowed.count(member.name.GetString())) {
      problems.push_back(where + ": unknown key " + member.name.GetString());
    }
  }
}

void check_text_object(const Value& text, const std::string& where, std::size_t max,
                       std::vector<std::string>& problems) {
  if (!text.IsObject() || !is_string(text, "type") || !is_string(text, "text")) {
    problems.push_back(where + ": expected a text object with type and text");
    return;
  }
  const std::string type = text["type"].GetString();
  if (type != "plain_text" && type != "mrkdwn") {
    problems.push_back(where + ".type: must be plain_text or mrkdwn");
  }
  const std::size_t length = characters(text["text"]);
  if (length == 0 || length > max) {
    problems.push_back(where + ".text: length " + std::to_string(length) + " not in 1.." +
                       std::to_string(max));
  }
}

void check_block(const Value& block, const std::string& where, std::vector<std::string>& problems) {
  if (!block.IsObject() || !is_string(block, "type")) {
    problems.push_back(where + ": a block needs a type");
    return;
  }
  const std::string type = block["type"].GetString();
  if (type == "header") {
    if (!block.HasMember("text")) {
      problems.push_back(where + ": header without text");
      return;
    }
    check_text_object(block["text"], where + ".text", 150, problems);
    if (block["text"].IsObject() && is_string(block["text"], "type") &&
        std::string(block["text"]["type"].GetString()) != "plain_text") {
      problems.push_back(where + ".text.type: a header is plain_text");
    }
  } else if (type == "section") {
    const bool has_text = block.HasMember("text");
    const bool has_fields = block.HasMember("fields");
    if (!has_text && !has_fields) problems.push_back(where + ": section without text or fields");
    if (has_text) check_text_object(block["text"], where + ".text", 3000, problems);
    if (has_fields) {
      const Value& fields = block["fields"];
      if (!fields.IsArray() || fields.Size() == 0 || fields.Size() > 10) {
        problems.push_back(where + ".fields: 1..10 text objects");
      } else {
        for (rapidjson::SizeType i = 0; i < fields.Size(); ++i) {
          check_text_object(fields[i], where + ".fields[" + std::to_string(i) + "]", 2000,
                            problems);
        }
      }
    }
  } else if (type == "context") {
    if (!block.HasMember("elements") || !block["elements"].IsArray() ||
        block["elements"].Size() == 0 || block["elements"].Size() > 10) {
      problems.push_back(where + ".elements: 1..10 elements");
    }
  } else if (type != "divider" && type != "actions") {
    problems.push_back(where + ".type: unsupported block type " + type);
  }
}

std::vector<std::string> validate_slack(const rapidjson::Document& message) {
  std::vector<std::string> problems;
  if (!message.IsObject()) return {"message is not an object"};
  check_keys(message,
             {"text", "blocks", "attachments", "channel", "username", "icon_emoji", "icon_url",
              "link_names", "mrkdwn", "thread_ts", "unfurl_links", "unfurl_media"},
             "message", problems);
  const bool has_text = is_string(message, "text") && message["text"].GetStringLength() > 0;
  if (message.HasMember("text") &&
      (!message["text"].IsString() || characters(message["text"]) > 40000)) {
    problems.push_back("text: a string of at most 40000 characters");
  }
  const bool has_blocks = message.HasMember("blocks");
  const bool has_attachments = message.HasMember("attachments");
  if (!has_text && !has_blocks && !has_attachments) {
    problems.push_back("message: needs text, blocks or attachments");
  }
  if (has_blocks) {
    const Value& blocks = message["blocks"];
    if (!blocks.IsArray() || blocks.Size() == 0 || blocks.Size() > 50) {
      problems.push_back("blocks: 1..50 blocks");
    } else {
      for (rapidjson::SizeType i = 0; i < blocks.Size(); ++i) {
        check_block(blocks[i], "blocks[" + std::to_string(i) + "]", problems);
      }
    }
  }
  if (has_attachments && !message["attachments"].IsArray()) {
    problems.push_back("attachments: must be a list");
  }
  return problems;
}

}  // namespace

PagerDutyStandIn::PagerDutyStandIn()
    : StandInServer(
          kPath, 202, "{\"status\":\"success\",\"message\":\"Event processed\"}",
          [this](const rapidjson::Document& event) { return validate(event); },
          [this](const rapidjson::Document& event) {
            const std::string action = event["event_action"].GetString();
            const std::string key =
                event.HasMember("dedup_key") ? event["dedup_key"].GetString() : "";
            std::lock_guard lock(open_mutex_);
            if (action == "trigger") open_.insert(key);
            if (action == "resolve") open_.erase(key);
          }) {}

std::set<std::string> PagerDutyStandIn::open_incidents() const {
  std::lock_guard lock(open_mutex_);
  return open_;
}

std::vector<std::string> PagerDutyStandIn::validate(const rapidjson::Document& event) {
  std::vector<std::string> problems;
  if (!event.IsObject()) return {"event is not an object"};
  check_keys(event,
             {"routing_key", "event_action", "dedup_key", "payload", "images", "links", "client",
              "client_url"},
             "event", problems);
  if (!is_string(event, "routing_key") || event["routing_key"].GetStringLength() != 32) {
    problems.push_back("routing_key: must be a 32-character integration key");
  }
  std::string action = is_string(event, "event_action") ? event["event_action"].GetString() : "";
  if (action != "trigger" && action != "acknowledge" && action != "resolve") {
    problems.push_back("event_action: must be trigger, acknowledge or resolve");
  }
  std::string dedup_key;
  if (event.HasMember("dedup_key")) {
    if (!event["dedup_key"].IsString() || event["dedup_key"].GetStringLength() == 0 ||
        event["dedup_key"].GetStringLength() > 255) {
      problems.push_back("dedup_key: 1..255 characters");
    } else {
      dedup_key = event["dedup_key"].GetString();
    }
  } else if (action != "trigger") {
    problems.push_back("dedup_key: required to " + action);
  }
  if (action == "trigger") {
    if (!event.HasMember("payload") || !event["payload"].IsObject()) {
      problems.push_back("payload: required to trigger");
    } else {
      const Value& payload = event["payload"];
      check_keys(payload,
                 {"summary", "source", "severity", "timestamp", "component", "group", "class",
                  "custom_details"},
                 "payload", problems);
      if (!is_string(payload, "summary") || characters(payload["summary"]) == 0 ||
          characters(payload["summary"]) > 1024) {
        problems.push_back("payload.summary: 1..1024 characters");
      }
      if (!is_string(payload, "source") || payload["source"].GetStringLength() == 0) {
        problems.push_back("payload.source: required");
      }
      const std::string severity =
          is_string(payload, "severity") ? payload["severity"].GetString() : "";
      if (severity != "critical" && severity != "error" && severity != "warning" &&
          severity != "info") {
        problems.push_back("payload.severity: must be critical, error, warning or info");
      }
      static const std::regex kIso8601(
          R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
      if (payload.HasMember("timestamp") &&
          (!payload["timestamp"].IsString() ||
           !std::regex_match(payload["timestamp"].GetString(), kIso8601))) {
        problems.push_back("payload.timestamp: ISO 8601");
      }
      for (const char* key : {"component", "group", "class"}) {
        if (payload.HasMember(key) && !payload[key].IsString()) {
          problems.push_back(std::string("payload.") + key + ": a string");
        }
      }
      if (payload.HasMember("custom_details") && !payload["custom_details"].IsObject()) {
        problems.push_back("payload.custom_details: an object");
      }
    }
  }
  if (event.HasMember("links")) {
    const Value& links = event["links"];
    if (!links.IsArray()) {
      problems.push_back("links: a list");
    } else {
      for (const auto& link : links.GetArray()) {
        if (!link.IsObject() || !is_string(link, "href") || link["href"].GetStringLength() == 0) {
          problems.push_back("links: each needs an href");
        }
      }
    }
  }
  std::lock_guard lock(open_mutex_);
  if (action == "resolve" && !dedup_key.empty() && !open_.count(dedup_key)) {
    problems.push_back("dedup_key: resolve for " + dedup_key + ", which no open trigger has");
  }
  return problems;
}

bool wait_for_resolve(const PagerDutyStandIn& stand_in, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& request : stand_in.accepted()) {
      if (request.body.find("\"event_action\":\"resolve\"") != std::string::npos) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

SlackStandIn::SlackStandIn() : StandInServer(kPath, 200, "\"ok\"", validate_slack) {}

JsonStandIn::JsonStandIn(std::string path, unsigned ok_status)
    : StandInServer(std::move(path), ok_status, "{}",
                    [](const rapidjson::Document&) { return std::vector<std::string>{}; }) {}

}  // namespace specwatch::testing
