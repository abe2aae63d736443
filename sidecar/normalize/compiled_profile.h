// The compiled form of a profile (see docs/PROFILES.md for the YAML language): paths pre-split,
// regexes pre-compiled with named groups turned into capture slots, literal prefilters derived,
// targets resolved to enum values. Built once by ProfileSet, then only read by normalize().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "sidecar/core/event.h"
#include "sidecar/core/tool.h"
#include "sidecar/normalize/event_targets.h"

namespace specwatch {

// Captures of one profile live in a fixed array of slots (no allocation per record).
inline constexpr int kMaxCaptures = 32;
// Regexes run on at most this many leading bytes of a value (see run_regex in rule_evaluation.h).
inline constexpr std::size_t kMaxRegexInput = 4096;
// The objects reached by the first this many distinct `roots:` of a profile get a member-name
// index of their own (EventBuffer::Scratch::roots); paths under further roots are scanned.
inline constexpr std::size_t kIndexedRoots = 4;
// PathAlternative::rest of an alternative that no root prefixed.
inline constexpr std::size_t kNotRooted = std::numeric_limits<std::size_t>::max();

// A cheap hash of a JSON member name (length, first and last 8 bytes), for
// CompiledProfile::record_name_table. Collisions only cost a comparison: lookups compare the
// whole name.
//
// MemberNameKey holds the bytes the hash reads (the first and last 8, or 4, or 3 of them) and the
// length: for a name of at most kMemberNameKeyBytes bytes those are all of its bytes, so equal
// keys mean equal names and no memcmp is needed.
inline constexpr std::size_t kMemberNameKeyBytes = 16;
struct MemberNameKey {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::size_t n = 0;
  bool operator==(const MemberNameKey&) const = default;
};

inline MemberNameKey member_name_key(std::string_view name) {
  const char* p = name.data();
  const std::size_t n = name.size();
  std::uint64_t a = 0, b = 0;
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
  } else if (n >= 4) {
    std::uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) << 8 |
        static_cast<unsigned char>(p[n - 1]) << 16;
  }
  return {a, b, n};
}

// Whether two names with equal MemberNameKeys of more than kMemberNameKeyBytes bytes are equal:
// their first and last 8 bytes and their length n are, so only bytes 8 .. n - 8 are compared, 8
// at a time. Inline because a span's attribute names are mostly 17 to 40 bytes long: a memcmp
// call cost more than the compare.
inline bool same_long_name(const char* a, const char* b, std::size_t n) {
  for (std::size_t offset = 8; offset + 8 < n; offset += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a + offset, 8);
    std::memcpy(&y, b + offset, 8);
    if (x != y) return false;
  }
  return true;
}

inline std::uint64_t member_name_hash(const MemberNameKey& k) {
  return (k.a ^ (k.b * 0x9E3779B97F4A7C15ULL) ^ k.n) * 0xC2B2AE3D27D4EB4FULL;
}

inline std::uint64_t member_name_hash(std::string_view name) {
  return member_name_hash(member_name_key(name));
}

struct PathSegment {
  std::string key;  // member name; empty for an array index
  int index = -1;   // >= 0: array element
  bool operator==(const PathSegment&) const = default;
};

// One alternative of a field reference.
struct PathAlternative {
  enum class Base : std::uint8_t { kRecord, kItem, kCapture };
  Base base = Base::kRecord;
  int capture = -1;  // kCapture: slot
  std::vector<PathSegment> segments;
  // joins[i][k]: the keys of segments i..i+k+1 joined with '.', so that a record with flat
  // dotted keys ("gen_ai.usage.input_tokens": 5) matches the same path as a nested one.
  std::vector<std::vector<std::string>> joins;
  // Base kRecord: the ids in CompiledProfile::record_names of the first segment's key
  // (record_ids[0]) and of its joins (record_ids[1 + k] for joins[0][k]). Empty when the first
  // segment is an array index (the record is then read the slow way).
  std::vector<std::uint16_t> record_ids;
  // An alternative a root prefixed (`roots: [attributes]` makes `attributes.p` of each record path
  // `p`): which of CompiledProfile's roots (-1: none) and the segment where `p` starts.
  int root = -1;
  std::size_t rest = kNotRooted;
  // When the root is indexed (root < kIndexedRoots): the ids in CompiledProfile::record_names of
  // segment `rest`'s key and of its joins, looked up in the object the root leads to (its names
  // are a record path's first key and joins, which record_names holds anyway), and this
  // alternative's slot in the per-layout memo of what they find there
  // (EventBuffer::ObjectIndex::memo of that root). Empty: the root object is scanned.
  std::vector<std::uint16_t> rest_ids;
  std::uint32_t rest_memo = 0;
};

// A field reference: alternatives tried in order, the first present one wins.
struct FieldRef {
  std::vector<PathAlternative> alternatives;
  // When every alternative is a record path read through CompiledProfile::record_names: the first
  // of this reference's slots (one per alternative) in the per-layout memo of what each
  // alternative finds at the top level (EventBuffer::Scratch::record's memo), so that
  // alternatives a stream's records never contain are not looked up again on each record, and a
  // present one is read at its member. -1: not memoized (index_record_names sets it).
  int memo = -1;
  // Memoized, and an alternative goes through an indexed root (rest_ids): RefMemo applies.
  bool rooted = false;
  bool empty() const { return alternatives.empty(); }
};

