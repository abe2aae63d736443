// The event fields a profile may assign (`set:` keys), generated from the one field list in
// sidecar/core/event_fields.h: the Target enum, the type of value each takes and the table the
// profile compiler looks names up in.
#pragma once

#include <cstdint>
#include <string_view>

#include "sidecar/core/event.h"

namespace specwatch {

enum class ValueType : std::uint8_t {
  kString,
  kInt,
  kDouble,
  kBool,
  kOutcome,
  kSeverity,
  kTime,
};

// The ValueType of each value domain of event_fields.h.
namespace field_domain {
inline constexpr ValueType text = ValueType::kString;
inline constexpr ValueType time = ValueType::kTime;
inline constexpr ValueType count = ValueType::kInt;
inline constexpr ValueType optional_count = ValueType::kInt;
inline constexpr ValueType http_status = ValueType::kInt;
inline constexpr ValueType optional_amount = ValueType::kDouble;
inline constexpr ValueType ratio = ValueType::kDouble;
inline constexpr ValueType flag = ValueType::kBool;
inline constexpr ValueType optional_flag = ValueType::kBool;
inline constexpr ValueType outcome = ValueType::kOutcome;
inline constexpr ValueType call_outcome = ValueType::kOutcome;
inline constexpr ValueType severity = ValueType::kSeverity;
}  // namespace field_domain

#define SPECWATCH_TARGET_ENUMERATOR(S, type, member, default_value, name, target, domain) target,
#define SPECWATCH_TARGET_KIND_ENUMERATORS(kind, S, name, FIELDS) \
  FIELDS(SPECWATCH_TARGET_ENUMERATOR, S)
// Every assignable field. Common fields first (their values fit the bits of a std::uint32_t).
enum class Target : std::uint8_t {
  SPECWATCH_COMMON_FIELDS(SPECWATCH_TARGET_ENUMERATOR, CanonicalEvent)
      SPECWATCH_EVENT_KINDS(SPECWATCH_TARGET_KIND_ENUMERATORS)
};
#undef SPECWATCH_TARGET_KIND_ENUMERATORS
#undef SPECWATCH_TARGET_ENUMERATOR

// A `set:` key: the kind it belongs to (kCommonTarget: every kind), its name, its Target and
// the type of value it takes.
inline constexpr int kCommonTarget = -1;
struct TargetInfo {
  int kind;
  std::string_view name;
  Target target;
  ValueType type;
};

#define SPECWATCH_COMMON_TARGET_INFO(S, type, member, default_value, name, target, domain) \
  {kCommonTarget, name, Target::target, field_domain::domain},
// Here the list's S is the kind's EventKind enumerator (see SPECWATCH_TARGET_KIND_INFOS).
#define SPECWATCH_TARGET_INFO(kind, type, member, default_value, name, target, domain) \
  {static_cast<int>(EventKind::kind), name, Target::target, field_domain::domain},
#define SPECWATCH_TARGET_KIND_INFOS(kind, S, name, FIELDS) FIELDS(SPECWATCH_TARGET_INFO, kind)
inline constexpr TargetInfo kTargets[] = {
    SPECWATCH_COMMON_FIELDS(SPECWATCH_COMMON_TARGET_INFO, CanonicalEvent)
        SPECWATCH_EVENT_KINDS(SPECWATCH_TARGET_KIND_INFOS)};
#undef SPECWATCH_TARGET_KIND_INFOS
#undef SPECWATCH_TARGET_INFO
#undef SPECWATCH_COMMON_TARGET_INFO

}  // namespace specwatch
