// The set of compiled profiles: the built-ins, then the configuration's (which may replace or
// extend them). Each profile is compiled by ProfileCompiler (profile_compiler.h).
#include "sidecar/normalize/profile_set.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
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
  // The built-ins' names and chains, from the index made at build time (nothing parsed or
  // compiled yet). Immutable once built (C++ makes the initialization thread-safe), apart from
  // each entry's compile-once memo: a constant computed late, not shared mutable state. Sets copy
  // the entries, which share the memos.
  static const std::map<std::string, Entry, std::less<>> builtins = [] {
    std::map<std::string, Entry, std::less<>> entries;
    for (const BuiltinProfile& b : builtin_profiles()) {
      const std::string name(b.name);
      if (entries.count(name) != 0) {
        throw ProfileError(std::string(b.origin) + ": profile \"" + name + "\" defined twice");
      }
      Entry entry;
      if (!b.extends.empty()) {
        // A base comes before the profiles that extend it (the files are embedded in name
        // order, and every built-in base sorts before its extensions).
        const auto it = entries.find(b.extends);
        if (it == entries.end() || b.extends == b.name) {
          throw ProfileError(std::string(b.origin) + ": profile \"" + name +
                             "\", key \"extends\": unknown profile \"" + std::string(b.extends) +
                             "\"");
        }
        entry.sources = it->second.sources;
      }
      entry.sources.push_back({b.origin, b.yaml, name});
      entry.lazy = std::make_shared<Entry::Lazy>();
      entries[name] = std::move(entry);
    }
    return entries;
  }();
  profiles_ = builtins;
}

std::unique_ptr<CompiledProfile> ProfileSet::compile(
    const std::string& name, const std::vector<std::pair<YAML::Node, std::string>>& chain) {
  auto compiled = std::make_unique<CompiledProfile>();
  compiled->name = name;
  ProfileCompiler compiler(chain.front().second, *compiled);
  for (const auto& [node, node_origin] : chain) {
    compiler.set_origin(node_origin);
    compiler.header(node);
    compiler.body(node);
  }
  index_record_names(*compiled);
  return compiled;
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
      if (base == nullptr) {
        CompiledProfile unused;
        unused.name = name;
        ProfileCompiler(origin, unused)
            .fail(ext, "extends", "unknown profile \"" + base_name + "\"");
      }
      chain = chain_of(*base);
    }
    chain.emplace_back(p, std::string(origin));  // shares the parsed tree (marks kept)
    std::shared_ptr<const CompiledProfile> compiled = compile(name, chain);
    staged[name] = Entry{std::move(chain), {}, std::move(compiled), nullptr};
  }
  for (auto& [name, entry] : staged) profiles_[name] = std::move(entry);
}

const CompiledProfile* ProfileSet::find(std::string_view name) const {
  const auto it = profiles_.find(name);
  if (it == profiles_.end()) return nullptr;
  const Entry& entry = it->second;
  if (!entry.lazy) return entry.compiled.get();
  // A built-in: compiled by the first caller in the process; a throw leaves it for the next.
  std::call_once(entry.lazy->once,
                 [&] { entry.lazy->compiled = compile(it->first, chain_of(entry)); });
  return entry.lazy->compiled.get();
}

bool ProfileSet::contains(std::string_view name) const {
  return profiles_.find(name) != profiles_.end();
}

std::vector<std::string> ProfileSet::names() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : profiles_) out.push_back(name);
  return out;
}

}  // namespace specwatch
