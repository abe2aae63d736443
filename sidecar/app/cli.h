// The command line: `specwatch [run] [--config FILE]`, `specwatch validate --config FILE`,
// `specwatch version`, `specwatch --help`, `specwatch pricing check`, `specwatch rules test|check`,
// `specwatch alerts`.
#pragma once

#include <string>
#include <vector>

namespace specwatch {

enum class CommandName {
  kRun,
  kValidate,
  kVersion,
  kHelp,
  kPricingCheck,
  kRulesTest,
  kRulesCheck,
  kAlerts,
  kStatus,
  kRulesExport
};

struct CommandLine {
  CommandName command = CommandName::kRun;
  std::string config_path;          // empty: the default path
  std::vector<std::string> inputs;  // files for `pricing check` and `rules test`
  std::string url;                  // `alerts --url`: the daemon's address
  std::string error;                // set when the arguments are unusable
  // `status`: the daemon's address (empty: from the config), --json, --watch SECONDS (0: once).
  std::string status_url;
  bool status_json = false;
  int status_watch_s = 0;
  // `rules export --prometheus-rule NAME`: a PrometheusRule object instead of a rule file.
  std::string prometheus_rule_name;
};

// argv without the program name.
CommandLine parse_command_line(const std::vector<std::string>& args);

// Where the config is read from when --config is not given: $SPECWATCH_CONFIG, else
// /etc/specwatch/specwatch.yaml.
std::string default_config_path();

const char* help_text();

}  // namespace specwatch
