// The hot path: applies a CompiledProfile to one record. No allocation beyond the events' own
// strings (and none at all into a warmed-up EventBuffer): captures are views into the line or the
// record, paths are pre-split.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <span>

#include "sidecar/normalize/profile_set.h"
#include "sidecar/normalize/text_util.h"

namespace specwatch {
namespace {

using JsonValue = rapidjson::Value;

// A value read from a record, a capture or a constant. Strings are views.
struct Scalar {
  enum class Type : std::uint8_t { kAbsent, kBool, kInt, kDouble, kString, kComposite };
  Type type = Type::kAbsent;
  bool b = false;
  std::int64_t i = 0;
  double d = 0;
  std::string_view s;

  bool absent() const { return type == Type::kAbsent; }
  static Scalar text(std::string_view v) {
    Scalar r;
    r.type = Type::kString;
    r.s = v;
    return r;
  }
  static Scalar number(double v) {
    Scalar r;
    r.type = Type::kDouble;
    r.d = v;
    return r;
  }
};

[[gnu::always_inline]] inline Scalar from_json(const JsonValue& v) {
  Scalar r;
  if (v.IsString()) {
    r.type = Scalar::Type::kString;
    r.s = std::string_view(v.GetString(), v.GetStringLength());
  } else if (v.IsBool()) {
    r.type = Scalar::Type::kBool;
    r.b = v.GetBool();
  } else if (v.IsInt64()) {
    r.type = Scalar::Type::kInt;
    r.i = v.GetInt64();
  } else if (v.IsNumber()) {
    r.type = Scalar::Type::kDouble;
    r.d = v.GetDouble();
  } else if (v.IsNull()) {
    r.type = Scalar::Type::kAbsent;  // null is "not reported"
  } else {
    r.type = Scalar::Type::kComposite;
  }
  return r;
}

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
  // claim() is given. `memo_count`: the number of memo slots the profile numbered.
  void reset(const CompiledProfile* profile, const JsonValue* object, std::size_t memo_count) {
    profile_ = profile;
    object_ = object;
    memo_count_ = memo_count;
    built_ = false;
  }

  // Whether lookups into `v` may use position(); indexes the object on the first call.
  bool covers(const JsonValue* v) {
    if (v != object_ || v == nullptr) return false;
    return built_ ? usable_ : build();
  }

  // covers(), making `v` the indexed object if the record has none yet: the object a root leads
  // to is known only once a path reaches it. Another object reached at the same depth in the same
  // record (`{"a.b":{…},"a":{"b":{…}}}` for the root a.b) is scanned.
  bool claim(const JsonValue* v) {
    if (object_ == nullptr) object_ = v;
    return covers(v);
  }

  // Position of the member named record_names[id], or kAbsent.
  std::uint32_t position(std::uint16_t id) const { return index_->positions[id]; }

  // What each alternative of a memoized `ref` (FieldRef::memo) finds among the record's names,
  // remembered for as long as the positions are (same layout, same indexing). Only while
  // covers(record) holds.
  [[gnu::always_inline]] const AlternativeMemo* memo(const FieldRef& ref) {
    AlternativeMemo* m = index_->memo.data() + ref.memo;
    if (m->state == AlternativeMemo::State::kUnknown) find_memos(ref, m);
    return m;
  }

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
    if (!object_->IsObject() || profile_->record_names.empty()) return false;
    EventBuffer::LayoutCache& layout = index_->layout;
    if (same_layout()) {
      usable_ = layout.usable;
      return usable_;
    }
    // Invalid while the positions are rewritten, in case an allocation throws half-way.
    layout.layout_id.reset();
    find_positions();
    if (layout.enabled) remember_layout();
    return usable_;
  }

  // Whether the positions were found for this profile's current indexing and an object with
  // exactly these member names in this order. Comparing keys is cheaper than the lookup it saves
  // (no hash, no probe, no writes), and a name of at most kMemberNameKeyBytes is all in its key.
  bool same_layout() const {
    const EventBuffer::LayoutCache& layout = index_->layout;
    if (layout.layout_id == nullptr || layout.layout_id != profile_->layout_id) return false;
    const rapidjson::SizeType count = object_->MemberCount();
    if (count != layout.keys.size()) return false;
    const auto members = object_->MemberBegin();
    std::size_t long_offset = 0;
    for (rapidjson::SizeType m = 0; m < count; ++m) {
      const std::string_view name(members[m].name.GetString(), members[m].name.GetStringLength());
      const MemberNameKey key = member_name_key(name);
      if (key != layout.keys[m]) return false;
      if (key.n > kMemberNameKeyBytes) {
        if (!same_long_name(layout.long_names.data() + long_offset, name.data(), key.n)) {
          return false;
        }
        long_offset += key.n;
      }
    }
    return true;
  }

  void remember_layout() {
    EventBuffer::LayoutCache& layout = index_->layout;
    const rapidjson::SizeType count = object_->MemberCount();
    const auto members = object_->MemberBegin();
    layout.keys.clear();
    layout.long_names.clear();
    for (rapidjson::SizeType m = 0; m < count; ++m) {
      const std::string_view name(members[m].name.GetString(), members[m].name.GetStringLength());
      const MemberNameKey key = member_name_key(name);
      layout.keys.push_back(key);
      if (key.n > kMemberNameKeyBytes) layout.long_names.append(name);
    }
    layout.usable = usable_;
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

  void find_positions() {
    index_->positions.assign(profile_->record_names.size(), kAbsent);
    index_->memo.assign(memo_count_, AlternativeMemo{});
    std::uint32_t* positions = index_->positions.data();
    const auto& table = profile_->record_name_table;
    const std::size_t mask = table.size() - 1;
    const auto members = object_->MemberBegin();
    const rapidjson::SizeType count = object_->MemberCount();
    for (rapidjson::SizeType m = 0; m < count; ++m) {
      const std::string_view name(members[m].name.GetString(), members[m].name.GetStringLength());
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
        if (positions[slot - 1] != kAbsent) return;
        positions[slot - 1] = m;
        break;
      }
    }
    usable_ = true;
  }

