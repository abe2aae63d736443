// Compiles profile YAML (docs/PROFILES.md) into CompiledProfile. Every error names origin,
// line:column, profile, rule and key.
#include "sidecar/normalize/profile_set.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "sidecar/normalize/builtin_profiles.h"
#include "sidecar/normalize/text_util.h"

namespace specwatch {
namespace {

constexpr int kCommon = -1;  // target kind of the common fields

struct TargetInfo {
  int kind;  // EventKind as int, or kCommon
  const char* name;
  Target target;
  ValueType type;
};

constexpr int K(EventKind k) {
  return static_cast<int>(k);
}

const TargetInfo kTargets[] = {
    {kCommon, "service", Target::kService, ValueType::kString},
    {kCommon, "timestamp", Target::kTimestamp, ValueType::kTime},
    {kCommon, "trace_id", Target::kTraceId, ValueType::kString},
    {kCommon, "span_id", Target::kSpanId, ValueType::kString},
    {kCommon, "workflow_id", Target::kWorkflowId, ValueType::kString},
    {K(EventKind::kLlmCall), "provider", Target::kLlmProvider, ValueType::kString},
    {K(EventKind::kLlmCall), "model", Target::kLlmModel, ValueType::kString},
    {K(EventKind::kLlmCall), "operation", Target::kLlmOperation, ValueType::kString},
    {K(EventKind::kLlmCall), "outcome", Target::kLlmOutcome, ValueType::kOutcome},
    {K(EventKind::kLlmCall), "error_type", Target::kLlmErrorType, ValueType::kString},
    {K(EventKind::kLlmCall), "duration_seconds", Target::kLlmDuration, ValueType::kDouble},
    {K(EventKind::kLlmCall), "input_tokens", Target::kLlmInputTokens, ValueType::kInt},
    {K(EventKind::kLlmCall), "input_includes_cache", Target::kLlmInputIncludesCache,
     ValueType::kBool},
    {K(EventKind::kLlmCall), "output_tokens", Target::kLlmOutputTokens, ValueType::kInt},
    {K(EventKind::kLlmCall), "cache_read_tokens", Target::kLlmCacheReadTokens, ValueType::kInt},
    {K(EventKind::kLlmCall), "cache_creation_tokens", Target::kLlmCacheCreationTokens,
     ValueType::kInt},
    {K(EventKind::kLlmCall), "reasoning_tokens", Target::kLlmReasoningTokens, ValueType::kInt},
    {K(EventKind::kLlmCall), "total_tokens", Target::kLlmTotalTokens, ValueType::kInt},
    {K(EventKind::kLlmCall), "cost_usd", Target::kLlmCost, ValueType::kDouble},
    {K(EventKind::kLlmCall), "count", Target::kLlmCount, ValueType::kInt},
    {K(EventKind::kFallback), "from_provider", Target::kFallbackFrom, ValueType::kString},
    {K(EventKind::kFallback), "to_provider", Target::kFallbackTo, ValueType::kString},
    {K(EventKind::kFallback), "reason", Target::kFallbackReason, ValueType::kString},
    {K(EventKind::kCacheLookup), "cache", Target::kCacheName, ValueType::kString},
    {K(EventKind::kCacheLookup), "hit", Target::kCacheHit, ValueType::kBool},
    {K(EventKind::kPolicyCheck), "policy", Target::kPolicyName, ValueType::kString},
    {K(EventKind::kPolicyCheck), "allowed", Target::kPolicyAllowed, ValueType::kBool},
    {K(EventKind::kPolicyCheck), "reason", Target::kPolicyReason, ValueType::kString},
    {K(EventKind::kComplianceResult), "standard", Target::kComplianceStandard, ValueType::kString},
    {K(EventKind::kComplianceResult), "score", Target::kComplianceScore, ValueType::kDouble},
    {K(EventKind::kComplianceResult), "passing", Target::kCompliancePassing, ValueType::kBool},
    {K(EventKind::kComplianceResult), "critical", Target::kComplianceCritical, ValueType::kInt},
    {K(EventKind::kComplianceResult), "high", Target::kComplianceHigh, ValueType::kInt},
    {K(EventKind::kComplianceResult), "medium", Target::kComplianceMedium, ValueType::kInt},
    {K(EventKind::kComplianceResult), "low", Target::kComplianceLow, ValueType::kInt},
    {K(EventKind::kWorkflowRun), "outcome", Target::kRunOutcome, ValueType::kOutcome},
    {K(EventKind::kWorkflowRun), "duration_seconds", Target::kRunDuration, ValueType::kDouble},
    {K(EventKind::kWorkflowRun), "cost_usd", Target::kRunCost, ValueType::kDouble},
    {K(EventKind::kWorkflowStep), "step_name", Target::kStepName, ValueType::kString},
    {K(EventKind::kWorkflowStep), "step_type", Target::kStepType, ValueType::kString},
    {K(EventKind::kWorkflowStep), "outcome", Target::kStepOutcome, ValueType::kOutcome},
    {K(EventKind::kWorkflowStep), "duration_seconds", Target::kStepDuration, ValueType::kDouble},
    {K(EventKind::kWorkflowStep), "cost_usd", Target::kStepCost, ValueType::kDouble},
    {K(EventKind::kHttpRequest), "route", Target::kHttpRoute, ValueType::kString},
    {K(EventKind::kHttpRequest), "method", Target::kHttpMethod, ValueType::kString},
    {K(EventKind::kHttpRequest), "status", Target::kHttpStatus, ValueType::kInt},
    {K(EventKind::kHttpRequest), "duration_seconds", Target::kHttpDuration, ValueType::kDouble},
    {K(EventKind::kLogRecord), "level", Target::kLogLevel, ValueType::kSeverity},
    {K(EventKind::kLogRecord), "error_code", Target::kLogErrorCode, ValueType::kString},
    {K(EventKind::kCommand), "command", Target::kCommandName, ValueType::kString},
    {K(EventKind::kCommand), "success", Target::kCommandSuccess, ValueType::kBool},
    {K(EventKind::kCommand), "error_code", Target::kCommandErrorCode, ValueType::kString},
};

const TargetInfo* find_target(int kind, std::string_view name) {
  for (const auto& t : kTargets) {
    if ((t.kind == kind || t.kind == kCommon) && name == t.name) return &t;
  }
  return nullptr;
}

bool parse_kind(std::string_view name, EventKind& kind) {
  for (int i = 0; i < kEventKindCount; ++i) {
    if (name == EventKindName(static_cast<EventKind>(i))) {
      kind = static_cast<EventKind>(i);
      return true;
    }
  }
  return false;
}

// Compiles one profile; holds what error messages need.
class Compiler {
 public:
  Compiler(std::string_view origin, CompiledProfile& out) : origin_(origin), out_(out) {}
  void set_origin(std::string_view origin) { origin_ = origin; }

