// The set of compiled profiles: the built-ins, then the configuration's (which may replace or
// extend them). Each profile is compiled by ProfileCompiler (profile_compiler.h).
#include "sidecar/normalize/profile_set.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "sidecar/normalize/builtin_profiles.h"
#include "sidecar/normalize/profile_compiler.h"
#include "sidecar/normalize/text_util.h"

namespace specwatch {
namespace {

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
  // Compiled by the first set made. Immutable once built (C++ makes the initialization
  // thread-safe): a constant computed late, not shared mutable state. Sets copy its entries, which
  // share the compiled profiles.
  static const std::map<std::string, Entry, std::less<>> builtins = [] {
    ProfileSet set(Empty{});
    const auto& embedded = builtin_profiles();
    for (const auto& b : embedded) set.add_yaml(b.yaml, b.origin);
    for (auto& [name, entry] : set.profiles_) {
      for (const auto& [node, origin] : entry.chain) {
        const auto text = std::find_if(embedded.begin(), embedded.end(),
                                       [&](const BuiltinProfile& b) { return b.origin == origin; });
        entry.sources.push_back({text->origin, text->yaml, node["name"].as<std::string>()});
      }
      entry.chain.clear();
    }
    return std::move(set.profiles_);
  }();
  profiles_ = builtins;
}

std::vector<std::pair<YAML::Node, std::string>> ProfileSet::chain_of(const Entry& entry) {
  if (entry.sources.empty()) return entry.chain;
  std::vector<std::pair<YAML::Node, std::string>> chain;
  for (const Entry::Source& source : entry.sources) {
    // The same text, so the same marks in messages; only the profile of that name is taken.
    const YAML::Node doc = YAML::Load(std::string(source.yaml));
    for (const YAML::Node& profile : doc["profiles"]) {
      if (profile["name"].as<std::string>() == source.name) {
        chain.emplace_back(profile, std::string(source.origin));
        break;
      }
    }
  }
  return chain;
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
    ProfileCompiler compiler(origin, *compiled);
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
      chain = chain_of(*base);
    }
    chain.emplace_back(p, std::string(origin));  // shares the parsed tree (marks kept)
    for (const auto& [node, node_origin] : chain) {
      compiler.set_origin(node_origin);
      compiler.header(node);
      compiler.body(node);
    }
    index_record_names(*compiled);
    staged[name] = Entry{std::move(chain), {}, std::move(compiled)};
  }
  for (auto& [name, entry] : staged) profiles_[name] = std::move(entry);
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