  EventBuffer::ObjectIndex* index_ = nullptr;
  const CompiledProfile* profile_ = nullptr;
  const JsonValue* object_ = nullptr;
  std::size_t memo_count_ = 0;
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
      names_[r].reset(&profile_, nullptr, profile_.rest_memo_count);
    }
  }

  // The index of `v` when `alt` is a rooted alternative whose root is indexed and led to `v`
  // (the path goes on in `v` at segment alt.rest), else null.
  ObjectNames* covering(const PathAlternative& alt, const JsonValue* v) {
    if (alt.rest_ids.empty()) return nullptr;
    ObjectNames& names = names_[static_cast<std::size_t>(alt.root)];
    return names.claim(v) ? &names : nullptr;
  }

 private:
  const CompiledProfile& profile_;
  std::size_t count_;
  std::array<ObjectNames, kIndexedRoots> names_;
};

const JsonValue* resolve_path(const JsonValue* v, const PathAlternative& alt, std::size_t i,
                              RootNames* roots);

// Segment i (a key) of `alt` in the object `v`, by scanning its members. One pass finds both the
// nested key ("gen_ai") and flat dotted keys that start with it ("gen_ai.usage.input_tokens"):
// the joins of this segment. The first member in member order that resolves wins. Inlined into
// resolve_path, its main caller, as it was before it had another.
[[gnu::always_inline]] inline const JsonValue* scan_members(const JsonValue* v,
                                                            const PathAlternative& alt,
                                                            std::size_t i, RootNames* roots) {
  const std::string_view key = alt.segments[i].key;
  const auto& joins = alt.joins[i];
  for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name.size() < key.size() || name.compare(0, key.size(), key) != 0) continue;
    if (name.size() == key.size()) {
      if (const JsonValue* r = resolve_path(&it->value, alt, i + 1, roots)) return r;
      continue;
    }
    if (name[key.size()] != '.') continue;
    for (std::size_t k = 0; k < joins.size(); ++k) {
      if (joins[k] == name) {
        if (const JsonValue* r = resolve_path(&it->value, alt, i + k + 2, roots)) return r;
        break;
      }
    }
  }
  return nullptr;
}

// Segment `first` of `alt` in an indexed object: the same result as scan_members, from the
// positions of the members named like its key or one of its joins (`ids`), tried in member order.
const JsonValue* resolve_in_object(const JsonValue* object, const PathAlternative& alt,
                                   std::span<const std::uint16_t> ids, std::size_t first,
                                   const ObjectNames& names, RootNames* roots) {
  const auto members = object->MemberBegin();
  const std::uint32_t key = names.position(ids[0]);
  if (ids.size() == 1) {  // no joins: the common case
    if (key == ObjectNames::kAbsent) return nullptr;
    return first + 1 == alt.segments.size()
               ? &members[key].value
               : resolve_path(&members[key].value, alt, first + 1, roots);
  }
  struct Candidate {
    std::uint32_t position;
    std::size_t next;  // the segment after the key or join matched
  };
  std::array<Candidate, 16> found;
  // A path of more segments than candidates fit: scanned.
  if (ids.size() > found.size()) return scan_members(object, alt, first, roots);
  std::size_t n = 0;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const std::uint32_t p = names.position(ids[k]);
    if (p != ObjectNames::kAbsent) found[n++] = {p, first + k + 1};
  }
  // Insertion sort by position: n is almost always 0 or 1.
  for (std::size_t c = 1; c < n; ++c) {
    for (std::size_t d = c; d > 0 && found[d].position < found[d - 1].position; --d) {
      std::swap(found[d], found[d - 1]);
    }
  }
  for (std::size_t c = 0; c < n; ++c) {
    const JsonValue* v = resolve_path(&members[found[c].position].value, alt, found[c].next, roots);
    if (v != nullptr) return v;
  }
  return nullptr;
}

// The rest of a rooted alternative in the object its root led to, through that object's index
// and memo: what scan_members(object, alt, alt.rest) finds.
const JsonValue* resolve_in_root(const JsonValue* object, const PathAlternative& alt,
                                 ObjectNames& names, RootNames* roots) {
  const AlternativeMemo& m = names.rest_memo(alt);
  switch (m.state) {
    case AlternativeMemo::State::kAbsent:
      return nullptr;
    case AlternativeMemo::State::kOneMember: {
      const JsonValue* v = &object->MemberBegin()[m.position].value;
      return m.next == 0 ? v : resolve_path(v, alt, m.next, roots);
    }
    default:
      return resolve_in_object(object, alt, alt.rest_ids, alt.rest, names, roots);
  }
}

// The same for a rooted alternative whose root led to `v` (its path goes on in `v` at segment
// alt.rest), with the frequent outcomes (absent; one member that is the value) decided here. Most
// rooted lookups come from resolve_memoized: a small function of its own costs them less than
// resolve_path's register saves, and inlined it would cost every other lookup in resolve().
[[gnu::noinline]] const JsonValue* resolve_rest(const JsonValue* v, const PathAlternative& alt,
                                                RootNames* roots) {
  ObjectNames* names = roots != nullptr ? roots->covering(alt, v) : nullptr;
  if (names == nullptr) return resolve_path(v, alt, alt.rest, roots);
  const AlternativeMemo& m = names->rest_memo(alt);
  if (m.state == AlternativeMemo::State::kAbsent) return nullptr;
  if (m.state == AlternativeMemo::State::kOneMember && m.next == 0) {
    return &v->MemberBegin()[m.position].value;
  }
  return resolve_in_root(v, alt, *names, roots);
}

const JsonValue* resolve_path(const JsonValue* v, const PathAlternative& alt, std::size_t i,
                              RootNames* roots) {
  if (i == alt.segments.size()) return v;
  if (i == alt.rest && roots != nullptr) {
    if (ObjectNames* names = roots->covering(alt, v)) return resolve_in_root(v, alt, *names, roots);
  }
  const PathSegment& seg = alt.segments[i];
  if (seg.index >= 0) {
    if (!v->IsArray() || static_cast<rapidjson::SizeType>(seg.index) >= v->Size()) return nullptr;
    return resolve_path(&(*v)[static_cast<rapidjson::SizeType>(seg.index)], alt, i + 1, roots);
  }
  if (!v->IsObject()) return nullptr;
  return scan_members(v, alt, i, roots);
}

// A record path from the record itself: through the record's names when the profile compiler
// gave the path its ids, else scanned.
const JsonValue* resolve_record_path(const JsonValue* record, const PathAlternative& alt,
                                     ObjectNames& names, RootNames* roots) {
  if (!alt.record_ids.empty() && names.covers(record)) {
    return resolve_in_object(record, alt, alt.record_ids, 0, names, roots);
  }
  return resolve_path(record, alt, 0, roots);
}