  [[noreturn]] void fail(const YAML::Node& at, std::string_view key, const std::string& what) {
    std::ostringstream m;
    m << origin_;
    if (at.IsDefined() && at.Mark().line >= 0) {
      m << ':' << at.Mark().line + 1 << ':' << at.Mark().column + 1;
    }
    m << ": profile \"" << out_.name << '"';
    if (!rule_.empty()) m << ", rule \"" << rule_ << '"';
    if (!key.empty()) m << ", key \"" << key << '"';
    m << ": " << what;
    throw ProfileError(m.str());
  }

  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed) {
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(kv.first, key, "unknown key");
      }
    }
  }

  std::string scalar(const YAML::Node& node, std::string_view key) {
    if (!node.IsScalar()) fail(node, key, "expected a scalar");
    return node.as<std::string>();
  }

  bool boolean(const YAML::Node& node, std::string_view key) {
    const std::string s = scalar(node, key);
    if (s == "true") return true;
    if (s == "false") return false;
    fail(node, key, "expected true or false, got \"" + s + "\"");
  }

  // The header keys of a profile (name, input, ...). Called for the base of an `extends` first.
  void header(const YAML::Node& p) {
    check_keys(p, {"name", "description", "tool", "input", "split_arrays", "roots", "extends",
                   "extract", "common", "rules"});
    if (p["tool"]) {
      const std::string name = scalar(p["tool"], "tool");
      const std::optional<Tool> tool = tool_from_name(name);
      if (!tool) {
        fail(p["tool"], "tool",
             "expected specular, spec-agents, spek, specweaver, service or none, got \"" + name +
                 "\"");
      }
      out_.tool = *tool;
    }
    if (p["input"]) {
      const std::string in = scalar(p["input"], "input");
      if (in != "json" && in != "text") fail(p["input"], "input", "expected json or text");
      out_.text = in == "text";
      if (out_.text && out_.capture_names.empty()) out_.capture_names.push_back("line");
    }
    if (p["split_arrays"]) out_.split_arrays = boolean(p["split_arrays"], "split_arrays");
    if (p["roots"]) {
      if (!p["roots"].IsSequence()) fail(p["roots"], "roots", "expected a list of paths");
      roots_.clear();
      for (const auto& r : p["roots"]) root(split_path(r, scalar(r, "roots"), "roots"));
    }
  }

  // Adds a root to the current list. Each distinct root path keeps one number for the whole
  // profile (an extending profile may list other roots than its base), so that the alternatives
  // it prefixes share one index of the object it leads to (PathAlternative::root).
  void root(std::vector<PathSegment> segments) {
    auto known = std::find(all_roots_.begin(), all_roots_.end(), segments);
    if (known == all_roots_.end()) known = all_roots_.insert(all_roots_.end(), segments);
    roots_.push_back({std::move(segments), static_cast<int>(known - all_roots_.begin())});
    out_.root_count = all_roots_.size();
  }

  void body(const YAML::Node& p) {
    if (const auto ex = p["extract"]) {
      if (!out_.text) fail(ex, "extract", "only text profiles extract");
      if (!ex.IsSequence()) fail(ex, "extract", "expected a list of regexes");
      for (const auto& e : ex) {
        if (e.IsScalar()) {
          out_.extract.push_back(regex(e, scalar(e, "extract"), false, "extract"));
        } else if (e.IsMap()) {
          check_keys(e, {"regex", "icase"});
          const bool icase = e["icase"] && boolean(e["icase"], "icase");
          if (!e["regex"]) fail(e, "extract", "missing key \"regex\"");
          out_.extract.push_back(regex(e["regex"], scalar(e["regex"], "regex"), icase, "regex"));
        } else {
          fail(e, "extract", "expected a regex");
        }
      }
    }
    if (const auto common = p["common"]) {
      if (!common.IsMap()) fail(common, "common", "expected a mapping of field: value");
      for (const auto& kv : common) {
        const std::string key = kv.first.as<std::string>();
        const TargetInfo* t = find_target(kCommon, key);
        if (t == nullptr || t->kind != kCommon) {
          fail(kv.first, key,
               "not a common field (service, timestamp, trace_id, span_id, "
               "workflow_id)");
        }
        // A later (extending) profile's common assignment replaces the base's.
        std::erase_if(out_.common, [&](const Assignment& a) { return a.target == t->target; });
        out_.common.push_back(assignment(*t, kv.second, key));
      }
    }
    if (const auto rules = p["rules"]) {
      if (!rules.IsSequence()) fail(rules, "rules", "expected a list of rules");
      for (const auto& r : rules) out_.rules.push_back(rule(r));
    }
  }

 private:
  Rule rule(const YAML::Node& r) {
    if (!r.IsMap()) fail(r, "rules", "expected a rule mapping");
    Rule rule;
    rule_ = r["name"] ? scalar(r["name"], "name") : "#" + std::to_string(out_.rules.size() + 1);
    rule.name = rule_;
    check_keys(r, {"name", "when", "for_each", "emit", "set", "final"});
    if (!r["emit"]) fail(r, "emit", "missing");
    const std::string emit = scalar(r["emit"], "emit");
    if (!parse_kind(emit, rule.kind))
      fail(r["emit"], "emit", "unknown event kind \"" + emit + "\"");
    if (r["final"]) rule.final = boolean(r["final"], "final");
    if (const auto w = r["when"]) {
      if (!w.IsSequence()) fail(w, "when", "expected a list of conditions");
      for (const auto& c : w) rule.when.push_back(condition(c));
      std::stable_sort(rule.when.begin(), rule.when.end(), [](const auto& a, const auto& b) {
        return (a.op == Condition::Op::kRegex) < (b.op == Condition::Op::kRegex);
      });
    }
    if (r["for_each"]) {
      rule.for_each = field_ref(r["for_each"], "for_each");
      in_for_each_ = true;
    }
    if (const auto set = r["set"]) {
      if (!set.IsMap()) fail(set, "set", "expected a mapping of field: value");
      for (const auto& kv : set) {
        const std::string key = kv.first.as<std::string>();
        const TargetInfo* t = find_target(K(rule.kind), key);
        if (t == nullptr) {
          fail(kv.first, key, std::string("no such field in ") + EventKindName(rule.kind));
        }
        rule.set.push_back(assignment(*t, kv.second, key));
      }
    }
    in_for_each_ = false;
    rule_.clear();
    return rule;
  }

  Condition condition(const YAML::Node& c) {
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

  CompiledRegex regex(const YAML::Node& at, const std::string& pattern, bool icase,
                      std::string_view key) {
    CompiledRegex r;
    std::vector<std::string> names;
    std::string plain;
    try {
      plain = strip_named_groups(pattern, names);
      auto flags = std::regex::ECMAScript | std::regex::optimize;
      if (icase) flags |= std::regex::icase;
      r.re = std::regex(plain, flags);
    } catch (const std::exception& e) {
      fail(at, key, "invalid regex: " + std::string(e.what()));
    }
    for (const auto& n : names) r.group_slots.push_back(n.empty() ? -1 : slot(at, n, key));
    if (!icase) r.literal = required_literal(plain);
    return r;
  }

  int slot(const YAML::Node& at, const std::string& name, std::string_view key) {
    for (std::size_t i = 0; i < out_.capture_names.size(); ++i) {
      if (out_.capture_names[i] == name) return static_cast<int>(i);
    }
    if (out_.capture_names.size() >= static_cast<std::size_t>(kMaxCaptures)) {
      fail(at, key, "more than 32 distinct capture names");
    }
    out_.capture_names.push_back(name);
    return static_cast<int>(out_.capture_names.size() - 1);
  }

  std::vector<PathSegment> split_path(const YAML::Node& at, std::string_view path,
                                      std::string_view key) {
    std::vector<PathSegment> segs;
    std::size_t pos = 0;
    while (pos <= path.size()) {
      std::size_t dot = path.find('.', pos);
      if (dot == std::string_view::npos) dot = path.size();
      std::string_view part = path.substr(pos, dot - pos);
      const std::size_t bracket = part.find('[');
      const std::string_view name = part.substr(0, bracket);
      if (name.empty()) fail(at, key, "empty segment in path \"" + std::string(path) + "\"");
      segs.push_back({std::string(name), -1});
      std::size_t b = bracket;
      while (b != std::string_view::npos) {
        const std::size_t close = part.find(']', b);
        int index = 0;
        if (close == std::string_view::npos || close == b + 1) {
          fail(at, key, "bad array index in path \"" + std::string(path) + "\"");
        }
        for (std::size_t i = b + 1; i < close; ++i) {
          if (part[i] < '0' || part[i] > '9') {
            fail(at, key, "bad array index in path \"" + std::string(path) + "\"");
          }
          index = index * 10 + (part[i] - '0');
        }
        segs.push_back({"", index});
        b = close + 1 < part.size() ? close + 1 : std::string_view::npos;
        if (b != std::string_view::npos && part[b] != '[') {
          fail(at, key, "bad array index in path \"" + std::string(path) + "\"");
        }
      }
      pos = dot + 1;
    }
    return segs;
  }

  PathAlternative alternative(PathAlternative::Base base, std::vector<PathSegment> segs) {
    PathAlternative alt;
    alt.base = base;
    alt.segments = std::move(segs);
    alt.joins.resize(alt.segments.size());
    for (std::size_t i = 0; i < alt.segments.size(); ++i) {
      if (alt.segments[i].index >= 0) continue;
      std::string joined = alt.segments[i].key;
      for (std::size_t j = i + 1; j < alt.segments.size() && alt.segments[j].index < 0; ++j) {
        joined += '.';
        joined += alt.segments[j].key;
        alt.joins[i].push_back(joined);
      }
    }
    return alt;
  }

  void add_alternative(FieldRef& ref, const YAML::Node& at, std::string_view text,
                       std::string_view key) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (text.empty()) fail(at, key, "empty field name");
    PathAlternative alt;
    if (text.front() == '$' || out_.text) {
      if (text.front() == '$') text.remove_prefix(1);
      const std::string name(text);
      const auto it = std::find(out_.capture_names.begin(), out_.capture_names.end(), name);
      if (it == out_.capture_names.end()) fail(at, key, "unknown capture \"" + name + "\"");
      alt.base = PathAlternative::Base::kCapture;
      alt.capture = static_cast<int>(it - out_.capture_names.begin());
      ref.alternatives.push_back(std::move(alt));
      return;
    }
    if (text == "item" || text.starts_with("item.") || text.starts_with("item[")) {
      if (!in_for_each_) fail(at, key, "\"item\" is only known inside a for_each rule");
      text.remove_prefix(4);
      if (!text.empty() && text.front() == '.') text.remove_prefix(1);
      std::vector<PathSegment> segs;
      if (!text.empty()) {
        if (text.front() == '[') {
          fail(at, key, "index the item's fields, not the item");
        }
        segs = split_path(at, text, key);
      }
      ref.alternatives.push_back(alternative(PathAlternative::Base::kItem, std::move(segs)));
      return;
    }
    std::vector<PathSegment> segs = split_path(at, text, key);
    ref.alternatives.push_back(alternative(PathAlternative::Base::kRecord, segs));
    for (const auto& root : roots_) {
      std::vector<PathSegment> rooted = root.segments;
      rooted.insert(rooted.end(), segs.begin(), segs.end());
      PathAlternative alt = alternative(PathAlternative::Base::kRecord, std::move(rooted));
      alt.root = root.id;
      alt.rest = root.segments.size();
      ref.alternatives.push_back(std::move(alt));
    }
  }

  FieldRef field_ref(const YAML::Node& node, std::string_view key) {
    FieldRef ref;
    if (node.IsSequence()) {
      for (const auto& n : node) add_alternative(ref, n, scalar(n, key), key);
    } else {
      const std::string text = scalar(node, key);
      std::size_t pos = 0;
      while (true) {
        const std::size_t bar = text.find('|', pos);
        add_alternative(ref, node, std::string_view(text).substr(pos, bar - pos), key);
        if (bar == std::string::npos) break;
        pos = bar + 1;
      }
    }
    if (ref.empty()) fail(node, key, "no field given");
    return ref;
  }

  Convert convert(const YAML::Node& node, ValueType type) {
    const std::string c = scalar(node, "convert");
    const bool time = type == ValueType::kTime;
    if (!time && c == "ns_to_s") return Convert::kNsToS;
    if (!time && c == "us_to_s") return Convert::kUsToS;
    if (!time && c == "ms_to_s") return Convert::kMsToS;
    if (!time && c == "percent_to_ratio") return Convert::kPercentToRatio;
    if (time && c == "unix_s") return Convert::kUnixS;
    if (time && c == "unix_ms") return Convert::kUnixMs;
    if (time && c == "unix_us") return Convert::kUnixUs;
    if (time && c == "unix_ns") return Convert::kUnixNs;
    fail(node, "convert",
         "unknown conversion \"" + c + "\"" +
             (time ? " for a timestamp (unix_s, unix_ms, unix_us, unix_ns)"
                   : " (ns_to_s, us_to_s, ms_to_s, percent_to_ratio)"));
  }

  void pairs(const YAML::Node& node, std::string_view key,
             std::vector<std::pair<std::string, std::string>>& out, bool lower) {
    if (!node.IsMap()) fail(node, key, "expected a mapping");
    for (const auto& kv : node) {
      std::string from = scalar(kv.first, key);
      if (lower) std::transform(from.begin(), from.end(), from.begin(), ::tolower);
      out.emplace_back(std::move(from), scalar(kv.second, key));
    }
  }

  ValueSpec spec(const YAML::Node& node, const TargetInfo& target, const std::string& key,
                 bool& required) {
    ValueSpec s;
    if (node.IsScalar()) {
      s.has_constant = true;
      s.constant = node.as<std::string>();
      return s;
    }
    if (!node.IsMap()) fail(node, key, "expected a value, a mapping or a list of them");
    check_keys(node, {"field", "value", "when_exists", "between", "lowercase", "map",
                      "contains_map", "default", "convert", "required"});
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
    if (node["convert"]) s.convert = convert(node["convert"], target.type);
    if (node["required"]) required = boolean(node["required"], "required");
    return s;
  }

  Assignment assignment(const TargetInfo& t, const YAML::Node& value, const std::string& key) {
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

  std::string origin_;
  CompiledProfile& out_;
  std::string rule_;
  bool in_for_each_ = false;
  struct Root {
    std::vector<PathSegment> segments;
    int id;  // position in all_roots_
  };
  std::vector<Root> roots_;                          // the current `roots:` list
  std::vector<std::vector<PathSegment>> all_roots_;  // every root path seen, numbered
};

