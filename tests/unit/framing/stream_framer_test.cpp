#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/framing/framer.h"

namespace specwatch {
namespace {

struct FramerEvent {
  std::string kind;          // "record" or the error reason
  std::string text;          // record data or error message
  std::uint64_t offset = 0;  // end offset of a record, start offset of an error
  bool operator==(const FramerEvent&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const FramerEvent& e) {
  return os << e.kind << "@" << e.offset << ":" << e.text;
}

class CollectingOutput final : public FramerOutput {
 public:
  void on_record(std::string_view data, std::uint64_t end_offset) override {
    events.push_back({"record", std::string(data), end_offset});
  }
  void on_error(std::string_view reason, std::string_view message, std::uint64_t offset) override {
    events.push_back({std::string(reason), std::string(message), offset});
  }
  std::vector<FramerEvent> events;
};

struct FramerRun {
  std::vector<FramerEvent> events;
  std::uint64_t boundary = 0;
  std::uint64_t fed = 0;
};

// Feeds `stream` cut at the given positions (ascending).
inline FramerRun run_framer(Framing framing, std::size_t max_record_bytes, std::string_view stream,
                            const std::vector<std::size_t>& cuts) {
  auto framer = make_stream_framer(framing, max_record_bytes);
  CollectingOutput out;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    framer->feed(stream.substr(from, cut - from), out);
    from = cut;
  }
  framer->feed(stream.substr(from), out);
  return {out.events, framer->boundary_offset(), framer->fed_offset()};
}

inline FramerRun run_whole(Framing framing, std::size_t max_record_bytes, std::string_view stream) {
  return run_framer(framing, max_record_bytes, stream, {});
}

inline FramerRun run_byte_by_byte(Framing framing, std::size_t max_record_bytes,
                                  std::string_view stream) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < stream.size(); ++i) cuts.push_back(i);
  return run_framer(framing, max_record_bytes, stream, cuts);
}

std::string too_large(std::size_t max, std::uint64_t offset) {
  return "record larger than max_record_bytes (" + std::to_string(max) +
         " bytes) starting at offset " + std::to_string(offset) + " skipped";
}

std::string garbage(std::uint64_t offset) {
  return "bytes that cannot start a JSON value skipped at offset " + std::to_string(offset);
}

// Builds a stream together with the events a framer must report for it.
struct StreamBuilder {
  std::string stream;
  std::vector<FramerEvent> events;

  StreamBuilder& raw(std::string_view bytes) {
    stream += bytes;
    return *this;
  }
  // A line record: `content` then `terminator`; the record is `content` without a final '\r'.
  StreamBuilder& line(std::string_view content, std::string_view terminator = "\n") {
    stream += content;
    stream += terminator;
    std::string data(content);
    if (terminator == "\r\n") {
      // the '\r' belongs to the terminator
    } else if (!data.empty() && data.back() == '\r') {
      data.pop_back();
    }
    events.push_back({"record", data, stream.size()});
    return *this;
  }
  StreamBuilder& value(std::string_view json) {
    stream += json;
    events.push_back({"record", std::string(json), stream.size()});
    return *this;
  }
  StreamBuilder& oversize(std::string_view bytes, std::size_t max) {
    events.push_back({"record_too_large", too_large(max, stream.size()), stream.size()});
    stream += bytes;
    return *this;
  }
  StreamBuilder& garbage_run(std::string_view bytes) {
    events.push_back({"garbage", garbage(stream.size()), stream.size()});
    stream += bytes;
    return *this;
  }
};

void expect_split_invariant(Framing framing, std::size_t max, std::string_view stream,
                            const FramerRun& expected) {
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const FramerRun run = run_framer(framing, max, stream, {cut});
    ASSERT_EQ(run.events, expected.events) << "cut at " << cut;
    ASSERT_EQ(run.boundary, expected.boundary) << "cut at " << cut;
    ASSERT_EQ(run.fed, expected.fed) << "cut at " << cut;
  }
  const FramerRun bytes = run_byte_by_byte(framing, max, stream);
  EXPECT_EQ(bytes.events, expected.events);
  EXPECT_EQ(bytes.boundary, expected.boundary);
  EXPECT_EQ(bytes.fed, expected.fed);
}

// ----------------------------------------------------------------------------------- ndjson