struct Context {
  const JsonValue* record = nullptr;
  const JsonValue* item = nullptr;
  std::string_view* captures = nullptr;  // EventBuffer::Scratch::captures
  std::string* scratch = nullptr;        // lowercased text of the value being evaluated
  ObjectNames* names = nullptr;          // of *record; reset whenever record changes
  RootNames* roots = nullptr;            // of *record's roots; reset likewise
  IsoTimeMemo* time_memo = nullptr;      // kept from record to record (see text_util.h)
  // Which common targets an assignment set (bit 1 << Target), for first_common.
  std::uint32_t common_assigned = 0;
  char number_text[40];
};

// The value of a memoized `ref` (FieldRef::memo) in ctx.record, the same as the general loop in
// resolve() finds: the first alternative present and not null. Alternatives absent from the
// record's layout cost one read; one present as a single member is read there, and when that
// member is a root's object (kRootMember) the path goes on through that object's index.
[[gnu::always_inline]] inline const JsonValue* resolve_memoized(const FieldRef& ref,
                                                                const Context& ctx) {
  ObjectNames& names = *ctx.names;
  const auto members = ctx.record->MemberBegin();
  const std::size_t n = ref.alternatives.size();
  const AlternativeMemo* memo = names.memo(ref);
  std::size_t a = memo[0].state == AlternativeMemo::State::kAbsent ? memo[0].following : 0;
  for (; a < n; a = memo[a].following) {
    const AlternativeMemo& m = memo[a];
    const PathAlternative& alt = ref.alternatives[a];
    const JsonValue* v;
    if (m.state == AlternativeMemo::State::kOneMember) {
      v = &members[m.position].value;
      // The path goes on below this member: only into an object or array (a record's "service"
      // is mostly a string, where "service.name" ends at once without a call).
      if (m.next != 0)
        v = v->IsObject() || v->IsArray() ? resolve_path(v, alt, m.next, ctx.roots) : nullptr;
    } else if (m.state == AlternativeMemo::State::kRootMember) {  // `attributes` of attributes.p
      v = resolve_rest(&members[m.position].value, alt, ctx.roots);
    } else {
      v = resolve_in_object(ctx.record, alt, alt.record_ids, 0, names, ctx.roots);
    }
    if (v != nullptr && !v->IsNull()) return v;
  }
  return nullptr;
}

const JsonValue* resolve_json(const FieldRef& ref, const Context& ctx) {
  if (ref.memo >= 0 && ctx.names->covers(ctx.record)) return resolve_memoized(ref, ctx);
  for (const auto& alt : ref.alternatives) {
    const JsonValue* base = alt.base == PathAlternative::Base::kItem ? ctx.item : ctx.record;
    if (alt.base == PathAlternative::Base::kCapture || base == nullptr) continue;
    const JsonValue* v = alt.base == PathAlternative::Base::kRecord
                             ? resolve_record_path(base, alt, *ctx.names, ctx.roots)
                             : resolve_path(base, alt, 0, ctx.roots);
    if (v != nullptr && !v->IsNull()) return v;
  }
  return nullptr;
}

Scalar resolve(const FieldRef& ref, const Context& ctx) {
  if (ref.memo >= 0 && ctx.names->covers(ctx.record)) {
    const JsonValue* v = resolve_memoized(ref, ctx);
    return v != nullptr ? from_json(*v) : Scalar{};
  }
  for (const auto& alt : ref.alternatives) {
    if (alt.base == PathAlternative::Base::kCapture) {
      const std::string_view c = ctx.captures[alt.capture];
      if (c.data() != nullptr) return Scalar::text(c);
      continue;
    }
    const JsonValue* base = alt.base == PathAlternative::Base::kItem ? ctx.item : ctx.record;
    if (base == nullptr) continue;
    const JsonValue* v = alt.base == PathAlternative::Base::kRecord
                             ? resolve_record_path(base, alt, *ctx.names, ctx.roots)
                             : resolve_path(base, alt, 0, ctx.roots);
    if (v != nullptr && !v->IsNull()) return from_json(*v);
  }
  return {};
}

// The text of a scalar, for comparisons and maps. Numbers are written into ctx.number_text.
bool as_text(const Scalar& v, Context& ctx, std::string_view& out) {
  switch (v.type) {
    case Scalar::Type::kString:
      out = v.s;
      return true;
    case Scalar::Type::kBool:
      out = v.b ? "true" : "false";
      return true;
    case Scalar::Type::kInt: {
      auto r = std::to_chars(ctx.number_text, ctx.number_text + sizeof ctx.number_text, v.i);
      out = std::string_view(ctx.number_text, r.ptr - ctx.number_text);
      return true;
    }
    case Scalar::Type::kDouble: {
      auto r = std::to_chars(ctx.number_text, ctx.number_text + sizeof ctx.number_text, v.d);
      out = std::string_view(ctx.number_text, r.ptr - ctx.number_text);
      return true;
    }
    default:
      return false;
  }
}

bool run_regex(const CompiledRegex& r, std::string_view text, Context& ctx) {
  // libstdc++'s regex engine recurses once per character: a long line would exhaust the stack.
  // Regexes see at most the first kMaxRegexInput bytes (so a trailing capture is truncated).
  if (text.size() > kMaxRegexInput) text = text.substr(0, kMaxRegexInput);
  if (!r.literal.empty() && text.find(r.literal) == std::string_view::npos) return false;
  std::cmatch m;
  if (!std::regex_search(text.data(), text.data() + text.size(), m, r.re)) return false;
  for (std::size_t g = 0; g < r.group_slots.size(); ++g) {
    const int slot = r.group_slots[g];
    if (slot < 0) continue;
    const auto& sub = m[g + 1];
    if (sub.matched) {
      ctx.captures[slot] = std::string_view(sub.first, static_cast<std::size_t>(sub.length()));
    }
  }
  return true;
}

bool holds(const Condition& c, Context& ctx) {
  const Scalar v = resolve(c.field, ctx);
  switch (c.op) {
    case Condition::Op::kExists:
      return !v.absent();
    case Condition::Op::kMissing:
      return v.absent();
    case Condition::Op::kEquals:
    case Condition::Op::kIn: {
      std::string_view t;
      if (!as_text(v, ctx, t)) return false;
      return std::find(c.values.begin(), c.values.end(), t) != c.values.end();
    }
    case Condition::Op::kContains:
      return v.type == Scalar::Type::kString && v.s.find(c.values[0]) != std::string_view::npos;
    case Condition::Op::kPrefix:
      return v.type == Scalar::Type::kString && v.s.starts_with(c.values[0]);
    case Condition::Op::kRegex:
      return v.type == Scalar::Type::kString && run_regex(c.regex, v.s, ctx);
  }
  return false;
}

