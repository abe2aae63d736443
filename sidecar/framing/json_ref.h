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
// buffer; a number word is followed by a word holding the number. JsonRefTape.* (tests) checks
// this reading against simdjson's own API on every kind of value.
//
// A view is valid while the value it views is (a tape view until the parser's next parse).
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace specwatch {

// Where a parsed document's tape and string buffer are (simdjson's dom::document::tape and
// string_buf). Owned by the parser; its address is stable for the parser's life.
struct JsonTape {
  const std::uint64_t* words = nullptr;
  const std::uint8_t* strings = nullptr;
};

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
  // The RapidJSON value (only when !on_tape()).
  const rapidjson::Value& rapid() const { return *static_cast<const rapidjson::Value*>(at_); }

  bool is_object() const { return on_tape() ? type() == '{' : rapid().IsObject(); }
  bool is_array() const { return on_tape() ? type() == '[' : rapid().IsArray(); }
  bool is_string() const { return on_tape() ? type() == '"' : rapid().IsString(); }
  bool is_bool() const { return on_tape() ? (type() == 't' || type() == 'f') : rapid().IsBool(); }
  bool is_null() const { return on_tape() ? type() == 'n' : rapid().IsNull(); }
  // An integer of int64's range (RapidJSON's IsInt64; simdjson writes an integer beyond it as
  // unsigned, and never one within it so).
  bool is_int64() const { return on_tape() ? type() == 'l' : rapid().IsInt64(); }
  bool is_number() const {
    if (!on_tape()) return rapid().IsNumber();
    const char t = type();
    return t == 'l' || t == 'u' || t == 'd';
  }

  [[gnu::always_inline]] std::string_view string() const {
    if (!on_tape()) return {rapid().GetString(), rapid().GetStringLength()};
    const std::uint8_t* at = tape_->strings + (word() & kPayload);
    std::uint32_t length;
    std::memcpy(&length, at, sizeof length);
    return {reinterpret_cast<const char*>(at + sizeof length), length};
  }
  bool boolean() const { return on_tape() ? type() == 't' : rapid().GetBool(); }
  std::int64_t int64() const {
    if (!on_tape()) return rapid().GetInt64();
    std::int64_t v;
    std::memcpy(&v, words() + 1, sizeof v);
    return v;
  }
  // Any number as a double (RapidJSON's GetDouble).
  double number() const {
    if (!on_tape()) return rapid().GetDouble();
    const char t = type();
    if (t == 'd') {
      double d;
      std::memcpy(&d, words() + 1, sizeof d);
      return d;
    }
    if (t == 'u') {
      std::uint64_t u;
      std::memcpy(&u, words() + 1, sizeof u);
      return static_cast<double>(u);
    }
    return static_cast<double>(int64());
  }

  // The number of members of an object, elements of an array.
  std::uint32_t member_count() const { return on_tape() ? scope_count() : rapid().MemberCount(); }
  std::uint32_t size() const { return on_tape() ? scope_count() : rapid().Size(); }

  // Calls f(name, value) for each member of an object, in order, while f returns true. Returns
  // false when f stopped it.
  template <typename F>
  [[gnu::always_inline]] bool for_each_member(F&& f) const {
    if (!on_tape()) {
      for (auto m = rapid().MemberBegin(); m != rapid().MemberEnd(); ++m) {
        if (!f(std::string_view(m->name.GetString(), m->name.GetStringLength()), of(m->value))) {
          return false;
        }
      }
      return true;
    }
    const std::uint64_t* closing = closing_word();
    for (const std::uint64_t* key = words() + 1; key < closing;) {
      const JsonRef value(key + 1, tape_);
      if (!f(JsonRef(key, tape_).string(), value)) return false;
      key = value.next_word();
    }
    return true;
  }

  // The first member named `name` of an object, else no value.
  JsonRef find(std::string_view name) const {
    JsonRef found;
    for_each_member([&](std::string_view n, JsonRef value) {
      if (n != name) return true;
      found = value;
      return false;
    });
    return found;
  }

  // Calls f(element) for each element of an array, in order, while f returns true.
  template <typename F>
  [[gnu::always_inline]] bool for_each_element(F&& f) const {
    if (!on_tape()) {
      for (const rapidjson::Value& e : rapid().GetArray()) {
        if (!f(of(e))) return false;
      }
      return true;
    }
    const std::uint64_t* closing = closing_word();
    for (const std::uint64_t* e = words() + 1; e < closing;) {
      const JsonRef element(e, tape_);
      if (!f(element)) return false;
      e = element.next_word();
    }
    return true;
  }

  // Element i of an array (i < size()).
  JsonRef element(std::uint32_t i) const {
    if (!on_tape()) return of(rapid()[i]);
    const std::uint64_t* e = words() + 1;
    for (std::uint32_t k = 0; k < i; ++k) e = JsonRef(e, tape_).next_word();
    return JsonRef(e, tape_);
  }

  // The value's tape word (only when on_tape()).
  const std::uint64_t* words() const { return static_cast<const std::uint64_t*>(at_); }
  // The tape a tape value is on (null for a RapidJSON value).
  const JsonTape* tape() const { return tape_; }
  // A value of the same tape at `word`.
  JsonRef at_word(const std::uint64_t* word) const { return JsonRef(word, tape_); }

 private:
  static constexpr std::uint64_t kPayload = 0x00ffffffffffffffULL;
  static constexpr std::uint32_t kCountSaturated = 0xffffff;

  JsonRef(const void* at, const JsonTape* tape) : at_(at), tape_(tape) {}

  std::uint64_t word() const { return *words(); }
  char type() const { return static_cast<char>(word() >> 56); }

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
      for_each_member([&](std::string_view, JsonRef) { return ++n, true; });
    } else {
      for_each_element([&](JsonRef) { return ++n, true; });
    }
    return n;
  }

  const void* at_ = nullptr;
  const JsonTape* tape_ = nullptr;  // null: at_ is a rapidjson::Value
};

}  // namespace specwatch
