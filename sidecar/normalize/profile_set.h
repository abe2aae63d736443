// Normalization profiles: declarative YAML mappings from one tool's records onto CanonicalEvents.
// The built-in profiles (sidecar/normalize/profiles/*.yaml) are compiled into the binary; users
// add or replace profiles with a `profiles:` list in the configuration file. The language is
// described in docs/PROFILES.md.
#pragma once

#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sidecar/core/event.h"
#include "sidecar/core/record.h"
#include "sidecar/framing/json_ref.h"
#include "sidecar/normalize/compiled_profile.h"
#include "sidecar/normalize/event_buffer.h"

namespace specwatch {

// A profile that cannot be compiled. The message names origin, YAML line:column, profile, rule
// and key: `user.yaml:7:9: profile "p", rule "r", key "emit": unknown event kind "llm"`.
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ProfileSet {
 public:
  // The built-in profiles only. Each is compiled once per process, when a set first finds it, and
  // shared (read-only) by every set: a start makes several sets (the configuration's checks, the
  // runtime), and compiling every built-in for each cost about 80 million instructions. A
  // built-in nobody uses is never compiled: an idle sidecar with one profile-less source kept
  // about 1 MB of compiled profiles it never ran.
  // Throws ProfileError if a built-in's names or `extends` are broken (a build defect); find()
  // throws it for a built-in that does not compile (tests compile every one).
  ProfileSet();

  // Adds the profiles of `profiles` (a YAML sequence of profile mappings, i.e. the value of the
  // configuration's `profiles:` key). A profile named like an existing one replaces it; one with
  // `extends: <name>` starts from that profile's rules and common assignments. `origin` names the
  // file in messages. Throws ProfileError; on error the set is unchanged.
  void add(const YAML::Node& profiles, std::string_view origin);
  // Same, from YAML text holding a mapping with a `profiles:` key.
  void add_yaml(std::string_view yaml_text, std::string_view origin);

  // nullptr when no such profile. Pointers stay valid until the profile is replaced. Compiles a
  // built-in on its first use in the process (thread-safe).
  const CompiledProfile* find(std::string_view name) const;
  // Whether a profile of that name exists, without compiling it.
  bool contains(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  struct Entry {
    // The profile's YAML and those it extends, base first, each with its origin: kept so that
    // a later profile may extend this one.
    std::vector<std::pair<YAML::Node, std::string>> chain;
    // A built-in keeps its chain as text instead (the embedded YAML of each profile in it, base
    // first, with the profile's name): parsed trees of every built-in took about 1 MB for the
    // sidecar's lifetime, and are only needed when a configuration extends a built-in.
    struct Source {
      std::string_view origin;
      std::string_view yaml;
      std::string name;
    };
    std::vector<Source> sources;
    std::shared_ptr<const CompiledProfile> compiled;  // shared with the sets copied from this
    // A built-in's compiled profile, made on first use and shared by every set of the process.
    struct Lazy {
      std::once_flag once;
      std::shared_ptr<const CompiledProfile> compiled;
    };
    std::shared_ptr<Lazy> lazy;  // set for a built-in, whose `compiled` stays empty
  };
  // Compiles the profile `name` from its chain (base first).
  static std::unique_ptr<CompiledProfile> compile(
      const std::string& name, const std::vector<std::pair<YAML::Node, std::string>>& chain);
  // The chain of `entry`, parsed again from its sources for a built-in.
  static std::vector<std::pair<YAML::Node, std::string>> chain_of(const Entry& entry);
  struct Empty {};
  explicit ProfileSet(Empty) {}

  std::map<std::string, Entry, std::less<>> profiles_;
};

// Reasons reported by normalize (the caller counts them; none is fatal).
inline constexpr std::string_view kInvalidField = "invalid_field";  // wrong type or bad value
inline constexpr std::string_view kMissingField = "missing_field";  // a required field absent
inline constexpr std::string_view kWrongInput = "wrong_input";  // JSON given to a text profile…

// normalize() only reads the CompiledProfile: any number of threads may normalize with the same
// profile at once (ProfileSet itself must not be changed meanwhile).
//
// Appends the events `record` maps to. `service` is the source's service; a profile may take it
// from the record instead. Returns an empty view on success, else the reason of the first event
// that had to be dropped (other events of the record are still appended).
std::string_view normalize(const CompiledProfile& profile, const rapidjson::Value& record,
                           std::string_view service, std::vector<CanonicalEvent>& out);
// The same for one text line (without its terminator).
std::string_view normalize(const CompiledProfile& profile, std::string_view line,
                           std::string_view service, std::vector<CanonicalEvent>& out);
// The same, appending to an EventBuffer: the events are identical, but a buffer reused record
// after record (clear() between them) reuses the events' storage and normalize's scratch, so the
// hot path allocates nothing once warm. Use this on the pipeline's worker thread.
std::string_view normalize(const CompiledProfile& profile, const rapidjson::Value& record,
                           std::string_view service, EventBuffer& out);
// The same for a record read through JsonRef (a RapidJSON value or a view of simdjson's
// document): the pipeline's way. `layout`: the record's Record::value_layout, which its producer
// vouches for (the names of a RapidJSON record of a known layout are not compared again).
std::string_view normalize(const CompiledProfile& profile, JsonRef record, std::string_view service,
                           EventBuffer& out, ValueLayout layout = ValueLayout::kUnknown);
std::string_view normalize(const CompiledProfile& profile, std::string_view line,
                           std::string_view service, EventBuffer& out);

}  // namespace specwatch