bool parse_int(std::string_view t, std::int64_t& out) {
  auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty();
}

bool parse_double(std::string_view t, double& out) {
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty() && std::isfinite(out);
}

bool numeric(const Scalar& v, double& out) {
  switch (v.type) {
    case Scalar::Type::kInt:
      out = static_cast<double>(v.i);
      return true;
    case Scalar::Type::kDouble:
      out = v.d;
      return true;
    case Scalar::Type::kString:
      return parse_double(v.s, out);
    default:
      return false;
  }
}

// Unix time of a number in the given unit; without unit, guessed from its magnitude.
std::int64_t unix_number_to_ns(double x, Convert unit) {
  switch (unit) {
    case Convert::kUnixS:
      return static_cast<std::int64_t>(x * 1e9);
    case Convert::kUnixMs:
      return static_cast<std::int64_t>(x * 1e6);
    case Convert::kUnixUs:
      return static_cast<std::int64_t>(x * 1e3);
    case Convert::kUnixNs:
      return static_cast<std::int64_t>(x);
    default:
      break;
  }
  const double a = std::fabs(x);
  if (a < 1e11) return static_cast<std::int64_t>(x * 1e9);
  if (a < 1e14) return static_cast<std::int64_t>(x * 1e6);
  if (a < 1e17) return static_cast<std::int64_t>(x * 1e3);
  return static_cast<std::int64_t>(x);
}

enum class Status : std::uint8_t { kOk, kAbsent, kInvalid };

Status to_time(const Scalar& v, Convert unit, std::int64_t& out, IsoTimeMemo& memo) {
  if (v.absent()) return Status::kAbsent;
  if (v.type == Scalar::Type::kString) {
    if (auto t = parse_iso_time(v.s, memo)) {
      out = *t;
      return Status::kOk;
    }
    double x;
    if (!parse_double(v.s, x)) return Status::kInvalid;
    out = unix_number_to_ns(x, unit);
    return Status::kOk;
  }
  if (v.type == Scalar::Type::kInt) {
    out = unit == Convert::kUnixNs ? v.i : unix_number_to_ns(static_cast<double>(v.i), unit);
    return Status::kOk;
  }
  if (v.type == Scalar::Type::kDouble) {
    out = unix_number_to_ns(v.d, unit);
    return Status::kOk;
  }
  return Status::kInvalid;
}

// std::tolower in the "C" locale (specwatch never calls setlocale), without a libc call per
// character: level and outcome names are compared case-insensitively on every record.
char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != b[i]) return false;
  }
  return true;
}

// Evaluates one ValueSpec. kAbsent lets the next spec of the assignment try.
Status evaluate(const ValueSpec& spec, Context& ctx, Scalar& out) {
  if (!spec.when_exists.empty() && resolve(spec.when_exists, ctx).absent()) {
    return Status::kAbsent;
  }
  if (!spec.between_start.empty()) {
    std::int64_t start = 0, end = 0;
    const Status a =
        to_time(resolve(spec.between_start, ctx), Convert::kNone, start, *ctx.time_memo);
    const Status b = to_time(resolve(spec.between_end, ctx), Convert::kNone, end, *ctx.time_memo);
    if (a == Status::kInvalid || b == Status::kInvalid) return Status::kInvalid;
    if (a == Status::kAbsent || b == Status::kAbsent) return Status::kAbsent;
    if (end < start) return Status::kInvalid;
    out = Scalar::number(static_cast<double>(end - start) / 1e9);
    return Status::kOk;
  }
  Scalar v = spec.has_constant ? Scalar::text(spec.constant) : resolve(spec.field, ctx);
  if (v.absent()) return Status::kAbsent;
  if (spec.lowercase && v.type == Scalar::Type::kString) {
    std::string& lower = *ctx.scratch;
    lower.assign(v.s);
    for (char& c : lower) c = ascii_lower(c);
    v.s = lower;
  }
  if (!spec.map.empty() || !spec.contains_map.empty()) {
    std::string_view key;
    bool mapped = false;
    if (as_text(v, ctx, key)) {
      for (const auto& [from, to] : spec.map) {
        if (from == key) {
          v = Scalar::text(to);
          mapped = true;
          break;
        }
      }
      if (!mapped) {
        for (const auto& [needle, to] : spec.contains_map) {
          // needle is lowercase: compare case-insensitively without copying.
          auto it = std::search(key.begin(), key.end(), needle.begin(), needle.end(),
                                [](char a, char b) { return ascii_lower(a) == b; });
          if (it != key.end() || needle.empty()) {
            v = Scalar::text(to);
            mapped = true;
            break;
          }
        }
      }
    }
    if (!mapped && spec.has_default) v = Scalar::text(spec.default_value);
  }
  switch (spec.convert) {
    case Convert::kNsToS:
    case Convert::kUsToS:
    case Convert::kMsToS:
    case Convert::kPercentToRatio: {
      double x;
      std::string_view t = v.s;
      if (spec.convert == Convert::kPercentToRatio && v.type == Scalar::Type::kString &&
          !t.empty() && t.back() == '%') {
        t.remove_suffix(1);
        if (!parse_double(t, x)) return Status::kInvalid;
      } else if (!numeric(v, x)) {
        return Status::kInvalid;
      }
      const double div = spec.convert == Convert::kNsToS   ? 1e9
                         : spec.convert == Convert::kUsToS ? 1e6
                         : spec.convert == Convert::kMsToS ? 1e3
                                                           : 100.0;
      v = Scalar::number(x / div);
      break;
    }
    default:
      break;
  }
  out = v;
  return Status::kOk;
}

bool to_int(const Scalar& v, std::int64_t& out) {
  switch (v.type) {
    case Scalar::Type::kInt:
      out = v.i;
      return true;
    case Scalar::Type::kDouble:
      if (v.d != std::floor(v.d) || std::fabs(v.d) > 9e15) return false;
      out = static_cast<std::int64_t>(v.d);
      return true;
    case Scalar::Type::kString: {
      if (parse_int(v.s, out)) return true;
      double d;
      if (!parse_double(v.s, d) || d != std::floor(d) || std::fabs(d) > 9e15) return false;
      out = static_cast<std::int64_t>(d);
      return true;
    }
    default:
      return false;
  }
}

