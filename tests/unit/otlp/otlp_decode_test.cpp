#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <tuple>
#include <vector>

#include "otlp_support.h"
#include "sidecar/framing/json_parser.h"
#include "sidecar/otlp/gzip.h"
#include "sidecar/otlp/otlp_json.h"
#include "sidecar/otlp/otlp_records.h"
#include "sidecar/otlp/otlp_response.h"

namespace specwatch {
namespace {

using namespace specwatch::testing;
namespace logs = opentelemetry::proto::logs::v1;

TEST(OtlpRecords, ProtobufSpanBecomesTheDocumentedRecord) {
  Conversion conversion = convert_spans(genai_span_request(), "otlp-http");
  EXPECT_EQ(conversion.accepted, 1);
  EXPECT_EQ(conversion.rejected, 0);
  EXPECT_EQ(conversion.error_message, "");
  ASSERT_EQ(conversion.services.size(), 1u);
  EXPECT_EQ(conversion.services[0].service, "specular");
  ASSERT_EQ(conversion.services[0].records.size(), 1u);
  const Record& record = conversion.services[0].records[0];
  ASSERT_EQ(record.format, RecordFormat::kValue);
  ASSERT_NE(record.value, nullptr);
  EXPECT_EQ(to_compact_json(*record.value), kSpanRecord);
  EXPECT_EQ(record.data, "");
  EXPECT_GT(record.value_bytes, 0u);
  EXPECT_EQ(record.origin, "otlp-http");
  SpanObservation span;
  ASSERT_TRUE(span_observation_of(record, span));
  EXPECT_EQ(span.name, "chat gpt-4o");
  EXPECT_EQ(span.kind, "client");
  EXPECT_EQ(span.status, "error");
  EXPECT_DOUBLE_EQ(span.duration_seconds, 1.5);
}

// A span record not written by the decoder (its keys are other strings, its members in another
// order) is read by name; one without a status, or with a duration that is no integer, is none.
// The top-level member names of a record's value, in order.
std::vector<std::string> member_names(const Record& record) {
  std::vector<std::string> names;
  for (const auto& member : record.value->GetObject()) names.emplace_back(member.name.GetString());
  return names;
}

// ValueLayout::kOtlpSpan is a promise to the normalizer, which then does not compare the names of
// a span's record (record_member_index.h): every span's record has the same members in the same
// order, whatever the span carries or lacks.
TEST(OtlpRecords, EverySpanRecordHasTheSameMembersInOrderAndSaysSo) {
  trace_v1::ExportTraceServiceRequest request = genai_span_request();
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0);
  auto* bare = spans->add_spans();  // ids only: no name, kind, times, status or attributes
  bare->set_trace_id(std::string(16, '\x01'));
  bare->set_span_id(std::string(8, '\x02'));
  auto* full = spans->add_spans();
  full->CopyFrom(spans->spans(0));
  full->set_parent_span_id(std::string(8, '\x03'));
  full->add_events()->set_name("exception");
  full->add_links()->set_trace_id(std::string(16, '\x04'));
  full->mutable_status()->set_message("rate limited");
  const Conversion conversion = convert_spans(request, "otlp-http");
  ASSERT_EQ(conversion.error_message, "");
  ASSERT_EQ(conversion.services.size(), 1u);
  const auto& records = conversion.services[0].records;
  ASSERT_EQ(records.size(), 3u);
  const std::vector<std::string> expected = {"signal",
                                             "name",
                                             "kind",
                                             "trace_id",
                                             "span_id",
                                             "parent_span_id",
                                             "start_time_unix_nano",
                                             "duration_ns",
                                             "status",
                                             "attributes",
                                             "resource",
                                             "scope",
                                             "events"};
  for (const Record& record : records) {
    EXPECT_EQ(member_names(record), expected) << to_compact_json(*record.value);
    EXPECT_EQ(record.value_layout, ValueLayout::kOtlpSpan);
  }
}

TEST(OtlpRecords, ASpanRecordShapedOtherwiseIsReadByName) {
  auto observe = [](const char* json, SpanObservation& span) {
    rapidjson::Document document;
    document.Parse(json);
    EXPECT_FALSE(document.HasParseError());
    Record record;
    record.format = RecordFormat::kValue;
    record.value = &document;
    return span_observation_of(record, span);
  };
  SpanObservation span;
  ASSERT_TRUE(observe(R"({"status":{"message":"","code":"ok"},"duration_ns":2500000000,)"
                      R"("kind":"server","name":"GET /","signal":"span"})",
                      span));
  EXPECT_EQ(span.name, "GET /");
  EXPECT_EQ(span.kind, "server");
  EXPECT_EQ(span.status, "ok");
  EXPECT_DOUBLE_EQ(span.duration_seconds, 2.5);
  EXPECT_FALSE(observe(R"({"signal":"span","name":"a","kind":"client","duration_ns":1})", span));
  EXPECT_FALSE(observe(R"({"signal":"span","name":"a","kind":"client","duration_ns":1.5,)"
                       R"("status":{"code":"ok"}})",
                       span));
  EXPECT_FALSE(observe(R"({"signal":"log","name":"a","kind":"client","duration_ns":1,)"
                       R"("status":{"code":"ok"}})",
                       span));
}

TEST(OtlpJson, GenAiSpanDecodesToTheSameMessageAsProtobuf) {
  trace_v1::ExportTraceServiceRequest parsed;
  ASSERT_EQ(parse_otlp_json(kGenAiSpanJson, parsed), "");
  EXPECT_EQ(parsed.SerializeAsString(), genai_span_request().SerializeAsString());
  Conversion conversion = convert_spans(parsed, "otlp-http");
  ASSERT_EQ(conversion.services.size(), 1u);
  EXPECT_EQ(to_compact_json(*conversion.services[0].records[0].value), kSpanRecord);
}

TEST(OtlpJson, ProtobufFieldNamesEnumNamesAndSpecialDoublesAreAccepted) {
  trace_v1::ExportTraceServiceRequest parsed;
  ASSERT_EQ(parse_otlp_json(R"({"resource_spans":[{"scope_spans":[{"spans":[{
      "trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"0102030405060708",
      "kind":"SPAN_KIND_SERVER","attributes":[
        {"key":"nan","value":{"doubleValue":"NaN"}},
        {"key":"inf","value":{"doubleValue":"-Infinity"}},
        {"key":"raw","value":{"bytesValue":"aGk="}},
        {"key":"kv","value":{"kvlistValue":{"values":[{"key":"a","value":{"intValue":7}}]}}},
        {"key":"empty","value":{}}]}]}]}]})",
                            parsed),
            "");
  Conversion conversion = convert_spans(parsed, "otlp-http");
  ASSERT_EQ(conversion.services.size(), 1u);
  EXPECT_EQ(conversion.services[0].service, "unknown_service");
  EXPECT_EQ(
      to_compact_json(*conversion.services[0].records[0].value),
      R"({"signal":"span","name":"","kind":"server",)"
      R"("trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"0102030405060708",)"
      R"("parent_span_id":"","start_time_unix_nano":0,"duration_ns":0,)"
      R"("status":{"code":"unset","message":""},)"
      R"("attributes":{"nan":"NaN","inf":"-Infinity","raw":"aGk=","kv":{"a":7},"empty":null},)"
      R"("resource":{},"scope":{"name":"","version":""},"events":[]})");
}

