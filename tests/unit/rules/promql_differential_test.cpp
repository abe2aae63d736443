// Differential test against the real promtool (Prometheus 2.42): generated series and
// expressions go into one promtool unit-test file whose promql_expr_test cases all expect an
// empty result, so promtool prints every non-empty result it computed ("got: ..."); those are
// compared with this engine's results (same label sets, values within 1e-9 relative).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "promql_generator.h"
#include "sidecar/rules/duration.h"
#include "sidecar/rules/in_memory_series_source.h"
#include "sidecar/rules/labels.h"
#include "sidecar/rules/promql_evaluator.h"
#include "sidecar/rules/promql_lexer.h"
#include "sidecar/rules/promql_parser.h"
#include "sidecar/rules/series_notation.h"

namespace specwatch::rules {
namespace {

constexpr int kSteps = 30;
const std::vector<int64_t> kEvalTimes = {4 * 60000, 9 * 60000 + 15000, 17 * 60000 + 30000,
                                         29 * 60000, 33 * 60000};

struct Outcome {
  bool error = false;
  std::map<Labels, double> samples;
};

std::string run_command(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  return out;
}

// Parses promtool's "{a="b", c="d"} 1.5E+00, {...} 2E+00" (labels.Labels.String() and
// strconv 'E' values).
std::map<Labels, double> parse_got(const std::string& text) {
  std::map<Labels, double> out;
  if (text == "nil") return out;
  size_t i = 0;
  while (i < text.size()) {
    std::vector<Label> labels;
    ++i;  // {
    while (text[i] != '}') {
      size_t eq = text.find('=', i);
      std::string name = text.substr(i, eq - i);
      size_t start = eq + 2, end = start;
      while (text[end] != '"') end += text[end] == '\\' ? 2 : 1;
      labels.push_back({name, unquote_go_escapes(text.substr(start, end - start), '"')});
      i = end + 1;
      if (text.compare(i, 2, ", ") == 0) i += 2;
    }
    i += 2;  // "} "
    size_t end = text.find(", {", i);
    std::string value = text.substr(i, end == std::string::npos ? std::string::npos : end - i);
    out[Labels(labels)] = std::strtod(value.c_str(), nullptr);
    i = end == std::string::npos ? text.size() : end + 2;
  }
  return out;
}

bool close_enough(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  double diff = std::fabs(a - b);
  return diff <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) || diff < 1e-9;
}

TEST(PromqlDifferential, MatchesPromtoolOnGeneratedExpressions) {
  if (std::system("promtool --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool not installed";
  testing::PromqlGenerator generator(20240611);
  auto series = generator.series(kSteps);
  auto expressions = generator.expressions(220);

  char dir_template[] = "/tmp/promql_diff_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::filesystem::path dir(dir_template);
  std::ofstream file(dir / "diff.test.yml");
  file << "rule_files: []\nevaluation_interval: 15s\ntests:\n  - interval: 1m\n    input_series:\n";
  InMemorySeriesSource store;
  for (const auto& s : series) {
    file << "      - series: '" << s.selector << "'\n        values: '" << s.values << "'\n";
    ParsedMetric metric = parse_metric(s.selector);
    ASSERT_EQ(metric.error, "");
    SeriesValues values = parse_series_values(s.values);
    ASSERT_EQ(values.error, "");
    for (size_t i = 0; i < values.values.size(); ++i) {
      if (values.values[i])
        store.append(metric.labels, static_cast<int64_t>(i) * 60000, *values.values[i]);
    }
  }
  file << "    promql_expr_test:\n";
  std::map<std::string, Outcome> ours;  // keyed by promtool's header line
  size_t non_empty = 0;
  for (const auto& expr : expressions) {
    ParsedExpr parsed = parse_promql(expr);
    ASSERT_TRUE(parsed.ok()) << expr << ": " << parsed.error;
    for (int64_t t : kEvalTimes) {
      file << "      - expr: '" << expr << "'\n        eval_time: " << format_duration_ms(t)
           << "\n        exp_samples: []\n";
      QueryResult result = evaluate_instant(*parsed.expr, store, t);
      Outcome o;
      o.error = !result.ok();
      if (result.is_scalar) o.samples[Labels()] = result.scalar;
      for (const auto& e : result.vector) o.samples[e.labels] = e.v;
      non_empty += o.samples.empty() ? 0 : 1;
      ours["    expr: " + quote_go_string(expr) + ", time: " + format_duration_ms(t)] =
          std::move(o);
    }
  }
  file.close();
  std::string output =
      run_command("cd " + dir.string() + " && promtool test rules diff.test.yml 2>&1");

  std::map<std::string, Outcome> theirs;
  size_t pos = 0;
  while ((pos = output.find("    expr: ", pos)) != std::string::npos) {
    size_t eol = output.find('\n', pos);
    std::string line = output.substr(pos, eol - pos);
    Outcome o;
    size_t err = line.find(", err: ");
    if (err != std::string::npos && line.rfind("\", time: ") < err) {
      o.error = true;
      theirs[line.substr(0, err)] = o;
      pos = eol;
      continue;
    }
    std::string header = line.substr(0, line.size() - 1);  // drop the trailing ","
    size_t got = output.find("        got: ", eol);
    size_t got_end = output.find('\n', got);
    o.samples = parse_got(output.substr(got + 13, got_end - got - 13));
    theirs[header] = std::move(o);
    pos = got_end;
  }

  int mismatches = 0;
  for (const auto& [header, mine] : ours) {
    auto it = theirs.find(header);
    Outcome promtool = it == theirs.end() ? Outcome{} : it->second;
    bool same = mine.error == promtool.error && mine.samples.size() == promtool.samples.size();
    if (same && !mine.error) {
      for (const auto& [labels, v] : mine.samples) {
        auto found = promtool.samples.find(labels);
        if (found == promtool.samples.end() || !close_enough(v, found->second)) same = false;
      }
    }
    if (same) continue;
    if (++mismatches <= 15) {
      std::string mine_text, their_text;
      for (const auto& [l, v] : mine.samples)
        mine_text += l.to_string() + " " + std::to_string(v) + "; ";
      for (const auto& [l, v] : promtool.samples)
        their_text += l.to_string() + " " + std::to_string(v) + "; ";
      ADD_FAILURE() << header << "\n  engine (error=" << mine.error << "): " << mine_text
                    << "\n  promtool (error=" << promtool.error << "): " << their_text;
    }
  }
  EXPECT_EQ(mismatches, 0);
  // promtool's report was read: most cases have a result there too.
  EXPECT_GT(theirs.size(), ours.size() / 2);
  EXPECT_EQ(ours.size(), expressions.size() * kEvalTimes.size());
  // Most cases must produce data, or the comparison would prove little.
  EXPECT_GT(non_empty, ours.size() * 6 / 10);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace specwatch::rules
