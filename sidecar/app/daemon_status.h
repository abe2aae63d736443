// What the daemon hands the status page (sidecar/status/): each alert producer's own view turned
// into the status's alerts. The app does the converting because the status part sits below the
// rule evaluator in the layers (tests/code/check_layers.sh): it knows neither rules nor the app.
#pragma once

#include <vector>

#include "sidecar/rules/rules_snapshot.h"
#include "sidecar/status/status_model.h"

namespace specwatch {

// Every pending, firing and recently resolved alert of the rule evaluator's last evaluation
// (origin "rules"); none before the first one.
std::vector<StatusAlert> rule_alerts_for_status(const rules::RulesSnapshot* snapshot);

// The budgets' alerts of their last evaluation (origin "budgets").
std::vector<StatusAlert> budget_alerts_for_status(const std::vector<AlertNotification>& alerts);

}  // namespace specwatch
