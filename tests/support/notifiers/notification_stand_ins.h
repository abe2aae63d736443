// Stand-ins for the services a notifier (or Alertmanager) talks to, each checking the payload
// its documentation describes:
// - PagerDuty Events API v2 (POST /v2/enqueue, 202): routing_key of 32 characters; event_action
//   trigger | acknowledge | resolve; dedup_key at most 255 characters, required to resolve and
//   equal to that of an open trigger; a trigger's payload with summary (1..1024 characters),
//   source (non-empty), severity critical | error | warning | info, an ISO 8601 timestamp,
//   component / group / class strings, custom_details an object; links with an href each.
// - Slack incoming webhook (POST /services/T0/B0/secret, 200 "ok"): text at most 40,000
//   characters, or blocks (at most 50; header plain_text at most 150, section text at most 3,000
//   and at most 10 fields, context at most 10 elements, divider, actions), or attachments (the
//   shape Alertmanager sends); only the documented top-level keys.
// - A generic JSON receiver (webhooks, Alertmanager's /api/v2/alerts): valid JSON.
#pragma once

#include <set>
#include <string>

#include "tests/support/notifiers/stand_in_server.h"

namespace specwatch::testing {

class PagerDutyStandIn : public StandInServer {
 public:
  static constexpr const char* kPath = "/v2/enqueue";
  PagerDutyStandIn();
  // The dedup keys triggered and not resolved.
  std::set<std::string> open_incidents() const;

 private:
  std::vector<std::string> validate(const rapidjson::Document& event);

  std::set<std::string> open_;  // dedup keys of accepted triggers not resolved since
  mutable std::mutex open_mutex_;
};

// Waits until the stand-in accepted a resolve event.
bool wait_for_resolve(const PagerDutyStandIn& stand_in, std::chrono::milliseconds timeout);

class SlackStandIn : public StandInServer {
 public:
  static constexpr const char* kPath = "/services/T0000/B0000/stand-in-secret";
  SlackStandIn();
};

class JsonStandIn : public StandInServer {
 public:
  JsonStandIn(std::string path, unsigned ok_status = 200);
};

}  // namespace specwatch::testing