bool to_bool(const Scalar& v, bool& out) {
  switch (v.type) {
    case Scalar::Type::kBool:
      out = v.b;
      return true;
    case Scalar::Type::kInt:
      if (v.i != 0 && v.i != 1) return false;
      out = v.i == 1;
      return true;
    case Scalar::Type::kString:
      if (iequals(v.s, "true") || iequals(v.s, "yes") || v.s == "1") {
        out = true;
        return true;
      }
      if (iequals(v.s, "false") || iequals(v.s, "no") || v.s == "0") {
        out = false;
        return true;
      }
      return false;
    default:
      return false;
  }
}

bool to_outcome(const Scalar& v, bool llm, Outcome& out) {
  if (v.type == Scalar::Type::kBool) {
    out = v.b ? Outcome::kSuccess : (llm ? Outcome::kError : Outcome::kFailure);
    return true;
  }
  if (v.type != Scalar::Type::kString) return false;
  const std::string_view s = v.s;
  if (iequals(s, "success") || iequals(s, "ok") || iequals(s, "completed") ||
      iequals(s, "succeeded") || iequals(s, "true")) {
    out = Outcome::kSuccess;
  } else if (iequals(s, "failure") || iequals(s, "failed") || iequals(s, "fail") ||
             iequals(s, "false")) {
    out = llm ? Outcome::kError : Outcome::kFailure;
  } else if (iequals(s, "error") || iequals(s, "errored")) {
    out = Outcome::kError;
  } else {
    return false;
  }
  return true;
}

bool to_severity(const Scalar& v, Severity& out) {
  if (v.type == Scalar::Type::kInt) {  // pino / bunyan numeric levels
    switch (v.i) {
      case 10:
      case 20:
        out = Severity::kDebug;
        return true;
      case 30:
        out = Severity::kInfo;
        return true;
      case 40:
        out = Severity::kWarn;
        return true;
      case 50:
        out = Severity::kError;
        return true;
      case 60:
        out = Severity::kFatal;
        return true;
      default:
        return false;
    }
  }
  if (v.type != Scalar::Type::kString) return false;
  const std::string_view s = v.s;
  // The usual spellings first, compared four letters at a time (ASCII letters differ from their
  // capitals in bit 5 only, so OR-ing it in lowercases them; every word here is letters only).
  if (s.size() == 4 || s.size() == 5) {
    std::uint32_t head;
    std::memcpy(&head, s.data(), 4);
    head |= 0x20202020u;
    const auto word = [](const char(&w)[5]) {
      std::uint32_t x;
      std::memcpy(&x, w, 4);
      return x;
    };
    const char last = ascii_lower(s.back());
    const auto found = [&out](Severity severity) {
      out = severity;
      return true;
    };
    if (s.size() == 4) {
      if (head == word("info")) return found(Severity::kInfo);
      if (head == word("warn")) return found(Severity::kWarn);
    } else if (head == word("erro") && last == 'r') {
      return found(Severity::kError);
    } else if (head == word("debu") && last == 'g') {
      return found(Severity::kDebug);
    }
  }
  if (iequals(s, "debug") || iequals(s, "trace") || iequals(s, "verbose")) {
    out = Severity::kDebug;
  } else if (iequals(s, "info") || iequals(s, "information") || iequals(s, "notice")) {
    out = Severity::kInfo;
  } else if (iequals(s, "warn") || iequals(s, "warning")) {
    out = Severity::kWarn;
  } else if (iequals(s, "error") || iequals(s, "err")) {
    out = Severity::kError;
  } else if (iequals(s, "fatal") || iequals(s, "critical") || iequals(s, "crit") ||
             iequals(s, "panic") || iequals(s, "emergency") || iequals(s, "alert")) {
    out = Severity::kFatal;
  } else {
    return false;
  }
  return true;
}

// std::string::assign, without its out-of-line call when the text fits the field's current
// length: a reused event slot mostly receives a value as long as the last record's (ids, names).
// `t` never points into `field` (it is the record's, a capture, a constant or scratch text).
void assign_text(std::string& field, std::string_view t) {
  const std::size_t n = t.size();
  if (n != 0 && n <= field.size()) {
    char* d = field.data();
    const char* s = t.data();
    if (n >= 8 && n <= 32) {  // ids and names: fixed-size moves (overlapping), no memcpy call
      std::uint64_t w[4];
      const std::size_t half = n / 2 >= 8 ? 16 : 8;  // bytes copied from each end
      std::memcpy(w, s, 8);
      std::memcpy(w + 1, s + n - 8, 8);
      if (half == 16) {
        std::memcpy(w + 2, s + 8, 8);
        std::memcpy(w + 3, s + n - 16, 8);
        std::memcpy(d + 8, w + 2, 8);
        std::memcpy(d + n - 16, w + 3, 8);
      }
      std::memcpy(d, w, 8);
      std::memcpy(d + n - 8, w + 1, 8);
    } else {
      std::memcpy(d, s, n);
    }
    field.resize(n);
  } else {
    field.assign(t);
  }
}

bool set_string(std::string& field, const Scalar& v, Context& ctx) {
  std::string_view t;
  if (!as_text(v, ctx, t)) return false;
  assign_text(field, t);
  return true;
}

// Notes that a common target was set (when `set`), for Run::first_common.
bool mark_common(const Assignment& a, Context& ctx, bool set) {
  if (set) ctx.common_assigned |= 1u << static_cast<unsigned>(a.target);
  return set;
}

template <typename T>
bool set_optional_int(std::optional<T>& field, const Scalar& v) {
  std::int64_t i;
  if (!to_int(v, i) || i < 0) return false;
  field = static_cast<T>(i);
  return true;
}

bool set_optional_double(std::optional<double>& field, const Scalar& v) {
  double d;
  if (!numeric(v, d) || d < 0) return false;
  field = d;
  return true;
}

