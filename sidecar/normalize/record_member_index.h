// Where a record's members (and those of its roots' objects) named like a profile's paths are:
// ObjectNames and RootNames, built once per record layout and reused while the layout repeats.
//
// Part of the normalizer's one translation unit (normalize.cpp includes it; nothing else may):
// the hot path stays one unit so that the compiler inlines across its parts, as it did when
// they were one file. Hence the unnamed namespace.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "sidecar/normalize/event_buffer.h"
#include "sidecar/normalize/normalize_scalar.h"

namespace specwatch {
namespace {

// Where the members of one object named like the profile's path names are
// (CompiledProfile::record_names), found in one pass over the members on the first lookup into
// the object. Why: a profile looks up a dozen or more paths per record (every alternative of
// every common field, condition and assignment) and each lookup used to scan all members,
// comparing names, to find the nested key and its flat dotted joins; now each is an array read.
// One ObjectNames indexes the record's top level, one per indexed root the object that root leads
// to (a span's `attributes`): the rest `p` of a rooted alternative `attributes.p` starts with a
// record path's first key or one of its joins, which record_names holds already.
class ObjectNames {
 public:
  static constexpr std::uint32_t kAbsent = 0xffffffff;

  // `index` is the caller's (EventBuffer::Scratch): it outlives this object, so that the next
  // record whose object has the same member names reuses its positions and memo.
  void bind(EventBuffer::ObjectIndex& index) { index_ = &index; }

  // Forgets the previous record. `object` is indexed on its first lookup; null: the first object
  // claim() is given. `memo_count`: the number of memo slots the profile numbered. `layout`: the
  // top-level shape the record's producer vouches for (Record::value_layout), for `object` only.
  void reset(const CompiledProfile* profile, JsonRef object, std::size_t memo_count,
             ValueLayout layout = ValueLayout::kUnknown) {
    profile_ = profile;
    object_ = object;
    memo_count_ = memo_count;
    value_layout_ = layout;
    built_ = false;
  }

  // Whether lookups into `v` may use position(); indexes the object on the first call.
  bool covers(JsonRef v) {
    if (!(v == object_) || !v) return false;
    return built_ ? usable_ : build();
  }

  // covers(), making `v` the indexed object if the record has none yet: the object a root leads
  // to is known only once a path reaches it. Another object reached at the same depth in the same
  // record (`{"a.b":{…},"a":{"b":{…}}}` for the root a.b) is scanned.
  bool claim(JsonRef v) {
    if (!object_) object_ = v;
    return covers(v);
  }

  // Position of the member named record_names[id], or kAbsent.
  std::uint32_t position(std::uint16_t id) const { return index_->positions[id]; }

  // The value of the member at `position` (a position() of this object, of kind kKind).
  template <JsonKind kKind>
  JsonRefOf<kKind> member(std::uint32_t position) const {
    const JsonRefOf<kKind> object = object_.as<kKind>();
    if constexpr (kKind == JsonKind::kTape) {
      return object.at_word(index_->member_words[position]);
    } else {
      return JsonRefOf<kKind>(JsonRef::of(object.rapid().MemberBegin()[position].value));
    }
  }

  // What each alternative of a memoized `ref` (FieldRef::memo) finds among the record's names,
  // remembered for as long as the positions are (same layout, same indexing). Only while
  // covers(record) holds.
  [[gnu::always_inline]] const AlternativeMemo* memo(const FieldRef& ref) {
    AlternativeMemo* m = index_->memo.data() + ref.memo;
    if (m->state == AlternativeMemo::State::kUnknown) find_memos(ref, m);
    return m;
  }

  // What a rooted memoized `ref` finds as a whole (RefMemo), for this layout. Only while
  // covers(record) holds.
  RefMemo& ref_memo(const FieldRef& ref) { return index_->ref_memo[ref.memo]; }
  // A second RefMemo of `ref`, for the other layout of the root's object (ObjectIndex keeps two):
  // the slot of its second alternative, which no RefMemo uses otherwise. Null for a reference of
  // one alternative.
  RefMemo* second_ref_memo(const FieldRef& ref) {
    return ref.alternatives.size() >= 2 ? &index_->ref_memo[ref.memo + 1] : nullptr;
  }

  // Which finding of positions the current layout's are (unique per object: a RefMemo made for
  // one of its two layouts never holds for the other).
  std::uint64_t generation() const { return index_->generation; }

  // What the rest of a rooted alternative (PathAlternative::rest_ids) finds among the names of
  // the object its root leads to, remembered likewise. Only while covers(that object) holds.
  [[gnu::always_inline]] const AlternativeMemo& rest_memo(const PathAlternative& alt) {
    AlternativeMemo& m = index_->memo[alt.rest_memo];
    if (m.state == AlternativeMemo::State::kUnknown) find_rest_memo(alt, m);
    return m;
  }