TEST(OtlpJson, ErrorsNameThePathAndTheProblem) {
  trace_v1::ExportTraceServiceRequest parsed;
  EXPECT_EQ(parse_otlp_json(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]})",
                            parsed),
            "invalid OTLP/JSON ExportTraceServiceRequest: "
            "resourceSpans[0].scopeSpans[0].spans[0].traceId: expected a hex string");
  EXPECT_EQ(parse_otlp_json(
                R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]})",
                parsed),
            "invalid OTLP/JSON ExportTraceServiceRequest: "
            "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected an integer, got "
            "\"soon\"");
  EXPECT_EQ(parse_otlp_json(R"({"resourceSpans":{}})", parsed),
            "invalid OTLP/JSON ExportTraceServiceRequest: resourceSpans: expected an array, got an "
            "object");
  EXPECT_EQ(parse_otlp_json(R"({"resourceSpans":[)", parsed),
            "invalid JSON at offset 18: Invalid value.");
  EXPECT_EQ(parse_otlp_json("[]", parsed),
            "invalid OTLP/JSON ExportTraceServiceRequest: expected an object, got an array");
  EXPECT_EQ(parsed.resource_spans_size(), 0);
}

TEST(OtlpJson, DeepNestingIsRefusedWithoutExhaustingTheStack) {
  std::string deep = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":)";
  for (int i = 0; i < 100000; ++i) deep += R"({"arrayValue":{"values":[)";
  logs_v1::ExportLogsServiceRequest parsed;
  const std::string error = parse_otlp_json(deep, parsed);
  EXPECT_EQ(error.substr(0, 22), "invalid JSON at offset");
  for (int i = 0; i < 100000; ++i) deep += "]}}";
  deep += "}]}]}]}";
  const std::string nested = parse_otlp_json(deep, parsed);
  const std::string path_start =
      "invalid OTLP/JSON ExportLogsServiceRequest: "
      "resourceLogs[0].scopeLogs[0].logRecords[0].body.arrayValue.values[0].arrayValue.";
  EXPECT_EQ(nested.substr(0, path_start.size()), path_start);
  EXPECT_EQ(nested.substr(nested.size() - 24), ": nesting deeper than 64");
}

