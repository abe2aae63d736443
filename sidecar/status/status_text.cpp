#include "sidecar/status/status_text.h"

#include <absl/time/time.h>

#include <algorithm>
#include <cstdio>

#include "sidecar/status/status_format.h"

namespace specwatch {

std::string format_utc(std::int64_t t_s) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::FromUnixSeconds(t_s), absl::UTCTimeZone());
}

namespace {

struct Paint {
  bool on;
  std::string operator()(const char* code, const std::string& text) const {
    return on ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
  }
};

std::string bar(double ratio, int width) {
  const int filled = static_cast<int>(std::clamp(ratio, 0.0, 1.0) * width + 0.5);
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

}  // namespace

std::string render_status_text(const StatusSnapshot& snapshot, bool colour) {
  const Paint paint{colour};
  std::string out = paint("1", "specwatch") + "  as of " + format_utc(snapshot.now_s) + "\n";
  for (const char* kind : {"source", "exporter"}) {
    out += "\n" + paint("1", std::string(kind) + "s") + "\n";
    bool any = false;
    for (const ComponentHealth& component : snapshot.components) {
      if (component.kind != kind) continue;
      any = true;
      out += "  " + component.name + "  " +
             (component.ready ? paint("32", "ready") : paint("31", component.reason));
      if (!component.peer_error.empty()) {
        out += "  " + paint("33", "peer unreachable: " + component.peer_error);
      }
      out += "\n";
    }
    if (!any) out += "  none\n";
  }
  out += "\n" + paint("1", "budgets") + "\n";
  if (snapshot.budgets.empty()) out += "  none\n";
  for (const BudgetStatus& budget : snapshot.budgets) {
    const char* code = budget.utilization >= 1.0 ? "31" : budget.utilization >= 0.75 ? "33" : "32";
    char used[32];
    std::snprintf(used, sizeof used, "%3.0f %%", budget.utilization * 100.0);
    out += "  " + budget.name + " (" + budget.window + ")  " +
           paint(code, bar(budget.utilization, 20)) + " " + used + "  " +
           format_budget_amount(budget.spent, budget.unit) + " of " +
           format_budget_amount(budget.limit, budget.unit);
    if (budget.forecast) {
      out += ", forecast " + format_budget_amount(*budget.forecast, budget.unit);
    }
    if (budget.unpriced_calls > 0) {
      out += ", " + std::to_string(budget.unpriced_calls) + " unpriced calls";
    }
    out += "\n";
  }
  out += "\n" + paint("1", "alerts") + "\n";
  if (snapshot.alerts.empty()) out += "  none\n";
  for (const AlertNotification& alert : snapshot.alerts) {
    const bool firing = alert.status == AlertNotification::Status::kFiring;
    out += "  " + (firing ? paint("31", "firing  ") : paint("32", "resolved")) + " " +
           alert.label("alertname") + " " + alert.label("severity") + "  " +
           alert.annotation("summary") + "\n";
  }
  return out;
}

}  // namespace specwatch
