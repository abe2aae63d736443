#include "sidecar/otlp/otlp_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace specwatch {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kMaxDepth = 64;

std::string describe(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "a value";
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> decode_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_digit(text[i]);
    const int low = hex_digit(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // standard and URL-safe alphabets
  if (c == '/' || c == '_') return 63;
  return -1;
}

std::optional<std::string> decode_base64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    const int digit = base64_digit(c);
    if (digit < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(digit);
    if (++count == 4) {
      out.push_back(static_cast<char>((bits >> 16) & 0xff));
      out.push_back(static_cast<char>((bits >> 8) & 0xff));
      out.push_back(static_cast<char>(bits & 0xff));
      bits = 0;
      count = 0;
    }
  }
  if (count == 1) return std::nullopt;
  if (count == 2) out.push_back(static_cast<char>((bits >> 4) & 0xff));
  if (count == 3) {
    out.push_back(static_cast<char>((bits >> 10) & 0xff));
    out.push_back(static_cast<char>((bits >> 2) & 0xff));
  }
  return out;
}

bool is_id_field(const FieldDescriptor& field) {
  const std::string& name = field.name();
  return name == "trace_id" || name == "span_id" || name == "parent_span_id";
}

class JsonReader {
 public:
  const std::string& error() const { return error_; }

