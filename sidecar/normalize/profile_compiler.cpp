// The profile compiler's frame: error messages, scalar readers, the header keys of a profile,
// its extract / common / rules sections and each rule.
#include "sidecar/normalize/profile_compiler.h"

#include <algorithm>
#include <optional>
#include <sstream>

#include "sidecar/normalize/event_targets.h"
#include "sidecar/normalize/profile_set.h"

namespace specwatch {
namespace {

const TargetInfo* find_target(int kind, std::string_view name) {
  for (const auto& t : kTargets) {
    if ((t.kind == kind || t.kind == kCommonTarget) && name == t.name) return &t;
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

}  // namespace

[[noreturn]] void ProfileCompiler::fail(const YAML::Node& at, std::string_view key,
                                        const std::string& what) {
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

void ProfileCompiler::check_keys(const YAML::Node& map,
                                 std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail(kv.first, key, "unknown key");
    }
  }
}

std::string ProfileCompiler::scalar(const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) fail(node, key, "expected a scalar");
  return node.as<std::string>();
}

bool ProfileCompiler::boolean(const YAML::Node& node, std::string_view key) {
  const std::string s = scalar(node, key);
  if (s == "true") return true;
  if (s == "false") return false;
  fail(node, key, "expected true or false, got \"" + s + "\"");
}

// The header keys of a profile (name, input, ...). Called for the base of an `extends` first.
void ProfileCompiler::header(const YAML::Node& p) {
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
void ProfileCompiler::root(std::vector<PathSegment> segments) {
  auto known = std::find(all_roots_.begin(), all_roots_.end(), segments);
  if (known == all_roots_.end()) known = all_roots_.insert(all_roots_.end(), segments);
  roots_.push_back({std::move(segments), static_cast<int>(known - all_roots_.begin())});
  out_.root_count = all_roots_.size();
}

void ProfileCompiler::body(const YAML::Node& p) {
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
      const TargetInfo* t = find_target(kCommonTarget, key);
      if (t == nullptr || t->kind != kCommonTarget) {
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

Rule ProfileCompiler::rule(const YAML::Node& r) {
  if (!r.IsMap()) fail(r, "rules", "expected a rule mapping");
  Rule rule;
  rule_ = r["name"] ? scalar(r["name"], "name") : "#" + std::to_string(out_.rules.size() + 1);
  rule.name = rule_;
  check_keys(r, {"name", "when", "for_each", "emit", "set", "on_error", "final"});
  if (!r["emit"]) fail(r, "emit", "missing");
  const std::string emit = scalar(r["emit"], "emit");
  if (!parse_kind(emit, rule.kind)) fail(r["emit"], "emit", "unknown event kind \"" + emit + "\"");
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
  auto assignments = [&](const YAML::Node& node, std::string_view name,
                         std::vector<Assignment>& out) {
    if (!node.IsMap()) fail(node, name, "expected a mapping of field: value");
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const TargetInfo* t = find_target(static_cast<int>(rule.kind), key);
      if (t == nullptr) {
        fail(kv.first, key, std::string("no such field in ") + EventKindName(rule.kind));
      }
      out.push_back(assignment(*t, kv.second, key));
    }
  };
  if (const auto set = r["set"]) assignments(set, "set", rule.set);
  if (const auto on_error = r["on_error"]) {
    if (rule.kind != EventKind::kLlmCall && rule.kind != EventKind::kWorkflowRun &&
        rule.kind != EventKind::kWorkflowStep) {
      fail(on_error, "on_error", "needs an event kind with an outcome");
    }
    assignments(on_error, "on_error", rule.on_error);
  }
  in_for_each_ = false;
  rule_.clear();
  return rule;
}

}  // namespace specwatch
