// A value as the normalizer reads it from a record, a capture or a constant (Scalar), and how a
// JSON value (a JsonRef: a RapidJSON value or a value on simdjson's tape) becomes one.
//
// Part of the normalizer's one translation unit (normalize.cpp includes it; nothing else may):
// the hot path stays one unit so that the compiler inlines across its parts, as it did when
// they were one file. Hence the unnamed namespace.
#pragma once

#include <cstdint>
#include <string_view>

#include "sidecar/framing/json_ref.h"

namespace specwatch {
namespace {

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

template <JsonKind kKind>
[[gnu::always_inline]] inline Scalar from_json(JsonRefOf<kKind> v) {
  Scalar r;
  if (v.is_string()) {
    r.type = Scalar::Type::kString;
    r.s = v.string();
  } else if (v.is_bool()) {
    r.type = Scalar::Type::kBool;
    r.b = v.boolean();
  } else if (v.is_int64()) {
    r.type = Scalar::Type::kInt;
    r.i = v.int64();
  } else if (v.is_number()) {
    r.type = Scalar::Type::kDouble;
    r.d = v.number();
  } else if (v.is_null()) {
    r.type = Scalar::Type::kAbsent;  // null is "not reported"
  } else {
    r.type = Scalar::Type::kComposite;
  }
  return r;
}

}  // namespace
}  // namespace specwatch