TEST(NdjsonFramer, SimpleLinesGiveRecordsWithEndOffsetsPastTheNewline) {
  const FramerRun run = run_whole(Framing::kNdjson, 1024, "{\"a\":1}\n{\"b\":2}\n");
  const std::vector<FramerEvent> expected = {{"record", "{\"a\":1}", 8},
                                             {"record", "{\"b\":2}", 16}};
  EXPECT_EQ(run.events, expected);
  EXPECT_EQ(run.boundary, 16u);
  EXPECT_EQ(run.fed, 16u);
}

TEST(NdjsonFramer, PartialLastLineIsNotEmittedUntilCompleted) {
  auto framer = make_stream_framer(Framing::kNdjson, 1024);
  CollectingOutput out;
  framer->feed("{\"a\":1}\n{\"b\":", out);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(framer->boundary_offset(), 8u);
  EXPECT_EQ(framer->fed_offset(), 13u);
  framer->feed("2}", out);
  EXPECT_EQ(out.events.size(), 1u);
  EXPECT_EQ(framer->boundary_offset(), 8u);
  framer->feed("\n", out);
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[1], (FramerEvent{"record", "{\"b\":2}", 16}));
  EXPECT_EQ(framer->boundary_offset(), 16u);
  EXPECT_EQ(framer->fed_offset(), 16u);
}

TEST(NdjsonFramer, CrLfEmptyAndWhitespaceLinesAreHandled) {
  const std::string stream = "\n  \t \r\n{\"a\":1}\r\n\r\n\t{\"b\":2} \n";
  const FramerRun run = run_whole(Framing::kNdjson, 1024, stream);
  const std::vector<FramerEvent> expected = {{"record", "{\"a\":1}", 16},
                                             {"record", "\t{\"b\":2} ", 28}};
  EXPECT_EQ(run.events, expected);
  EXPECT_EQ(run.boundary, 28u);
}

TEST(NdjsonFramer, BlankLinesMoveTheBoundary) {
  const FramerRun run = run_whole(Framing::kNdjson, 1024, "{}\n\n   \n{");
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.boundary, 8u);
  EXPECT_EQ(run.fed, 9u);
}

TEST(NdjsonFramer, OversizeLineIsReportedAtItsStartAndFollowingRecordsSurvive) {
  const std::string big = "{\"msg\":\"" + std::string(40, 'x') + "\"}";  // 50 bytes
  const std::string stream = "{\"a\":1}\n" + big + "\n{\"b\":2}\n";
  const FramerRun run = run_whole(Framing::kNdjson, 32, stream);
  const std::vector<FramerEvent> expected = {
      {"record", "{\"a\":1}", 8},
      {"record_too_large",
       "record larger than max_record_bytes (32 bytes) starting at offset 8 skipped", 8},
      {"record", "{\"b\":2}", 67}};
  EXPECT_EQ(run.events, expected);
  EXPECT_EQ(run.boundary, 67u);
}

TEST(NdjsonFramer, LineOfExactlyTheLimitIsKeptEvenWithCarriageReturn) {
  const std::string exact(16, 'a');
  const std::string stream = exact + "\r\n" + exact + "\n" + exact + "b\n";
  const FramerRun run = run_whole(Framing::kNdjson, 16, stream);
  const std::vector<FramerEvent> expected = {
      {"record", exact, 18}, {"record", exact, 35}, {"record_too_large", too_large(16, 35), 35}};
  EXPECT_EQ(run.events, expected);
  EXPECT_EQ(run.boundary, 53u);
}

TEST(NdjsonFramer, OversizeLineThatIsStillOpenIsReportedOnceAndSkippedUntilItsEnd) {
  auto framer = make_stream_framer(Framing::kNdjson, 1024);
  CollectingOutput out;
  framer->feed("{}\n", out);
  const std::string chunk(1 << 20, 'x');
  for (int i = 0; i < 100; ++i) framer->feed(chunk, out);  // a 100 MiB line
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[1], (FramerEvent{"record_too_large", too_large(1024, 3), 3}));
  EXPECT_EQ(framer->boundary_offset(), 3u);
  framer->feed("yy\n{\"next\":true}\n", out);
  const std::uint64_t line_end = 3 + 100ull * (1 << 20) + 3;
  ASSERT_EQ(out.events.size(), 3u);
  EXPECT_EQ(out.events[2], (FramerEvent{"record", "{\"next\":true}", line_end + 14}));
  EXPECT_EQ(framer->boundary_offset(), line_end + 14);
}