[[noreturn]] void fail_top(std::string_view origin, const YAML::Node& at, const std::string& what) {
  std::ostringstream m;
  m << origin;
  if (at.IsDefined() && at.Mark().line >= 0) {
    m << ':' << at.Mark().line + 1 << ':' << at.Mark().column + 1;
  }
  m << ": " << what;
  throw ProfileError(m.str());
}

}  // namespace

ProfileSet::ProfileSet() {
  for (const auto& b : builtin_profiles()) add_yaml(b.yaml, b.origin);
}

void ProfileSet::add_yaml(std::string_view yaml_text, std::string_view origin) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    std::ostringstream m;
    m << origin << ':' << e.mark.line + 1 << ':' << e.mark.column + 1 << ": " << e.msg;
    throw ProfileError(m.str());
  }
  if (!doc.IsMap() || !doc["profiles"]) {
    throw ProfileError(std::string(origin) + ": expected a mapping with a \"profiles\" key");
  }
  add(doc["profiles"], origin);
}

void ProfileSet::add(const YAML::Node& profiles, std::string_view origin) {
  if (!profiles.IsSequence()) fail_top(origin, profiles, "\"profiles\" must be a list");
  // Compile everything first so that an error leaves the set unchanged.
  std::map<std::string, Entry, std::less<>> staged;
  for (const auto& p : profiles) {
    if (!p.IsMap()) fail_top(origin, p, "a profile must be a mapping");
    if (!p["name"] || !p["name"].IsScalar()) fail_top(origin, p, "a profile needs a \"name\"");
    const std::string name = p["name"].as<std::string>();
    if (staged.count(name) != 0) {
      fail_top(origin, p["name"], "profile \"" + name + "\" defined twice");
    }
    auto compiled = std::make_unique<CompiledProfile>();
    compiled->name = name;
    Compiler compiler(origin, *compiled);
    std::vector<std::pair<YAML::Node, std::string>> chain;
    if (const auto ext = p["extends"]) {
      const std::string base_name = ext.IsScalar() ? ext.as<std::string>() : "";
      const Entry* base = nullptr;
      // A profile may extend the one it replaces (a built-in of the same name).
      if (auto it = staged.find(base_name); it != staged.end() && base_name != name) {
        base = &it->second;
      } else if (auto it2 = profiles_.find(base_name); it2 != profiles_.end()) {
        base = &it2->second;
      }
      if (base == nullptr) compiler.fail(ext, "extends", "unknown profile \"" + base_name + "\"");
      chain = base->chain;
    }
    chain.emplace_back(p, std::string(origin));  // shares the parsed tree (marks kept)
    for (const auto& [node, node_origin] : chain) {
      compiler.set_origin(node_origin);
      compiler.header(node);
      compiler.body(node);
    }
    index_record_names(*compiled);
    staged[name] = Entry{std::move(chain), std::move(compiled)};
  }
  for (auto& [name, entry] : staged) profiles_[name] = std::move(entry);
}

