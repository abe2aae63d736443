// Builds the source of one `sources:` entry by its type. A new source type adds its config to
// SourceConfig (source_config.h), its keys to sources_section.cpp and one case here.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "sidecar/app/source_config.h"
#include "sidecar/core/error_reporter.h"
#include "sidecar/core/logger.h"
#include "sidecar/core/source.h"
#include "sidecar/sources/file/file_source_config.h"
#include "sidecar/sources/file/file_source_metrics.h"

namespace specwatch {

// What sources of every type are given: where they hand their batches, where they report, and
// the settings shared by all sources of a type. Everything must outlive the sources.
struct SourceServices {
  BatchConsumer& consumer;
  Logger& logger;
  ErrorReporter& errors;
  const std::string& state_dir;
  std::size_t batch_max_records;
  // Files.
  const TailConfig& tail;
  FileSourceMetrics& file_metrics;
};

std::unique_ptr<Source> make_source(const SourceConfig& config, const SourceServices& services);

}  // namespace specwatch