StreamBuilder realistic_ndjson(std::size_t max) {
  StreamBuilder b;
  b.line(R"({"time":"2026-05-01T10:00:00Z","level":"INFO","msg":"start {x} [y]","n":1})");
  b.raw("\n   \n");
  b.line(R"({"msg":"quote \" and backslash \\ and \\\" then \u00e9 \ud83d\ude00","n":2})", "\r\n");
  b.raw("\t\r\n");
  b.oversize(R"({"big":")" + std::string(max, 'z') + "\"}\n", max);
  b.line(R"({"nested":{"a":[1,2,{"b":"}"}]},"caf\u00e9":"caf)"
         "\xc3\xa9"
         R"("})");
  b.line("[1,2,3]");
  b.raw("{\"partial\":");
  return b;
}

TEST(NdjsonFramer, RealisticStreamIsIdenticalForEverySplit) {
  const std::size_t max = 120;
  StreamBuilder b = realistic_ndjson(max);
  FramerRun expected{b.events, 0, b.stream.size()};
  expected.boundary = b.stream.size() - std::string("{\"partial\":").size();
  const FramerRun whole = run_whole(Framing::kNdjson, max, b.stream);
  ASSERT_EQ(whole.events.size(), 5u);
  EXPECT_EQ(whole.events, expected.events);
  EXPECT_EQ(whole.boundary, expected.boundary);
  expect_split_invariant(Framing::kNdjson, max, b.stream, expected);
}

TEST(NdjsonFramer, ResetDropsPendingBytesAndRestartsAtTheGivenOffset) {
  auto framer = make_stream_framer(Framing::kNdjson, 1024);
  CollectingOutput out;
  framer->feed("{\"a\":1}\n{\"half", out);
  framer->reset(100);
  EXPECT_EQ(framer->boundary_offset(), 100u);
  EXPECT_EQ(framer->fed_offset(), 100u);
  framer->feed("{\"b\":2}\n", out);
  const std::vector<FramerEvent> expected = {{"record", "{\"a\":1}", 8},
                                             {"record", "{\"b\":2}", 108}};
  EXPECT_EQ(out.events, expected);
  EXPECT_EQ(framer->boundary_offset(), 108u);
}

TEST(NdjsonFramer, ResetEndsSkippingOfAnOversizeLine) {
  auto framer = make_stream_framer(Framing::kNdjson, 4);
  CollectingOutput out;
  framer->feed("0123456789", out);
  framer->reset(0);
  framer->feed("{}\n", out);
  const std::vector<FramerEvent> expected = {{"record_too_large", too_large(4, 0), 0},
                                             {"record", "{}", 3}};
  EXPECT_EQ(out.events, expected);
}

// ------------------------------------------------------------------------------------ lines

TEST(LinesFramer, LinesWithoutTerminatorEmptyLinesSkipped) {
  const FramerRun run = run_whole(Framing::kLines, 1024, "alpha\r\n\nbeta gamma\n  \nlast");
  const std::vector<FramerEvent> expected = {
      {"record", "alpha", 7}, {"record", "beta gamma", 19}, {"record", "  ", 22}};
  EXPECT_EQ(run.events, expected);
  EXPECT_EQ(run.boundary, 22u);
  EXPECT_EQ(run.fed, 26u);
}

TEST(LinesFramer, RealisticStreamIsIdenticalForEverySplit) {
  const std::size_t max = 40;
  StreamBuilder b;
  b.line("2026-05-01 10:00:00 INFO starting {worker} [1]");  // 46 bytes: too large
  b.events.back() = {"record_too_large", too_large(max, 0), 0};
  b.line("2026-05-01 10:00:01 WARN slow \"q\"", "\r\n");
  b.raw("\n\r\n");
  b.line("\tindented line \\ with backslash");
  b.oversize(std::string(100, '#') + "\r\n", max);
  b.line(std::string(max, '='));
  b.line(std::string(max, '-') + "\r", "\n");
  b.raw("tail without newline");
  FramerRun expected{b.events, b.stream.size() - 20, b.stream.size()};
  const FramerRun whole = run_whole(Framing::kLines, max, b.stream);
  ASSERT_EQ(whole.events.size(), 6u);
  EXPECT_EQ(whole.events, expected.events);
  EXPECT_EQ(whole.boundary, expected.boundary);
  expect_split_invariant(Framing::kLines, max, b.stream, expected);
}

