// Reusable storage for the CanonicalEvents of one record or one batch.
//
// Why: a std::vector<CanonicalEvent> that is clear()ed before each record destroys its events, so
// every record pays a malloc/free for each string longer than the small-string buffer (trace ids
// are 32 characters, span ids 16, many model names 17+). EventBuffer keeps its events and their
// string capacity across clear(): once the longest values have been seen, normalizing record
// after record allocates nothing. The events read back are exactly those normalize() would have
// appended to a vector (the stale contents of a reused slot are always overwritten).
//
// Also holds normalize()'s per-record scratch (the common fields of the record, the lowercased
// text of a value, where the members of the record and of its root objects are, the last
// timestamp's date) for the same reason. One EventBuffer per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sidecar/core/event.h"
#include "sidecar/core/record.h"
#include "sidecar/normalize/compiled_profile.h"
#include "sidecar/normalize/stored_member_name.h"
#include "sidecar/normalize/text_util.h"

namespace specwatch {

// What one alternative of a memoized field reference (FieldRef::memo) finds at the top level of
// records of one layout (EventBuffer::Scratch::record's memo): none of its spellings (the key
// or a flat dotted join of it), exactly one of them (that member's position and the segment the
// path goes on at), or several (resolved the general way, in record order). `following` skips
// the absent alternatives after it. kRootMember is a kOneMember that is the object a root leads
// to (PathAlternative::rest == next): the path goes on through that object's own index. A root's
// memo (PathAlternative::rest_memo) holds the same for the rest of a rooted alternative in the
// root's object (`following` unused, never kRootMember).
struct AlternativeMemo {
  enum class State : std::uint8_t { kUnknown, kAbsent, kOneMember, kRootMember, kSeveral };
  State state = State::kUnknown;
  // kOneMember, kRootMember: the segment after the member (0: the member is the value).
  std::uint8_t next = 0;
  std::uint16_t following = 0;  // the next alternative that is not kAbsent (or their number)
  std::uint32_t position = 0;   // kOneMember, kRootMember: the member
};

// What a memoized FieldRef with rooted alternatives (FieldRef::rooted) finds as a whole: the first
// of its alternatives present in the record's layout and, for its rooted alternatives, in the
// layout of the root's object -- decided by the two layouts alone. Kept per record layout (with
// AlternativeMemo) and checked against the root's layout (ObjectIndex::generation); two per
// field, one for each layout the root's object keeps (ObjectNames::second_ref_memo). Why: a GenAI
// span's fields have two to four spellings, each tried under `attributes` and at the top level;
// trying them one by one, mostly to find them absent, took a fifth of a span's normalizing.
struct RefMemo {
  enum class State : std::uint8_t {
    kUnknown,  // not known for this layout (or the root's object could not be indexed)
    kGeneral,  // the layouts do not decide it (a path that goes on below a member, ...)
    kFound,    // at `position`, in the root's object or the record
    kNone,     // no alternative present
  };
  State state = State::kUnknown;
  bool in_root = false;               // kFound: the position is in the root's object
  bool uses_root = false;             // a rooted alternative was looked up: the root fields hold
  std::uint8_t root = 0;              // PathAlternative::root
  std::uint32_t root_position = 0;    // the record member the root leads to
  std::uint32_t position = 0;         // kFound
  std::uint64_t root_generation = 0;  // the root's ObjectIndex::generation it holds for
};

class EventBuffer {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const CanonicalEvent& operator[](std::size_t i) const { return slots_[i]; }
  const CanonicalEvent* begin() const { return slots_.data(); }
  const CanonicalEvent* end() const { return slots_.data() + size_; }
  std::span<const CanonicalEvent> events() const { return {slots_.data(), size_}; }

  // Forgets the events but keeps their storage for the next ones.
  void clear() { size_ = 0; }

  // One more event, in a slot that may hold an earlier event's values: the caller must set every
  // field (normalize() does). The reference is valid until the next add().
  CanonicalEvent& add() {
    if (size_ == slots_.size()) slots_.emplace_back();
    return slots_[size_++];
  }
  // Drops the last added event (its storage stays for reuse).
  void pop_back() { --size_; }
  // Exchanges two events (their storage goes with them), and keeps the first `n` events: together
  // they drop events from the middle without freeing any storage.
  void swap_slots(std::size_t a, std::size_t b) { std::swap(slots_[a], slots_[b]); }
  void truncate(std::size_t n) { size_ = n < size_ ? n : size_; }

