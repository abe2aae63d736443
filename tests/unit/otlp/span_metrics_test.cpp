// A batch's spans are added per label set (SpanMetrics::observe): the series must hold exactly
// what observing each span on its own gives, and a full family must fold the same label sets
// into its overflow series as it would span by span.
#include "sidecar/otlp/span_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <iomanip>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace specwatch {
namespace {

std::string exposition(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

// The boundaries of span_duration_buckets(), written out: the test's own reading of them.
const std::vector<std::pair<double, std::string>> kBounds = {
    {0.005, "0.005"}, {0.01, "0.01"}, {0.025, "0.025"}, {0.05, "0.05"}, {0.1, "0.1"},
    {0.25, "0.25"},   {0.5, "0.5"},   {1, "1"},         {2.5, "2.5"},   {5, "5"},
    {10, "10"},       {30, "30"},     {60, "60"},       {120, "120"},   {300, "300"}};

TEST(SpanMetrics, ABatchAddsExactlyWhatEachSpanWouldPerLabelSet) {
  prometheus::Registry registry;
  SpanMetrics metrics(registry);
  // Interleaved label sets; binary-exact durations on boundaries (0.5, 1, 60), between them and
  // past the last (600), so that any order of addition gives the same sums.
  const std::vector<double> durations = {0.5, 1, 0.0078125, 60, 600, 2.25, 0.125};
  const std::vector<std::string> names = {"chat gpt-4o", "embed", "chat gpt-4o", "tool"};
  std::vector<SpanObservation> spans;
  for (std::size_t i = 0; i < 70; ++i) {
    spans.push_back(SpanObservation{names[i % names.size()], i % 5 == 0 ? "server" : "client",
                                    i % 3 == 0 ? "error" : "ok", durations[i % durations.size()]});
  }
  metrics.observe("svc", spans);
  metrics.observe("svc", std::vector<SpanObservation>(spans.begin(), spans.begin() + 1));
  spans.push_back(spans.front());  // the reference below counts that second batch too
  const std::string text = exposition(registry);
  std::size_t checked = 0;
  for (const std::string name : {"chat gpt-4o", "embed", "tool"}) {
    for (const std::string kind : {"client", "server"}) {
      for (const std::string status : {"ok", "error"}) {
        std::size_t count = 0;
        double sum = 0;
        for (const auto& s : spans) {
          if (s.name == name && s.kind == kind && s.status == status) {
            ++count;
            sum += s.duration_seconds;
          }
        }
        const std::string labels = "service=\"svc\",span_kind=\"" + kind + "\",span_name=\"" +
                                   name + "\",status_code=\"" + status + "\"";
        if (count == 0) {
          EXPECT_EQ(text.find("{" + labels), std::string::npos) << labels;
          continue;
        }
        ++checked;
        EXPECT_TRUE(
            has_line(text, "specwatch_span_calls_total{" + labels + "} " + std::to_string(count)))
            << labels;
        for (const auto& [bound, le] : kBounds) {
          std::size_t below = 0;
          for (const auto& s : spans) {
            if (s.name == name && s.kind == kind && s.status == status &&
                s.duration_seconds <= bound) {
              ++below;
            }
          }
          EXPECT_TRUE(has_line(text, "specwatch_span_duration_seconds_bucket{" + labels + ",le=\"" +
                                         le + "\"} " + std::to_string(below)))
              << labels << " le=" << le;
        }
        EXPECT_TRUE(has_line(text, "specwatch_span_duration_seconds_bucket{" + labels +
                                       ",le=\"+Inf\"} " + std::to_string(count)));
        EXPECT_TRUE(has_line(text, "specwatch_span_duration_seconds_count{" + labels + "} " +
                                       std::to_string(count)));
        std::ostringstream sum_text;
        sum_text << std::setprecision(17) << sum;
        EXPECT_TRUE(
            has_line(text, "specwatch_span_duration_seconds_sum{" + labels + "} " + sum_text.str()))
            << labels << " sum=" << sum_text.str() << "\n"
            << text;
      }
    }
  }
  EXPECT_EQ(checked, 12u);  // every combination occurs in the 71 spans
}

// A batch's groups are compared one by one up to eight, then looked up in a table: label sets
// that differ only in kind, in status, or in one byte of a name of the same length stay apart on
// both sides of the ninth, and the same set from another buffer (another address) is one set.
TEST(SpanMetrics, GroupsStayApartBeforeAndAfterTheTableTakesOver) {
  prometheus::Registry registry;
  SpanMetrics metrics(registry);
  const std::vector<std::string> names = {"aaaa", "aaab", "baaa", "x"};
  std::vector<std::string> copies;  // the same names at other addresses
  for (const auto& n : names) copies.push_back(std::string(n.data(), n.size()));
  std::vector<SpanObservation> spans;
  std::map<std::string, int> expected;  // "name kind status" -> count
  auto add = [&](const std::string& name, std::string_view kind, std::string_view status) {
    spans.push_back(SpanObservation{name, kind, status, 0.5});
    ++expected[name + " " + std::string(kind) + " " + std::string(status)];
  };
  // 8 sets (4 names x 2 kinds), each twice, then a 9th and a 10th, then all of them again from
  // the copies, with kinds and statuses from other buffers too.
  for (int round = 0; round < 2; ++round) {
    for (const auto& n : names) {
      add(n, "client", "ok");
      add(n, "server", "ok");
    }
  }
  add(names[0], "client", "error");
  add(names[3], "internal", "ok");
  const std::string client = "client", server = "server", ok = "ok", error = "error";
  for (const auto& n : copies) {
    add(n, client, ok);
    add(n, server, ok);
  }
  add(copies[0], client, error);
  metrics.observe("svc", spans);
  const std::string text = exposition(registry);
  EXPECT_EQ(expected.size(), 10u);
  for (const auto& [set, count] : expected) {
    std::istringstream parts(set);
    std::string name, kind, status;
    parts >> name >> kind >> status;
    EXPECT_TRUE(has_line(text, "specwatch_span_calls_total{service=\"svc\",span_kind=\"" + kind +
                                   "\",span_name=\"" + name + "\",status_code=\"" + status +
                                   "\"} " + std::to_string(count)))
        << set << "\n"
        << text;
  }
  // Ten series, no more: a set seen again was not counted as a new one.
  std::size_t series = 0;
  std::istringstream lines(text);
  for (std::string l; std::getline(lines, l);) {
    if (l.rfind("specwatch_span_calls_total{", 0) == 0) ++series;
  }
  EXPECT_EQ(series, 10u);
}

TEST(SpanMetrics, AFullFamilyFoldsTheLabelSetsThatCameLastInTheBatch) {
  prometheus::Registry registry;
  SpanMetrics metrics(registry, /*max_series=*/2);
  // First appearances: a, b, c, d; a and b take the two series, c and d fold into overflow.
  const std::vector<std::string> order = {"a", "b", "a", "c", "b", "d", "c", "a", "d", "d"};
  std::vector<SpanObservation> spans;
  for (const auto& name : order) spans.push_back(SpanObservation{name, "client", "ok", 0.25});
  metrics.observe("svc", spans);
  const std::string text = exposition(registry);
  const std::string set = "service=\"svc\",span_kind=\"client\",span_name=\"";
  EXPECT_TRUE(has_line(text, "specwatch_span_calls_total{" + set + "a\",status_code=\"ok\"} 3"));
  EXPECT_TRUE(has_line(text, "specwatch_span_calls_total{" + set + "b\",status_code=\"ok\"} 2"));
  EXPECT_EQ(text.find("span_name=\"c\""), std::string::npos);
  EXPECT_EQ(text.find("span_name=\"d\""), std::string::npos);
  const std::string overflow =
      "service=\"overflow\",span_kind=\"overflow\",span_name=\"overflow\",status_code=\"overflow\"";
  EXPECT_TRUE(has_line(text, "specwatch_span_calls_total{" + overflow + "} 5"));
  EXPECT_TRUE(has_line(text, "specwatch_span_duration_seconds_count{" + overflow + "} 5"));
  EXPECT_TRUE(
      has_line(text, "specwatch_span_duration_seconds_bucket{" + overflow + ",le=\"0.25\"} 5"));
  EXPECT_TRUE(
      has_line(text, "specwatch_span_duration_seconds_bucket{" + overflow + ",le=\"0.1\"} 0"));
  EXPECT_TRUE(has_line(text, "specwatch_span_duration_seconds_sum{" + overflow + "} 1.25"));
  EXPECT_TRUE(
      has_line(text, "specwatch_series_overflow_total{metric=\"specwatch_span_calls_total\"} 5"));
  EXPECT_TRUE(has_line(
      text, "specwatch_series_overflow_total{metric=\"specwatch_span_duration_seconds\"} 5"));
}

// A hostile batch: thousands of distinct span names (ids put into names) and durations that no
// clock gives (negative, past every boundary). The family keeps its limit, the overflow series
// counts the rest, and a following ordinary batch is counted as before.
TEST(SpanMetrics, ABatchOfThousandsOfNamesKeepsTheLimitAndTheCounts) {
  prometheus::Registry registry;
  SpanMetrics metrics(registry, /*max_series=*/100);
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i) names.push_back("GET /item/" + std::to_string(i));
  std::vector<SpanObservation> spans;
  for (int i = 0; i < 5000; ++i) {
    spans.push_back(SpanObservation{names[static_cast<std::size_t>(i)], "server", "ok",
                                    i % 2 == 0 ? -1.0 : 1000.0});
  }
  metrics.observe("svc", spans);
  metrics.observe("svc",
                  std::vector<SpanObservation>(3, SpanObservation{names[0], "server", "ok", 0.5}));
  const std::string text = exposition(registry);
  const std::string overflow =
      "service=\"overflow\",span_kind=\"overflow\",span_name=\"overflow\",status_code=\"overflow\"";
  EXPECT_TRUE(has_line(text, "specwatch_span_calls_total{" + overflow + "} 4900"));
  EXPECT_TRUE(has_line(text, "specwatch_span_duration_seconds_count{" + overflow + "} 4900"));
  // Negative durations land in the first bucket, as Histogram::Observe puts them.
  EXPECT_TRUE(
      has_line(text, "specwatch_span_duration_seconds_bucket{" + overflow + ",le=\"0.005\"} 2450"));
  EXPECT_TRUE(
      has_line(text, "specwatch_span_duration_seconds_bucket{" + overflow + ",le=\"300\"} 2450"));
  EXPECT_TRUE(has_line(text, "specwatch_span_duration_seconds_sum{" + overflow + "} 2447550"));
  EXPECT_TRUE(has_line(
      text, "specwatch_series_overflow_total{metric=\"specwatch_span_calls_total\"} 4900"));
  const std::string first =
      "service=\"svc\",span_kind=\"server\",span_name=\"GET /item/0\",status_code=\"ok\"";
  EXPECT_TRUE(has_line(text, "specwatch_span_calls_total{" + first + "} 4"));
  EXPECT_TRUE(
      has_line(text, "specwatch_span_duration_seconds_bucket{" + first + ",le=\"0.005\"} 1"));
  EXPECT_TRUE(has_line(text, "specwatch_span_duration_seconds_bucket{" + first + ",le=\"0.5\"} 4"));
  EXPECT_TRUE(has_line(text, "specwatch_span_duration_seconds_sum{" + first + "} 0.5"));
}

}  // namespace
}  // namespace specwatch