TEST(OtlpRecords, LogRecordsBecomeTheDocumentedRecords) {
  logs_v1::ExportLogsServiceRequest request;
  auto* resource_logs = request.add_resource_logs();
  auto* service = resource_logs->mutable_resource()->add_attributes();
  service->set_key("service.name");
  service->mutable_value()->set_string_value("specular");
  auto* scope_logs = resource_logs->add_scope_logs();
  logs::LogRecord* first = scope_logs->add_log_records();
  first->set_time_unix_nano(1700000000000000000ULL);
  first->set_severity_number(17);
  first->set_severity_text("ERROR");
  first->mutable_body()->set_string_value("provider failed");
  auto* code = first->add_attributes();
  code->set_key("error_code");
  code->mutable_value()->set_string_value("PROVIDER-001");
  first->set_trace_id(std::string(16, '\x11'));
  first->set_span_id(std::string(8, '\x22'));
  logs::LogRecord* second = scope_logs->add_log_records();
  second->set_observed_time_unix_nano(42);
  auto* kv = second->mutable_body()->mutable_kvlist_value()->add_values();
  kv->set_key("msg");
  kv->mutable_value()->set_string_value("x");
  logs::LogRecord* third = scope_logs->add_log_records();  // no body, no ids
  third->set_time_unix_nano(7);
  logs::LogRecord* bad = scope_logs->add_log_records();
  bad->set_span_id("123");

  Conversion conversion = convert_logs(request, "otlp-grpc");
  EXPECT_EQ(conversion.accepted, 3);
  EXPECT_EQ(conversion.rejected, 1);
  EXPECT_EQ(conversion.error_message, "log record: span_id must be empty or 8 bytes, got 3");
  ASSERT_EQ(conversion.services.size(), 1u);
  const auto& records = conversion.services[0].records;
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(to_compact_json(*records[0].value),
            R"({"signal":"log","time_unix_nano":1700000000000000000,"severity_number":17,)"
            R"("severity_text":"ERROR","body":"provider failed",)"
            R"("attributes":{"error_code":"PROVIDER-001"},"resource":{"service.name":"specular"},)"
            R"("trace_id":"11111111111111111111111111111111","span_id":"2222222222222222"})");
  EXPECT_EQ(to_compact_json(*records[1].value),
            R"({"signal":"log","time_unix_nano":42,"severity_number":0,"severity_text":"",)"
            R"("body":{"msg":"x"},"attributes":{},"resource":{"service.name":"specular"},)"
            R"("trace_id":"","span_id":""})");
  EXPECT_EQ(to_compact_json(*records[2].value),
            R"({"signal":"log","time_unix_nano":7,"severity_number":0,"severity_text":"",)"
            R"("body":null,"attributes":{},"resource":{"service.name":"specular"},)"
            R"("trace_id":"","span_id":""})");
  SpanObservation span;
  for (const Record& record : records) EXPECT_FALSE(span_observation_of(record, span));
  // The same members in the same order with a body or without, with ids or without (see
  // EverySpanRecordHasTheSameMembersInOrderAndSaysSo).
  const std::vector<std::string> names = {"signal",        "time_unix_nano", "severity_number",
                                          "severity_text", "body",           "attributes",
                                          "resource",      "trace_id",       "span_id"};
  for (const Record& record : records) {
    EXPECT_EQ(member_names(record), names);
    EXPECT_EQ(record.value_layout, ValueLayout::kOtlpLog);
  }
}

