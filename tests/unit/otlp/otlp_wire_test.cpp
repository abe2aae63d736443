// The direct protobuf decoder of spans and logs (otlp_records.cpp, protobuf_wire.h) against the
// generated parser's rules: field order, unknown fields and groups, last value wins, repeated
// messages merged, truncation, nesting limits. Bytes are assembled by hand where the generated
// serializer would never produce them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "otlp_support.h"
#include "sidecar/framing/json_parser.h"
#include "sidecar/otlp/otlp_records.h"
#include "sidecar/otlp/otlp_values.h"
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

// read_varint at every length from 1 to 10 (one and two bytes read without the loop, the rest
// with it), the smallest and largest value of each, with bytes after it; cut short by one byte it
// is refused, and so is an eleventh byte.
TEST(OtlpWire, VarintsOfEveryLengthAndCutShort) {
  for (int length = 1; length <= 10; ++length) {
    const std::uint64_t smallest = length == 1 ? 0 : std::uint64_t{1} << (7 * (length - 1));
    const std::uint64_t largest =
        length == 10 ? ~std::uint64_t{0} : (std::uint64_t{1} << (7 * length)) - 1;
    for (const std::uint64_t value : {smallest, largest}) {
      const std::string encoded = varint(value);
      ASSERT_EQ(encoded.size(), static_cast<std::size_t>(length)) << value;
      const std::string with_more = encoded + "\x05";
      const char* p = with_more.data();
      std::uint64_t out = 12345;
      ASSERT_TRUE(wire::read_varint(p, with_more.data() + with_more.size(), out)) << value;
      EXPECT_EQ(out, value);
      EXPECT_EQ(p, with_more.data() + length) << value;
      const char* q = encoded.data();
      EXPECT_FALSE(wire::read_varint(q, encoded.data() + length - 1, out)) << value;
    }
  }
  const std::string eleven = std::string(10, '\x80') + "\x01";
  const char* p = eleven.data();
  std::uint64_t out = 0;
  EXPECT_FALSE(wire::read_varint(p, eleven.data() + eleven.size(), out));
  const std::string fixed = "\x01\x02\x03\x04\x05\x06\x07\x88";
  EXPECT_EQ(wire::read_little_endian(fixed.data(), 8), 0x8807060504030201ULL);
  EXPECT_EQ(wire::read_little_endian(fixed.data(), 4), 0x04030201ULL);
}