  // normalize()'s scratch, reused from record to record (see the header comment).
  // The member names of the object an ObjectIndex's positions were last found for. Records of one
  // stream mostly have the same members in the same order (one logger, one format; the
  // attributes of one instrumentation's spans): when the next object's names are the same, for
  // the same indexing of the same profile (layout_id), the positions are the same and the pass
  // that looks each name up in the profile is skipped.
  struct LayoutCache {
    std::shared_ptr<const char> layout_id;  // CompiledProfile::layout_id; null: nothing cached
    std::vector<MemberNameKey> keys;        // member_name_key of each member name, in order
    std::string long_names;  // names longer than kMemberNameKeyBytes (keys hold only part of them)
    // The same names for a tape record's compare (stored_member_name.h), and their bytes past
    // the head, padded.
    std::vector<StoredMemberName> stored_names;
    std::string stored_rests;
    bool usable = false;  // what the pass found: whether the positions may be used
    // The Record::value_layout of the record whose names these are; kUnknown for any other.
    ValueLayout value_layout = ValueLayout::kUnknown;
    // False for a Scratch used for one record only (normalize() into a std::vector): remembering
    // the names would cost an allocation no later record benefits from.
    bool enabled = true;
  };

  // Where the members of one layout of an object (the record, or the object a root leads to)
  // named like the profile's record_names are, and what the alternatives looked up there find
  // (ObjectNames in record_member_index.h).
  struct LayoutIndex {
    std::vector<std::uint32_t> positions;  // per record_names id: member position or absent
    // Per memo slot (FieldRef::memo for the record, PathAlternative::rest_memo for a root), found
    // on its first lookup into a layout and forgotten with the positions.
    std::vector<AlternativeMemo> memo;
    // Per memo slot of a FieldRef's first alternative (FieldRef::memo): for the record only.
    std::vector<RefMemo> ref_memo;
    // Which finding of positions this is (ObjectIndex::generations): a RefMemo holds while its
    // root's layout is the one it was made with.
    std::uint64_t generation = 0;
    LayoutCache layout;  // whose names the positions are for
  };

  // The current layout of one object and the one before it. Why two: a stream's objects often
  // alternate between two sets of names (a failed call's span has an error.type attribute more);
  // with one, each change found the positions and the memos anew (about 5,000 instructions, 2 %
  // of a GenAI span's cost where one span in 50 failed).
  struct ObjectIndex : LayoutIndex {
    LayoutIndex previous;  // swapped with the current one when the object's names return to it
    std::uint64_t generations = 0;  // positions found so far, in either
    // The current record's object on simdjson's tape: the word of each member's value, by
    // position (a tape is read in order, a RapidJSON object's members are an array). Per record.
    std::vector<const std::uint64_t*> member_words;
  };

  struct Scratch {
    CanonicalEvent common;  // the record's common fields, copied into each of its events
    std::string lowercase;  // lowercased text of the value being evaluated
    ObjectIndex record;     // the record's top-level names
    // Per indexed root (PathAlternative::root): the names of the object it leads to. Without
    // them every rooted alternative scanned the root object's members (all of a span's
    // attributes for each spelling of each field).
    std::array<ObjectIndex, kIndexedRoots> roots;
    // The profile's capture slots (CompiledProfile::capture_names); only those are cleared for a
    // record, a JSON profile mostly has none.
    std::array<std::string_view, kMaxCaptures> captures;
    IsoTimeMemo time_memo;  // the last date and time of day parsed
    // For a Scratch used for one record only (see LayoutCache::enabled).
    void forget_layouts() {
      record.layout.enabled = false;
      record.previous.layout.enabled = false;
      for (ObjectIndex& root : roots) {
        root.layout.enabled = false;
        root.previous.layout.enabled = false;
      }
    }
  };
  Scratch& scratch() { return scratch_; }

 private:
  std::vector<CanonicalEvent> slots_;
  std::size_t size_ = 0;
  Scratch scratch_;
};

}  // namespace specwatch
