// specwatch: the observability sidecar's entry point. See `specwatch --help`.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "sidecar/app/app_config.h"
#include "sidecar/app/cli.h"
#include "sidecar/app/daemon.h"
#include "sidecar/app/heap_release.h"
#include "sidecar/app/pricing_check.h"
#include "sidecar/app/rules_commands.h"
#include "sidecar/app/status_command.h"
#include "sidecar/budgets/budget_rules_export.h"

namespace {

int validate(const std::string& path) {
  auto result = specwatch::load_app_config(path, specwatch::process_environment());
  if (!result.config) {
    for (const auto& e : result.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 2;
  }
  std::printf("%s: configuration OK (%zu sources)\n", path.c_str(), result.config->sources.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  specwatch::CommandLine cl = specwatch::parse_command_line(args);
  if (!cl.error.empty()) {
    std::fprintf(stderr, "specwatch: %s\n\n%s", cl.error.c_str(), specwatch::help_text());
    return 2;
  }
  std::string config = cl.config_path.empty() ? specwatch::default_config_path() : cl.config_path;
  switch (cl.command) {
    case specwatch::CommandName::kHelp:
      std::fputs(specwatch::help_text(), stdout);
      return 0;
    case specwatch::CommandName::kVersion:
      std::printf("specwatch %s\n", SPECWATCH_VERSION);
      return 0;
    case specwatch::CommandName::kValidate:
      return validate(config);
    case specwatch::CommandName::kPricingCheck: {
      auto loaded = specwatch::load_app_config(config, specwatch::process_environment());
      if (!loaded.config) {
        for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
        return 2;
      }
      return specwatch::run_pricing_check(*loaded.config, cl.inputs, stdout, stderr);
    }
    case specwatch::CommandName::kRulesTest:
    case specwatch::CommandName::kRulesCheck: {
      // `rules test` runs without a config (defaults: job="specwatch", every tool's metrics).
      specwatch::Config defaults;
      const bool need_config =
          cl.command == specwatch::CommandName::kRulesCheck || !cl.config_path.empty();
      auto loaded = specwatch::load_app_config(config, specwatch::process_environment());
      if (need_config && !loaded.config) {
        for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
        return 2;
      }
      const specwatch::Config& use = loaded.config ? *loaded.config : defaults;
      if (cl.command == specwatch::CommandName::kRulesTest)
        return specwatch::run_rules_test(use, cl.inputs, stdout);
      return specwatch::run_rules_check(use, stdout, stderr);
    }
    case specwatch::CommandName::kAlerts: {
      std::string url = cl.url;
      if (url.empty()) {
        auto loaded = specwatch::load_app_config(config, specwatch::process_environment());
        const int port = loaded.config ? loaded.config->http.port : 9464;
        url = "http://127.0.0.1:" + std::to_string(port);
      }
      return specwatch::run_alerts(url, stdout, stderr);
    }
    case specwatch::CommandName::kRulesExport: {
      auto loaded = specwatch::load_app_config(config, specwatch::process_environment());
      if (!loaded.config) {
        for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
        return 2;
      }
      const std::string origin = std::filesystem::path(config).filename().string();
      std::fputs(cl.prometheus_rule_name.empty()
                     ? specwatch::export_budget_rules(loaded.config->budgets, origin).c_str()
                     : specwatch::export_budget_prometheus_rule(loaded.config->budgets, origin,
                                                                cl.prometheus_rule_name)
                           .c_str(),
                 stdout);
      return 0;
    }
    case specwatch::CommandName::kStatus:
      return specwatch::run_status_command(cl, config);
    case specwatch::CommandName::kRun:
      specwatch::tune_allocator();
      return specwatch::run_daemon(config, specwatch::process_environment());
  }
  return 2;
}
