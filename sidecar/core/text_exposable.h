// Metric families that write their own Prometheus text (format 0.0.4) straight from their storage.
//
// Collecting a prometheus-cpp family copies every label of every series into a new MetricFamily
// before a serializer writes it; for the tens of thousands of derived series that was most of a
// /metrics render (docs/PERFORMANCE.md, "/metrics rendering"). A TextExposable keeps each series'
// label text escaped once, when the series is created (label values never change), and appends its
// lines to the page directly. /metrics writes these after the collected families
// (sidecar/observability/metrics_page.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace specwatch {

class TextExposable {
 public:
  // True for a family name the page already holds (a pushed OTLP family of the same name, which
  // replaces the derived one): such a family is left out, so that no name appears twice.
  using NameTaken = std::function<bool(std::string_view name)>;

  virtual ~TextExposable() = default;

  // Appends the HELP, TYPE and sample lines of every family that has at least one series and
  // whose name is not taken. Thread-safe against the creation of new series and families.
  virtual void append_text(std::string& out, const NameTaken& taken) const = 0;
};

}  // namespace specwatch
