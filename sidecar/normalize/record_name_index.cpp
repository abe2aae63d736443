// index_record_names (compiled_profile.h): numbers every member name a profile's record paths
// look up at the top level of a record, and builds the hash table normalize() finds them with.
#include <map>
#include <memory>
#include <string>

#include "sidecar/normalize/compiled_profile.h"

namespace specwatch {

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
    ref.rooted =
        memoizable && std::any_of(ref.alternatives.begin(), ref.alternatives.end(),
                                  [](const PathAlternative& alt) { return !alt.rest_ids.empty(); });
    if (memoizable) profile.memo_count += ref.alternatives.size();
  };
  auto visit_assignment = [&](Assignment& a) {
    for (auto& spec : a.specs) {
      spec.plain = !spec.has_constant && spec.when_exists.empty() && spec.between_start.empty() &&
                   spec.between_end.empty() && !spec.lowercase && spec.map.empty() &&
                   spec.contains_map.empty() && !spec.has_default &&
                   (spec.convert == Convert::kNone || spec.convert == Convert::kModelFamily ||
                    spec.convert == Convert::kUnixS || spec.convert == Convert::kUnixMs ||
                    spec.convert == Convert::kUnixUs || spec.convert == Convert::kUnixNs ||
                    // scaled to seconds where the value is set (to_seconds), as evaluate() does
                    spec.convert == Convert::kNsToS || spec.convert == Convert::kUsToS ||
                    spec.convert == Convert::kMsToS);
      visit(spec.field);
      visit(spec.when_exists);
      visit(spec.between_start);
      visit(spec.between_end);
    }
    using Reading = Assignment::Reading;
    a.reading = Reading::kGeneral;
    if (!a.specs.empty() && a.specs[0].plain && a.specs[0].field.memo >= 0) {
      a.reading = a.specs[0].field.rooted ? Reading::kMemoizedRooted : Reading::kMemoized;
    }
  };
  for (auto& a : profile.common) visit_assignment(a);
  for (auto& rule : profile.rules) {
    for (auto& c : rule.when) visit(c.field);
    visit(rule.for_each);
    for (auto& a : rule.set) visit_assignment(a);
    for (auto& a : rule.on_error) visit_assignment(a);
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

}  // namespace specwatch