TEST(LinesFramer, ResetRestartsAtOffset) {
  auto framer = make_stream_framer(Framing::kLines, 1024);
  CollectingOutput out;
  framer->feed("abc", out);
  framer->reset(7);
  framer->feed("de\n", out);
  const std::vector<FramerEvent> expected = {{"record", "de", 10}};
  EXPECT_EQ(out.events, expected);
  EXPECT_EQ(framer->boundary_offset(), 10u);
}

// ------------------------------------------------------------------------------ json-stream

TEST(JsonStreamFramer, BackToBackValuesWithoutWhitespace) {
  const FramerRun run = run_whole(Framing::kJsonStream, 1024, "{}{}[1,[2]]{\"a\":{}}");
  const std::vector<FramerEvent> expected = {{"record", "{}", 2},
                                             {"record", "{}", 4},
                                             {"record", "[1,[2]]", 11},
                                             {"record", "{\"a\":{}}", 19}};
  EXPECT_EQ(run.events, expected);
  EXPECT_EQ(run.boundary, 19u);
}

TEST(JsonStreamFramer, WhitespaceAfterAValueMovesTheBoundary) {
  const FramerRun run = run_whole(Framing::kJsonStream, 1024, " \t\r\n{\"a\":1}\n  \r\n{\"b\"");
  const std::vector<FramerEvent> expected = {{"record", "{\"a\":1}", 11}};
  EXPECT_EQ(run.events, expected);
  EXPECT_EQ(run.boundary, 16u);
  EXPECT_EQ(run.fed, 20u);
}

TEST(JsonStreamFramer, StringsHideBracketsQuotesAndEscapes) {
  const std::string value = R"({"s":"}]\"{[\\","t":"\\\\\"}","u":"\u007d\u005D"})";
  const FramerRun run = run_whole(Framing::kJsonStream, 1024, value + "\n" + value);
  const std::vector<FramerEvent> expected = {{"record", value, value.size()},
                                             {"record", value, 2 * value.size() + 1}};
  EXPECT_EQ(run.events, expected);
}

TEST(JsonStreamFramer, GarbageRunsAreReportedOnceEach) {
  const std::string stream = "{\"a\":1} xyz ] } {\"b\":2}garbage[1]}\n";
  const FramerRun run = run_whole(Framing::kJsonStream, 1024, stream);
  const std::vector<FramerEvent> expected = {
      {"record", "{\"a\":1}", 7},
      {"garbage", "bytes that cannot start a JSON value skipped at offset 8", 8},
      {"record", "{\"b\":2}", 23},
      {"garbage", "bytes that cannot start a JSON value skipped at offset 23", 23},
      {"record", "[1]", 33},
      {"garbage", "bytes that cannot start a JSON value skipped at offset 33", 33}};
  EXPECT_EQ(run.events, expected);
  EXPECT_EQ(run.boundary, 35u);
}

TEST(JsonStreamFramer, OversizeValueIsSkippedWhileItsStructureIsTracked) {
  // The big value contains a string with closing braces and nested objects: the framer must not
  // end it early.
  const std::string big = R"({"x":"}}}]]","y":{"z":[1,2,3,4,5,6,7,8,9]},"w":"\"}"})";  // 52 bytes
  const std::string stream = "{\"a\":1}\n" + big + "\n{\"b\":2}";
  const FramerRun run = run_whole(Framing::kJsonStream, 20, stream);
  const std::vector<FramerEvent> expected = {
      {"record", "{\"a\":1}", 7},
      {"record_too_large",
       "record larger than max_record_bytes (20 bytes) starting at offset 8 skipped", 8},
      {"record", "{\"b\":2}", 8 + big.size() + 1 + 7}};
  EXPECT_EQ(run.events, expected);
  EXPECT_EQ(run.boundary, 8 + big.size() + 1 + 7);
}

TEST(JsonStreamFramer, OversizeOpenValueKeepsBoundaryAtItsStartUntilItEnds) {
  auto framer = make_stream_framer(Framing::kJsonStream, 64);
  CollectingOutput out;
  framer->feed("{}\n{\"k\":\"", out);
  const std::string chunk(1 << 16, 'v');
  for (int i = 0; i < 16; ++i) framer->feed(chunk, out);
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[1], (FramerEvent{"record_too_large", too_large(64, 3), 3}));
  EXPECT_EQ(framer->boundary_offset(), 3u);
  framer->feed("\"}\n[true]", out);
  const std::uint64_t big_end = 9 + 16ull * (1 << 16) + 2;
  ASSERT_EQ(out.events.size(), 3u);
  EXPECT_EQ(out.events[2], (FramerEvent{"record", "[true]", big_end + 7}));
  EXPECT_EQ(framer->boundary_offset(), big_end + 7);
}

