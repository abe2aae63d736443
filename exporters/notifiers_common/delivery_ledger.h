// What a notifier has already told a destination about each alert instance (by fingerprint):
// firing or resolved, and when it last sent it. Kept as a state document
// (sidecar/state/state_store.h) so that a restart neither triggers a page twice nor forgets that
// a resolve is owed. Used by the delivery thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sidecar/core/alert_notification.h"
#include "sidecar/state/state_store.h"

namespace specwatch {

struct LedgerEntry {
  bool firing = true;
  std::chrono::system_clock::time_point last_sent;
};

class DeliveryLedger {
 public:
  static constexpr int kVersion = 1;

  // `state_dir` empty: nothing is persisted. `document`: e.g. "notifier-pagerduty-oncall".
  DeliveryLedger(std::string state_dir, std::string document);

  // Reads the persisted document; returns an error text ("" when loaded or absent).
  std::string load();
  // load() until it succeeded once (a delivery's prepare() calls it before every batch until
  // the notifier is ready).
  std::string load_once();
  // Writes the document when something changed since the last save; returns an error text.
  std::string save();

  const LedgerEntry* find(const std::string& fingerprint) const;
  void record(const std::string& fingerprint, bool firing,
              std::chrono::system_clock::time_point when);
  // Drops resolved entries last sent before `before` (the producer stops handing them over
  // 15 minutes after they resolved).
  void forget_resolved_before(std::chrono::system_clock::time_point before);
  std::size_t size() const { return entries_.size(); }
  // After a batch: forget resolved entries older than the producer resends them (15 minutes;
  // twice that is kept), then save. Returns save()'s error text.
  std::string settle(std::chrono::system_clock::time_point now);

 private:
  std::optional<StateStore> store_;
  std::string document_;
  std::map<std::string, LedgerEntry> entries_;
  bool dirty_ = false;
  bool loaded_ = false;
};

// An alert that is due to be sent, with its fingerprint.
struct DueAlert {
  const AlertNotification* alert;
  std::string fingerprint;
};

// Which of `alerts` are due: a firing alert not yet sent as firing, or sent longer than
// `repeat_interval` ago (none: never repeated); a resolved alert last sent as firing (when
// `send_resolved`; otherwise it is only marked resolved in the ledger).
std::vector<DueAlert> select_due(const std::vector<AlertNotification>& alerts,
                                 DeliveryLedger& ledger, std::chrono::system_clock::time_point now,
                                 std::optional<std::chrono::milliseconds> repeat_interval,
                                 bool send_resolved);

}  // namespace specwatch
