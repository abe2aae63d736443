#include "exporters/slack/slack_message.h"

#include <cstdio>

#include "exporters/notifiers_common/alert_identity.h"
#include "exporters/notifiers_common/alert_json.h"

namespace specwatch {
namespace {

constexpr std::size_t kMaxHeader = 150;
constexpr std::size_t kMaxSection = 3000;

// At most `max` bytes (Slack counts characters; bytes are never fewer), cut at a UTF-8 boundary.
std::string clip(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "...";
}

std::string where_of(const AlertNotification& alert) {
  std::string where;
  for (const char* name : {"service", "job", "instance", "namespace", "pod"}) {
    if (const std::string& value = alert.label(name); !value.empty()) {
      if (!where.empty()) where += ", ";
      where += std::string(name) + "=" + value;
    }
  }
  return where.empty() ? "-" : where;
}

std::string format_value(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

void text_object(JsonWriter& writer, const char* type, const std::string& text) {
  writer.StartObject();
  write_string(writer, "type", type);
  write_string(writer, "text", text);
  writer.EndObject();
}

void section(JsonWriter& writer, const std::string& mrkdwn) {
  writer.StartObject();
  write_string(writer, "type", "section");
  writer.Key("text");
  text_object(writer, "mrkdwn", clip(mrkdwn, kMaxSection));
  writer.EndObject();
}

}  // namespace

std::string slack_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string slack_message(const AlertNotification& alert) {
  const bool firing = alert.status == AlertNotification::Status::kFiring;
  const std::string& name = alert.label("alertname");
  const std::string severity = label_or(alert, "severity", "none");
  const std::string summary = alert.annotation("summary");
  const std::string state = firing ? "FIRING" : "RESOLVED";

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  write_string(writer, "text",
               clip("[" + state + "] " + slack_escape(name) +
                        (summary.empty() ? "" : ": " + slack_escape(summary)),
                    kMaxSection));
  writer.Key("blocks");
  writer.StartArray();

  writer.StartObject();
  write_string(writer, "type", "header");
  writer.Key("text");
  text_object(writer, "plain_text", clip(state + ": " + name, kMaxHeader));
  writer.EndObject();

  std::string what = summary.empty() ? name : summary;
  if (const std::string& description = alert.annotation("description"); !description.empty()) {
    what += "\n" + description;
  }
  section(writer, slack_escape(what));

  writer.StartObject();
  write_string(writer, "type", "section");
  writer.Key("fields");
  writer.StartArray();
  text_object(writer, "mrkdwn", "*Severity*\n" + slack_escape(severity));
  text_object(writer, "mrkdwn", "*Where*\n" + clip(slack_escape(where_of(alert)), 1900));
  text_object(writer, "mrkdwn", "*Value*\n" + format_value(alert.value));
  text_object(writer, "mrkdwn", "*Since*\n" + format_rfc3339(alert.starts_at));
  if (!firing) text_object(writer, "mrkdwn", "*Resolved*\n" + format_rfc3339(alert.ends_at));
  writer.EndArray();
  writer.EndObject();

  std::string links;
  if (const std::string& runbook = alert.annotation("runbook_url"); !runbook.empty()) {
    links = "<" + slack_escape(runbook) + "|Runbook>";
  }
  if (!alert.generator_url.empty()) {
    if (!links.empty()) links += " · ";
    links += "<" + slack_escape(alert.generator_url) + "|Alert state>";
  }
  if (!links.empty()) section(writer, links);

  writer.EndArray();
  writer.EndObject();
  return buffer.GetString();
}

}  // namespace specwatch
