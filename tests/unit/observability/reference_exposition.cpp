#include "tests/unit/observability/reference_exposition.h"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace specwatch::testing {
namespace {

std::string escaped_help(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// prometheus-cpp writes "Nan" as a sample value and as the value of an le or quantile label,
// which is the last of its label set.
std::string with_nan_spelled_out(std::string line) {
  if (line.starts_with('#')) return line;
  const auto brace = line.rfind('}');
  const auto value = brace == std::string::npos ? line.find(' ') + 1 : brace + 2;
  if (line.compare(value, 3, "Nan") == 0) line[value + 2] = 'N';
  if (brace != std::string::npos && brace >= 5 && line.compare(brace - 5, 5, "\"Nan\"") == 0) {
    line[brace - 2] = 'N';
  }
  return line;
}

}  // namespace

std::string reference_exposition(std::vector<prometheus::MetricFamily> families) {
  for (auto& family : families) family.help = escaped_help(family.help);
  std::istringstream lines(prometheus::TextSerializer().Serialize(families));
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    out += with_nan_spelled_out(line);
    out += '\n';
  }
  return out;
}

}  // namespace specwatch::testing
