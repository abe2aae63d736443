#include "sidecar/status/status_page.h"

#include <algorithm>
#include <cstdio>

#include "sidecar/status/status_format.h"

namespace specwatch {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string percent(double ratio) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f %%", ratio * 100.0);
  return text;
}

constexpr const char* kStyle = R"(body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}table{border-collapse:collapse}
td,th{padding:.25em .8em;text-align:left;border-bottom:1px solid #ddd}
.bar{width:16em;height:.9em;background:#eee;border-radius:3px;overflow:hidden}
.fill{height:100%;background:#3a7}.warn .fill{background:#e90}.over .fill{background:#d33}
.ok{color:#180}.bad{color:#c00}.warn-text{color:#b60}nav a{margin-right:1em})";

std::string cell(const char* name, const std::string& text) {
  return "<td class=\"" + std::string(name) + "\">" + text + "</td>";
}

std::string number_cell(const char* name, const std::optional<std::int64_t>& value) {
  return cell(name, value ? std::to_string(*value) : "-");
}

std::string state_cell(const ComponentHealth& component) {
  std::string html =
      component.ready ? "<td class=\"ok\">ready" : "<td class=\"bad\">" + escape(component.reason);
  if (!component.peer_error.empty()) {
    html += " <span class=\"peer\">peer unreachable: " + escape(component.peer_error) + "</span>";
  }
  return html + "</td>";
}

// The row's opening tag and its name cell.
std::string row_start(const ComponentHealth& component) {
  return "<tr class=\"" + component.kind + "\" id=\"" + component.kind + "-" +
         escape(component.name) + "\">" + cell("name", escape(component.name));
}

void sources_section(std::string& html, const StatusSnapshot& snapshot) {
  html +=
      "<h2>Sources</h2><table id=\"sources\"><tr><th>name</th><th>state</th><th>files</th>"
      "<th>paths</th><th>lag (bytes)</th><th>events</th><th>errors</th></tr>";
  bool any = false;
  for (const ComponentHealth& component : snapshot.components) {
    if (component.kind != "source") continue;
    any = true;
    std::string paths;
    for (const std::string& path : component.paths) paths += (paths.empty() ? "" : " ") + path;
    html += row_start(component) + state_cell(component) + number_cell("files", component.files) +
            cell("paths", paths.empty() ? "-" : escape(paths)) +
            number_cell("lag", component.lag_bytes) + number_cell("events", component.events) +
            cell("errors", escape(format_error_counts(component.errors))) + "</tr>";
  }
  if (!any) html += "<tr><td colspan=\"7\">none</td></tr>";
  html += "</table>";
}

void exporters_section(std::string& html, const StatusSnapshot& snapshot) {
  html +=
      "<h2>Exporters</h2><table id=\"exporters\"><tr><th>name</th><th>state</th><th>sent</th>"
      "<th>failed</th><th>dropped</th><th>queue (events)</th><th>spool (bytes)</th></tr>";
  bool any = false;
  for (const ComponentHealth& component : snapshot.components) {
    if (component.kind != "exporter") continue;
    any = true;
    html += row_start(component) + state_cell(component) +
            cell("sent", std::to_string(component.outcome("sent"))) +
            cell("failed", std::to_string(component.outcome("failed"))) +
            cell("dropped", std::to_string(component.outcome("dropped"))) +
            number_cell("queue", component.queue) + number_cell("spool", component.spool_bytes) +
            "</tr>";
  }
  if (!any) html += "<tr><td colspan=\"7\">none</td></tr>";
  html += "</table>";
}

const char* state_class(const std::string& state) {
  if (state == "firing") return "bad";
  if (state == "pending") return "warn-text";
  return "ok";
}

}  // namespace

std::string render_status_page(const StatusSnapshot& snapshot, int refresh_s) {
  std::string html =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"refresh\" content=\"" +
      std::to_string(refresh_s) + "\"><title>specwatch status</title><style>" + kStyle +
      "</style></head><body><h1>specwatch</h1><nav><a href=\"/metrics\">/metrics</a>"
      "<a href=\"/api/v1/status\">/api/v1/status</a><a href=\"/api/v1/budgets\">/api/v1/budgets</a>"
      "<a href=\"/api/v1/alerts\">/api/v1/alerts</a><a href=\"/api/v1/rules\">/api/v1/rules</a>"
      "<a href=\"/ready\">/ready</a><a href=\"/health\">/health</a></nav>"
      "<p id=\"updated\">as of " +
      format_utc(snapshot.now_s) + "</p>";
  sources_section(html, snapshot);

  html +=
      "<h2>Budgets</h2><table id=\"budgets\"><tr><th>budget</th><th>window</th><th></th>"
      "<th>spent</th><th>limit</th><th>used</th><th>forecast</th><th>period ends</th></tr>";
  if (snapshot.budgets.empty()) html += "<tr><td colspan=\"8\">no budgets configured</td></tr>";
  for (const BudgetStatus& budget : snapshot.budgets) {
    const double width = std::clamp(budget.utilization, 0.0, 1.0) * 100.0;
    const char* level = budget.utilization >= 1.0    ? "over"
                        : budget.utilization >= 0.75 ? "warn"
                                                     : "";
    char bar[160];
    std::snprintf(bar, sizeof bar,
                  "<div class=\"bar %s\"><div class=\"fill\" style=\"width:%.1f%%\"></div></div>",
                  level, width);
    html += "<tr class=\"budget\" id=\"budget-" + escape(budget.name) + "\"><td class=\"name\">" +
            escape(budget.name) + "</td><td class=\"window\">" + escape(budget.window) +
            (budget.time_zone.empty() ? "" : " (" + escape(budget.time_zone) + ")") + "</td><td>" +
            bar + "</td><td class=\"spent\">" +
            escape(format_budget_amount(budget.spent, budget.unit)) + "</td><td class=\"limit\">" +
            escape(format_budget_amount(budget.limit, budget.unit)) +
            "</td><td class=\"utilization\">" + percent(budget.utilization) +
            "</td><td class=\"forecast\">" +
            (budget.forecast ? escape(format_budget_amount(*budget.forecast, budget.unit)) : "-") +
            "</td><td class=\"period-end\">" +
            (budget.period_end_s != 0 ? format_utc(budget.period_end_s) : "-") + "</td></tr>";
  }
  html += "</table>";

  html +=
      "<h2>Alerts</h2><table id=\"alerts\"><tr><th>alert</th><th>severity</th><th>state</th>"
      "<th>summary</th><th>from</th></tr>";
  bool any_alert = false;
  for (const StatusAlert& alert : snapshot.alerts) {
    any_alert = true;
    html += "<tr class=\"alert\"><td class=\"name\">" + escape(alert.label("alertname")) +
            (alert.label("budget").empty() ? "" : " " + escape(alert.label("budget"))) +
            "</td><td class=\"severity\">" + escape(alert.label("severity")) + "</td><td class=\"" +
            state_class(alert.state) + "\">" + escape(alert.state) + "</td>" +
            cell("summary", escape(alert.annotation("summary"))) +
            cell("origin", escape(alert.origin)) + "</tr>";
  }
  if (!any_alert) html += "<tr><td colspan=\"5\">no alerts</td></tr>";
  html += "</table>";
  exporters_section(html, snapshot);
  html += "</body></html>\n";
  return html;
}

}  // namespace specwatch