bool assign(CanonicalEvent& e, const Assignment& a, const Scalar& v, Convert unit, Context& ctx) {
  auto& body = e.body;
  switch (a.target) {
    case Target::kService:
      return mark_common(a, ctx, set_string(e.service, v, ctx));
    case Target::kTimestamp:
      return mark_common(a, ctx, to_time(v, unit, e.timestamp_ns, *ctx.time_memo) == Status::kOk);
    case Target::kTraceId:
      return mark_common(a, ctx, set_string(e.trace_id, v, ctx));
    case Target::kSpanId:
      return mark_common(a, ctx, set_string(e.span_id, v, ctx));
    case Target::kWorkflowId:
      return mark_common(a, ctx, set_string(e.workflow_id, v, ctx));
    case Target::kLlmProvider:
      return set_string(std::get<LlmCall>(body).provider, v, ctx);
    case Target::kLlmModel:
      return set_string(std::get<LlmCall>(body).model, v, ctx);
    case Target::kLlmOperation:
      return set_string(std::get<LlmCall>(body).operation, v, ctx);
    case Target::kLlmOutcome:
      return to_outcome(v, true, std::get<LlmCall>(body).outcome);
    case Target::kLlmErrorType:
      return set_string(std::get<LlmCall>(body).error_type, v, ctx);
    case Target::kLlmDuration:
      return set_optional_double(std::get<LlmCall>(body).duration_seconds, v);
    case Target::kLlmInputTokens:
      return set_optional_int(std::get<LlmCall>(body).input_tokens, v);
    case Target::kLlmInputIncludesCache:
      return to_bool(v, std::get<LlmCall>(body).input_includes_cache);
    case Target::kLlmOutputTokens:
      return set_optional_int(std::get<LlmCall>(body).output_tokens, v);
    case Target::kLlmCacheReadTokens:
      return set_optional_int(std::get<LlmCall>(body).cache_read_tokens, v);
    case Target::kLlmCacheCreationTokens:
      return set_optional_int(std::get<LlmCall>(body).cache_creation_tokens, v);
    case Target::kLlmReasoningTokens:
      return set_optional_int(std::get<LlmCall>(body).reasoning_tokens, v);
    case Target::kLlmTotalTokens:
      return set_optional_int(std::get<LlmCall>(body).total_tokens, v);
    case Target::kLlmCost:
      return set_optional_double(std::get<LlmCall>(body).cost_usd, v);
    case Target::kLlmCount: {
      std::int64_t n;
      if (!to_int(v, n) || n < 0) return false;
      std::get<LlmCall>(body).count = n;
      return true;
    }
    case Target::kFallbackFrom:
      return set_string(std::get<Fallback>(body).from_provider, v, ctx);
    case Target::kFallbackTo:
      return set_string(std::get<Fallback>(body).to_provider, v, ctx);
    case Target::kFallbackReason:
      return set_string(std::get<Fallback>(body).reason, v, ctx);
    case Target::kCacheName:
      return set_string(std::get<CacheLookup>(body).cache, v, ctx);
    case Target::kCacheHit:
      return to_bool(v, std::get<CacheLookup>(body).hit);
    case Target::kPolicyName:
      return set_string(std::get<PolicyCheck>(body).policy, v, ctx);
    case Target::kPolicyAllowed:
      return to_bool(v, std::get<PolicyCheck>(body).allowed);
    case Target::kPolicyReason:
      return set_string(std::get<PolicyCheck>(body).reason, v, ctx);
    case Target::kComplianceStandard:
      return set_string(std::get<ComplianceResult>(body).standard, v, ctx);
    case Target::kComplianceScore: {
      double d;
      if (!numeric(v, d) || d < 0 || d > 1) return false;
      std::get<ComplianceResult>(body).score = d;
      return true;
    }
    case Target::kCompliancePassing: {
      bool b;
      if (!to_bool(v, b)) return false;
      std::get<ComplianceResult>(body).passing = b;
      return true;
    }
    case Target::kComplianceCritical:
      return set_optional_int(std::get<ComplianceResult>(body).critical, v);
    case Target::kComplianceHigh:
      return set_optional_int(std::get<ComplianceResult>(body).high, v);
    case Target::kComplianceMedium:
      return set_optional_int(std::get<ComplianceResult>(body).medium, v);
    case Target::kComplianceLow:
      return set_optional_int(std::get<ComplianceResult>(body).low, v);
    case Target::kRunOutcome:
      return to_outcome(v, false, std::get<WorkflowRun>(body).outcome);
    case Target::kRunDuration:
      return set_optional_double(std::get<WorkflowRun>(body).duration_seconds, v);
    case Target::kRunCost:
      return set_optional_double(std::get<WorkflowRun>(body).cost_usd, v);
    case Target::kStepName:
      return set_string(std::get<WorkflowStep>(body).step_name, v, ctx);
    case Target::kStepType:
      return set_string(std::get<WorkflowStep>(body).step_type, v, ctx);
    case Target::kStepOutcome:
      return to_outcome(v, false, std::get<WorkflowStep>(body).outcome);
    case Target::kStepDuration:
      return set_optional_double(std::get<WorkflowStep>(body).duration_seconds, v);
    case Target::kStepCost:
      return set_optional_double(std::get<WorkflowStep>(body).cost_usd, v);
    case Target::kHttpRoute:
      return set_string(std::get<ApiRequest>(body).route, v, ctx);
    case Target::kHttpMethod:
      return set_string(std::get<ApiRequest>(body).method, v, ctx);
    case Target::kHttpStatus: {
      std::int64_t n;
      if (!to_int(v, n) || n < 100 || n > 999) return false;
      std::get<ApiRequest>(body).status = static_cast<int>(n);
      return true;
    }
    case Target::kHttpDuration:
      return set_optional_double(std::get<ApiRequest>(body).duration_seconds, v);
    case Target::kLogLevel:
      return to_severity(v, std::get<LogRecord>(body).level);
    case Target::kLogErrorCode:
      return set_string(std::get<LogRecord>(body).error_code, v, ctx);
    case Target::kCommandName:
      return set_string(std::get<Command>(body).command, v, ctx);
    case Target::kCommandSuccess:
      return to_bool(v, std::get<Command>(body).success);
    case Target::kCommandErrorCode:
      return set_string(std::get<Command>(body).error_code, v, ctx);
  }
  return false;
}

// Applies one assignment: the first spec that yields a value wins.
[[gnu::noinline]] std::string_view apply_specs(CanonicalEvent& e, const Assignment& a,
                                               Context& ctx) {
  for (const auto& spec : a.specs) {
    if (spec.plain) {  // the value as read: what evaluate() would return, without its steps
      const Scalar v = resolve(spec.field, ctx);
      if (v.absent()) continue;
      if (!assign(e, a, v, spec.convert, ctx)) return kInvalidField;
      return {};
    }
    Scalar v;
    const Status s = evaluate(spec, ctx, v);
    if (s == Status::kAbsent) continue;
    if (s == Status::kInvalid || !assign(e, a, v, spec.convert, ctx)) return kInvalidField;
    return {};
  }
  return a.required ? kMissingField : std::string_view{};
}