enum class Convert : std::uint8_t {
  kNone,
  kNsToS,
  kUsToS,
  kMsToS,
  kPercentToRatio,
  // Text: a model name without its trailing release date ("gpt-4o-mini-2024-07-18" →
  // "gpt-4o-mini", "claude-sonnet-4-5-20250929" → "claude-sonnet-4-5").
  kModelFamily,
  kUnixS,  // timestamp targets: numeric unix time in this unit
  kUnixMs,
  kUnixUs,
  kUnixNs,
};

// One way of producing a value; an Assignment tries its ValueSpecs in order.
struct ValueSpec {
  FieldRef field;             // read from the record / item / captures ...
  bool has_constant = false;  // ... or this constant (a YAML scalar, kept as text)
  std::string constant;
  FieldRef when_exists;    // the spec applies only when this path is present
  FieldRef between_start;  // duration between two timestamps (seconds)
  FieldRef between_end;
  bool lowercase = false;
  std::vector<std::pair<std::string, std::string>> map;           // exact text → value
  std::vector<std::pair<std::string, std::string>> contains_map;  // lowercased substring → value
  bool has_default = false;  // value when map/contains_map do not match
  std::string default_value;
  // An unmatched map/contains_map yields nothing, so that the next alternative is tried.
  bool mapped_only = false;
  Convert convert = Convert::kNone;
  // Only `field` (and maybe a timestamp unit): the value is the field's as read, so evaluation
  // skips every other step (index_record_names sets it).
  bool plain = false;
};

struct Assignment {
  Target target = Target::kService;
  ValueType type = ValueType::kString;
  std::string key;  // as written, for messages
  std::vector<ValueSpec> specs;
  bool required = false;  // absent → the event is dropped with reason "missing_field"
  // How the normalizer reads it where the record's names are indexed: a first plain spec whose
  // field is memoized (FieldRef::memo), with rooted alternatives or without, or the general way.
  // A list's later specs are read the general way, only when the first one's field is absent
  // (a span's `duration_ns` before the `duration_ms` of other shapes).
  // Decided once by index_record_names, so that a record's loop over its assignments does not
  // test the specs, the memo and the record's index for each of them.
  enum class Reading : std::uint8_t { kGeneral, kMemoized, kMemoizedRooted };
  Reading reading = Reading::kGeneral;
};

// A regex with its named groups mapped to capture slots and a literal every match contains.
struct CompiledRegex {
  std::regex re;
  std::vector<int> group_slots;  // group number (1-based) - 1 → capture slot or -1
  std::string literal;           // checked with a substring search before the regex runs
};

struct Condition {
  enum class Op : std::uint8_t { kExists, kMissing, kEquals, kIn, kContains, kPrefix, kRegex };
  Op op = Op::kExists;
  FieldRef field;
  std::vector<std::string> values;  // equals / in / contains / prefix
  CompiledRegex regex;
};

struct Rule {
  std::string name;
  EventKind kind = EventKind::kLogRecord;
  std::vector<Condition> when;  // all must hold; cheap tests first, regexes last
  FieldRef for_each;            // emit one event per element of this array
  std::vector<Assignment> set;
  // Applied after `set` only when the event's outcome is not success (llm_call, workflow_run,
  // workflow_step): the error fields of a call cost nothing on its many successes.
  std::vector<Assignment> on_error;
  bool final = false;  // stop evaluating later rules once this one matched
};

struct CompiledProfile {
  std::string name;
  Tool tool = Tool::kNone;             // `tool:`: whose tool-specific metrics its events feed
  bool text = false;                   // input: text lines (else parsed JSON)
  bool split_arrays = false;           // a JSON array record is normalized element by element
  std::vector<CompiledRegex> extract;  // text: first matching regex fills captures
  std::vector<Assignment> common;      // applied to every event (common targets only)
  std::vector<Rule> rules;
  std::vector<std::string> capture_names;  // slot → name; slot 0 is "line" for text profiles

  // Every member name a record path looks up at the top level of a record: the first segment of
  // each record path and its joins, which are also what a rooted alternative looks up in the
  // object its root leads to (PathAlternative::rest_ids). normalize() finds all of them in one
  // pass over the members of the record, and of each root's object (ObjectNames in
  // record_member_index.h), so that each path lookup is an array read instead of a scan of the
  // members. record_name_table: open addressing on member_name_hash (high bits, shift
  // record_name_shift), each slot an id + 1 (0: empty).
  std::vector<std::string> record_names;
  std::vector<MemberNameKey> record_name_keys;  // member_name_key of each record_names entry
  std::vector<std::uint16_t> record_name_table;
  int record_name_shift = 64;
  // Identifies this indexing of record_names, for the per-thread layout cache
  // (EventBuffer::ObjectIndex::layout): positions found for one record are reused for the next
  // record with the same member names, but only while they were found with the same record_names. A
  // pointer to the CompiledProfile is not enough, as a reloaded profile may be allocated where a
  // replaced one was; the cache holds a reference to this token, so its address cannot be reused
  // while the cache remembers it. index_record_names() makes a new token each time.
  std::shared_ptr<const char> layout_id;
  // Number of FieldRef::memo slots (one per alternative of each memoized reference).
  std::size_t memo_count = 0;
  // Number of distinct `roots:` paths (PathAlternative::root), and of PathAlternative::rest_memo
  // slots (one per rooted alternative with rest_ids).
  std::size_t root_count = 0;
  std::size_t rest_memo_count = 0;
};

// Fills record_names, record_name_table and every PathAlternative's record_ids and rest_ids
// (record_name_index.cpp; ProfileSet calls it once a profile is complete).
void index_record_names(CompiledProfile& profile);

}  // namespace specwatch