// emit_hex at every length from 0 to 40 (SSE2's 16- and 8-byte steps and the byte-wise rest, alone
// and together), over every byte value, against the hex a byte at a time.
TEST(OtlpWire, HexOfEveryLengthAndByteValue) {
  for (std::size_t n = 0; n <= 40; ++n) {
    for (int start = 0; start < 256; start += 16) {
      std::string bytes;
      std::string expected;
      for (std::size_t i = 0; i < n; ++i) {
        const int b = (start + static_cast<int>(i) * 7) % 256;
        bytes.push_back(static_cast<char>(b));
        expected += "0123456789abcdef"[b >> 4];
        expected += "0123456789abcdef"[b & 0x0f];
      }
      rapidjson::Document document;
      auto hex = [&](rapidjson::Document& d) {
        wire::emit_hex(&d, bytes);
        return true;
      };
      document.Populate(hex);
      ASSERT_TRUE(document.IsString());
      EXPECT_EQ(std::string(document.GetString(), document.GetStringLength()), expected)
          << "n=" << n << " start=" << start;
    }
  }
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

// A resource's object is walked once and copied into each of its items' records: every record
// has the whole object, values of every type, and the next resource's items have theirs.
TEST(OtlpWire, EveryItemOfAResourceCarriesItsWholeResource) {
  common::KeyValue nested;
  nested.set_key("k8s");
  auto* list = nested.mutable_value()->mutable_kvlist_value();
  auto* pod = list->add_values();
  pod->set_key("pod");
  pod->mutable_value()->set_string_value("p-1");
  auto* ports = list->add_values();
  ports->set_key("ports");
  ports->mutable_value()->mutable_array_value()->add_values()->set_int_value(8080);
  ports->mutable_value()->mutable_array_value()->add_values()->set_double_value(1.5);
  common::KeyValue raw;
  raw.set_key("raw");
  raw.mutable_value()->set_bytes_value(std::string("\x00\xff", 2));
  const std::string first_resource = len_field(1, string_kv("service.name", "a")) +
                                     len_field(1, nested.SerializeAsString()) +
                                     len_field(1, raw.SerializeAsString());
  const std::string second_resource = len_field(1, string_kv("service.name", "b"));
  // Strings only, one of them made by the decoder (a bytes value's base64): copied member by
  // member rather than through Accept.
  const std::string third_resource = len_field(1, string_kv("service.name", "c")) +
                                     len_field(1, raw.SerializeAsString()) +
                                     len_field(1, string_kv("host.name", "node-7"));
  const std::string two_scopes =
      len_field(2, len_field(2, span_bytes("s1")) + len_field(2, span_bytes("s2"))) +
      len_field(2, len_field(2, span_bytes("s3")));
  const std::string request =
      len_field(1, len_field(1, first_resource) + two_scopes) +
      len_field(1, len_field(1, second_resource) + len_field(2, len_field(2, span_bytes("s4")))) +
      len_field(1, len_field(1, first_resource) + len_field(2, len_field(2, span_bytes("s5")))) +
      len_field(1, len_field(1, third_resource) + len_field(2, len_field(2, span_bytes("s6")) +
                                                                   len_field(2, span_bytes("s7"))));
  Conversion conversion;
  { ASSERT_EQ(decode_spans(request, "otlp-http", conversion), ""); }
  ASSERT_EQ(conversion.services.size(), 3u);
  const char* const first =
      R"({"service.name":"a","k8s":{"pod":"p-1","ports":[8080,1.5]},"raw":"AP8="})";
  std::vector<std::pair<std::string, std::string>> seen;  // name, resource
  for (const ServiceRecords& group : conversion.services) {
    for (const Record& record : group.records) {
      const std::string json = to_compact_json(*record.value);
      seen.emplace_back(json_field(json, "name"), json_field(json, "resource"));
    }
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"\"s1\"", first},
      {"\"s2\"", first},
      {"\"s3\"", first},
      {"\"s5\"", first},
      {"\"s4\"", R"({"service.name":"b"})"},
      {"\"s6\"", R"({"service.name":"c","raw":"AP8=","host.name":"node-7"})"},
      {"\"s7\"", R"({"service.name":"c","raw":"AP8=","host.name":"node-7"})"}};
  EXPECT_EQ(seen, expected);
  // Logs alike.
  const std::string log = len_field(3, "INFO");
  Conversion logs;
  ASSERT_EQ(decode_logs(len_field(1, len_field(1, first_resource) +
                                         len_field(2, len_field(2, log) + len_field(2, log))),
                        "otlp-http", logs),
            "");
  ASSERT_EQ(logs.services.size(), 1u);
  ASSERT_EQ(logs.services[0].records.size(), 2u);
  for (const Record& record : logs.services[0].records) {
    EXPECT_EQ(json_field(to_compact_json(*record.value), "resource"), first);
  }
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

// A GenAI export cut at every byte, and with every byte changed three ways (its high bit, its low
// bit, zeroed): the decoder refuses exactly what protobuf's generated parser refuses, whatever the
// damage lands on (a tag, a length of one or two bytes, an id, a string's UTF-8, a fixed64 time).
TEST(OtlpWire, EveryCutAndDamagedByteIsRefusedAsTheGeneratedParserRefusesIt) {
  trace_v1::ExportTraceServiceRequest request = genai_span_request();
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0);
  spans->add_spans()->CopyFrom(spans->spans(0));
  spans->mutable_spans(1)->set_name(std::string(140, 'n'));  // a two-byte length
  const std::string good = request.SerializeAsString();
  std::size_t refused = 0;
  const auto agree = [&](const std::string& bytes, const std::string& what) {
    trace_v1::ExportTraceServiceRequest parsed;
    const bool parses = parsed.ParseFromString(bytes);
    const std::string error = decode_error(bytes);
    EXPECT_EQ(error.empty(), parses) << what << ": " << error;
    if (!parses) ++refused;
  };
  for (std::size_t cut = 0; cut < good.size(); ++cut)
    agree(good.substr(0, cut), "cut " + std::to_string(cut));
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (int how = 0; how < 3; ++how) {
      std::string damaged = good;
      damaged[i] = how == 0   ? static_cast<char>(damaged[i] ^ 0x80)
                   : how == 1 ? static_cast<char>(damaged[i] ^ 0x01)
                              : '\0';
      agree(damaged, "byte " + std::to_string(i) + " way " + std::to_string(how));
    }
  }
  EXPECT_GT(refused, good.size());  // the damage is mostly refused: the test reaches both sides
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