TEST(OtlpRecords, StringsKeepTheirCharactersAndAreEscapedAsJson) {
  trace_v1::ExportTraceServiceRequest request = simple_spans("svc", 1);
  auto* span = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0);
  span->set_name(
      "a\"b\\c\nd\x01"
      "é€😀 end");
  Conversion conversion = convert_spans(request, "otlp-http");
  ASSERT_EQ(conversion.services.size(), 1u);
  const rapidjson::Value& value = *conversion.services[0].records[0].value;
  EXPECT_EQ(std::string(value["name"].GetString(), value["name"].GetStringLength()),
            "a\"b\\c\nd\x01"
            "é€😀 end");
  const std::string expected =
      "{\"signal\":\"span\",\"name\":\"a\\\"b\\\\c\\nd\\u0001é€😀 end\",\"kind\"";
  EXPECT_EQ(to_compact_json(value).substr(0, expected.size()), expected);
}

TEST(OtlpRecords, StringsThatAreNotUtf8MakeTheRequestUndecodable) {
  // Built in code, so invalid UTF-8 reaches the wire (protobuf's own parser refuses it too).
  trace_v1::ExportTraceServiceRequest request = simple_spans("svc", 3);
  auto* span = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1);
  auto* kv = span->add_attributes();
  kv->set_key("bad");
  kv->mutable_value()->set_string_value("\xff");
  std::string bytes;
  ASSERT_TRUE(request.SerializePartialToString(&bytes));
  const std::string size = std::to_string(bytes.size());
  Conversion decoded;
  EXPECT_EQ(decode_spans(bytes, "otlp-http", decoded),
            "invalid OTLP protobuf: cannot parse ExportTraceServiceRequest (" + size + " bytes)");
  EXPECT_TRUE(decoded.services.empty());
  trace_v1::ExportTraceServiceRequest reparsed;
  EXPECT_FALSE(reparsed.ParseFromString(bytes));  // the generated parser agrees

  Conversion converted = convert_spans(request, "otlp-http");
  EXPECT_TRUE(converted.services.empty());
  EXPECT_EQ(converted.accepted, 0);
  EXPECT_EQ(converted.rejected, 3);
  EXPECT_EQ(converted.error_message,
            "invalid OTLP protobuf: cannot parse ExportTraceServiceRequest (" + size + " bytes)");
  // A bad key beside a good value, a value cut inside a character, and the bad byte in a key or
  // value of 128 bytes or more (its length no longer one byte): each makes the request
  // undecodable; valid multi-byte text in both is read as sent.
  const std::string long_text(130, 'x');
  for (const auto& [key, value, valid] :
       {std::tuple{std::string("\xff"), std::string("ok"), false},
        std::tuple{std::string("k"), std::string("caf\xc3"), false},
        std::tuple{long_text + "\xfe", std::string("ok"), false},
        std::tuple{std::string("k"), long_text + "\xc0\xaf", false},
        std::tuple{std::string("cl\xc3\xa9"), std::string("caf\xc3\xa9 \xe2\x82\xac"), true}}) {
    trace_v1::ExportTraceServiceRequest one = simple_spans("svc", 1);
    auto* attribute =
        one.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_attributes();
    attribute->set_key(key);
    attribute->mutable_value()->set_string_value(value);
    std::string body;
    ASSERT_TRUE(one.SerializePartialToString(&body));
    Conversion result;
    const std::string error = decode_spans(body, "otlp-http", result);
    EXPECT_EQ(error.empty(), valid) << key << " " << value << ": " << error;
    if (valid) {
      ASSERT_EQ(result.services.size(), 1u);
      EXPECT_EQ((*result.services[0].records[0].value)["attributes"][key.c_str()].GetString(),
                value);
    }
  }
}

TEST(OtlpRecords, InvalidSpansAreRejectedWithTheFirstReasonAndACount) {
  trace_v1::ExportTraceServiceRequest request = spans_with_one_bad("svc", 2);
  auto* no_span_id = request.mutable_resource_spans(0)->mutable_scope_spans(0)->add_spans();
  no_span_id->set_trace_id(std::string(16, '\x01'));
  no_span_id->set_name("no-span-id");
  Conversion conversion = convert_spans(request, "otlp-http");
  EXPECT_EQ(conversion.accepted, 2);
  EXPECT_EQ(conversion.rejected, 2);
  EXPECT_EQ(conversion.error_message,
            "span \"bad\": trace_id must be 16 bytes, got 3 (and 1 more spans rejected)");
}

