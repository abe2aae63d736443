// The typed configuration of the whole daemon: one member per section, each section's typed
// struct and parser living in the folder of the component that owns it. Loading (YAML,
// environment expansion, SPECWATCH_* overrides) and the registration of every section live in
// app_config.h; every key is documented in docs/CONFIGURATION.md.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "exporters/exporter_config.h"
#include "exporters/notifier_config.h"
#include "sidecar/app/source_config.h"
#include "sidecar/budgets/budget_config.h"
#include "sidecar/core/logger.h"
#include "sidecar/derive/derive_config.h"
#include "sidecar/http/http_config.h"
#include "sidecar/otlp/otlp_config.h"
#include "sidecar/pipeline/pipeline_config.h"
#include "sidecar/redact/redaction_patterns.h"
#include "sidecar/rules/rules_config.h"
#include "sidecar/sources/file/file_source_config.h"

namespace specwatch {

struct Config {
  std::string path;  // file it was loaded from
  HttpConfig http;
  std::string state_dir = "/var/lib/specwatch";
  LogLevel log_level = LogLevel::kInfo;
  int shutdown_timeout_ms = 5000;
  TailConfig tail;
  PipelineConfig pipeline;
  std::vector<SourceConfig> sources;
  // Derivation: the user's `profiles:` list (compiled by ProfileSet, which validated it while the
  // config was loaded), pricing overrides and the per-metric series limit.
  YAML::Node profiles;
  PricingConfig pricing;
  CardinalityConfig cardinality;
  // The secret patterns redacted from label values and logged input.
  RedactionConfig redaction;
  // The OTLP receivers (sidecar/otlp/otlp_config.h).
  OtlpConfig otlp;
  // The `exporters:` list (sinks; exporters/exporters_section.h).
  std::vector<ExporterConfig> exporters;
  // The `rules:` section (sidecar/rules/rules_section.h), registered by the app.
  RulesConfig rules;
  // The `notifiers:` list (exporters/notifiers_section.h), read like `exporters:`.
  std::vector<NotifierConfig> notifiers;
  // The `budgets:` section (sidecar/budgets), registered by the app like the OTLP one.
  BudgetsConfig budgets;
};

}  // namespace specwatch
