// The direct protobuf decoder of spans and logs (otlp_records.cpp, protobuf_wire.h) against the
// generated parser's rules: field order, unknown fields and groups, last value wins, repeated
// messages merged, truncation, nesting limits. Bytes are assembled by hand where the generated
// serializer would never produce them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "otlp_support.h"
#include "sidecar/framing/json_parser.h"
#include "sidecar/otlp/otlp_records.h"
#include "sidecar/otlp/protobuf_wire.h"

namespace specwatch {
namespace {

using namespace specwatch::testing;
namespace trace = opentelemetry::proto::trace::v1;
namespace common = opentelemetry::proto::common::v1;

std::string varint(std::uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

std::string tag(std::uint32_t number, int type) {
  return varint(static_cast<std::uint64_t>(number) << 3 | static_cast<std::uint64_t>(type));
}

std::string len_field(std::uint32_t number, const std::string& payload) {
  return tag(number, 2) + varint(payload.size()) + payload;
}

std::string string_kv(const std::string& key, const std::string& value) {
  return len_field(1, key) + len_field(2, len_field(1, value));
}

// A valid span with these extra bytes appended to its message.
std::string span_bytes(const std::string& name, const std::string& extra = "") {
  trace::Span span;
  span.set_trace_id(std::string(16, '\x01'));
  span.set_span_id(std::string(8, '\x02'));
  span.set_name(name);
  return span.SerializeAsString() + extra;
}

std::string decode_error(const std::string& bytes) {
  Conversion conversion;
  return decode_spans(bytes, "otlp-http", conversion);
}

// Decodes and returns the records of the only service, as compact JSON.
std::vector<std::string> decode_json(const std::string& bytes, std::string* service = nullptr) {
  Conversion conversion;
  const std::string error = decode_spans(bytes, "otlp-http", conversion);
  EXPECT_EQ(error, "");
  std::vector<std::string> out;
  if (conversion.services.size() != 1) {
    ADD_FAILURE() << "services: " << conversion.services.size();
    return out;
  }
  if (service != nullptr) *service = conversion.services[0].service;
  for (const Record& record : conversion.services[0].records) {
    out.push_back(to_compact_json(*record.value));
  }
  return out;
}

std::string json_field(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const auto at = json.find(needle);
  if (at == std::string::npos) return "<missing>";
  const auto start = at + needle.size();
  int depth = 0;
  for (auto i = start; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') {
      if (depth == 0) return json.substr(start, i - start);
      --depth;
    }
    if (c == ',' && depth == 0) return json.substr(start, i - start);
  }
  return json.substr(start);
}

TEST(OtlpWire, ResourceAndScopeMayFollowWhatTheyDescribe) {
  // ResourceSpans { scope_spans = 2 ... resource = 1 }, ScopeSpans { spans = 2 ... scope = 1 }.
  const std::string scope = len_field(1, "lib") + len_field(2, "1.0");
  const std::string scope_spans = len_field(2, span_bytes("late")) + len_field(1, scope);
  const std::string resource = len_field(1, string_kv("service.name", "svc-late"));
  const std::string request = len_field(1, len_field(2, scope_spans) + len_field(1, resource));
  std::string service;
  const auto records = decode_json(request, &service);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(service, "svc-late");
  EXPECT_EQ(json_field(records[0], "resource"), R"({"service.name":"svc-late"})");
  EXPECT_EQ(json_field(records[0], "scope"), R"({"name":"lib","version":"1.0"})");
}

TEST(OtlpWire, UnknownFieldsAndGroupsAreSkipped) {
  const std::string unknown = tag(90, 0) + varint(300) + tag(91, 1) + std::string(8, 'x') +
                              tag(92, 5) + std::string(4, 'y') + len_field(93, "ignored") +
                              tag(94, 3) + tag(1, 0) + varint(1) + tag(94, 4);
  const std::string request =
      len_field(1, len_field(2, len_field(2, span_bytes("s", unknown)) + unknown) + unknown) +
      unknown;
  const auto records = decode_json(request);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(json_field(records[0], "name"), "\"s\"");
}

TEST(OtlpWire, AKnownFieldWithAnotherWireTypeIsAnUnknownField) {
  // name (5) as a varint and start time (7) as length-delimited: both ignored.
  const std::string extra = tag(5, 0) + varint(7) + len_field(7, "12345678");
  const auto records =
      decode_json(len_field(1, len_field(2, len_field(2, span_bytes("kept", extra)))));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(json_field(records[0], "name"), "\"kept\"");
  EXPECT_EQ(json_field(records[0], "start_time_unix_nano"), "0");
}

TEST(OtlpWire, TheLastValueOfAFieldWinsAndMessagesMerge) {
  // name twice; status twice (message from the first, code from the second); kind twice.
  const std::string extra = len_field(5, "second") + len_field(15, len_field(2, "why")) +
                            len_field(15, tag(3, 0) + varint(2)) + tag(6, 0) + varint(3) +
                            tag(6, 0) + varint(2);
  // An attribute value sent as two AnyValue messages: the later string wins.
  const std::string kv =
      len_field(1, "k") + len_field(2, len_field(1, "first")) + len_field(2, len_field(1, "last"));
  // A kvlist value sent in two parts is one object.
  const std::string list = len_field(1, "map") +
                           len_field(2, len_field(6, len_field(1, string_kv("a", "1")))) +
                           len_field(2, len_field(6, len_field(1, string_kv("b", "2"))));
  const std::string span = span_bytes("first", extra + len_field(9, kv) + len_field(9, list));
  const auto records = decode_json(len_field(1, len_field(2, len_field(2, span))));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(json_field(records[0], "name"), "\"second\"");
  EXPECT_EQ(json_field(records[0], "kind"), "\"server\"");
  EXPECT_EQ(json_field(records[0], "status"), R"({"code":"error","message":"why"})");
  EXPECT_EQ(json_field(records[0], "attributes"), R"({"k":"last","map":{"a":"1","b":"2"}})");
}

TEST(OtlpWire, MalformedBytesAreRefusedWithTheSize) {
  const std::string good = len_field(1, len_field(2, len_field(2, span_bytes("s"))));
  const std::string expected_prefix =
      "invalid OTLP protobuf: cannot parse ExportTraceServiceRequest (";
  for (std::size_t cut : {good.size() - 1, good.size() - 5, std::size_t{1}}) {
    const std::string truncated = good.substr(0, cut);
    EXPECT_EQ(decode_error(truncated), expected_prefix + std::to_string(cut) + " bytes)") << cut;
  }
  EXPECT_EQ(decode_error(tag(0, 0) + varint(1)), expected_prefix + "2 bytes)");  // field 0
  EXPECT_EQ(decode_error(tag(3, 4)), expected_prefix + "1 bytes)");              // end group
  EXPECT_EQ(decode_error(tag(3, 6) + varint(1)), expected_prefix + "2 bytes)");  // type 6
  EXPECT_EQ(decode_error(tag(3, 3) + tag(1, 0) + varint(1)), expected_prefix + "3 bytes)");
  EXPECT_EQ(decode_error(std::string(11, '\xff')), expected_prefix + "11 bytes)");  // varint
  EXPECT_EQ(decode_error(len_field(1,
                                   "\x0a\x05"
                                   "ab")),
            expected_prefix + "6 bytes)");  // length
  EXPECT_EQ(decode_error(""), "");          // an empty request is valid: nothing in it
}

TEST(OtlpWire, ValuesDeeperThan32LevelsBecomeNullAndDeeperThanTheLimitAreRefused) {
  // An attribute whose value is an array nested `levels` deep around the string "x".
  auto nested = [](int levels) {
    std::string value = len_field(1, "x");  // AnyValue{string_value}
    for (int i = 0; i < levels; ++i) value = len_field(5, len_field(1, value));
    return len_field(
        1, len_field(2, len_field(2, span_bytes("deep", len_field(9, len_field(1, "v") +
                                                                         len_field(2, value))))));
  };
  auto attributes = [&](int levels) {
    return json_field(decode_json(nested(levels)).at(0), "attributes");
  };
  std::string at_limit = R"("x")";
  for (int i = 0; i < 31; ++i) at_limit = "[" + at_limit + "]";
  EXPECT_EQ(attributes(31), R"({"v":)" + at_limit + "}");
  std::string beyond = "null";
  for (int i = 0; i < 32; ++i) beyond = "[" + beyond + "]";
  EXPECT_EQ(attributes(32), R"({"v":)" + beyond + "}");
  // Each array level is two messages (ArrayValue, AnyValue): 60 levels pass 100 messages.
  EXPECT_NE(decode_error(nested(60)), "");
  trace_v1::ExportTraceServiceRequest generated;
  EXPECT_FALSE(generated.ParseFromString(nested(60)));  // as the generated parser does
}

TEST(OtlpWire, ScalarValuesOfEveryType) {
  common::KeyValue kvs[6];
  kvs[0].set_key("b");
  kvs[0].mutable_value()->set_bool_value(true);
  kvs[1].set_key("i");
  kvs[1].mutable_value()->set_int_value(-42);
  kvs[2].set_key("d");
  kvs[2].mutable_value()->set_double_value(0.25);
  kvs[3].set_key("inf");
  kvs[3].mutable_value()->set_double_value(INFINITY);
  kvs[4].set_key("bytes");
  kvs[4].mutable_value()->set_bytes_value(std::string("\x00\xff", 2));
  kvs[5].set_key("none");
  std::string attributes;
  for (const auto& kv : kvs) attributes += len_field(9, kv.SerializeAsString());
  const auto records =
      decode_json(len_field(1, len_field(2, len_field(2, span_bytes("s", attributes)))));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(json_field(records[0], "attributes"),
            R"({"b":true,"i":-42,"d":0.25,"inf":"Infinity","bytes":"AP8=","none":null})");
}

TEST(OtlpWire, RecordsStayValidAfterTheRequestBytesAreGone) {
  Conversion conversion;
  {
    std::string bytes = simple_spans("svc", 3).SerializeAsString();
    ASSERT_EQ(decode_spans(std::move(bytes), "otlp-grpc", conversion), "");
  }
  Conversion moved = std::move(conversion);
  ASSERT_EQ(moved.services.size(), 1u);
  ASSERT_EQ(moved.services[0].records.size(), 3u);
  EXPECT_EQ(moved.services[0].records[2].origin, "otlp-grpc");
  const rapidjson::Value& last = *moved.services[0].records[2].value;
  EXPECT_EQ(std::string(last["name"].GetString(), last["name"].GetStringLength()), "span-2");
  SpanObservation span;
  ASSERT_TRUE(span_observation_of(moved.services[0].records[2], span));
  EXPECT_EQ(span.name, "span-2");
  EXPECT_NE(moved.storage, nullptr);
}

TEST(OtlpWire, LogsWithUnknownFieldsAndAMergedBody) {
  // LogRecord: severity_text 3, body 5 (twice: the later int wins), unknown 40, event_name 12.
  const std::string log = len_field(3, "WARN") + len_field(5, len_field(1, "text")) + tag(40, 0) +
                          varint(1) + len_field(5, tag(3, 0) + varint(9)) + len_field(12, "evt") +
                          tag(1, 1) + std::string("\x07\0\0\0\0\0\0\0", 8);
  const std::string request =
      len_field(1, len_field(2, len_field(2, log)) +
                       len_field(1, len_field(1, string_kv("service.name", "l"))));
  Conversion conversion;
  ASSERT_EQ(decode_logs(request, "otlp-http", conversion), "");
  ASSERT_EQ(conversion.services.size(), 1u);
  EXPECT_EQ(conversion.services[0].service, "l");
  ASSERT_EQ(conversion.services[0].records.size(), 1u);
  EXPECT_EQ(
      to_compact_json(*conversion.services[0].records[0].value),
      R"({"signal":"log","time_unix_nano":7,"severity_number":0,"severity_text":"WARN",)"
      R"("body":9,"attributes":{},"resource":{"service.name":"l"},"trace_id":"","span_id":""})");
  EXPECT_NE(decode_logs(len_field(1, len_field(2, len_field(2, len_field(12, "\xc3")))),
                        "otlp-http", conversion),
            "");  // event_name must be UTF-8 even though it is not emitted
}

}  // namespace
}  // namespace specwatch
