#include "promql_generator.h"

#include <cstdio>
#include <set>

namespace specwatch::rules::testing {
namespace {

std::string fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

const std::vector<std::string> kInstances = {"i1", "i2", "i3"};

}  // namespace

std::vector<GeneratedSeries> PromqlGenerator::series(int steps) {
  std::vector<GeneratedSeries> out;
  for (const auto& instance : kInstances) {
    for (const char* code : {"200", "500"}) {
      std::string values;
      double v = static_cast<double>(below(20));
      for (int i = 0; i < steps; ++i) {
        if (i > 0 && chance(7)) v = static_cast<double>(below(5));  // counter reset
        if (!values.empty()) values += ' ';
        if (i > 3 && chance(4)) {
          values += "_";
        } else {
          values += fixed2(v);
        }
        v += static_cast<double>(below(40)) / 4;
      }
      out.push_back(
          {"dt_requests_total{instance=\"" + instance + "\",code=\"" + code + "\"}", values});
    }
    for (const char* zone : {"a", "b"}) {
      std::string values;
      for (int i = 0; i < steps; ++i) {
        if (!values.empty()) values += ' ';
        if (i == steps / 2 && instance == "i3" && std::string(zone) == "b") {
          values += "stale";
        } else if (i > 2 && chance(5)) {
          values += "_";
        } else {
          values += fixed2(static_cast<double>(below(20000)) / 100 - 50);
        }
      }
      out.push_back(
          {"dt_temperature{instance=\"" + instance + "\",zone=\"" + zone + "\"}", values});
    }
    std::string up;
    for (int i = 0; i < steps; ++i) up += (i ? " " : "") + std::string(chance(80) ? "1" : "0");
    out.push_back({"dt_up{instance=\"" + instance + "\",job=\"dt\"}", up});
  }
  for (const char* instance : {"i1", "i2"}) {
    std::vector<double> counts(5, 0.0);
    std::vector<std::string> values(5);
    for (int i = 0; i < steps; ++i) {
      double cumulative = counts[0];
      for (size_t b = 0; b < counts.size(); ++b) {
        counts[b] += static_cast<double>(below(6));
      }
      cumulative = 0;
      for (size_t b = 0; b < counts.size(); ++b) {
        cumulative += counts[b];
        if (!values[b].empty()) values[b] += ' ';
        values[b] += fixed2(cumulative);
      }
    }
    const char* bounds[] = {"0.1", "0.5", "1", "5", "+Inf"};
    for (size_t b = 0; b < 5; ++b) {
      out.push_back({std::string("dt_latency_seconds_bucket{instance=\"") + instance + "\",le=\"" +
                         bounds[b] + "\"}",
                     values[b]});
    }
  }
  return out;
}

std::string PromqlGenerator::range() {
  return pick<std::string>({"1m", "2m", "3m", "5m", "90s", "10m"});
}

std::string PromqlGenerator::offset() {
  return chance(15) ? " offset " + pick<std::string>({"1m", "2m", "5m"}) : "";
}

std::string PromqlGenerator::counter_selector() {
  return pick<std::string>({"dt_requests_total", "dt_requests_total{code=\"500\"}",
                            "dt_requests_total{instance=~\"i[12]\"}",
                            "dt_requests_total{code!=\"500\"}",
                            "dt_requests_total{instance!~\"i1|i3\"}"});
}

std::string PromqlGenerator::gauge_selector() {
  return pick<std::string>({"dt_temperature", "dt_temperature{zone=\"a\"}",
                            "dt_temperature{instance=~\"i.*\",zone!=\"a\"}", "dt_up",
                            "dt_temperature{instance=\"i3\"}"});
}

std::string PromqlGenerator::grouping() {
  std::string labels =
      pick<std::string>({"instance", "code", "zone", "instance, zone", "instance, code", ""});
  std::string kind = chance(75) ? "by" : "without";
  return kind + " (" + labels + ")";
}

std::string PromqlGenerator::range_function() {
  static const std::vector<std::string> kCounter = {"rate", "irate", "increase", "resets",
                                                    "changes"};
  static const std::vector<std::string> kGauge = {"delta",
                                                  "idelta",
                                                  "deriv",
                                                  "avg_over_time",
                                                  "sum_over_time",
                                                  "min_over_time",
                                                  "max_over_time",
                                                  "count_over_time",
                                                  "last_over_time",
                                                  "stddev_over_time",
                                                  "stdvar_over_time",
                                                  "present_over_time"};
  if (chance(50))
    return pick(kCounter) + "(" + counter_selector() + "[" + range() + "]" + offset() + ")";
  if (chance(15)) {
    return "quantile_over_time(" + pick<std::string>({"0", "0.25", "0.5", "0.9", "1"}) + ", " +
           gauge_selector() + "[" + range() + "]" + offset() + ")";
  }
  return pick(kGauge) + "(" + gauge_selector() + "[" + range() + "]" + offset() + ")";
}

std::string PromqlGenerator::histogram() {
  std::string by = pick<std::string>({"le", "le, instance", "instance, le"});
  return "histogram_quantile(" + pick<std::string>({"0.5", "0.9", "0.99", "0", "1", "0.25"}) +
         ", sum by (" + by + ") (rate(dt_latency_seconds_bucket[" +
         pick<std::string>({"2m", "5m", "3m"}) + "])))";
}

std::string PromqlGenerator::scalar_expr() {
  switch (below(5)) {
    case 0:
      return "scalar(sum(dt_up))";
    case 1:
      return "time()";
    case 2:
      return "(2 * 3)";
    default:
      return pick<std::string>({"0", "1", "2", "0.5", "10", "100", "3"});
  }
}

std::string PromqlGenerator::aggregation(int depth) {
  static const std::vector<std::string> kPlain = {"sum",   "avg",   "min",    "max",
                                                  "count", "group", "stddev", "stdvar"};
  std::string inner = depth > 0 && chance(30) ? vector_expr(depth - 1) : range_function();
  if (chance(15)) {
    // Gauges carry random values, so ties (where the pick depends on order) are unlikely.
    std::string op = chance(50) ? "topk" : "bottomk";
    return op + " " + grouping() + " (" + pick<std::string>({"1", "2", "3"}) + ", " +
           pick<std::string>({"dt_temperature", "dt_temperature{zone=\"a\"}"}) + ")";
  }
  if (chance(10)) {
    return "quantile " + grouping() + " (" + pick<std::string>({"0.5", "0.9", "0", "1"}) + ", " +
           inner + ")";
  }
  if (chance(30)) return pick(kPlain) + "(" + inner + ") " + grouping();
  return pick(kPlain) + " " + grouping() + " (" + inner + ")";
}

std::string PromqlGenerator::binary(int depth) {
  static const std::vector<std::string> kArith = {"+", "-", "*", "/", "%", "^"};
  static const std::vector<std::string> kCompare = {"==", "!=", ">", "<", ">=", "<="};
  std::string lhs = depth > 0 && chance(40) ? "(" + vector_expr(depth - 1) + ")" : range_function();
  switch (below(6)) {
    case 0:
      return lhs + " " + pick(kArith) + " " + scalar_expr();
    case 1:
      return scalar_expr() + " " + pick(kArith) + " " + lhs;
    case 2:
      return lhs + " " + pick(kCompare) + (chance(40) ? " bool " : " ") +
             pick<std::string>({"0", "1", "5", "20"});
    case 3:
      return pick<std::string>({"10", "0.5"}) + " " + pick(kCompare) +
             (chance(40) ? " bool " : " ") + lhs;
    case 4: {
      // Both sides aggregated to the same labels, so matching is one-to-one.
      std::string by = pick<std::string>({"instance", "code", ""});
      std::string l = "sum by (" + by + ") (rate(dt_requests_total[" + range() + "]))";
      std::string r = "sum by (" + by + ") (" +
                      pick<std::string>({"increase(dt_requests_total[5m])", "dt_requests_total",
                                         "rate(dt_requests_total{code=\"500\"}[5m])"}) +
                      ")";
      std::string op = chance(60) ? pick(kArith) : pick(kCompare) + (chance(40) ? " bool" : "");
      if (chance(30)) op += " on (" + by + ")";
      return l + " " + op + " " + r;
    }
    default: {
      std::string set = pick<std::string>({"and", "or", "unless"});
      std::string matching =
          pick<std::string>({"", " on (instance)", " ignoring (zone)", " ignoring (code)"});
      return gauge_selector() + " " + set + matching + " " +
             pick<std::string>({"dt_up == 1", "dt_temperature > 0", "dt_requests_total offset 5m",
                                "rate(dt_requests_total[5m])"});
    }
  }
}

std::string PromqlGenerator::function(int depth) {
  std::string inner = depth > 0 && chance(30) ? vector_expr(depth - 1) : gauge_selector();
  switch (below(12)) {
    case 0:
      return "abs(" + inner + ")";
    case 1:
      return "ceil(" + inner + ")";
    case 2:
      return "floor(" + inner + ")";
    case 3:
      return "round(" + inner + (chance(50) ? ", " + pick<std::string>({"0.5", "10", "3"}) : "") +
             ")";
    case 4:
      return "clamp_min(" + inner + ", " + pick<std::string>({"0", "-10", "20"}) + ")";
    case 5:
      return "clamp_max(" + inner + ", " + pick<std::string>({"0", "-10", "20"}) + ")";
    case 6:
      return "clamp(" + inner + ", " + pick<std::string>({"-5, 5", "0, 100", "5, -5"}) + ")";
    case 7:
      return "label_replace(" + gauge_selector() + ", \"" +
             pick<std::string>({"host", "zone", "instance"}) + "\", \"" +
             pick<std::string>({"$1", "x-$1", "${1}y", "$2", ""}) + "\", \"instance\", \"" +
             pick<std::string>({"i(.*)", "(i)([0-9])", ".*", "nomatch"}) + "\")";
    case 8:
      return "absent(" +
             pick<std::string>({"dt_nothing{job=\"x\"}", "dt_up", "dt_nothing{a=\"b\",a=\"c\"}"}) +
             ")";
    case 9:
      return "vector(" + scalar_expr() + ")";
    case 10:
      return "-" + inner;
    default:
      return "timestamp(" + inner + ")";
  }
}

std::string PromqlGenerator::vector_expr(int depth) {
  switch (below(8)) {
    case 0:
      return gauge_selector() + offset();
    case 1:
      return range_function();
    case 2:
    case 3:
      return aggregation(depth);
    case 4:
    case 5:
      return binary(depth);
    case 6:
      return histogram();
    default:
      return function(depth);
  }
}

std::vector<std::string> PromqlGenerator::expressions(size_t count) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  while (out.size() < count) {
    std::string e = vector_expr(2);
    if (seen.insert(e).second) out.push_back(e);
  }
  return out;
}

}  // namespace specwatch::rules::testing