  bool read_message(const rapidjson::Value& json, Message& message, int depth) {
    if (depth > kMaxDepth) return fail("nesting deeper than " + std::to_string(kMaxDepth));
    if (!json.IsObject()) return fail("expected an object, got " + describe(json));
    const Descriptor& descriptor = *message.GetDescriptor();
    for (const auto& member : json.GetObject()) {
      const std::string name(member.name.GetString(), member.name.GetStringLength());
      const FieldDescriptor* field = descriptor.FindFieldByCamelcaseName(name);
      if (field == nullptr) field = descriptor.FindFieldByName(name);
      if (field == nullptr || member.value.IsNull()) continue;  // unknown fields are ignored
      if (!read_field(member.value, message, *field, depth)) return prefix(name);
    }
    return true;
  }

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }
  // Puts the failing member's name in front of the error path.
  bool prefix(const std::string& name) {
    if (error_.starts_with('[')) {
      error_ = name + error_;
    } else if (path_started_) {
      error_ = name + "." + error_;
    } else {
      error_ = name + ": " + error_;
    }
    path_started_ = true;
    return false;
  }
  bool prefix_index(std::size_t index) {
    const std::string step = "[" + std::to_string(index) + "]";
    if (error_.starts_with('[')) {
      error_ = step + error_;
    } else if (path_started_) {
      error_ = step + "." + error_;
    } else {
      error_ = step + ": " + error_;
    }
    path_started_ = true;
    return false;
  }

  bool read_field(const rapidjson::Value& json, Message& message, const FieldDescriptor& field,
                  int depth) {
    if (!field.is_repeated()) return read_value(json, message, field, depth, false);
    if (!json.IsArray()) return fail("expected an array, got " + describe(json));
    std::size_t index = 0;
    for (const auto& element : json.GetArray()) {
      if (!read_value(element, message, field, depth, true)) return prefix_index(index);
      ++index;
    }
    return true;
  }

  template <typename T>
  std::optional<T> integer(const rapidjson::Value& json) {
    if (json.IsNumber()) {
      if constexpr (std::is_signed_v<T>) {
        if (json.IsInt64()) {
          const std::int64_t value = json.GetInt64();
          if (value >= std::numeric_limits<T>::min() && value <= std::numeric_limits<T>::max()) {
            return static_cast<T>(value);
          }
        }
      } else {
        if (json.IsUint64()) {
          const std::uint64_t value = json.GetUint64();
          if (value <= std::numeric_limits<T>::max()) return static_cast<T>(value);
        }
      }
      if (json.IsDouble()) {
        const double value = json.GetDouble();
        if (std::trunc(value) == value &&
            value >= static_cast<double>(std::numeric_limits<T>::min()) &&
            value <= static_cast<double>(std::numeric_limits<T>::max())) {
          return static_cast<T>(value);
        }
      }
      fail("integer out of range or not whole");
      return std::nullopt;
    }
    if (json.IsString()) {
      std::string_view text(json.GetString(), json.GetStringLength());
      T value{};
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
      fail("expected an integer, got \"" + std::string(text.substr(0, 64)) + "\"");
      return std::nullopt;
    }
    fail("expected an integer, got " + describe(json));
    return std::nullopt;
  }

  std::optional<double> floating(const rapidjson::Value& json) {
    if (json.IsNumber()) return json.GetDouble();
    if (json.IsString()) {
      std::string_view text(json.GetString(), json.GetStringLength());
      if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (text == "Infinity") return std::numeric_limits<double>::infinity();
      if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
      double value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
      fail("expected a number, got \"" + std::string(text.substr(0, 64)) + "\"");
      return std::nullopt;
    }
    fail("expected a number, got " + describe(json));
    return std::nullopt;
  }

  bool read_value(const rapidjson::Value& json, Message& message, const FieldDescriptor& field,
                  int depth, bool repeated) {
    const Reflection& reflection = *message.GetReflection();
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        auto value = integer<std::int32_t>(json);
        if (!value) return false;
        repeated ? reflection.AddInt32(&message, &field, *value)
                 : reflection.SetInt32(&message, &field, *value);
        return true;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        auto value = integer<std::int64_t>(json);
        if (!value) return false;
        repeated ? reflection.AddInt64(&message, &field, *value)
                 : reflection.SetInt64(&message, &field, *value);
        return true;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        auto value = integer<std::uint32_t>(json);
        if (!value) return false;
        repeated ? reflection.AddUInt32(&message, &field, *value)
                 : reflection.SetUInt32(&message, &field, *value);
        return true;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        auto value = integer<std::uint64_t>(json);
        if (!value) return false;
        repeated ? reflection.AddUInt64(&message, &field, *value)
                 : reflection.SetUInt64(&message, &field, *value);
        return true;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: {
        auto value = floating(json);
        if (!value) return false;
        if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
          repeated ? reflection.AddFloat(&message, &field, static_cast<float>(*value))
                   : reflection.SetFloat(&message, &field, static_cast<float>(*value));
        } else {
          repeated ? reflection.AddDouble(&message, &field, *value)
                   : reflection.SetDouble(&message, &field, *value);
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        if (!json.IsBool()) return fail("expected a boolean, got " + describe(json));
        repeated ? reflection.AddBool(&message, &field, json.GetBool())
                 : reflection.SetBool(&message, &field, json.GetBool());
        return true;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        int number = 0;
        if (json.IsString()) {
          const auto* value = field.enum_type()->FindValueByName(json.GetString());
          if (value == nullptr) {
            return fail("unknown enum value \"" + std::string(json.GetString()) + "\"");
          }
          number = value->number();
        } else {
          auto value = integer<std::int32_t>(json);
          if (!value) return false;
          number = *value;
        }
        repeated ? reflection.AddEnumValue(&message, &field, number)
                 : reflection.SetEnumValue(&message, &field, number);
        return true;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        if (!json.IsString()) return fail("expected a string, got " + describe(json));
        std::string_view text(json.GetString(), json.GetStringLength());
        std::string value;
        if (field.type() == FieldDescriptor::TYPE_BYTES) {
          auto decoded = is_id_field(field) ? decode_hex(text) : decode_base64(text);
          if (!decoded) {
            return fail(is_id_field(field) ? "expected a hex string" : "expected base64 text");
          }
          value = std::move(*decoded);
        } else {
          value.assign(text);
        }
        repeated ? reflection.AddString(&message, &field, std::move(value))
                 : reflection.SetString(&message, &field, std::move(value));
        return true;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message* child = repeated ? reflection.AddMessage(&message, &field)
                                  : reflection.MutableMessage(&message, &field);
        return read_message(json, *child, depth + 1);
      }
    }
    return fail("unsupported field type");
  }

  std::string error_;
  bool path_started_ = false;
};

constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                       '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string parse_otlp_json(std::string_view text, google::protobuf::Message& message) {
  message.Clear();
  rapidjson::Document document;
  // Iterative parsing: deeply nested input cannot exhaust the stack. Encoding validation: proto3
  // strings must be valid UTF-8.
  document.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                 rapidjson::kParseNanAndInfFlag>(text.data(), text.size());
  if (document.HasParseError()) {
    return "invalid JSON at offset " + std::to_string(document.GetErrorOffset()) + ": " +
           rapidjson::GetParseError_En(document.GetParseError());
  }
  JsonReader reader;
  if (!reader.read_message(document, message, 0)) {
    message.Clear();
    return "invalid OTLP/JSON " + message.GetDescriptor()->name() + ": " + reader.error();
  }
  return {};
}

void append_hex(std::string& out, std::string_view bytes) {
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0f]);
  }
}

std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  append_hex(out, bytes);
  return out;
}

void append_base64(std::string& out, std::string_view bytes) {
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                            static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.push_back(kBase64[(n >> 6) & 63]);
    out.push_back(kBase64[n & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.append("==");
  } else if (rest == 2) {
    const std::uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.push_back(kBase64[(n >> 6) & 63]);
    out.push_back('=');
  }
}

}  // namespace specwatch
