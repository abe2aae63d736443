// The profile compiler's conditions (`when:`) and value specs (`set:` values: fields,
// constants, between, maps, defaults, conversions).
#include <algorithm>

#include "sidecar/core/ascii.h"
#include "sidecar/normalize/profile_compiler.h"

namespace specwatch {

Condition ProfileCompiler::condition(const YAML::Node& c) {
  if (!c.IsMap()) fail(c, "when", "expected a condition mapping");
  check_keys(c, {"field", "exists", "equals", "in", "contains", "prefix", "regex", "icase"});
  Condition cond;
  if (!c["field"]) fail(c, "field", "missing");
  cond.field = field_ref(c["field"], "field");
  int ops = 0;
  if (c["exists"]) {
    ++ops;
    cond.op = boolean(c["exists"], "exists") ? Condition::Op::kExists : Condition::Op::kMissing;
  }
  if (c["equals"]) {
    ++ops;
    cond.op = Condition::Op::kEquals;
    cond.values.push_back(scalar(c["equals"], "equals"));
  }
  if (const auto in = c["in"]) {
    ++ops;
    cond.op = Condition::Op::kIn;
    if (!in.IsSequence() || in.size() == 0) fail(in, "in", "expected a non-empty list");
    for (const auto& v : in) cond.values.push_back(scalar(v, "in"));
  }
  if (c["contains"]) {
    ++ops;
    cond.op = Condition::Op::kContains;
    cond.values.push_back(scalar(c["contains"], "contains"));
  }
  if (c["prefix"]) {
    ++ops;
    cond.op = Condition::Op::kPrefix;
    cond.values.push_back(scalar(c["prefix"], "prefix"));
  }
  if (c["regex"]) {
    ++ops;
    cond.op = Condition::Op::kRegex;
    const bool icase = c["icase"] && boolean(c["icase"], "icase");
    cond.regex = regex(c["regex"], scalar(c["regex"], "regex"), icase, "regex");
  }
  if (ops != 1) {
    fail(c, "field",
         "a condition needs exactly one of exists, equals, in, contains, prefix, "
         "regex");
  }
  return cond;
}

Convert ProfileCompiler::convert(const YAML::Node& node, ValueType type) {
  const std::string c = scalar(node, "convert");
  const bool time = type == ValueType::kTime;
  if (!time && c == "ns_to_s") return Convert::kNsToS;
  if (!time && c == "us_to_s") return Convert::kUsToS;
  if (!time && c == "ms_to_s") return Convert::kMsToS;
  if (!time && c == "percent_to_ratio") return Convert::kPercentToRatio;
  if (type == ValueType::kString && c == "model_family") return Convert::kModelFamily;
  if (time && c == "unix_s") return Convert::kUnixS;
  if (time && c == "unix_ms") return Convert::kUnixMs;
  if (time && c == "unix_us") return Convert::kUnixUs;
  if (time && c == "unix_ns") return Convert::kUnixNs;
  fail(node, "convert",
       "unknown conversion \"" + c + "\"" +
           (time ? " for a timestamp (unix_s, unix_ms, unix_us, unix_ns)"
                 : " (ns_to_s, us_to_s, ms_to_s, percent_to_ratio; model_family for text)"));
}

void ProfileCompiler::pairs(const YAML::Node& node, std::string_view key,
                            std::vector<std::pair<std::string, std::string>>& out, bool lower) {
  if (!node.IsMap()) fail(node, key, "expected a mapping");
  for (const auto& kv : node) {
    std::string from = scalar(kv.first, key);
    if (lower) from = ascii_lowercase(from);
    out.emplace_back(std::move(from), scalar(kv.second, key));
  }
}

ValueSpec ProfileCompiler::spec(const YAML::Node& node, const TargetInfo& target,
                                const std::string& key, bool& required) {
  ValueSpec s;
  if (node.IsScalar()) {
    s.has_constant = true;
    s.constant = node.as<std::string>();
    return s;
  }
  if (!node.IsMap()) fail(node, key, "expected a value, a mapping or a list of them");
  check_keys(node, {"field", "value", "when_exists", "between", "lowercase", "map", "contains_map",
                    "default", "mapped_only", "convert", "required"});
  int sources = 0;
  if (node["field"]) {
    ++sources;
    s.field = field_ref(node["field"], "field");
  }
  if (node["value"]) {
    ++sources;
    s.has_constant = true;
    s.constant = scalar(node["value"], "value");
  }
  if (const auto b = node["between"]) {
    ++sources;
    if (!b.IsSequence() || b.size() != 2) fail(b, "between", "expected [start, end]");
    s.between_start = field_ref(b[0], "between");
    s.between_end = field_ref(b[1], "between");
  }
  if (sources != 1) fail(node, key, "needs exactly one of field, value, between");
  if (node["when_exists"]) s.when_exists = field_ref(node["when_exists"], "when_exists");
  if (node["lowercase"]) s.lowercase = boolean(node["lowercase"], "lowercase");
  if (node["map"]) pairs(node["map"], "map", s.map, false);
  if (node["contains_map"]) pairs(node["contains_map"], "contains_map", s.contains_map, true);
  if (node["default"]) {
    s.has_default = true;
    s.default_value = scalar(node["default"], "default");
  }
  if (node["mapped_only"]) {
    s.mapped_only = boolean(node["mapped_only"], "mapped_only");
    if (s.mapped_only && s.map.empty() && s.contains_map.empty()) {
      fail(node["mapped_only"], "mapped_only", "needs a map or contains_map");
    }
    if (s.mapped_only && s.has_default) {
      fail(node["mapped_only"], "mapped_only", "cannot be combined with default");
    }
  }
  if (node["convert"]) s.convert = convert(node["convert"], target.type);
  if (node["required"]) required = boolean(node["required"], "required");
  return s;
}

Assignment ProfileCompiler::assignment(const TargetInfo& t, const YAML::Node& value,
                                       const std::string& key) {
  Assignment a;
  a.target = t.target;
  a.type = t.type;
  a.key = key;
  if (value.IsSequence()) {
    if (value.size() == 0) fail(value, key, "empty list of values");
    for (const auto& v : value) a.specs.push_back(spec(v, t, key, a.required));
  } else {
    a.specs.push_back(spec(value, t, key, a.required));
  }
  return a;
}

}  // namespace specwatch