void index_record_names(CompiledProfile& profile) {
  profile.record_names.clear();
  profile.memo_count = 0;
  profile.rest_memo_count = 0;
  std::map<std::string, std::uint16_t, std::less<>> ids;
  auto id_of = [&](const std::string& name) {
    auto [it, added] = ids.emplace(name, static_cast<std::uint16_t>(profile.record_names.size()));
    if (added) profile.record_names.push_back(name);
    return it->second;
  };
  // A rooted alternative's remaining path is looked up in the root's object with the same ids.
  auto index_rest = [&](PathAlternative& alt) {
    alt.rest_ids.clear();
    alt.rest_memo = 0;
    if (alt.root < 0 ||
        static_cast<std::size_t>(alt.root) >= std::min(kIndexedRoots, profile.root_count) ||
        alt.rest >= alt.segments.size() || alt.segments[alt.rest].index >= 0 ||
        profile.record_names.size() + 1 + alt.joins[alt.rest].size() >
            std::numeric_limits<std::uint16_t>::max() ||
        profile.rest_memo_count >= std::numeric_limits<std::uint32_t>::max()) {
      return;  // scanned
    }
    alt.rest_ids.push_back(id_of(alt.segments[alt.rest].key));
    for (const auto& join : alt.joins[alt.rest]) alt.rest_ids.push_back(id_of(join));
    alt.rest_memo = static_cast<std::uint32_t>(profile.rest_memo_count++);
  };
  auto visit = [&](FieldRef& ref) {
    for (auto& alt : ref.alternatives) {
      alt.record_ids.clear();
      if (alt.base != PathAlternative::Base::kRecord || alt.segments.empty() ||
          alt.segments[0].index >= 0 ||
          profile.record_names.size() + 1 + alt.joins[0].size() >
              std::numeric_limits<std::uint16_t>::max()) {
        continue;  // read the slow way
      }
      alt.record_ids.push_back(id_of(alt.segments[0].key));
      for (const auto& join : alt.joins[0]) alt.record_ids.push_back(id_of(join));
    }
    for (auto& alt : ref.alternatives) index_rest(alt);
    const bool memoizable =
        !ref.alternatives.empty() && ref.alternatives.size() < 0xffff &&
        std::all_of(ref.alternatives.begin(), ref.alternatives.end(),
                    [](const PathAlternative& alt) { return !alt.record_ids.empty(); });
    ref.memo = memoizable ? static_cast<int>(profile.memo_count) : -1;
    if (memoizable) profile.memo_count += ref.alternatives.size();
  };
  auto visit_assignment = [&](Assignment& a) {
    for (auto& spec : a.specs) {
      spec.plain = !spec.has_constant && spec.when_exists.empty() && spec.between_start.empty() &&
                   spec.between_end.empty() && !spec.lowercase && spec.map.empty() &&
                   spec.contains_map.empty() && !spec.has_default &&
                   (spec.convert == Convert::kNone || spec.convert == Convert::kUnixS ||
                    spec.convert == Convert::kUnixMs || spec.convert == Convert::kUnixUs ||
                    spec.convert == Convert::kUnixNs);
      visit(spec.field);
      visit(spec.when_exists);
      visit(spec.between_start);
      visit(spec.between_end);
    }
  };
  for (auto& a : profile.common) visit_assignment(a);
  for (auto& rule : profile.rules) {
    for (auto& c : rule.when) visit(c.field);
    visit(rule.for_each);
    for (auto& a : rule.set) visit_assignment(a);
  }
  // At most 1/4 full: a member name that is no path's (most of a record's) usually meets an
  // empty slot at once.
  std::size_t size = 16;
  int shift = 60;
  while (size < 4 * profile.record_names.size()) {
    size *= 2;
    --shift;
  }
  profile.record_name_keys.clear();
  for (const auto& name : profile.record_names) {
    profile.record_name_keys.push_back(member_name_key(name));
  }
  profile.record_name_table.assign(size, 0);
  profile.record_name_shift = shift;
  profile.layout_id = std::make_shared<const char>('\0');
  for (std::size_t id = 0; id < profile.record_names.size(); ++id) {
    std::size_t i = member_name_hash(profile.record_names[id]) >> shift;
    while (profile.record_name_table[i] != 0) i = (i + 1) & (size - 1);
    profile.record_name_table[i] = static_cast<std::uint16_t>(id + 1);
  }
}

const CompiledProfile* ProfileSet::find(std::string_view name) const {
  const auto it = profiles_.find(name);
  return it == profiles_.end() ? nullptr : it->second.compiled.get();
}

std::vector<std::string> ProfileSet::names() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : profiles_) out.push_back(name);
  return out;
}

}  // namespace specwatch