// Ids are written as lower-case hex through a table of digit pairs: every byte value, in 16 spans
// whose trace ids hold the 256 byte values in order, against hex written digit by digit here.
TEST(OtlpRecords, IdsOfEveryByteValueBecomeTheirLowerCaseHex) {
  trace_v1::ExportTraceServiceRequest request = simple_spans("svc", 16);
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  std::vector<std::string> expected_trace(16);
  std::vector<std::string> expected_span(16);
  for (int s = 0; s < 16; ++s) {
    std::string trace(16, '\0');
    std::string span(8, '\0');
    for (int b = 0; b < 16; ++b) {
      trace[b] = static_cast<char>(s * 16 + b);
      expected_trace[s] += "0123456789abcdef"[s];
      expected_trace[s] += "0123456789abcdef"[b];
    }
    for (int b = 0; b < 8; ++b) {
      const int value = 255 - (s * 8 + b) % 256;
      span[b] = static_cast<char>(value);
      expected_span[s] += "0123456789abcdef"[value / 16];
      expected_span[s] += "0123456789abcdef"[value % 16];
    }
    spans->Mutable(s)->set_trace_id(trace);
    spans->Mutable(s)->set_span_id(span);
    spans->Mutable(s)->set_parent_span_id(std::string(8, '\xab'));
  }
  std::string bytes;
  ASSERT_TRUE(request.SerializeToString(&bytes));
  Conversion decoded;
  ASSERT_EQ(decode_spans(bytes, "otlp-http", decoded), "");
  ASSERT_EQ(decoded.services.size(), 1u);
  ASSERT_EQ(decoded.services[0].records.size(), 16u);
  for (int s = 0; s < 16; ++s) {
    const rapidjson::Value& record = *decoded.services[0].records[s].value;
    // Not NUL-terminated: the text is the document's, of the value's length.
    const auto text = [&](const char* key) {
      return std::string(record[key].GetString(), record[key].GetStringLength());
    };
    EXPECT_EQ(text("trace_id"), expected_trace[s]) << s;
    EXPECT_EQ(text("span_id"), expected_span[s]) << s;
    EXPECT_EQ(text("parent_span_id"), "abababababababab") << s;
  }
  EXPECT_EQ(expected_trace[15], "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
}

TEST(OtlpRecords, SpansAreGroupedByServiceInOrderOfFirstAppearance) {
  trace_v1::ExportTraceServiceRequest request = simple_spans("a", 2);
  request.MergeFrom(simple_spans("b", 1));
  request.MergeFrom(simple_spans("a", 1));
  Conversion conversion = convert_spans(request, "otlp-http");
  ASSERT_EQ(conversion.services.size(), 2u);
  EXPECT_EQ(conversion.services[0].service, "a");
  EXPECT_EQ(conversion.services[0].records.size(), 3u);
  EXPECT_EQ(conversion.services[1].service, "b");
  EXPECT_EQ(conversion.services[1].records.size(), 1u);
}

TEST(OtlpResponse, ExportResponsesAndStatusesInBothEncodings) {
  EXPECT_EQ(encode_export_response(OtlpEncoding::kJson, OtlpSignal::kTraces, 0, ""), "{}");
  EXPECT_EQ(encode_export_response(OtlpEncoding::kJson, OtlpSignal::kLogs, 2, "bad \"id\""),
            R"({"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"bad \"id\""}})");
  EXPECT_EQ(encode_export_response(OtlpEncoding::kProtobuf, OtlpSignal::kTraces, 0, ""), "");
  trace_v1::ExportTraceServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(
      encode_export_response(OtlpEncoding::kProtobuf, OtlpSignal::kTraces, 3, "why")));
  EXPECT_EQ(response.partial_success().rejected_spans(), 3);
  EXPECT_EQ(response.partial_success().error_message(), "why");
  EXPECT_EQ(encode_rpc_status(OtlpEncoding::kJson, 3, "no"), R"({"code":3,"message":"no"})");
}

TEST(Gzip, InflatesWithinTheLimit) {
  const std::string data(100000, 'x');
  std::string out;
  InflateResult result = gunzip_bounded(gzip(data), 100000, out);
  EXPECT_EQ(result.status, InflateStatus::kOk);
  EXPECT_EQ(out, data);
  // Two concatenated members.
  result = gunzip_bounded(gzip("ab") + gzip("cd"), 10, out);
  EXPECT_EQ(result.status, InflateStatus::kOk);
  EXPECT_EQ(out, "abcd");
}

