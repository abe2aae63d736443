#include "sidecar/budgets/budget_section.h"

#include <absl/time/time.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>

#include "sidecar/config/component_name.h"
#include "sidecar/config/config_sections.h"

namespace specwatch {
namespace {

constexpr std::int64_t kHour = 3600;

// A finite number within [min, max].
std::optional<double> read_number(const YAML::Node& node, const std::string& key, double min,
                                  double max, ConfigReader& in) {
  std::optional<std::string> text = in.read_string(node, key);
  if (!text) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size() || !std::isfinite(value)) {
    in.errors().add(node, key, "expected a number, got \"" + *text + "\"");
    return std::nullopt;
  }
  if (value < min || value > max) {
    char range[96];
    std::snprintf(range, sizeof range, "must be between %g and %g", min, max);
    in.errors().add(node, key, range);
    return std::nullopt;
  }
  return value;
}

void read_window(const YAML::Node& node, const std::string& key, BudgetConfig& out,
                 ConfigReader& in) {
  struct Window {
    std::string_view name;
    BudgetWindowKind kind;
    std::int64_t seconds;
  };
  static constexpr Window kWindows[] = {
      {"day", BudgetWindowKind::kDay, 0},
      {"week", BudgetWindowKind::kWeek, 0},
      {"month", BudgetWindowKind::kMonth, 0},
      {"1h", BudgetWindowKind::kRolling, kHour},
      {"24h", BudgetWindowKind::kRolling, 24 * kHour},
      {"7d", BudgetWindowKind::kRolling, 7 * 24 * kHour},
      {"30d", BudgetWindowKind::kRolling, 30 * 24 * kHour},
      {"workflow", BudgetWindowKind::kWorkflow, 0},
      {"request", BudgetWindowKind::kRequest, 0},
  };
  std::optional<std::string> text = in.read_string(node, key);
  if (!text) return;
  for (const Window& window : kWindows) {
    if (window.name == *text) {
      out.window = window.kind;
      out.rolling_seconds = window.seconds;
      return;
    }
  }
  std::vector<std::string_view> names;
  for (const Window& window : kWindows) names.push_back(window.name);
  in.errors().add(node, key, ConfigReader::one_of_message(names, *text));
}

void read_match(const YAML::Node& node, const std::string& key, BudgetConfig& out,
                ConfigReader& in) {
  if (!in.expect_map(node, key)) return;
  in.check_unknown_keys(node, key, {"service", "source", "provider", "model", "operation"});
  for (const auto& entry : node) {
    const std::string label = entry.first.Scalar();
    if (label != "service" && label != "source" && label != "provider" && label != "model" &&
        label != "operation") {
      continue;  // reported by check_unknown_keys
    }
    const std::string label_key = ConfigReader::join(key, label);
    BudgetMatcher matcher{label, {}};
    if (entry.second.IsSequence()) {
      if (auto values = in.read_string_list(entry.second, label_key)) matcher.values = *values;
    } else if (auto value = in.read_string(entry.second, label_key)) {
      matcher.values.push_back(*value);
    }
    if (matcher.values.empty()) {
      in.errors().add(entry.second, label_key, "expected a value or a non-empty list of values");
      continue;
    }
    out.match.push_back(std::move(matcher));
  }
}

void read_thresholds(const YAML::Node& node, const std::string& key, BudgetConfig& out,
                     ConfigReader& in) {
  if (!node.IsSequence()) {
    in.errors().add(node, key, "expected a list, got " + ConfigReader::describe(node));
    return;
  }
  out.thresholds.clear();
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string item_key = ConfigReader::index(key, i);
    if (!in.expect_map(item, item_key)) continue;
    in.check_unknown_keys(item, item_key, {"percent", "severity"});
    BudgetThreshold threshold;
    const YAML::Node percent = in.require(item, item_key, "percent");
    if (!percent.IsDefined()) continue;
    auto value = read_number(percent, ConfigReader::join(item_key, "percent"), 1, 1000, in);
    if (!value) continue;
    threshold.percent = *value;
    threshold.severity = *value >= 100.0 ? "critical" : "warning";
    if (const YAML::Node severity = item["severity"]; severity.IsDefined()) {
      auto name = in.read_enum<std::string_view>(
          severity, ConfigReader::join(item_key, "severity"),
          {{"info", "info"}, {"warning", "warning"}, {"critical", "critical"}});
      if (name) threshold.severity = std::string(*name);
    }
    for (const BudgetThreshold& seen : out.thresholds) {
      if (seen.percent == threshold.percent) {
        in.errors().add(percent, ConfigReader::join(item_key, "percent"),
                        "duplicate threshold " + percent.Scalar());
      }
    }
    out.thresholds.push_back(threshold);
  }
}