// The common string target `t` of `e` (service, trace and span id, workflow id), or nullptr.
std::string* common_string(CanonicalEvent& e, Target t) {
  switch (t) {
    case Target::kService:
      return &e.service;
    case Target::kTraceId:
      return &e.trace_id;
    case Target::kSpanId:
      return &e.span_id;
    case Target::kWorkflowId:
      return &e.workflow_id;
    default:
      return nullptr;
  }
}

// apply_specs(), with the most frequent assignment inline: one plain spec ({field: X}). A
// memoized field is read without going through resolve()'s Scalar, and a string for a common
// string target or an ISO timestamp is set straight away: the same result as assign() with
// set_string() or to_time(), with about a third of the instructions (every record sets four or
// five such fields).
// The general end of apply(): `v` into the target, through assign(). Out of line, so that the
// frequent cases in apply() save no registers for it.
[[gnu::noinline]] std::string_view apply_value(CanonicalEvent& e, const Assignment& a,
                                               const Scalar& v, Context& ctx) {
  if (v.absent()) return a.required ? kMissingField : std::string_view{};
  return assign(e, a, v, a.specs[0].convert, ctx) ? std::string_view{} : kInvalidField;
}

std::string_view apply(CanonicalEvent& e, const Assignment& a, Context& ctx) {
  if (a.specs.size() != 1 || !a.specs[0].plain) return apply_specs(e, a, ctx);
  const ValueSpec& spec = a.specs[0];
  if (spec.field.memo < 0 || !ctx.names->covers(ctx.record)) {
    return apply_value(e, a, resolve(spec.field, ctx), ctx);
  }
  const JsonValue* found = resolve_memoized(spec.field, ctx);
  if (found == nullptr) return a.required ? kMissingField : std::string_view{};
  if (found->IsString()) {
    const std::string_view text(found->GetString(), found->GetStringLength());
    if (std::string* field = common_string(e, a.target)) {
      assign_text(*field, text);
      ctx.common_assigned |= 1u << static_cast<unsigned>(a.target);
      return {};
    }
    if (a.target == Target::kLogLevel) {
      return to_severity(Scalar::text(text), std::get<LogRecord>(e.body).level) ? std::string_view{}
                                                                                : kInvalidField;
    }
    // An ISO 8601 timestamp, as to_time() reads it first; other text goes the general way.
    if (a.target == Target::kTimestamp) {
      if (const auto t = parse_iso_time(text, *ctx.time_memo)) {
        e.timestamp_ns = *t;
        ctx.common_assigned |= 1u << static_cast<unsigned>(a.target);
        return {};
      }
    }
  }
  return apply_value(e, a, from_json(*found), ctx);
}

// Makes e.body a default T. An event slot reused from an earlier record (EventBuffer) that already
// holds a T keeps the heap buffers of the listed strings, emptied, so that long names do not cost
// a malloc/free per record. Members not listed are reset all the same (only their buffers go).
template <typename T, typename... Strings>
void reset_body(CanonicalEvent& e, Strings T::*... strings) {
  if (T* old = std::get_if<T>(&e.body)) {
    T fresh;
    ((fresh.*strings).swap(old->*strings), ...);
    ((fresh.*strings).clear(), ...);
    *old = std::move(fresh);
  } else {
    e.body.emplace<T>();
  }
}

void set_kind(CanonicalEvent& e, EventKind kind) {
  switch (kind) {
    case EventKind::kLlmCall:
      reset_body(e, &LlmCall::provider, &LlmCall::model, &LlmCall::operation, &LlmCall::error_type);
      break;
    case EventKind::kFallback:
      reset_body(e, &Fallback::from_provider, &Fallback::to_provider, &Fallback::reason);
      break;
    case EventKind::kCacheLookup:
      reset_body(e, &CacheLookup::cache);
      break;
    case EventKind::kPolicyCheck:
      reset_body(e, &PolicyCheck::policy, &PolicyCheck::reason);
      break;
    case EventKind::kComplianceResult:
      reset_body(e, &ComplianceResult::standard);
      break;
    case EventKind::kWorkflowRun:
      reset_body<WorkflowRun>(e);
      break;
    case EventKind::kWorkflowStep:
      reset_body(e, &WorkflowStep::step_name, &WorkflowStep::step_type);
      break;
    case EventKind::kHttpRequest:
      reset_body(e, &ApiRequest::route, &ApiRequest::method);
      break;
    case EventKind::kLogRecord:
      // The most frequent kind, reset member by member: no temporary body, no string swaps.
      static_assert(sizeof(LogRecord) == sizeof(std::string) + alignof(std::string),
                    "reset every member of LogRecord here");
      if (auto* log = std::get_if<LogRecord>(&e.body)) {
        log->level = LogRecord{}.level;
        log->error_code.clear();
      } else {
        e.body.emplace<LogRecord>();
      }
      break;
    case EventKind::kCommand:
      reset_body(e, &Command::command, &Command::error_code);
      break;
  }
}

// Where a Run puts its events: a std::vector (fresh events) or an EventBuffer (reused slots).
struct VectorOut {
  std::vector<CanonicalEvent>& events;
  CanonicalEvent& add() { return events.emplace_back(); }
  void pop_back() { events.pop_back(); }
};

struct BufferOut {
  EventBuffer& events;
  CanonicalEvent& add() { return events.add(); }
  void pop_back() { events.pop_back(); }
};

template <typename Out>
class Run {
 public:
  Run(const CompiledProfile& p, std::string_view service, Out out, EventBuffer::Scratch& scratch)
      : p_(p), service_(service), out_(out), common_(scratch.common) {
    names_.bind(scratch.record);
    // Most profiles have no roots: nothing to set up per record for them.
    if (p_.root_count > 0) roots_.emplace(p_, scratch.roots);
    ctx.captures = scratch.captures.data();
    clear_captures();
    ctx.scratch = &scratch.lowercase;
    ctx.names = &names_;
    ctx.roots = roots_ ? &*roots_ : nullptr;
    ctx.time_memo = &scratch.time_memo;
  }