 private:
  // Out of line: once per object, while covers() runs on every lookup and is inlined into it
  // (a lookup is then a compare and an array read, without the register saves of a large body).
  [[gnu::noinline]] bool build() {
    built_ = true;
    usable_ = false;
    if (!object_.is_object() || profile_->record_names.empty()) return false;
    // A tape object's members are found by walking it: where each value is, noted by the walk
    // that compares or finds the names (same_layout, find_positions).
    if (object_.on_tape()) index_->member_words.resize(object_.member_count());
    return object_.on_tape() ? build_as<JsonKind::kTape>() : build_as<JsonKind::kRapid>();
  }

  template <JsonKind kKind>
  [[gnu::always_inline]] bool build_as() {
    EventBuffer::LayoutCache& layout = index_->layout;  // the current one's, whatever it holds
    if (same_layout<kKind>()) {
      usable_ = layout.usable;
      return usable_;
    }
    if (layout.enabled) {
      // The layout before (swapped in); else the older of the two is the one replaced.
      std::swap(static_cast<EventBuffer::LayoutIndex&>(*index_), index_->previous);
      if (same_layout<kKind>()) {
        usable_ = layout.usable;
        return usable_;
      }
    }
    // Invalid while the positions are rewritten, in case an allocation throws half-way.
    layout.layout_id.reset();
    find_positions<kKind>();
    if (layout.enabled) remember_layout();
    return usable_;
  }

  // Whether the positions were found for this profile's current indexing and an object with
  // exactly these member names in this order. Comparing keys is cheaper than the lookup it saves
  // (no hash, no probe, no writes), and a name of at most kMemberNameKeyBytes is all in its key.
  template <JsonKind kKind>
  [[gnu::always_inline]] bool same_layout() const {
    const EventBuffer::LayoutCache& layout = index_->layout;
    if (layout.layout_id == nullptr || layout.layout_id != profile_->layout_id) return false;
    if constexpr (kKind == JsonKind::kRapid) {
      // A shape its producer vouches for (an OTLP span's thirteen members) needs no compare: a
      // RapidJSON value's members are found by position, without the tape's member words.
      if (value_layout_ != ValueLayout::kUnknown && layout.value_layout == value_layout_) {
        return true;
      }
    }
    const JsonRefOf<kKind> object = object_.as<kKind>();
    const std::uint32_t count = object.member_count();
    if (count != layout.keys.size()) return false;
    if constexpr (kKind == JsonKind::kTape) {
      // Each name compared where simdjson stored it, length word included: two loads and masks
      // (stored_member_name.h), where a MemberNameKey cost a dispatch on the name's length.
      const std::uint64_t** words = index_->member_words.data();
      const StoredMemberName* stored = layout.stored_names.data();
      const char* rests = layout.stored_rests.data();
      std::size_t m = 0;
      return object.for_each_stored_member([&](const std::uint8_t* name, JsonRefOf<kKind> value) {
        if (!stored_name_matches(name, stored[m], rests)) return false;
        words[m++] = value.words();
        return true;
      });
    } else {
      std::size_t m = 0;
      std::size_t long_offset = 0;
      return object.for_each_member([&](std::string_view name, JsonRefOf<kKind>) {
        const MemberNameKey key = member_name_key(name);
        if (key != layout.keys[m]) return false;
        if (key.n > kMemberNameKeyBytes) {
          if (!same_long_name(layout.long_names.data() + long_offset, name.data(), key.n)) {
            return false;
          }
          long_offset += key.n;
        }
        ++m;
        return true;
      });
    }
  }

  void remember_layout() {
    EventBuffer::LayoutCache& layout = index_->layout;
    layout.keys.clear();
    layout.long_names.clear();
    layout.stored_names.clear();
    layout.stored_rests.clear();
    object_.for_each_member([&](std::string_view name, JsonRef) {
      const MemberNameKey key = member_name_key(name);
      layout.keys.push_back(key);
      if (key.n > kMemberNameKeyBytes) layout.long_names.append(name);
      layout.stored_names.push_back(stored_member_name(name, layout.stored_rests));
      return true;
    });
    pad_stored_rests(layout.stored_rests);
    layout.usable = usable_;
    layout.value_layout = value_layout_;
    layout.layout_id = profile_->layout_id;
  }