void read_budget(const YAML::Node& node, const std::string& key, BudgetConfig& out,
                 ConfigReader& in) {
  in.check_unknown_keys(node, key,
                        {"name", "description", "match", "window", "time_zone", "limit", "unit",
                         "thresholds", "forecast", "forecast_min_period_share"});
  if (const YAML::Node name = in.require(node, key, "name"); name.IsDefined()) {
    if (auto text = in.read_non_empty_string(name, ConfigReader::join(key, "name"))) {
      if (!is_valid_component_name(*text)) {
        in.errors().add(name, ConfigReader::join(key, "name"),
                        "must match [a-z0-9][a-z0-9_.-]* (got \"" + *text + "\")");
      }
      out.name = *text;
    }
  }
  if (const YAML::Node text = node["description"]; text.IsDefined()) {
    if (auto value = in.read_string(text, ConfigReader::join(key, "description"))) {
      out.description = *value;
    }
  }
  if (const YAML::Node match = node["match"]; match.IsDefined()) {
    read_match(match, ConfigReader::join(key, "match"), out, in);
  }
  if (const YAML::Node window = in.require(node, key, "window"); window.IsDefined()) {
    read_window(window, ConfigReader::join(key, "window"), out, in);
  }
  if (const YAML::Node zone = node["time_zone"]; zone.IsDefined()) {
    const std::string zone_key = ConfigReader::join(key, "time_zone");
    if (auto name = in.read_non_empty_string(zone, zone_key)) {
      absl::TimeZone tz;
      if (!absl::LoadTimeZone(*name, &tz)) {
        in.errors().add(zone, zone_key,
                        "unknown time zone \"" + *name + "\" (an IANA name such as Europe/Berlin)");
      }
      out.time_zone = *name;
    }
  }
  if (const YAML::Node unit = node["unit"]; unit.IsDefined()) {
    if (auto value = in.read_enum<BudgetUnit>(unit, ConfigReader::join(key, "unit"),
                                              {{"usd", BudgetUnit::kUsd},
                                               {"tokens", BudgetUnit::kTokens},
                                               {"requests", BudgetUnit::kRequests}})) {
      out.unit = *value;
    }
  }
  if (const YAML::Node limit = in.require(node, key, "limit"); limit.IsDefined()) {
    if (auto value = read_number(limit, ConfigReader::join(key, "limit"), 0, 1e15, in)) {
      if (*value == 0) {
        in.errors().add(limit, ConfigReader::join(key, "limit"), "must be greater than 0");
      }
      out.limit = *value;
    }
  }
  out.thresholds = default_budget_thresholds();
  if (const YAML::Node thresholds = node["thresholds"]; thresholds.IsDefined()) {
    read_thresholds(thresholds, ConfigReader::join(key, "thresholds"), out, in);
  }
  if (const YAML::Node forecast = node["forecast"]; forecast.IsDefined()) {
    if (auto value = in.read_bool(forecast, ConfigReader::join(key, "forecast"))) {
      out.forecast = *value;
    }
  }
  if (const YAML::Node share = node["forecast_min_period_share"]; share.IsDefined()) {
    if (auto value =
            read_number(share, ConfigReader::join(key, "forecast_min_period_share"), 0, 1, in)) {
      out.forecast_min_period_share = *value;
    }
  }
}

}  // namespace

void read_budgets_section(const YAML::Node& node, const std::string& key_path, BudgetsConfig& out,
                          ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path,
                        {"max_open_workflows", "workflow_idle_timeout_ms", "workflow_max_open_ms",
                         "evaluation_interval_ms", "list"});
  auto read_int = [&](const char* name, std::int64_t min, std::int64_t max, std::int64_t& field) {
    if (const YAML::Node value = node[name]; value.IsDefined()) {
      if (auto v = in.read_int(value, ConfigReader::join(key_path, name), min, max)) field = *v;
    }
  };
  read_int("max_open_workflows", 1, 10000000, out.max_open_workflows);
  read_int("workflow_idle_timeout_ms", 1000, std::int64_t{366} * 24 * 3600 * 1000,
           out.workflow_idle_timeout_ms);
  read_int("workflow_max_open_ms", 1000, std::int64_t{366} * 24 * 3600 * 1000,
           out.workflow_max_open_ms);
  read_int("evaluation_interval_ms", 100, 600000, out.evaluation_interval_ms);
  const YAML::Node list = node["list"];
  if (!list.IsDefined() || list.IsNull()) return;
  const std::string list_key = ConfigReader::join(key_path, "list");
  if (!list.IsSequence()) {
    in.errors().add(list, list_key, "expected a list, got " + ConfigReader::describe(list));
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string item_key = ConfigReader::index(list_key, i);
    if (!in.expect_map(item, item_key)) continue;
    BudgetConfig budget;
    read_budget(item, item_key, budget, in);
    if (!budget.name.empty() && !names.insert(budget.name).second) {
      in.errors().add(item["name"], ConfigReader::join(item_key, "name"),
                      "duplicate budget name \"" + budget.name + "\"");
    }
    out.budgets.push_back(std::move(budget));
  }
}

std::vector<BudgetThreshold> default_budget_thresholds() {
  return {{50, "warning"}, {75, "warning"}, {90, "warning"}, {100, "critical"}};
}

const char* budget_unit_name(BudgetUnit unit) {
  switch (unit) {
    case BudgetUnit::kUsd:
      return "usd";
    case BudgetUnit::kTokens:
      return "tokens";
    case BudgetUnit::kRequests:
      return "requests";
  }
  return "usd";
}

std::string budget_window_name(const BudgetConfig& budget) {
  switch (budget.window) {
    case BudgetWindowKind::kDay:
      return "day";
    case BudgetWindowKind::kWeek:
      return "week";
    case BudgetWindowKind::kMonth:
      return "month";
    case BudgetWindowKind::kWorkflow:
      return "workflow";
    case BudgetWindowKind::kRequest:
      return "request";
    case BudgetWindowKind::kRolling:
      break;
  }
  const std::int64_t hours = budget.rolling_seconds / kHour;
  return hours % 24 == 0 && hours >= 24 * 7 ? std::to_string(hours / 24) + "d"
                                            : std::to_string(hours) + "h";
}

}  // namespace specwatch
