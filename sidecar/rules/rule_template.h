// Alert label and annotation templates: the subset of Go's text/template that Prometheus rules
// use. Supported: text, {{ pipeline }} with | pipes, trim markers {{- -}}, comments, the
// variables $value $labels $externalLabels $externalURL (and .Value .Labels ...), string and
// number literals, and the functions humanize, humanize1024, humanizePercentage,
// humanizeDuration, printf, or, and, toUpper, toLower. Control actions (if, range, with,
// define, template) are refused when the template is parsed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/rules/labels.h"

namespace specwatch::rules {

struct TemplateData {
  const Labels* labels = nullptr;
  const Labels* external_labels = nullptr;
  std::string external_url;
  double value = 0.0;
};

struct TemplateNode;

class RuleTemplate {
 public:
  // Throws std::invalid_argument with "template: NAME:LINE: message".
  RuleTemplate(std::string name, std::string_view text);
  ~RuleTemplate();
  RuleTemplate(RuleTemplate&&) noexcept;
  RuleTemplate& operator=(RuleTemplate&&) noexcept;

  // The expanded text, or Prometheus' "<error expanding template: ...>" text on a run-time
  // error (e.g. humanize of a non-number), which is what an alert then carries.
  std::string expand(const TemplateData& data) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<TemplateNode> nodes_;
};

}  // namespace specwatch::rules