  // What `alt` finds among the object's members under the names `ids`: segment `first`'s key
  // (ids[0]) and its joins (ids[1 + k] for joins[first][k]).
  AlternativeMemo find_memo(const PathAlternative& alt, std::span<const std::uint16_t> ids,
                            std::size_t first) const {
    AlternativeMemo m;
    std::size_t present = 0;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      const std::uint32_t p = index_->positions[ids[k]];
      if (p == kAbsent) continue;
      // The key (k = 0) or join k - 1 (segments first..first + k joined): the path goes on at
      // segment first + k + 1, or ends with this member (next 0).
      const std::size_t next = first + k + 1;
      m.position = p;
      m.next = next == alt.segments.size()
                   ? 0
                   : static_cast<std::uint8_t>(std::min<std::size_t>(next, 0xff));
      ++present;
    }
    using State = AlternativeMemo::State;
    if (present == 0) {  // most alternatives: decided first
      m.state = State::kAbsent;
    } else if (present > 1 || alt.segments.size() >= 0xff) {
      m.state = State::kSeveral;
    } else {
      m.state = m.next == alt.rest ? State::kRootMember : State::kOneMember;
    }
    return m;
  }

  [[gnu::noinline]] void find_rest_memo(const PathAlternative& alt, AlternativeMemo& out) const {
    out = find_memo(alt, alt.rest_ids, alt.rest);
  }

  [[gnu::noinline]] void find_memos(const FieldRef& ref, AlternativeMemo* out) const {
    const std::size_t n = std::min<std::size_t>(ref.alternatives.size(), 0xffff);
    std::uint16_t following = static_cast<std::uint16_t>(ref.alternatives.size());
    for (std::size_t a = n; a-- > 0;) {
      const PathAlternative& alt = ref.alternatives[a];
      out[a] = find_memo(alt, alt.record_ids, 0);
      out[a].following = following;
      if (out[a].state != AlternativeMemo::State::kAbsent)
        following = static_cast<std::uint16_t>(a);
    }
  }

  template <JsonKind kKind>
  void find_positions() {
    index_->positions.assign(profile_->record_names.size(), kAbsent);
    index_->memo.assign(memo_count_, AlternativeMemo{});
    index_->ref_memo.assign(memo_count_, RefMemo{});
    index_->generation = ++index_->generations;
    std::uint32_t* positions = index_->positions.data();
    const auto& table = profile_->record_name_table;
    const std::size_t mask = table.size() - 1;
    const std::uint64_t** words = index_->member_words.data();
    std::uint32_t m = 0;
    const JsonRefOf<kKind> object = object_.as<kKind>();
    const bool complete =
        object.for_each_member([&](std::string_view name, JsonRefOf<kKind> value) {
          if constexpr (kKind == JsonKind::kTape) words[m] = value.words();
          const MemberNameKey key = member_name_key(name);
          for (std::size_t i = member_name_hash(key) >> profile_->record_name_shift;;
               i = (i + 1) & mask) {
            const std::uint16_t slot = table[i];
            if (slot == 0) break;
            if (profile_->record_name_keys[slot - 1] != key) continue;
            if (key.n > kMemberNameKeyBytes &&
                !same_long_name(profile_->record_names[slot - 1].data(), name.data(), key.n)) {
              continue;
            }
            // A name that occurs twice: the scanning path keeps the rule that the first member (in
            // member order) that resolves wins.
            if (positions[slot - 1] != kAbsent) return false;
            positions[slot - 1] = m;
            break;
          }
          ++m;
          return true;
        });
    usable_ = complete;
  }

  EventBuffer::ObjectIndex* index_ = nullptr;
  const CompiledProfile* profile_ = nullptr;
  JsonRef object_;
  std::size_t memo_count_ = 0;
  ValueLayout value_layout_ = ValueLayout::kUnknown;
  bool built_ = false;
  bool usable_ = false;
};

// The indexes of the objects a record's indexed roots lead to, one ObjectNames each
// (PathAlternative::root).
class RootNames {
 public:
  RootNames(const CompiledProfile& profile,
            std::array<EventBuffer::ObjectIndex, kIndexedRoots>& indexes)
      : profile_(profile), count_(std::min(profile.root_count, kIndexedRoots)) {
    for (std::size_t r = 0; r < count_; ++r) names_[r].bind(indexes[r]);
  }

  // Forgets the previous record's objects.
  void reset() {
    for (std::size_t r = 0; r < count_; ++r) {
      names_[r].reset(&profile_, JsonRef(), profile_.rest_memo_count);
    }
  }

  // The index of `v` when `alt` is a rooted alternative whose root is indexed and led to `v`
  // (the path goes on in `v` at segment alt.rest), else null.
  ObjectNames* covering(const PathAlternative& alt, JsonRef v) {
    if (alt.rest_ids.empty()) return nullptr;
    return covering_root(static_cast<std::size_t>(alt.root), v);
  }

  // The index of `v` when indexed root `root` led to it, else null.
  [[gnu::always_inline]] ObjectNames* covering_root(std::size_t root, JsonRef v) {
    ObjectNames& names = names_[root];
    return names.claim(v) ? &names : nullptr;
  }

 private:
  const CompiledProfile& profile_;
  std::size_t count_;
  std::array<ObjectNames, kIndexedRoots> names_;
};

}  // namespace
}  // namespace specwatch
