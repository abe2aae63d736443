// Shared by the tests that run the real binary from input to a notification: LLM call lines in
// the bundled genai profile's shape, the `rules:` section, the alerts the sidecar lists and the
// PagerDuty events a stand-in accepted.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/integration/support/temp_dir.h"
#include "tests/support/http/http_client.h"
#include "tests/support/notifiers/notification_stand_ins.h"

namespace specwatch::testing {

constexpr const char* kRoutingKey = "R0UT1NGKEY0123456789abcdefABCDEF";

// One chat call of the `checkout` service to openai, failed (rate limited) or not.
inline std::string llm_call_line(bool failed) {
  return std::string(
             "{\"time\":\"2026-01-15T10:30:45.1Z\",\"service.name\":\"checkout\","
             "\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-4o\","
             "\"gen_ai.operation.name\":\"chat\",\"gen_ai.usage.input_tokens\":100,"
             "\"gen_ai.usage.output_tokens\":20") +
         (failed ? ",\"error.type\":\"rate_limited\"}\n" : "}\n");
}

inline std::string llm_calls(int failed, int succeeded) {
  std::string text;
  for (int i = 0; i < failed; ++i) text += llm_call_line(true);
  for (int i = 0; i < succeeded; ++i) text += llm_call_line(false);
  return text;
}

// Rules from `<dir>/*.rules.yml`, evaluated every second, the sidecar's instance `sidecar-1`.
inline std::string rules_section(const TempDir& dir) {
  return "rules:\n  files: [\"" + dir.file("*.rules.yml") +
         "\"]\n  evaluation_interval: 1s\n  instance: sidecar-1\n";
}

// The alert named `name` in /api/v1/alerts (state, activeAt), if listed.
struct ListedAlert {
  std::string state;
  std::string active_at;
};

inline std::optional<ListedAlert> listed_alert(std::uint16_t port, const std::string& name) {
  HttpResponse answer = http_get(port, "/api/v1/alerts");
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  if (answer.status != 200 || doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  for (const auto& alert : doc["data"]["alerts"].GetArray()) {
    if (name == alert["labels"]["alertname"].GetString()) {
      return ListedAlert{alert["state"].GetString(), alert["activeAt"].GetString()};
    }
  }
  return std::nullopt;
}

struct PagerDutyEvent {
  std::string action;
  std::string dedup_key;
  std::string body;
};

inline std::vector<PagerDutyEvent> pagerduty_events(const PagerDutyStandIn& stand_in) {
  std::vector<PagerDutyEvent> out;
  for (const auto& request : stand_in.accepted()) {
    rapidjson::Document doc;
    doc.Parse(request.body.c_str());
    out.push_back({doc["event_action"].GetString(), doc["dedup_key"].GetString(), request.body});
  }
  return out;
}

inline std::size_t count_action(const std::vector<PagerDutyEvent>& events,
                                const std::string& action) {
  std::size_t n = 0;
  for (const auto& e : events) n += e.action == action ? 1 : 0;
  return n;
}

}  // namespace specwatch::testing