TEST(Gzip, StopsOneByteBeyondTheLimit) {
  std::string out;
  EXPECT_EQ(gunzip_bounded(gzip(std::string(100001, 'x')), 100000, out).status,
            InflateStatus::kTooLarge);
  EXPECT_EQ(out, "");
}

TEST(Gzip, BombStopsAtTheLimit) {
  const std::string bomb = gzip_bomb(4096);  // 4 GiB of zeros
  EXPECT_LT(bomb.size(), 5u * 1024 * 1024);
  std::string out;
  EXPECT_EQ(gunzip_bounded(bomb, 16u << 20, out).status, InflateStatus::kTooLarge);
  EXPECT_TRUE(out.empty());
  EXPECT_LT(out.capacity(), 16u);  // released: only the small-string buffer remains
}

TEST(Gzip, InflateInlineDefersPastItsBoundAndIsInflateBoundedOtherwise) {
  const std::string data(5000, 'x');
  const std::string body = gzip(data);
  std::string out;
  // Within the inline bound: inflated.
  EXPECT_EQ(inflate_inline(body, 5000, 16384, out, CompressedFormat::kGzip).status,
            InflateStatus::kOk);
  EXPECT_EQ(out, data);
  // Past it, below max_output: deferred, nothing kept.
  EXPECT_EQ(inflate_inline(body, 4999, 16384, out, CompressedFormat::kGzip).status,
            InflateStatus::kDeferred);
  EXPECT_EQ(out, "");
  // An inline bound at or above max_output is max_output: too large, never deferred.
  EXPECT_EQ(inflate_inline(body, 4999, 4999, out, CompressedFormat::kGzip).status,
            InflateStatus::kTooLarge);
  EXPECT_EQ(inflate_inline(body, 1 << 20, 4999, out, CompressedFormat::kGzip).status,
            InflateStatus::kTooLarge);
  // Corrupt input within the bound is corrupt at once.
  InflateResult corrupt =
      inflate_inline(body.substr(0, body.size() / 2), 4096, 16384, out, CompressedFormat::kGzip);
  EXPECT_EQ(corrupt.status, InflateStatus::kCorrupt);
  EXPECT_EQ(corrupt.error, "truncated gzip stream");
}

TEST(Gzip, ZlibFormatForGrpcDeflate) {
  const std::string data(5000, 'z');
  std::string compressed(compressBound(data.size()), '\0');
  uLongf size = compressed.size();
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(compressed.data()), &size,
                     reinterpret_cast<const Bytef*>(data.data()), data.size()),
            Z_OK);
  compressed.resize(size);
  std::string out;
  EXPECT_EQ(inflate_bounded(compressed, 5000, out, CompressedFormat::kZlib).status,
            InflateStatus::kOk);
  EXPECT_EQ(out, data);
  EXPECT_EQ(inflate_bounded(compressed, 4999, out, CompressedFormat::kZlib).status,
            InflateStatus::kTooLarge);
  InflateResult trailing = inflate_bounded(compressed + "x", 5000, out, CompressedFormat::kZlib);
  EXPECT_EQ(trailing.status, InflateStatus::kCorrupt);
  EXPECT_EQ(trailing.error, "data after the end of the deflate stream");
  EXPECT_EQ(inflate_bounded(gzip(data), 5000, out, CompressedFormat::kZlib).error,
            "invalid deflate stream: incorrect header check");
}

TEST(Gzip, CorruptAndTruncatedStreamsAreErrors) {
  std::string out;
  const std::string good = gzip(std::string(5000, 'y'));
  InflateResult truncated = gunzip_bounded(good.substr(0, good.size() / 2), 100000, out);
  EXPECT_EQ(truncated.status, InflateStatus::kCorrupt);
  EXPECT_EQ(truncated.error, "truncated gzip stream");
  InflateResult garbage = gunzip_bounded("not gzip at all", 100000, out);
  EXPECT_EQ(garbage.status, InflateStatus::kCorrupt);
  EXPECT_EQ(garbage.error, "invalid gzip stream: incorrect header check");
  EXPECT_EQ(gunzip_bounded("", 10, out).error, "empty gzip body");
}

}  // namespace
}  // namespace specwatch
