#include "sidecar/rules/rule_template.h"

#include <gtest/gtest.h>

#include "sidecar/rules/go_format.h"
#include "sidecar/rules/humanize.h"

namespace specwatch::rules {
namespace {

std::string expand(const std::string& text, double value) {
  Labels labels(std::vector<Label>{{"__name__", "m"}, {"service", "spek"}});
  Labels external(std::vector<Label>{{"runbook_base_url", "https://rb"}});
  return RuleTemplate("__alert_A", text).expand(TemplateData{&labels, &external, "", value});
}

TEST(RuleTemplate, ExpandsTheConstructsTheBundledRulesUse) {
  EXPECT_EQ(expand("{{ $labels.service }} spent ${{ $value | printf \"%.2f\" }}", 12),
            "spek spent $12.00");
  EXPECT_EQ(expand("{{ or $externalLabels.runbook_base_url \"https://default\" }}/A.md", 0),
            "https://rb/A.md");
  EXPECT_EQ(expand("{{ or $externalLabels.missing \"https://default\" }}/A.md", 0),
            "https://default/A.md");
  EXPECT_EQ(expand("{{ $value | humanizePercentage }}", 0.3), "30%");
  EXPECT_EQ(expand("{{ $value | humanize1024 }}B", 26000), "25.39kiB");
  EXPECT_EQ(expand("{{ $value | humanizeDuration }}", 39.9375), "39.94s");
  EXPECT_EQ(expand("{{ $value | humanize }}", 1234567), "1.235M");
  EXPECT_EQ(expand("{{ $value }} and {{ $labels.absent }}.", 1e6), "1e+06 and .");
  EXPECT_EQ(expand("a {{- \" b \" -}} c", 0), "a b c");
  EXPECT_EQ(expand("{{ \"x\" | humanize }}", 0),
            "<error expanding template: template: __alert_A: strconv.ParseFloat: parsing \"x\": "
            "invalid syntax>");
}

TEST(RuleTemplate, RefusesUnknownFunctionsAndControlActionsWhenParsed) {
  try {
    RuleTemplate("__alert_A", "line\n{{ $value | reReplaceAll }}");
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "template: __alert_A:2: function \"reReplaceAll\" not defined");
  }
  EXPECT_THROW(RuleTemplate("t", "{{ if $value }}x{{ end }}"), std::invalid_argument);
  EXPECT_THROW(RuleTemplate("t", "{{ $nope }}"), std::invalid_argument);
  EXPECT_THROW(RuleTemplate("t", "{{ $value "), std::invalid_argument);
}

TEST(GoFormat, PrintsFloatsAsGoDoes) {
  EXPECT_EQ(go_format_float(95), "95");
  EXPECT_EQ(go_format_float(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(go_format_float(123456), "123456");
  EXPECT_EQ(go_format_float(1234567), "1.234567e+06");
  EXPECT_EQ(go_format_float(0.00001), "1e-05");
  EXPECT_EQ(go_format_float_exponent(0.25), "2.5E-01");
  EXPECT_EQ(go_sprintf("%.0f|%5.1f|%s|%d", {59.6, 2.25, std::string("x")}),
            "60|  2.2|x|%!d(MISSING)");
  EXPECT_EQ(humanize_duration(90061), "1d 1h 1m 1s");
  EXPECT_EQ(humanize_duration(0.25), "250ms");
}

}  // namespace
}  // namespace specwatch::rules
