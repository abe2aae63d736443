// `specwatch rules test FILE...`, `specwatch rules check` and `specwatch alerts`: the rule
// evaluator's commands (docs/RULES.md).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "sidecar/app/config.h"

namespace specwatch {

// promtool's unit-test files; cases over series the sidecar cannot see are skipped and listed.
// Exit code 0 when every file passed, 1 otherwise.
int run_rules_test(const Config& config, const std::vector<std::string>& files, std::FILE* out);

// Every rule of rules.files: in-sidecar or Prometheus-only, and why. Exit code 0, or 1 when a
// rule file has errors (listed on `err`).
int run_rules_check(const Config& config, std::FILE* out, std::FILE* err);

// The firing and pending alerts served at `url`/api/v1/alerts, as a table. Exit code 0, or 1
// when the sidecar cannot be asked (explained on `err`).
int run_alerts(const std::string& url, std::FILE* out, std::FILE* err);

}  // namespace specwatch
