// Field references resolved in a record: the scanning path, the indexed and memoized paths, and
// the Context every step of the normalizer reads a record through.
//
// Part of the normalizer's one translation unit (normalize.cpp includes it; nothing else may):
// the hot path stays one unit so that the compiler inlines across its parts, as it did when
// they were one file. Hence the unnamed namespace.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "sidecar/normalize/record_member_index.h"

namespace specwatch {
namespace {

// Each lookup is instantiated for both kinds of value (JsonRefOf<kKind>): a record is read on
// simdjson's tape or as a RapidJSON value, and the kind is chosen once per lookup (resolve(),
// resolve_json(), apply()) rather than in every accessor.
template <JsonKind kKind>
JsonRefOf<kKind> resolve_path(JsonRefOf<kKind> v, const PathAlternative& alt, std::size_t i,
                              RootNames* roots);

// Whether the first and the last sizeof(Word) of the `n` bytes at `a` and `b` are equal (n is at
// least sizeof(Word), at most twice it: the two loads cover the n bytes, overlapping).
template <typename Word>
[[gnu::always_inline]] inline bool same_ends(const char* a, const char* b, std::size_t n) {
  Word a0, a1, b0, b1;
  std::memcpy(&a0, a, sizeof(Word));
  std::memcpy(&a1, a + n - sizeof(Word), sizeof(Word));
  std::memcpy(&b0, b, sizeof(Word));
  std::memcpy(&b1, b + n - sizeof(Word), sizeof(Word));
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

// Whether the first `n` bytes at `a` and `b` are equal: up to 16 bytes as two overlapping loads of
// each (never past the n bytes), beyond with memcmp. Why: the names a scan compares are short
// ("code", "service", "name"), and a memcmp call cost more than the compare.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  if (n > 16) return std::memcmp(a, b, n) == 0;
  if (n >= 8) return same_ends<std::uint64_t>(a, b, n);
  if (n >= 4) return same_ends<std::uint32_t>(a, b, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Equal texts, compared as same_bytes() does (names, map keys, condition values: mostly short).
[[gnu::always_inline]] inline bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}

// Segment i (a key) of `alt` in the object `v`, by scanning its members. One pass finds both the
// nested key ("gen_ai") and flat dotted keys that start with it ("gen_ai.usage.input_tokens"):
// the joins of this segment. The first member in member order that resolves wins. Inlined into
// resolve_path, its main caller, as it was before it had another. A member that ends the path is
// the value itself, without the call into resolve_path that would return it (most scans end
// there: `status.code`, `resource.service.name`).
template <JsonKind kKind>
[[gnu::always_inline]] inline JsonRefOf<kKind> scan_members(JsonRefOf<kKind> v,
                                                            const PathAlternative& alt,
                                                            std::size_t i, RootNames* roots) {
  const std::string_view key = alt.segments[i].key;
  const auto& joins = alt.joins[i];
  const std::size_t end = alt.segments.size();
  JsonRefOf<kKind> found;
  v.for_each_member([&](std::string_view name, JsonRefOf<kKind> value) {
    if (name.size() < key.size() || !same_bytes(name.data(), key.data(), key.size())) return true;
    if (name.size() == key.size()) {
      found = i + 1 == end ? value : resolve_path(value, alt, i + 1, roots);
      return !found;
    }
    if (name[key.size()] != '.') return true;
    for (std::size_t k = 0; k < joins.size(); ++k) {
      if (same_text(joins[k], name)) {
        const std::size_t next = i + k + 2;
        found = next == end ? value : resolve_path(value, alt, next, roots);
        return !found;
      }
    }
    return true;
  });
  return found;
}

// Segment `first` of `alt` in an indexed object: the same result as scan_members, from the
// positions of the members named like its key or one of its joins (`ids`), tried in member order.
template <JsonKind kKind>
JsonRefOf<kKind> resolve_in_object(JsonRefOf<kKind> object, const PathAlternative& alt,
                                   std::span<const std::uint16_t> ids, std::size_t first,
                                   const ObjectNames& names, RootNames* roots) {
  const std::uint32_t key = names.position(ids[0]);
  if (ids.size() == 1) {  // no joins: the common case
    if (key == ObjectNames::kAbsent) return {};
    const JsonRefOf<kKind> member = names.member<kKind>(key);
    return first + 1 == alt.segments.size() ? member : resolve_path(member, alt, first + 1, roots);
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
    const JsonRefOf<kKind> v =
        resolve_path(names.member<kKind>(found[c].position), alt, found[c].next, roots);
    if (v) return v;
  }
  return {};
}

// The rest of a rooted alternative in the object its root led to, through that object's index
// and memo: what scan_members(object, alt, alt.rest) finds.
template <JsonKind kKind>
JsonRefOf<kKind> resolve_in_root(JsonRefOf<kKind> object, const PathAlternative& alt,
                                 ObjectNames& names, RootNames* roots) {
  const AlternativeMemo& m = names.rest_memo(alt);
  switch (m.state) {
    case AlternativeMemo::State::kAbsent:
      return {};
    case AlternativeMemo::State::kOneMember: {
      const JsonRefOf<kKind> v = names.member<kKind>(m.position);
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
template <JsonKind kKind>
[[gnu::noinline]] JsonRefOf<kKind> resolve_rest(JsonRefOf<kKind> v, const PathAlternative& alt,
                                                RootNames* roots) {
  ObjectNames* names = roots != nullptr ? roots->covering(alt, v.ref()) : nullptr;
  if (names == nullptr) return resolve_path(v, alt, alt.rest, roots);
  const AlternativeMemo& m = names->rest_memo(alt);
  if (m.state == AlternativeMemo::State::kAbsent) return {};
  if (m.state == AlternativeMemo::State::kOneMember && m.next == 0) {
    return names->member<kKind>(m.position);
  }
  return resolve_in_root(v, alt, *names, roots);
}

template <JsonKind kKind>
JsonRefOf<kKind> resolve_path(JsonRefOf<kKind> v, const PathAlternative& alt, std::size_t i,
                              RootNames* roots) {
  if (i == alt.segments.size()) return v;
  if (i == alt.rest && roots != nullptr) {
    if (ObjectNames* names = roots->covering(alt, v.ref())) {
      return resolve_in_root(v, alt, *names, roots);
    }
  }
  const PathSegment& seg = alt.segments[i];
  if (seg.index >= 0) {
    if (!v.is_array() || static_cast<std::uint32_t>(seg.index) >= v.size()) return {};
    return resolve_path(v.element(static_cast<std::uint32_t>(seg.index)), alt, i + 1, roots);
  }
  if (!v.is_object()) return {};
  return scan_members(v, alt, i, roots);
}

// A record path from the record itself: through the record's names when the profile compiler
// gave the path its ids, else scanned.
template <JsonKind kKind>
JsonRefOf<kKind> resolve_record_path(JsonRefOf<kKind> record, const PathAlternative& alt,
                                     ObjectNames& names, RootNames* roots) {
  if (!alt.record_ids.empty() && names.covers(record.ref())) {
    return resolve_in_object(record, alt, alt.record_ids, 0, names, roots);
  }
  return resolve_path(record, alt, 0, roots);
}

struct Context {
  JsonRef record;
  JsonRef item;
  std::string_view* captures = nullptr;  // EventBuffer::Scratch::captures
  std::string* scratch = nullptr;        // lowercased text of the value being evaluated
  ObjectNames* names = nullptr;          // of *record; reset whenever record changes
  RootNames* roots = nullptr;            // of *record's roots; reset likewise
  IsoTimeMemo* time_memo = nullptr;      // kept from record to record (see text_util.h)
  // Which common targets an assignment set (bit 1 << Target), for first_common.
  std::uint32_t common_assigned = 0;
  char number_text[40];
};

// Finds what a rooted memoized `ref` finds as a whole in this record's layouts (RefMemo) from
// the memos of its alternatives, and returns the index of the root's object it consulted (null
// when none). Out of line: once per layout.
template <JsonKind kKind>
[[gnu::noinline]] ObjectNames* summarize(const FieldRef& ref, const AlternativeMemo* memo,
                                         RefMemo& rm, const Context& ctx) {
  using State = AlternativeMemo::State;
  ObjectNames& names = *ctx.names;
  rm = RefMemo{};
  rm.state = RefMemo::State::kGeneral;
  ObjectNames* root_names = nullptr;
  for (std::size_t a = 0; a < ref.alternatives.size(); ++a) {
    const AlternativeMemo& m = memo[a];
    if (m.state == State::kAbsent) continue;
    if (m.state == State::kOneMember && m.next == 0) {  // a top-level member is the value
      rm.state = RefMemo::State::kFound;
      rm.position = m.position;
      return root_names;
    }
    const PathAlternative& alt = ref.alternatives[a];
    // Anything else but a rooted alternative whose rest is one member of the root's object (or
    // none) depends on the values: the general loop decides.
    if (m.state != State::kRootMember || alt.rest_ids.empty() || ctx.roots == nullptr) {
      return nullptr;
    }
    if (rm.uses_root && (rm.root != alt.root || rm.root_position != m.position)) return nullptr;
    ObjectNames* found = ctx.roots->covering(alt, names.member<kKind>(m.position).ref());
    if (found == nullptr) {  // this record's object there is not indexed: decided record by record
      rm.state = RefMemo::State::kUnknown;
      return nullptr;
    }
    root_names = found;
    rm.uses_root = true;
    rm.root = static_cast<std::uint8_t>(alt.root);
    rm.root_position = m.position;
    rm.root_generation = found->generation();
    const AlternativeMemo& rest = found->rest_memo(alt);
    if (rest.state == State::kAbsent) continue;
    if (rest.state != State::kOneMember || rest.next != 0) return nullptr;
    rm.state = RefMemo::State::kFound;
    rm.in_root = true;
    rm.position = rest.position;
    return root_names;
  }
  rm.state = RefMemo::State::kNone;
  return root_names;
}

// The value of a rooted memoized `ref` from its RefMemo, when that decides it: true with `out`
// set (no value: no alternative is present); false when the general loop must decide (the
// layouts do not, or the first alternative present holds null).
template <JsonKind kKind>
[[gnu::always_inline]] inline bool resolve_summarized(const FieldRef& ref,
                                                      const AlternativeMemo* memo, RefMemo& rm,
                                                      const Context& ctx, JsonRefOf<kKind>& out) {
  ObjectNames& names = *ctx.names;
  ObjectNames* root_names = nullptr;
  if (rm.state != RefMemo::State::kUnknown && rm.uses_root) {
    root_names = ctx.roots->covering_root(rm.root, names.member<kKind>(rm.root_position).ref());
    if (root_names == nullptr) return false;  // not indexable in this record
  }
  if (rm.state == RefMemo::State::kUnknown) {
    root_names = summarize<kKind>(ref, memo, rm, ctx);
  } else if (root_names != nullptr && root_names->generation() != rm.root_generation) {
    // The root's object has its other layout: the RefMemo made for that one is in the second
    // slot, or it is made there now (the one made for this layout stays in the other slot). Why:
    // a failed call's span has one attribute more, and one span in fifty summarized each of its
    // fields twice (to the failed layout and back).
    RefMemo* other = names.second_ref_memo(ref);
    if (other != nullptr) std::swap(rm, *other);
    // The same record layout: the root's object is the same, only its layout decides.
    if (other == nullptr || rm.state == RefMemo::State::kUnknown ||
        rm.root_generation != root_names->generation()) {
      root_names = summarize<kKind>(ref, memo, rm, ctx);
    }
  }
  switch (rm.state) {
    case RefMemo::State::kNone:
      out = {};
      return true;
    case RefMemo::State::kFound:
      out = rm.in_root ? root_names->member<kKind>(rm.position) : names.member<kKind>(rm.position);
      return !out.is_null();
    default:
      return false;
  }
}

// The value of a memoized `ref` (FieldRef::memo) in ctx.record, the same as the general loop in
// resolve() finds: the first alternative present and not null. Alternatives absent from the
// record's layout cost one read; one present as a single member is read there, and when that
// member is a root's object (kRootMember) the path goes on through that object's index.
// kRooted: ref.rooted, first decided from its RefMemo. A parameter, so that the lookups of
// profiles without roots (W1-LLM's) are compiled as before: with the RefMemo's code inlined into
// them, unused, their callers took 1 % more instructions (inlining and registers); out of line,
// a span's rooted lookups took 550 more.
template <JsonKind kKind, bool kRooted = false>
[[gnu::always_inline]] inline JsonRefOf<kKind> resolve_memoized(const FieldRef& ref,
                                                                const Context& ctx) {
  ObjectNames& names = *ctx.names;
  const std::size_t n = ref.alternatives.size();
  const AlternativeMemo* memo = names.memo(ref);
  if constexpr (kRooted) {
    RefMemo& rm = names.ref_memo(ref);
    JsonRefOf<kKind> v;
    if (rm.state != RefMemo::State::kGeneral && resolve_summarized<kKind>(ref, memo, rm, ctx, v)) {
      return v;
    }
  }
  std::size_t a = memo[0].state == AlternativeMemo::State::kAbsent ? memo[0].following : 0;
  for (; a < n; a = memo[a].following) {
    const AlternativeMemo& m = memo[a];
    const PathAlternative& alt = ref.alternatives[a];
    JsonRefOf<kKind> v;
    if (m.state == AlternativeMemo::State::kOneMember) {
      v = names.member<kKind>(m.position);
      // The path goes on below this member: only into an object or array (a record's "service"
      // is mostly a string, where "service.name" ends at once without a call).
      if (m.next != 0) {
        v = v.is_object() || v.is_array() ? resolve_path(v, alt, m.next, ctx.roots)
                                          : JsonRefOf<kKind>();
      }
    } else if (m.state == AlternativeMemo::State::kRootMember) {  // `attributes` of attributes.p
      v = resolve_rest(names.member<kKind>(m.position), alt, ctx.roots);
    } else {
      v = resolve_in_object(ctx.record.as<kKind>(), alt, alt.record_ids, 0, names, ctx.roots);
    }
    if (v && !v.is_null()) return v;
  }
  return {};
}

// What one alternative that is not a capture finds from its base (the record or the current
// item; nothing without one). Null values are returned: the callers go on to the next alternative.
template <JsonKind kKind>
JsonRefOf<kKind> resolve_alternative(const PathAlternative& alt, const Context& ctx) {
  const JsonRef base = alt.base == PathAlternative::Base::kItem ? ctx.item : ctx.record;
  if (!base) return {};
  return alt.base == PathAlternative::Base::kRecord
             ? resolve_record_path(base.as<kKind>(), alt, *ctx.names, ctx.roots)
             : resolve_path(base.as<kKind>(), alt, 0, ctx.roots);
}

// The general loop: every alternative in order, the first present and not null.
template <JsonKind kKind>
JsonRefOf<kKind> resolve_alternatives(const FieldRef& ref, const Context& ctx) {
  for (const auto& alt : ref.alternatives) {
    if (alt.base == PathAlternative::Base::kCapture) continue;
    const JsonRefOf<kKind> v = resolve_alternative<kKind>(alt, ctx);
    if (v && !v.is_null()) return v;
  }
  return {};
}

template <JsonKind kKind>
JsonRef resolve_json_as(const FieldRef& ref, const Context& ctx) {
  if (ref.memo >= 0 && ctx.names->covers(ctx.record)) {
    return ref.rooted ? resolve_memoized<kKind, true>(ref, ctx).ref()
                      : resolve_memoized<kKind>(ref, ctx).ref();
  }
  return resolve_alternatives<kKind>(ref, ctx).ref();
}

// The value `ref` finds in the record (or the current item), of either kind.
JsonRef resolve_json(const FieldRef& ref, const Context& ctx) {
  return ctx.record.on_tape() ? resolve_json_as<JsonKind::kTape>(ref, ctx)
                              : resolve_json_as<JsonKind::kRapid>(ref, ctx);
}

template <JsonKind kKind>
Scalar resolve_as(const FieldRef& ref, const Context& ctx) {
  if (ref.memo >= 0 && ctx.names->covers(ctx.record)) {
    const JsonRefOf<kKind> v =
        ref.rooted ? resolve_memoized<kKind, true>(ref, ctx) : resolve_memoized<kKind>(ref, ctx);
    return v ? from_json(v) : Scalar{};
  }
  for (const auto& alt : ref.alternatives) {
    if (alt.base == PathAlternative::Base::kCapture) {
      const std::string_view c = ctx.captures[alt.capture];
      if (c.data() != nullptr) return Scalar::text(c);
      continue;
    }
    const JsonRefOf<kKind> v = resolve_alternative<kKind>(alt, ctx);
    if (v && !v.is_null()) return from_json(v);
  }
  return {};
}

// The value `ref` finds as a Scalar: in the record (or the current item) or a capture.
Scalar resolve(const FieldRef& ref, const Context& ctx) {
  return ctx.record.on_tape() ? resolve_as<JsonKind::kTape>(ref, ctx)
                              : resolve_as<JsonKind::kRapid>(ref, ctx);
}

}  // namespace
}  // namespace specwatch
