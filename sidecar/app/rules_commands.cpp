#include "sidecar/app/rules_commands.h"

#include <prometheus/registry.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "sidecar/derive/derived_metrics.h"
#include "sidecar/normalize/profile_set.h"
#include "sidecar/observability/process_collector.h"
#include "sidecar/otlp/otlp_receiver_metrics.h"
#include "sidecar/otlp/span_metrics.h"
#include "sidecar/pipeline/pipeline.h"
#include "sidecar/rules/registry_scrape.h"
#include "sidecar/rules/rule_file.h"
#include "sidecar/rules/rule_scope.h"
#include "sidecar/rules/rule_test_runner.h"
#include "sidecar/rules/rules_section.h"
#include "sidecar/sources/file/file_source_metrics.h"

namespace specwatch {
namespace {

// The metric families the sidecar registers with `config` (self-metrics, derived metrics and
// the tool families of the profiles in use; with `all_tools`, every tool's), without running it:
// what `rules check` and `rules test` classify rules against, as the daemon does.
class SidecarFamilies {
 public:
  SidecarFamilies(const Config& config, bool all_tools)
      : quiet_(LogLevel::kError, [](std::string_view) {}),
        pipeline_(registry_),
        files_(registry_),
        derived_(registry_, pricing(config), DeriveLimits{}, quiet_),
        spans_(registry_),
        otlp_(registry_) {
    prometheus::BuildCounter().Name("specwatch_source_errors_total").Help("-").Register(registry_);
    if (all_tools) {
      for (Tool tool : {Tool::kSpecular, Tool::kSpecAgents, Tool::kSpek, Tool::kSpecWeaver})
        derived_.enable_tool_metrics(tool);
      return;
    }
    ProfileSet profiles;
    if (config.profiles.IsDefined() && config.profiles.IsSequence())
      profiles.add(config.profiles, config.path);
    std::vector<std::string> in_use = {config.otlp.span_profile, config.otlp.log_profile};
    for (const auto& source : config.sources) in_use.push_back(source.profile());
    for (const auto& name : in_use) {
      if (const CompiledProfile* profile = profiles.find(name))
        derived_.enable_tool_metrics(profile->tool);
    }
  }

  bool has(std::string_view name) {
    if (rules::registry_has_family(registry_, name)) return true;
    for (const auto& family : ProcessCollector().Collect()) {
      if (family.name == name) return true;
    }
    return name == "specwatch_alerts";
  }

 private:
  static PricingTable pricing(const Config& config) {
    std::vector<DeriveError> ignored;
    return build_pricing_table(config.pricing, ignored);
  }

  prometheus::Registry registry_;
  Logger quiet_;
  PipelineMetrics pipeline_;
  FileSourceMetrics files_;
  DerivedMetrics derived_;
  SpanMetrics spans_;
  OtlpMetrics otlp_;
};

rules::VisibleSeries visible_series(const Config& config, SidecarFamilies& families,
                                    const std::set<std::string, std::less<>>& recorded) {
  return rules::VisibleSeries{[&families, &recorded](std::string_view name) {
                                return recorded.contains(name) || families.has(name);
                              },
                              config.rules.job};
}

// The rule files a promtool test file names; empty when it cannot be read (the runner reports it).
std::vector<std::string> test_rule_files(const std::string& test_file) {
  try {
    return rules::rule_files_of(YAML::LoadFile(test_file), test_file);
  } catch (const YAML::Exception&) {
    return {};
  }
}

}  // namespace

int run_rules_test(const Config& config, const std::vector<std::string>& files, std::FILE* out) {
  std::set<std::string, std::less<>> recorded;
  SidecarFamilies families(config, true);
  rules::VisibleSeries visible = visible_series(config, families, recorded);
  rules::RuleTestOptions options;
  options.skip_reason = [&](const rules::Expr& expr) {
    rules::RuleScope scope = rules::classify_expr(expr, visible);
    return scope.in_sidecar ? std::string() : "Prometheus-only: " + scope.reason;
  };
  // Recording rules of the rule files the tests load are series the sidecar writes itself.
  for (const auto& file : files) {
    for (const auto& rule_file : test_rule_files(file)) {
      for (const auto& g : rules::load_rule_file(rule_file).groups) {
        for (const auto& r : g.rules) {
          if (!r.record.empty()) recorded.insert(r.record);
        }
      }
    }
  }
  rules::RuleTestReport report = rules::run_rule_test_files(files, options);
  std::fputs(report.output.c_str(), out);
  return report.passed ? 0 : 1;
}

int run_rules_check(const Config& config, std::FILE* out, std::FILE* err) {
  std::set<std::string, std::less<>> recorded;
  std::vector<rules::RuleGroupSpec> groups;
  int status = 0;
  for (const auto& file : expand_rule_files(config.rules)) {
    rules::RuleFileResult result = rules::load_rule_file(file);
    for (const auto& e : result.errors) std::fprintf(err, "%s\n", e.c_str());
    if (!result.ok()) status = 1;
    for (auto& g : result.groups) {
      for (const auto& r : g.rules) {
        if (!r.record.empty()) recorded.insert(r.record);
      }
      groups.push_back(std::move(g));
    }
  }
  SidecarFamilies families(config, false);
  rules::VisibleSeries visible = visible_series(config, families, recorded);
  size_t in_sidecar = 0;
  size_t total = 0;
  for (const auto& g : groups) {
    for (const auto& r : g.rules) {
      rules::RuleScope scope = rules::classify_expr(*r.expr, visible);
      ++total;
      if (scope.in_sidecar) ++in_sidecar;
      std::fprintf(out, "%s\t%s\t%s\t%s\t%s\n", r.location.c_str(), r.name().c_str(),
                   r.alert.empty() ? "record" : "alert",
                   scope.in_sidecar ? "in-sidecar" : "prometheus-only", scope.reason.c_str());
    }
  }
  std::fprintf(out, "%zu rules: %zu in-sidecar, %zu Prometheus-only\n", total, in_sidecar,
               total - in_sidecar);
  return status;
}

}  // namespace specwatch
