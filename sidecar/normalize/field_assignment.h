// Values into event fields: the assignment of one Target (generated from event_fields.h), the
// fast paths for the most frequent assignments, and the reset of a reused event slot's body.
//
// Part of the normalizer's one translation unit (normalize.cpp includes it; nothing else may):
// the hot path stays one unit so that the compiler inlines across its parts, as it did when
// they were one file. Hence the unnamed namespace.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "sidecar/normalize/profile_set.h"
#include "sidecar/normalize/rule_evaluation.h"

namespace specwatch {
namespace {

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
  } else if (field.empty()) {
    // A body string set_kind() emptied (its buffer kept): appending costs a third of the
    // instructions of assign(), whose replace handles overlap and a length to give back.
    field.append(t);
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

// One assign_<domain>() per value domain of event_fields.h: `v` into a field of that domain.
// All take the same arguments, so that the generated switch in assign() calls them alike.
bool assign_text(std::string& field, const Scalar& v, Convert convert, Context& ctx) {
  if (convert == Convert::kModelFamily && v.type == Scalar::Type::kString) {
    // Here rather than in evaluate(), so that `{field: x, convert: model_family}` stays a plain
    // spec (read and set, without evaluate()'s steps).
    assign_text(field, model_family(v.s));
    return true;
  }
  return set_string(field, v, ctx);
}

bool assign_time(std::int64_t& field, const Scalar& v, Convert unit, Context& ctx) {
  return to_time(v, unit, field, *ctx.time_memo) == Status::kOk;
}

bool assign_count(std::int64_t& field, const Scalar& v, Convert, Context&) {
  std::int64_t n;
  if (!to_int(v, n) || n < 0) return false;
  field = n;
  return true;
}

bool assign_optional_count(std::optional<std::int64_t>& field, const Scalar& v, Convert, Context&) {
  std::int64_t i;
  if (!to_int(v, i) || i < 0) return false;
  field = i;
  return true;
}

bool assign_optional_amount(std::optional<double>& field, const Scalar& v, Convert, Context&) {
  double d;
  if (!numeric(v, d) || d < 0) return false;
  field = d;
  return true;
}

bool assign_ratio(double& field, const Scalar& v, Convert, Context&) {
  double d;
  if (!numeric(v, d) || d < 0 || d > 1) return false;
  field = d;
  return true;
}

bool assign_flag(bool& field, const Scalar& v, Convert, Context&) {
  return to_bool(v, field);
}

bool assign_optional_flag(std::optional<bool>& field, const Scalar& v, Convert, Context&) {
  bool b;
  if (!to_bool(v, b)) return false;
  field = b;
  return true;
}

bool assign_outcome(Outcome& field, const Scalar& v, Convert, Context&) {
  return to_outcome(v, false, field);
}

bool assign_call_outcome(Outcome& field, const Scalar& v, Convert, Context&) {
  return to_outcome(v, true, field);
}

bool assign_severity(Severity& field, const Scalar& v, Convert, Context&) {
  return to_severity(v, field);
}

bool assign_http_status(std::optional<int>& field, const Scalar& v, Convert, Context&) {
  std::int64_t n;
  if (!to_int(v, n) || n < 100 || n > 999) return false;
  field = static_cast<int>(n);
  return true;
}

// `v` into the field a.target names (one case per field of event_fields.h).
bool assign(CanonicalEvent& e, const Assignment& a, const Scalar& v, Convert unit, Context& ctx) {
  auto& body = e.body;
  switch (a.target) {
#define SPECWATCH_ASSIGN_COMMON(S, type, member, default_value, name, target, domain) \
  case Target::target:                                                                \
    return mark_common(a, ctx, assign_##domain(e.member, v, unit, ctx));
    SPECWATCH_COMMON_FIELDS(SPECWATCH_ASSIGN_COMMON, CanonicalEvent)
#undef SPECWATCH_ASSIGN_COMMON
#define SPECWATCH_ASSIGN_BODY(S, type, member, default_value, name, target, domain) \
  case Target::target:                                                              \
    return assign_##domain(std::get<S>(body).member, v, unit, ctx);
#define SPECWATCH_ASSIGN_KIND(kind, S, name, FIELDS) FIELDS(SPECWATCH_ASSIGN_BODY, S)
    SPECWATCH_EVENT_KINDS(SPECWATCH_ASSIGN_KIND)
#undef SPECWATCH_ASSIGN_KIND
#undef SPECWATCH_ASSIGN_BODY
  }
  return false;
}

// Applies one assignment: the first spec that yields a value wins. `first`: the spec to start
// from (apply_memoized has read the ones before it and found none of their fields).
[[gnu::noinline]] std::string_view apply_specs(CanonicalEvent& e, const Assignment& a, Context& ctx,
                                               std::size_t first = 0) {
  for (std::size_t i = first; i < a.specs.size(); ++i) {
    const ValueSpec& spec = a.specs[i];
    if (spec.plain) {  // the value as read: what evaluate() would return, without its steps
      Scalar v = resolve(spec.field, ctx);
      if (v.absent()) continue;
      const double divisor = seconds_divisor(spec.convert);
      if (divisor != 0 && !to_seconds(v, divisor)) return kInvalidField;
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

// The field itself when it is a string, else nullptr (for common_string).
template <typename T>
std::string* string_field(T&) {
  return nullptr;
}
std::string* string_field(std::string& field) {
  return &field;
}

// The common string target `t` of `e` (service, trace and span id, workflow id), or nullptr.
std::string* common_string(CanonicalEvent& e, Target t) {
  switch (t) {
#define SPECWATCH_COMMON_STRING(S, type, member, default_value, name, target, domain) \
  case Target::target:                                                                \
    return string_field(e.member);
    SPECWATCH_COMMON_FIELDS(SPECWATCH_COMMON_STRING, CanonicalEvent)
#undef SPECWATCH_COMMON_STRING
    default:
      return nullptr;
  }
}

// The value domains of event_fields.h, as values (the field table names them as identifiers).
enum class Domain : std::uint8_t {
  text,
  time,
  count,
  optional_count,
  optional_amount,
  ratio,
  flag,
  optional_flag,
  outcome,
  call_outcome,
  severity,
  http_status,
};

// `field` when its domain is `kWanted` and its type is Field, else nullptr (for body_field).
template <typename Field, Domain kWanted, Domain kDomain, typename T>
Field* field_of_domain(T& field) {
  if constexpr (kWanted == kDomain && std::is_same_v<T, Field>) {
    return &field;
  } else {
    return nullptr;
  }
}

// The body field `t` names in `e` when its domain is `kWanted` (a Field), else nullptr: for the
// fast paths of apply_memoized(), which set such a field the way assign_<domain>() would. Common
// fields are never returned (they also mark ctx.common_assigned). get_if, not get: a body of
// another kind (which the profile's checks rule out) leaves the general way to report it, and
// std::get's check is a call that is not always inlined.
template <typename Field, Domain kWanted>
[[gnu::always_inline]] inline Field* body_field(CanonicalEvent& e, Target t) {
  auto& body = e.body;
  switch (t) {
#define SPECWATCH_BODY_FIELD(S, type, member, default_value, name, target, domain) \
  case Target::target:                                                             \
    if (auto* of_kind = std::get_if<S>(&body)) {                                   \
      return field_of_domain<Field, kWanted, Domain::domain>(of_kind->member);     \
    }                                                                              \
    return nullptr;
#define SPECWATCH_BODY_FIELD_KIND(kind, S, name, FIELDS) FIELDS(SPECWATCH_BODY_FIELD, S)
    SPECWATCH_EVENT_KINDS(SPECWATCH_BODY_FIELD_KIND)
#undef SPECWATCH_BODY_FIELD_KIND
#undef SPECWATCH_BODY_FIELD
    default:
      return nullptr;
  }
}

// body_field() for a duration in seconds, out of line: a third copy of body_field's switch inlined
// into apply_memoized's callers made the compiler stop inlining smaller calls there (W1 with
// `generic` +20 instructions per record).
[[gnu::noinline]] std::optional<double>* seconds_field(CanonicalEvent& e, Target t) {
  return body_field<std::optional<double>, Domain::optional_amount>(e, t);
}

// The general end of apply() and apply_memoized(): `v` into the target, through assign(). Out of
// line, so that their frequent cases save no registers for it.
[[gnu::noinline]] std::string_view apply_value(CanonicalEvent& e, const Assignment& a,
                                               const Scalar& v, Context& ctx) {
  if (v.absent()) return a.required ? kMissingField : std::string_view{};
  const Convert convert = a.specs[0].convert;
  if (const double divisor = seconds_divisor(convert); divisor != 0) {
    Scalar seconds = v;
    if (!to_seconds(seconds, divisor)) return kInvalidField;
    return assign(e, a, seconds, convert, ctx) ? std::string_view{} : kInvalidField;
  }
  return assign(e, a, v, convert, ctx) ? std::string_view{} : kInvalidField;
}

// The most frequent assignment, one plain spec ({field: X}) whose field is memoized, where the
// record's names are indexed (Assignment::Reading; apply_list): the field is read without going
// through resolve()'s Scalar, and a string for a common string target, a body text field or an
// ISO timestamp, or an integer for a token count, is set straight away: the same result as
// assign() with set_string(), to_time() or assign_optional_count(), with about a third of the
// instructions (a provider call sets a dozen such fields). For each kind of record value;
// kRooted: spec.field.rooted (see resolve_memoized). Inlined into apply_indexed's loop, whose
// only caller it is: a call and its register saves cost a memoized assignment about 20
// instructions of its 80 to 100.
template <JsonKind kKind, bool kRooted>
[[gnu::always_inline]] inline std::string_view apply_memoized(CanonicalEvent& e,
                                                              const Assignment& a,
                                                              const ValueSpec& spec, Context& ctx) {
  const JsonRefOf<kKind> found = resolve_memoized<kKind, kRooted>(spec.field, ctx);
  if (!found) {
    // A list whose first spec found nothing: the next ones, the general way.
    if (a.specs.size() > 1) return apply_specs(e, a, ctx, 1);
    return a.required ? kMissingField : std::string_view{};
  }
  if (found.is_string()) {
    const std::string_view text = found.string();
    if (std::string* field = common_string(e, a.target)) {
      assign_text(*field, text);
      ctx.common_assigned |= 1u << static_cast<unsigned>(a.target);
      return {};
    }
    // A body text field (provider, model, operation, …) without a conversion: what
    // assign_text() does with a string.
    if (spec.convert == Convert::kNone) {
      if (std::string* field = body_field<std::string, Domain::text>(e, a.target)) {
        assign_text(*field, text);
        return {};
      }
    }
    // A log record's level (get_if: std::get's check for the wrong kind is a call that stopped
    // being inlined here once this function grew).
    if (a.target == Target::kLogLevel) {
      if (auto* log = std::get_if<LogRecord>(&e.body)) {
        return to_severity(Scalar::text(text), log->level) ? std::string_view{} : kInvalidField;
      }
    }
    // An ISO 8601 timestamp, as to_time() reads it first; other text goes the general way.
    if (a.target == Target::kTimestamp) {
      if (const auto t = parse_iso_time(text, *ctx.time_memo)) {
        e.timestamp_ns = *t;
        ctx.common_assigned |= 1u << static_cast<unsigned>(a.target);
        return {};
      }
    }
  } else if (const double divisor = seconds_divisor(spec.convert); divisor != 0) {
    // A number of ns, µs or ms into a duration in seconds (a provider call's latency): what
    // to_seconds() and assign_optional_amount() do with it, without the Scalar and evaluate().
    if (found.is_number()) {
      if (auto* field = seconds_field(e, a.target)) {
        const double seconds = found.number() / divisor;
        if (seconds < 0) return kInvalidField;
        *field = seconds;
        return {};
      }
    }
  } else if (found.is_int64()) {
    // An integer into a token count (three or more per provider call): what assign() with
    // assign_optional_count() does for it, without the Scalar and the two dispatches.
    if (auto* field =
            body_field<std::optional<std::int64_t>, Domain::optional_count>(e, a.target)) {
      const std::int64_t n = found.int64();
      if (n < 0) return kInvalidField;
      *field = n;
      return {};
    }
  }
  return apply_value(e, a, from_json(found), ctx);
}

// An assignment read the general way: one that is not memoized (Assignment::Reading), or any
// where the record's names are not indexed. apply_specs(), with one plain spec inline.
std::string_view apply(CanonicalEvent& e, const Assignment& a, Context& ctx) {
  if (a.specs.size() != 1 || !a.specs[0].plain) return apply_specs(e, a, ctx);
  return apply_value(e, a, resolve(a.specs[0].field, ctx), ctx);
}

// The assignments [it, end) where the record's names are indexed (ObjectNames::covers holds) and
// it is of kind kKind: each memoized one straight to apply_memoized, the others through apply().
template <JsonKind kKind, typename OnReason>
bool apply_indexed(CanonicalEvent& e, std::vector<Assignment>::const_iterator it,
                   std::vector<Assignment>::const_iterator end, Context& ctx, OnReason& on_reason) {
  using Reading = Assignment::Reading;
  for (; it != end; ++it) {
    const Assignment& a = *it;
    std::string_view r;
    if (a.reading == Reading::kMemoized) {
      r = apply_memoized<kKind, false>(e, a, a.specs[0], ctx);
    } else if (a.reading == Reading::kMemoizedRooted) {
      r = apply_memoized<kKind, true>(e, a, a.specs[0], ctx);
    } else {
      r = apply(e, a, ctx);
    }
    if (!r.empty() && !on_reason(r)) return false;
  }
  return true;
}

// Applies each of `list` in order. `on_reason(reason)` hears of each bad value and says whether to
// go on; returns false when it said not to. The first memoized assignment tests whether the
// record's names are indexed, and which kind of record it is, for the rest of the list (neither
// changes within a record): a loop that decided both for each assignment, calling out to the
// memoized case, cost a memoized assignment about 45 instructions more (a provider call has a
// dozen).
template <typename OnReason>
bool apply_list(CanonicalEvent& e, const std::vector<Assignment>& list, Context& ctx,
                OnReason&& on_reason) {
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (it->reading != Assignment::Reading::kGeneral && ctx.names->covers(ctx.record)) {
      return ctx.record.on_tape()
                 ? apply_indexed<JsonKind::kTape>(e, it, list.end(), ctx, on_reason)
                 : apply_indexed<JsonKind::kRapid>(e, it, list.end(), ctx, on_reason);
    }
    const std::string_view r = apply(e, *it, ctx);
    if (!r.empty() && !on_reason(r)) return false;
  }
  return true;
}

// Sets a member back to its default (`fresh()`); a string is emptied instead, keeping its heap
// buffer: an event slot reused from an earlier record (EventBuffer) then costs no malloc/free
// per record for long names.
template <typename T, typename Fresh>
[[gnu::always_inline]] inline void reset_member(T& member, Fresh fresh) {
  member = fresh();
}
template <typename Fresh>
[[gnu::always_inline]] inline void reset_member(std::string& member, Fresh) {
  member.clear();
}

#define SPECWATCH_RESET_MEMBER(S, type, member, default_value, name, target, domain) \
  reset_member(body->member, [] { return type{default_value}; });

// Makes e.body a default body of `kind`. A slot that already holds that kind is reset member by
// member (no temporary body, no string swaps); see reset_member.
void set_kind(CanonicalEvent& e, EventKind kind) {
  switch (kind) {
#define SPECWATCH_SET_KIND(kind, S, name, FIELDS) \
  case EventKind::kind:                           \
    if (S* body = std::get_if<S>(&e.body)) {      \
      FIELDS(SPECWATCH_RESET_MEMBER, S)           \
    } else {                                      \
      e.body.emplace<S>();                        \
    }                                             \
    break;
    SPECWATCH_EVENT_KINDS(SPECWATCH_SET_KIND)
#undef SPECWATCH_SET_KIND
  }
}

// Sets the common fields of `e` that no common assignment set (bit 1 << Target in `assigned`)
// to their defaults.
void reset_unassigned_common(CanonicalEvent& e, std::uint32_t assigned) {
  CanonicalEvent* body = &e;
#define SPECWATCH_RESET_COMMON(S, type, member, default_value, name, target, domain) \
  if ((assigned & (1u << static_cast<unsigned>(Target::target))) == 0) {             \
    SPECWATCH_RESET_MEMBER(S, type, member, default_value, name, target, domain)     \
  }
  SPECWATCH_COMMON_FIELDS(SPECWATCH_RESET_COMMON, CanonicalEvent)
#undef SPECWATCH_RESET_COMMON
}

// Copies the common fields of `from` into `to` (assigned in place: string capacity is kept).
void copy_common(CanonicalEvent& to, const CanonicalEvent& from) {
#define SPECWATCH_COPY_COMMON(S, type, member, default_value, name, target, domain) \
  to.member = from.member;
  SPECWATCH_COMMON_FIELDS(SPECWATCH_COPY_COMMON, CanonicalEvent)
#undef SPECWATCH_COPY_COMMON
}

#undef SPECWATCH_RESET_MEMBER

}  // namespace
}  // namespace specwatch
