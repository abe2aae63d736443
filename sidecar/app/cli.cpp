#include "sidecar/app/cli.h"

#include <algorithm>
#include <cstdlib>

namespace specwatch {
namespace {

// --url URL, --json, --watch [SECONDS]; true when args[i] was one of them (i moves past values).
bool parse_status_option(const std::vector<std::string>& args, std::size_t& i, CommandLine& cl) {
  const std::string& arg = args[i];
  if (arg == "--json") {
    cl.status_json = true;
  } else if (arg == "--url") {
    if (i + 1 >= args.size()) {
      cl.error = "option --url needs an address such as http://127.0.0.1:9464";
    } else {
      cl.status_url = args[++i];
    }
  } else if (arg.rfind("--url=", 0) == 0) {
    cl.status_url = arg.substr(6);
  } else if (arg == "--watch") {
    cl.status_watch_s = 2;
    if (i + 1 < args.size() && !args[i + 1].empty() &&
        args[i + 1].find_first_not_of("0123456789") == std::string::npos) {
      cl.status_watch_s = std::max(1, std::atoi(args[++i].c_str()));
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args) {
  CommandLine cl;
  std::size_t i = 0;
  if (i < args.size() && !args[i].empty() && args[i][0] != '-') {
    const std::string& word = args[i];
    if (word == "run") {
      cl.command = CommandName::kRun;
    } else if (word == "validate") {
      cl.command = CommandName::kValidate;
    } else if (word == "version") {
      cl.command = CommandName::kVersion;
    } else if (word == "help") {
      cl.command = CommandName::kHelp;
    } else if (word == "status") {
      cl.command = CommandName::kStatus;
    } else if (word == "rules" && i + 1 < args.size() && args[i + 1] == "export") {
      cl.command = CommandName::kRulesExport;
      ++i;
    } else if (word == "pricing") {
      if (i + 1 >= args.size() || args[i + 1] != "check") {
        cl.error = "unknown command 'pricing" +
                   (i + 1 < args.size() ? " " + args[i + 1] : std::string()) +
                   "'; did you mean 'pricing check FILE...'?";
        return cl;
      }
      cl.command = CommandName::kPricingCheck;
      ++i;
    } else if (word == "rules") {
      const std::string next = i + 1 < args.size() ? args[i + 1] : "";
      if (next != "test" && next != "check") {
        cl.error = "unknown command 'rules" + (next.empty() ? std::string() : " " + next) +
                   "'; did you mean 'rules test FILE...', 'rules check' or 'rules export'?";
        return cl;
      }
      cl.command = next == "test" ? CommandName::kRulesTest : CommandName::kRulesCheck;
      ++i;
    } else if (word == "alerts") {
      cl.command = CommandName::kAlerts;
    } else {
      cl.error = "unknown command '" + word + "'";
      return cl;
    }
    ++i;
  }
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      cl.command = CommandName::kHelp;
    } else if (arg == "--version") {
      cl.command = CommandName::kVersion;
    } else if (arg == "--config" || arg == "-c") {
      if (i + 1 >= args.size()) {
        cl.error = "option " + arg + " needs a file";
        return cl;
      }
      cl.config_path = args[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      cl.config_path = arg.substr(9);
    } else if (arg == "--url" && cl.command == CommandName::kAlerts) {
      if (i + 1 >= args.size()) {
        cl.error = "option --url needs an address";
        return cl;
      }
      cl.url = args[++i];
    } else if (cl.command == CommandName::kRulesExport && arg == "--prometheus-rule") {
      if (i + 1 >= args.size()) {
        cl.error = "option --prometheus-rule needs a name";
        return cl;
      }
      cl.prometheus_rule_name = args[++i];
    } else if (cl.command == CommandName::kStatus && parse_status_option(args, i, cl)) {
      if (!cl.error.empty()) return cl;
    } else if (!arg.empty() && arg[0] == '-') {
      cl.error = "unknown option '" + arg + "'";
      return cl;
    } else if (cl.command == CommandName::kPricingCheck || cl.command == CommandName::kRulesTest) {
      cl.inputs.push_back(arg);
    } else {
      cl.error = "unexpected argument '" + arg + "'";
      return cl;
    }
  }
  if (cl.command == CommandName::kPricingCheck && cl.inputs.empty()) {
    cl.error = "pricing check needs at least one input file";
  }
  if (cl.command == CommandName::kRulesTest && cl.inputs.empty()) {
    cl.error = "rules test needs at least one test file";
  }
  return cl;
}

std::string default_config_path() {
  if (const char* env = std::getenv("SPECWATCH_CONFIG"); env != nullptr && *env != '\0') {
    return env;
  }
  return "/etc/specwatch/specwatch.yaml";
}

const char* help_text() {
  return R"(specwatch - observability sidecar for the AI development stack

Usage:
  specwatch [run] [--config FILE]      run the sidecar in the foreground
  specwatch validate --config FILE     check a config; exit 0 if valid, 2 listing every problem
  specwatch pricing check [--config FILE] FILE...
                                       list the models in the given inputs that have no price
                                       (exit 1 if any)
  specwatch rules test FILE...         run rule unit-test files (promtool's format); cases of
                                       rules over series the sidecar cannot see are skipped
                                       and listed (exit 1 if any case fails)
  specwatch rules check [--config FILE]
                                       list every rule of rules.files: evaluated in the
                                       sidecar or Prometheus-only, and why
  specwatch alerts [--url URL]         the firing and pending alerts of a running sidecar
                                       (default URL: http://127.0.0.1:<http.listen port>)
  specwatch status [--url URL] [--json] [--watch [SECONDS]]
                                       sources, budgets, alerts and exporters of a running
                                       sidecar (URL default: the config's http.listen)
  specwatch rules export [--config FILE] [--prometheus-rule NAME]
                                       the budgets' rolling windows as Prometheus alerting rules
                                       over the fleet's summed series (or a PrometheusRule)
  specwatch version                    print the version
  specwatch --help                     print this help

Options:
  -c, --config FILE   config file (default: $SPECWATCH_CONFIG, else /etc/specwatch/specwatch.yaml)

Signals (run):
  SIGTERM, SIGINT     stop reading, finish in-flight events, write checkpoints, exit 0
  SIGHUP              re-read the config; an invalid one is logged and the old one kept

Endpoints (run): GET /metrics, GET /health, GET /ready, GET /api/v1/rules, GET /api/v1/alerts
on http.listen (default 0.0.0.0:9464); GET / (status page), GET /api/v1/status,
GET /api/v1/budgets.
Documentation: docs/CONFIGURATION.md, docs/METRICS.md, docs/ARCHITECTURE.md.
)";
}

}  // namespace specwatch