// A KeyValue as protobuf's serializers write it is read in one pass (walk_plain_key_value);
// every other layout goes the general way. Each case is decoded as written and as protobuf's own
// parser reads and serializes it again: both must give the attribute written here, or both refuse.
TEST(OtlpWire, KeyValuesAsSerializedAndAsWrittenByHandDecodeAlike) {
  const std::string max_varint = varint(UINT64_MAX);  // -1 as an int64: ten bytes
  std::string nan_bits(8, '\0');
  nan_bits[6] = '\xf8';
  nan_bits[7] = '\x7f';
  std::string minus_inf(8, '\0');
  minus_inf[6] = '\xf0';
  minus_inf[7] = '\xff';
  std::string quarter(8, '\0');  // 0.25: 0x3fd0000000000000
  quarter[6] = '\xd0';
  quarter[7] = '\x3f';
  struct Case {
    std::string bytes;
    std::string attributes;  // "" when the request is refused
  };
  const std::vector<Case> cases = {
      {string_kv("k", "v"), R"({"k":"v"})"},
      {string_kv("", ""), R"({"":""})"},
      {len_field(2, len_field(1, "v")) + len_field(1, "k"), R"({"k":"v"})"},
      {len_field(1, "a") + len_field(1, "k") + len_field(2, len_field(1, "v")), R"({"k":"v"})"},
      {string_kv("k", "v") + tag(9, 0) + varint(5), R"({"k":"v"})"},
      {std::string("\x8a\x00\x01k", 4) + len_field(2, len_field(1, "v")), R"({"k":"v"})"},
      {len_field(1, "i") + len_field(2, tag(3, 0) + max_varint), R"({"i":-1})"},
      {len_field(1, "i") + len_field(2, tag(3, 0) + varint(1) + tag(3, 0) + varint(2)),
       R"({"i":2})"},
      {len_field(1, "b") + len_field(2, tag(2, 0) + varint(2)), R"({"b":true})"},
      {len_field(1, "b") + len_field(2, tag(2, 0) + varint(0)), R"({"b":false})"},
      {len_field(1, "d") + len_field(2, tag(4, 1) + quarter), R"({"d":0.25})"},
      {len_field(1, "d") + len_field(2, tag(4, 1) + nan_bits), R"({"d":"NaN"})"},
      {len_field(1, "d") + len_field(2, tag(4, 1) + minus_inf), R"({"d":"-Infinity"})"},
      {len_field(1, "n") + len_field(2, ""), R"({"n":null})"},
      {len_field(1, "n"), R"({"n":null})"},
      {len_field(2, len_field(1, "v")), R"({"":"v"})"},
      {len_field(1, "s") + len_field(2, len_field(1, "v") + tag(3, 0) + varint(7)), R"({"s":7})"},
      {len_field(1, "s") + len_field(2, len_field(1, "v") + tag(8, 0) + varint(7)), R"({"s":"v"})"},
      {len_field(1, "k") + len_field(2, "\x18\x80"), ""},
      {len_field(1, "k") + len_field(2, "\x21" + std::string(7, '\0')), ""},
      {len_field(1, "k") + len_field(2, "\x0a\x05v"), ""},
      {string_kv("\xff", "v"), ""},
      {string_kv("k", "\xc3"), ""},
      {len_field(1, "k") + "\x12\x09" + len_field(1, "v"), ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.bytes));
    const std::string request =
        len_field(1, len_field(2, len_field(2, span_bytes("s", len_field(9, c.bytes)))));
    common::KeyValue parsed;
    const bool protobuf_reads = parsed.ParseFromString(c.bytes);
    ASSERT_EQ(protobuf_reads, !c.attributes.empty());
    if (!protobuf_reads) {
      EXPECT_NE(decode_error(request), "");
      continue;
    }
    const auto as_written = decode_json(request);
    const auto as_serialized = decode_json(len_field(
        1, len_field(2, len_field(2, span_bytes("s", len_field(9, parsed.SerializeAsString()))))));
    ASSERT_EQ(as_written.size(), 1u);
    ASSERT_EQ(as_serialized.size(), 1u);
    EXPECT_EQ(json_field(as_written[0], "attributes"), c.attributes);
    EXPECT_EQ(json_field(as_serialized[0], "attributes"), c.attributes);
  }
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