StreamBuilder realistic_json_stream(std::size_t max) {
  StreamBuilder b;
  b.value("{\n  \"specular\": \"trace\",\n  \"version\": 2\n}");
  b.raw("\n");
  b.value(
      "{\n  \"type\": \"tool_call\",\n  \"ts\": 1714557600123,\n  \"args\": {\n"
      "    \"cmd\": \"echo \\\"{\\\" && ls [a-z]*\",\n    \"path\": \"C:\\\\tmp\\\\\"\n  },\n"
      "  \"tags\": [\n    \"a\",\n    \"}\"\n  ]\n}");
  b.raw("\r\n\t");
  b.value(R"({"text":"emoji \ud83d\ude00 and \u005b bracket","n":[[],{}]})");
  b.value("[{\"k\":\"v\"}]");
  b.raw("  ");
  b.garbage_run("oops ] }\n");
  b.value("{\"after\":\"garbage\"}");
  b.raw("\n");
  b.oversize("{\n  \"blob\": \"" + std::string(max, 'b') + "\\\"}\",\n  \"x\": [1, {}]\n}", max);
  b.raw("\n");
  b.value("{\"kept\":true,\"s\":\"caf\xc3\xa9\"}");
  b.raw("\n{\n  \"unfinished\": \"{\\\"");
  return b;
}

TEST(JsonStreamFramer, RealisticStreamIsIdenticalForEverySplit) {
  const std::size_t max = 200;
  StreamBuilder b = realistic_json_stream(max);
  const std::size_t pending = std::string("{\n  \"unfinished\": \"{\\\"").size();
  FramerRun expected{b.events, b.stream.size() - pending, b.stream.size()};
  const FramerRun whole = run_whole(Framing::kJsonStream, max, b.stream);
  ASSERT_EQ(whole.events.size(), 8u);
  EXPECT_EQ(whole.events, expected.events);
  EXPECT_EQ(whole.boundary, expected.boundary);
  expect_split_invariant(Framing::kJsonStream, max, b.stream, expected);
}

TEST(JsonStreamFramer, ValueSplitInsideAnEscapeSequence) {
  const std::string value = R"({"a":"x\"}\\","b":"\u0022"})";
  for (std::size_t cut = 1; cut < value.size(); ++cut) {
    const FramerRun run = run_framer(Framing::kJsonStream, 1024, value, {cut});
    ASSERT_EQ(run.events.size(), 1u) << cut;
    EXPECT_EQ(run.events[0], (FramerEvent{"record", value, value.size()})) << cut;
  }
}

TEST(JsonStreamFramer, PartialValueIsNotEmittedUntilCompleted) {
  auto framer = make_stream_framer(Framing::kJsonStream, 1024);
  CollectingOutput out;
  framer->feed("{\"a\":{\"b\":", out);
  framer->feed("\"}\"}", out);
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(framer->boundary_offset(), 0u);
  framer->feed("}", out);
  const std::vector<FramerEvent> expected = {{"record", "{\"a\":{\"b\":\"}\"}}", 15}};
  EXPECT_EQ(out.events, expected);
  EXPECT_EQ(framer->boundary_offset(), 15u);
}

TEST(JsonStreamFramer, ResetForgetsStringAndDepthState) {
  auto framer = make_stream_framer(Framing::kJsonStream, 1024);
  CollectingOutput out;
  framer->feed("{\"open string {", out);
  framer->reset(50);
  framer->feed("{\"a\":1}", out);
  const std::vector<FramerEvent> expected = {{"record", "{\"a\":1}", 57}};
  EXPECT_EQ(out.events, expected);
  EXPECT_EQ(framer->boundary_offset(), 57u);
  EXPECT_EQ(framer->fed_offset(), 57u);
}

TEST(StreamFramerFactory, JsonDocumentHasNoStreamFramer) {
  EXPECT_EQ(make_stream_framer(Framing::kJsonDocument, 1024), nullptr);
}

}  // namespace
}  // namespace specwatch
