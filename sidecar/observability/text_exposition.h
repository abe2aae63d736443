// The Prometheus text exposition format, version 0.0.4, of collected metric families: the body
// of GET /metrics.
//
// It writes what prometheus-cpp 1.0.1's TextSerializer writes for the same families, byte for
// byte (same order of lines, same digits), except where that is not the format:
//   - HELP text: a backslash is written as \\ and a line break as \n. prometheus-cpp writes both
//     as they are, so one pushed OTLP description with a line break would break the whole page.
//   - NaN is spelled "NaN", as the format names it (prometheus-cpp writes "Nan").
//   - The two largest finite doubles are written with all 17 digits: at prometheus-cpp's 16 they
//     round up to 1.797693134862316e+308, which is out of range for a parser.
// It uses no stream and allocates nothing per sample: numbers go through std::to_chars into one
// reserved string (docs/PERFORMANCE.md, "/metrics rendering"). Numbers, escaping and the lines
// themselves are written by sidecar/core/prometheus_text.h, which the families that write their
// own text (sidecar/core/text_exposable.h) share.
#pragma once

#include <prometheus/metric_family.h>

#include <span>
#include <string>

namespace specwatch {

std::string serialize_text_exposition(std::span<const prometheus::MetricFamily> families);
// The same, appended to `out` (a page that goes on with other text).
void append_text_exposition(std::string& out, std::span<const prometheus::MetricFamily> families);

}  // namespace specwatch
