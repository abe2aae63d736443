// A read-only view of one value of a parsed record: a RapidJSON value, or a value on the tape of
// simdjson's document, read where simdjson's parser wrote it.
//
// Why two kinds: simdjson parses most records (JsonParser), and building a RapidJSON DOM from its
// document cost about 1,400 instructions of a provider-call record's 9,700, while a profile reads
// a dozen of its values. Records simdjson refuses (UTF-8 repaired, integers beyond 64 bits, very
// long records) and the records the OTLP receivers build from protobuf stay RapidJSON values. The
// normalizer reads both through this view.
//
// The tape is simdjson's documented layout (simdjson/doc/tape.md), which its DOM API reads: one
// 64-bit word per value, the type in the top byte; an object or array word holds the index one
// past its closing word (low 32 bits) and its count of members or elements (bits 32 to 55,
// saturated at 0xffffff); a string word the offset of its 32-bit length and bytes in the string
// buffer; a number word is followed by a word holding the number. JsonRefTape.* (tests) reads
// every kind of value through every accessor on the tape and on RapidJSON's parse of the same
// text, and every normalizer test reads its record both ways: a simdjson whose tape differs fails
// them.
//
// JsonRefOf<kind> is the same view with its kind fixed at compile time: the normalizer's lookups
// are instantiated for each kind and choose once per lookup, where a JsonRef tests its kind in
// every accessor (measured: 3 % more instructions per OTLP span than RapidJSON values read
// directly).
//
// A view is valid while the value it views is (a tape view until the parser's next parse).
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace specwatch {

// Where a parsed document's tape and string buffer are (simdjson's dom::document::tape and
// string_buf). Owned by the parser; its address is stable for the parser's life. The string
// buffer holds each string as a 4-byte little-endian length, its bytes and a NUL, and is
// allocated with SIMDJSON_PADDING (64) bytes beyond the most its strings can take
// (dom::document::allocate): a fixed-size read of up to 64 bytes from any string's start stays
// inside it (stored_name_matches relies on that).
struct JsonTape {
  const std::uint64_t* words = nullptr;
  const std::uint8_t* strings = nullptr;
};

enum class JsonKind : std::uint8_t { kRapid, kTape };

template <JsonKind kKind>
class JsonRefOf;

// A value of either kind, tested at run time.
class JsonRef {
 public:
  JsonRef() = default;  // no value (a path that found nothing)
  static JsonRef of(const rapidjson::Value& value) { return JsonRef(&value, nullptr); }
  // The value at index `index` of `tape` (1: the document's root value).
  static JsonRef on_tape(const JsonTape& tape, std::size_t index) {
    return JsonRef(tape.words + index, &tape);
  }

  explicit operator bool() const { return at_ != nullptr; }
  // The same value (not equal content).
  bool operator==(const JsonRef& other) const { return at_ == other.at_; }
  bool on_tape() const { return tape_ != nullptr; }
  JsonKind kind() const { return on_tape() ? JsonKind::kTape : JsonKind::kRapid; }
  // The view with its kind fixed (`kKind` must be kind()).
  template <JsonKind kKind>
  JsonRefOf<kKind> as() const;

  bool is_object() const;
  bool is_array() const;
  bool is_string() const;
  bool is_bool() const;
  bool is_null() const;
  // An integer of int64's range (RapidJSON's IsInt64; simdjson writes an integer beyond it as
  // unsigned, and never one within it so).
  bool is_int64() const;
  bool is_number() const;
  std::string_view string() const;
  bool boolean() const;
  std::int64_t int64() const;
  // Any number as a double (RapidJSON's GetDouble).
  double number() const;
  // The number of members of an object, elements of an array.
  std::uint32_t member_count() const;
  std::uint32_t size() const;
  // Element i of an array (i < size()).
  JsonRef element(std::uint32_t i) const;
  // The first member named `name` of an object, else no value.
  JsonRef find(std::string_view name) const;
  // Calls f(name, value) for each member of an object, in order, while f returns true. Returns
  // false when f stopped it.
  template <typename F>
  bool for_each_member(F&& f) const;
  // Calls f(element) for each element of an array, in order, while f returns true.
  template <typename F>
  bool for_each_element(F&& f) const;

 private:
  template <JsonKind>
  friend class JsonRefOf;
  JsonRef(const void* at, const JsonTape* tape) : at_(at), tape_(tape) {}

  const void* at_ = nullptr;
  const JsonTape* tape_ = nullptr;  // null: at_ is a rapidjson::Value
};

// A value of kind `kKind`: the accessors of JsonRef without the test of the kind.
template <JsonKind kKind>
class JsonRefOf {
 public:
  static constexpr bool kTape = kKind == JsonKind::kTape;

  JsonRefOf() = default;
  explicit JsonRefOf(JsonRef ref) : at_(ref.at_) {
    if constexpr (kTape) tape_ = ref.tape_;
  }
  JsonRef ref() const {
    if constexpr (kTape) return JsonRef(at_, tape_);
    return JsonRef(at_, nullptr);
  }

  explicit operator bool() const { return at_ != nullptr; }
  bool operator==(const JsonRefOf& other) const { return at_ == other.at_; }

  bool is_object() const {
    if constexpr (kTape) return type() == '{';
    return rapid().IsObject();
  }
  bool is_array() const {
    if constexpr (kTape) return type() == '[';
    return rapid().IsArray();
  }
  bool is_string() const {
    if constexpr (kTape) return type() == '"';
    return rapid().IsString();
  }
  bool is_bool() const {
    if constexpr (kTape) return type() == 't' || type() == 'f';
    return rapid().IsBool();
  }
  bool is_null() const {
    if constexpr (kTape) return type() == 'n';
    return rapid().IsNull();
  }
  bool is_int64() const {
    if constexpr (kTape) return type() == 'l';
    return rapid().IsInt64();
  }
  bool is_number() const {
    if constexpr (kTape) {
      const char t = type();
      return t == 'l' || t == 'u' || t == 'd';
    }
    return rapid().IsNumber();
  }

  [[gnu::always_inline]] std::string_view string() const {
    if constexpr (kTape) {
      const std::uint8_t* at = tape_->strings + (word() & kPayload);
      std::uint32_t length;
      std::memcpy(&length, at, sizeof length);
      return {reinterpret_cast<const char*>(at + sizeof length), length};
    }
    return {rapid().GetString(), rapid().GetStringLength()};
  }
  bool boolean() const {
    if constexpr (kTape) return type() == 't';
    return rapid().GetBool();
  }
  std::int64_t int64() const {
    if constexpr (kTape) return next_as<std::int64_t>();
    return rapid().GetInt64();
  }
  double number() const {
    if constexpr (kTape) {
      const char t = type();
      if (t == 'd') return next_as<double>();
      if (t == 'u') return static_cast<double>(next_as<std::uint64_t>());
      return static_cast<double>(next_as<std::int64_t>());
    }
    return rapid().GetDouble();
  }

  std::uint32_t member_count() const {
    if constexpr (kTape) return scope_count();
    return rapid().MemberCount();
  }
  std::uint32_t size() const {
    if constexpr (kTape) return scope_count();
    return rapid().Size();
  }

  template <typename F>
  [[gnu::always_inline]] bool for_each_member(F&& f) const {
    if constexpr (kTape) {
      const std::uint64_t* closing = closing_word();
      for (const std::uint64_t* key = words() + 1; key < closing;) {
        const JsonRefOf value = at_word(key + 1);
        if (!f(at_word(key).string(), value)) return false;
        key = value.next_word();
      }
      return true;
    } else {
      for (auto m = rapid().MemberBegin(); m != rapid().MemberEnd(); ++m) {
        const std::string_view name(m->name.GetString(), m->name.GetStringLength());
        if (!f(name, JsonRefOf(JsonRef::of(m->value)))) return false;
      }
      return true;
    }
  }

  // The members with their names where the tape's string buffer holds them (kind kTape):
  // `f(stored, value)`, `stored` pointing at the name's length word (see JsonTape).
  template <typename F>
  [[gnu::always_inline]] bool for_each_stored_member(F&& f) const
      requires(kKind == JsonKind::kTape) {
    const std::uint64_t* closing = closing_word();
    for (const std::uint64_t* key = words() + 1; key < closing;) {
      const JsonRefOf value = at_word(key + 1);
      if (!f(tape_->strings + (*key & kPayload), value)) return false;
      key = value.next_word();
    }
    return true;
  }

  template <typename F>
  [[gnu::always_inline]] bool for_each_element(F&& f) const {
    if constexpr (kTape) {
      const std::uint64_t* closing = closing_word();
      for (const std::uint64_t* e = words() + 1; e < closing;) {
        const JsonRefOf element = at_word(e);
        if (!f(element)) return false;
        e = element.next_word();
      }
      return true;
    } else {
      for (const rapidjson::Value& e : rapid().GetArray()) {
        if (!f(JsonRefOf(JsonRef::of(e)))) return false;
      }
      return true;
    }
  }

  JsonRefOf element(std::uint32_t i) const {
    if constexpr (kTape) {
      const std::uint64_t* e = words() + 1;
      for (std::uint32_t k = 0; k < i; ++k) e = at_word(e).next_word();
      return at_word(e);
    }
    return JsonRefOf(JsonRef::of(rapid()[i]));
  }

  JsonRefOf find(std::string_view name) const {
    JsonRefOf found;
    for_each_member([&](std::string_view n, JsonRefOf value) {
      if (n != name) return true;
      found = value;
      return false;
    });
    return found;
  }

  // The RapidJSON value (kind kRapid).
  const rapidjson::Value& rapid() const { return *static_cast<const rapidjson::Value*>(at_); }
  // The value's tape word (kind kTape): its place, which a member index keeps.
  const std::uint64_t* words() const { return static_cast<const std::uint64_t*>(at_); }
  // The value at `word` of the same tape (kind kTape).
  JsonRefOf at_word(const std::uint64_t* word) const {
    JsonRefOf r;
    r.at_ = word;
    r.tape_ = tape_;
    return r;
  }

 private:
  static constexpr std::uint64_t kPayload = 0x00ffffffffffffffULL;
  static constexpr std::uint32_t kCountSaturated = 0xffffff;

  std::uint64_t word() const { return *words(); }
  char type() const { return static_cast<char>(word() >> 56); }
  template <typename T>
  T next_as() const {
    T v;
    std::memcpy(&v, words() + 1, sizeof v);
    return v;
  }

  // An object's or array's closing word: its opening word holds the index one past it.
  const std::uint64_t* closing_word() const {
    return tape_->words + static_cast<std::uint32_t>(word()) - 1;
  }

  // The word after this value: past an object's or array's closing word, past a number's second
  // word, else the next one.
  [[gnu::always_inline]] const std::uint64_t* next_word() const {
    switch (type()) {
      case '{':
      case '[':
        return tape_->words + static_cast<std::uint32_t>(word());
      case 'l':
      case 'u':
      case 'd':
        return words() + 2;
      default:
        return words() + 1;
    }
  }

  // Members or elements: counted on the tape unless saturated (only for more than 16 million).
  std::uint32_t scope_count() const {
    const auto count = static_cast<std::uint32_t>((word() >> 32) & kCountSaturated);
    if (count < kCountSaturated) return count;
    std::uint32_t n = 0;
    if (type() == '{') {
      for_each_member([&](std::string_view, JsonRefOf) { return ++n, true; });
    } else {
      for_each_element([&](JsonRefOf) { return ++n, true; });
    }
    return n;
  }

  // A RapidJSON view is one pointer, as the RapidJSON value's address was before tape views.
  struct NoTape {};
  const void* at_ = nullptr;
  [[no_unique_address]] std::conditional_t<kTape, const JsonTape*, NoTape> tape_{};
};

template <JsonKind kKind>
JsonRefOf<kKind> JsonRef::as() const {
  return JsonRefOf<kKind>(*this);
}

// JsonRef's accessors: the kind's, chosen at run time.
#define SPECWATCH_JSON_REF_DISPATCH(call) \
  (on_tape() ? as<JsonKind::kTape>().call : as<JsonKind::kRapid>().call)

inline bool JsonRef::is_object() const {
  return SPECWATCH_JSON_REF_DISPATCH(is_object());
}
inline bool JsonRef::is_array() const {
  return SPECWATCH_JSON_REF_DISPATCH(is_array());
}
inline bool JsonRef::is_string() const {
  return SPECWATCH_JSON_REF_DISPATCH(is_string());
}
inline bool JsonRef::is_bool() const {
  return SPECWATCH_JSON_REF_DISPATCH(is_bool());
}
inline bool JsonRef::is_null() const {
  return SPECWATCH_JSON_REF_DISPATCH(is_null());
}
inline bool JsonRef::is_int64() const {
  return SPECWATCH_JSON_REF_DISPATCH(is_int64());
}
inline bool JsonRef::is_number() const {
  return SPECWATCH_JSON_REF_DISPATCH(is_number());
}
inline std::string_view JsonRef::string() const {
  return SPECWATCH_JSON_REF_DISPATCH(string());
}
inline bool JsonRef::boolean() const {
  return SPECWATCH_JSON_REF_DISPATCH(boolean());
}
inline std::int64_t JsonRef::int64() const {
  return SPECWATCH_JSON_REF_DISPATCH(int64());
}
inline double JsonRef::number() const {
  return SPECWATCH_JSON_REF_DISPATCH(number());
}
inline std::uint32_t JsonRef::member_count() const {
  return SPECWATCH_JSON_REF_DISPATCH(member_count());
}
inline std::uint32_t JsonRef::size() const {
  return SPECWATCH_JSON_REF_DISPATCH(size());
}
inline JsonRef JsonRef::element(std::uint32_t i) const {
  return SPECWATCH_JSON_REF_DISPATCH(element(i).ref());
}
inline JsonRef JsonRef::find(std::string_view name) const {
  return SPECWATCH_JSON_REF_DISPATCH(find(name).ref());
}

#undef SPECWATCH_JSON_REF_DISPATCH

template <typename F>
bool JsonRef::for_each_member(F&& f) const {
  if (on_tape()) {
    return as<JsonKind::kTape>().for_each_member(
        [&](std::string_view name, JsonRefOf<JsonKind::kTape> v) { return f(name, v.ref()); });
  }
  return as<JsonKind::kRapid>().for_each_member(
      [&](std::string_view name, JsonRefOf<JsonKind::kRapid> v) { return f(name, v.ref()); });
}

template <typename F>
bool JsonRef::for_each_element(F&& f) const {
  if (on_tape()) {
    return as<JsonKind::kTape>().for_each_element(
        [&](JsonRefOf<JsonKind::kTape> v) { return f(v.ref()); });
  }
  return as<JsonKind::kRapid>().for_each_element(
      [&](JsonRefOf<JsonKind::kRapid> v) { return f(v.ref()); });
}

}  // namespace specwatch
