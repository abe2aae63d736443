#include "sidecar/status/status_text.h"

#include <algorithm>
#include <cstdio>

#include "sidecar/status/status_format.h"

namespace specwatch {

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

// "  files 1  lag 0 bytes  events 3  errors invalid_json 1  /var/log/x/*.log" for a source,
// "  sent 10  failed 0  dropped 0  queue 0" for an exporter: what /metrics has of it.
std::string figures(const ComponentHealth& component) {
  std::string out;
  auto add = [&out](const char* name, const std::optional<std::int64_t>& value, const char* unit) {
    if (value) out += "  " + std::string(name) + " " + std::to_string(*value) + unit;
  };
  if (component.kind == "source") {
    add("files", component.files, "");
    add("lag", component.lag_bytes, " bytes");
    add("events", component.events, "");
    out += "  errors " + format_error_counts(component.errors);
    for (const std::string& path : component.paths) out += "  " + path;
  } else {
    for (const char* outcome : {"sent", "failed", "dropped"}) {
      out += "  " + std::string(outcome) + " " + std::to_string(component.outcome(outcome));
    }
    add("queue", component.queue, "");
    add("spool", component.spool_bytes, " bytes");
  }
  return out;
}

std::string alert_state(const Paint& paint, const std::string& state) {
  std::string padded = state;
  padded.resize(std::max<std::size_t>(padded.size(), 8), ' ');
  return paint(state == "firing" ? "31" : state == "pending" ? "33" : "32", padded);
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
             (component.ready ? paint("32", "ready") : paint("31", component.reason)) +
             figures(component);
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
  for (const StatusAlert& alert : snapshot.alerts) {
    out += "  " + alert_state(paint, alert.state) + " " + alert.label("alertname") + " " +
           alert.label("severity") + "  " + alert.annotation("summary") + "\n";
  }
  return out;
}

}  // namespace specwatch