  // Empties the profile's capture slots (no other slot is read or written).
  void clear_captures() {
    std::fill_n(ctx.captures, std::min<std::size_t>(p_.capture_names.size(), kMaxCaptures),
                std::string_view{});
  }

  // Sets the record (or array element) the rules read.
  void set_record(const JsonValue* record) {
    ctx.record = record;
    names_.reset(&p_, record, p_.memo_count);
    if (roots_) roots_->reset();
  }

  Context ctx;

  void rules() {
    common_done_ = false;
    for (const Rule& rule : p_.rules) {
      bool ok = true;
      for (const Condition& c : rule.when) {
        if (!holds(c, ctx)) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (!rule.for_each.empty()) {
        const JsonValue* list = resolve_json(rule.for_each, ctx);
        if (list != nullptr) {
          if (!list->IsArray()) {
            note(kInvalidField);
          } else {
            for (const auto& element : list->GetArray()) {
              ctx.item = &element;
              emit(rule);
            }
            ctx.item = nullptr;
          }
        }
      } else {
        emit(rule);
      }
      if (rule.final) break;
    }
  }

  std::string_view reason() const { return reason_; }

 private:
  void note(std::string_view r) {
    if (reason_.empty()) reason_ = r;
  }

  // Sets the common fields of `e`, the record's first event. Why directly into the event: most
  // records make one event, and computing the common fields elsewhere cost a copy of each of them
  // (trace and span ids are 32 and 16 bytes). Only when later rules or array elements may add
  // more events are they kept in common_ for those.
  bool first_common(CanonicalEvent& e) {
    common_done_ = true;
    common_ok_ = true;
    // The defaults go only into the fields no common assignment set: the slot's previous values
    // are overwritten in place (no clear and refill of strings that mostly keep their length).
    ctx.common_assigned = 0;
    for (const Assignment& a : p_.common) {
      const std::string_view r = apply(e, a, ctx);
      if (!r.empty()) {
        note(r);
        common_ok_ = false;
      }
    }
    const std::uint32_t set = ctx.common_assigned;
    auto unset = [set](Target t) { return (set & (1u << static_cast<unsigned>(t))) == 0; };
    if (unset(Target::kService)) e.service.assign(service_);
    if (unset(Target::kTimestamp)) e.timestamp_ns = 0;
    if (unset(Target::kTraceId)) e.trace_id.clear();
    if (unset(Target::kSpanId)) e.span_id.clear();
    if (unset(Target::kWorkflowId)) e.workflow_id.clear();
    if (common_ok_ && !single_event_) {
      // Only the common targets are ever assigned to common_ (its body is unused); assigning in
      // place keeps their string capacity from record to record.
      common_.service.assign(e.service);
      common_.timestamp_ns = e.timestamp_ns;
      common_.trace_id.assign(e.trace_id);
      common_.span_id.assign(e.span_id);
      common_.workflow_id.assign(e.workflow_id);
    }
    return common_ok_;
  }

  void emit(const Rule& rule) {
    if (common_done_ && !common_ok_) return;  // a malformed common field spoils every event
    CanonicalEvent& e = out_.add();           // every field is set below (the slot may be reused)
    if (!common_done_) {
      if (!first_common(e)) {
        out_.pop_back();
        return;
      }
    } else {
      e.service.assign(common_.service);
      e.timestamp_ns = common_.timestamp_ns;
      e.trace_id.assign(common_.trace_id);
      e.span_id.assign(common_.span_id);
      e.workflow_id.assign(common_.workflow_id);
    }
    set_kind(e, rule.kind);
    for (const Assignment& a : rule.set) {
      const std::string_view r = apply(e, a, ctx);
      if (!r.empty()) {
        note(r);
        out_.pop_back();
        return;
      }
    }
  }

  const CompiledProfile& p_;
  // Whether a record makes at most one event (one rule, not per array element): its common
  // fields are then needed only in that event.
  const bool single_event_ = p_.rules.size() == 1 && p_.rules[0].for_each.empty();
  std::string_view service_;
  Out out_;
  std::string_view reason_;
  bool common_done_ = false;
  bool common_ok_ = true;
  CanonicalEvent& common_;  // the record's common fields (only its common targets are used)
  ObjectNames names_;
  std::optional<RootNames> roots_;
};

template <typename Out>
std::string_view normalize_json(const CompiledProfile& profile, const rapidjson::Value& record,
                                std::string_view service, Out out, EventBuffer::Scratch& scratch) {
  if (profile.text) return kWrongInput;
  Run<Out> run(profile, service, out, scratch);
  if (profile.split_arrays && record.IsArray()) {
    for (const auto& element : record.GetArray()) {
      run.set_record(&element);
      run.clear_captures();
      run.rules();
    }
    return run.reason();
  }
  run.set_record(&record);
  run.rules();
  return run.reason();
}

template <typename Out>
std::string_view normalize_text(const CompiledProfile& profile, std::string_view line,
                                std::string_view service, Out out, EventBuffer::Scratch& scratch) {
  if (!profile.text) return kWrongInput;
  Run<Out> run(profile, service, out, scratch);
  // A non-null view even for an empty line: the "line" capture is always present.
  run.ctx.captures[0] = line.data() != nullptr ? line : std::string_view("", 0);
  for (const CompiledRegex& r : profile.extract) {
    if (run_regex(r, line, run.ctx)) break;
  }
  run.rules();
  return run.reason();
}

}  // namespace

std::string_view normalize(const CompiledProfile& profile, const rapidjson::Value& record,
                           std::string_view service, std::vector<CanonicalEvent>& out) {
  EventBuffer::Scratch scratch;
  scratch.forget_layouts();
  return normalize_json(profile, record, service, VectorOut{out}, scratch);
}

std::string_view normalize(const CompiledProfile& profile, std::string_view line,
                           std::string_view service, std::vector<CanonicalEvent>& out) {
  EventBuffer::Scratch scratch;
  return normalize_text(profile, line, service, VectorOut{out}, scratch);
}

std::string_view normalize(const CompiledProfile& profile, const rapidjson::Value& record,
                           std::string_view service, EventBuffer& out) {
  return normalize_json(profile, record, service, BufferOut{out}, out.scratch());
}

std::string_view normalize(const CompiledProfile& profile, std::string_view line,
                           std::string_view service, EventBuffer& out) {
  return normalize_text(profile, line, service, BufferOut{out}, out.scratch());
}

}  // namespace specwatch
