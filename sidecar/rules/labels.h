// Label sets and label matchers of the PromQL engine. A label set is kept sorted by name so that
// equal sets compare equal and a signature can be built by walking it once.
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specwatch::rules {

inline constexpr std::string_view kMetricNameLabel = "__name__";

struct Label {
  std::string name;
  std::string value;
  bool operator==(const Label&) const = default;
  auto operator<=>(const Label&) const = default;
};

class Labels {
 public:
  Labels() = default;
  // Builds a set from any order; a later duplicate name wins, empty values are dropped.
  explicit Labels(std::vector<Label> labels);

  const std::vector<Label>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  // Empty string when the label is absent (PromQL treats both alike).
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
  // Setting an empty value removes the label, as in Prometheus.
  void set(std::string_view name, std::string_view value);
  void erase(std::string_view name);
  // `spare_capacity`: room for that many labels to be set afterwards without reallocating.
  Labels without_metric_name(size_t spare_capacity = 0) const;
  Labels copy_with_room(size_t spare_capacity) const;
  // Keeps only the named labels (on / by).
  Labels keep_only(const std::vector<std::string>& names) const;
  // Drops the named labels and the metric name (ignoring / without).
  Labels drop(const std::vector<std::string>& names) const;
  // {__name__="m", a="b"} as Prometheus prints a label set (sorted by name).
  std::string to_string() const;

  bool operator==(const Labels&) const = default;
  auto operator<=>(const Labels&) const = default;

 private:
  std::vector<Label> items_;
};

struct LabelsHash {
  size_t operator()(const Labels& labels) const;
};

// A key that identifies the values of the named labels (on(...)) or of all labels except the
// named ones and the metric name (ignoring(...)): the join key of vector matching.
std::string matching_signature(const Labels& labels, bool on,
                               const std::vector<std::string>& names);

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// name op "value"; regexes are anchored at both ends as in Prometheus.
class LabelMatcher {
 public:
  // Throws std::invalid_argument with the regex error for a regex that does not compile.
  LabelMatcher(MatchType type, std::string name, std::string value);
  bool matches(std::string_view value) const;
  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }
  std::string to_string() const;

 private:
  MatchType type_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const std::regex> regex_;
};

bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);
// Go's %q quoting of a label value (used by Labels::to_string and error texts).
std::string quote_go_string(std::string_view value);

}  // namespace specwatch::rules
