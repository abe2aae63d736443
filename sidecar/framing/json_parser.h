// Parses one framed record into a RapidJSON DOM. One JsonParser lives on the pipeline thread and
// is reused for every record: its buffers and memory pools are kept between calls, so parsing in
// the steady state does not allocate. Not thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/framing/json_ref.h"

namespace specwatch {

struct ParseResult {
  // The parsed value; valid until the next parse() on the same parser. nullptr on error, and
  // after parse_view() of a record simdjson accepted.
  const rapidjson::Value* value = nullptr;
  // The parsed value as parse_view() gives it (also set by parse(): a view of `value`).
  JsonRef json;
  // Empty on success; "invalid_json" when the record is not one JSON value.
  std::string_view error_reason;
  // e.g. "invalid JSON at offset 17: Missing a colon after a name of object member."
  std::string error_message;
  // The record held ill-formed UTF-8: those bytes were replaced by U+FFFD and the repaired copy
  // parsed. The record is kept; the caller counts it as "invalid_utf8".
  bool repaired_utf8 = false;
  std::size_t utf8_replacements = 0;
  // validate() accepted the record without building its value (value stays null).
  bool validated = false;

  bool ok() const { return value != nullptr || static_cast<bool>(json) || validated; }
};

// How the parser drives RapidJSON. The defaults are the fastest correct choice measured by
// bench_framing; the alternatives exist so that the benchmark can compare them.
struct JsonParserOptions {
  // Parse records of up to kSimdMaxRecordBytes with simdjson's DOM parser and build the RapidJSON
  // DOM from its result (strings referenced, not copied); RapidJSON parses whatever simdjson
  // rejects, so that errors, big integers and every edge case keep RapidJSON's behaviour and
  // messages. Why: simdjson's SIMD pass over the record replaces RapidJSON's byte-by-byte scan,
  // the most expensive step of LLM-call derivation (docs/PERFORMANCE.md, "Framing and parsing").
  bool simd = true;
  // Copy the record into a reused scratch buffer and parse it in place (strings point into the
  // buffer) instead of copying every string into the pool.
  bool insitu = true;
  // RapidJSON's iterative parser: nesting depth is bounded by memory rather than by the thread's
  // stack. The recursive parser is only used behind a depth pre-check (see json_parser.cpp).
  bool iterative = false;
};

// Records longer than this are parsed by RapidJSON alone: simdjson's parser keeps buffers sized
// to the largest record it parsed (about 14 bytes per byte), and long records are rare.
inline constexpr std::size_t kSimdMaxRecordBytes = 64 * 1024;

// The value as compact JSON text (RapidJSON's Writer: doubles in shortest round-trip form).
std::string to_compact_json(const rapidjson::Value& value);

// True when `text` nests objects and arrays deeper than `limit` (brackets inside strings do not
// count). Cheap enough to run before parsing, so that no input can exhaust the stack.
bool may_nest_deeper_than(std::string_view text, std::size_t limit);

class JsonParser {
 public:
  explicit JsonParser(JsonParserOptions options = {});
  JsonParser(const JsonParser&) = delete;
  JsonParser& operator=(const JsonParser&) = delete;
  ~JsonParser();

  // `padded`: kRecordPadding readable bytes follow the record (Record::padded), so simdjson reads
  // it where it lies instead of a padded copy.
  ParseResult parse(std::string_view record, bool padded = false);
  // parse(), without building a RapidJSON value for a record simdjson accepts: result.json views
  // the value on simdjson's tape (until the next call) and result.value stays null. Records
  // simdjson refuses are read by RapidJSON as parse() reads them, and result.json views that
  // value. For readers that go through JsonRef (the normalizer): the RapidJSON value built from
  // simdjson's document cost about 1,400 instructions of a provider-call record's 9,700.
  ParseResult parse_view(std::string_view record, bool padded = false);
  // Checks `record` as parse() would, with the same errors, UTF-8 repair and flags, but builds
  // no value when simdjson accepts it (result.validated; result.value null): for records whose
  // value nobody reads. A record simdjson refuses is parse()d, so its result may hold a value.
  ParseResult validate(std::string_view record, bool padded = false);

  // Records simdjson was given and refused, which RapidJSON then read (for tests and diagnostics:
  // a valid record refused is a mismatch between the parsers, an invalid one the normal case).
  std::size_t simd_refusals() const { return simd_refusals_; }

  // Bytes currently reserved by the DOM pool (grows to the largest record seen, then stays).
  std::size_t pool_capacity() const { return value_buffer_.size(); }

 private:
  using Pool = rapidjson::MemoryPoolAllocator<>;
  using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, Pool, Pool>;

  struct Simd;  // simdjson's parser and its padded input buffer (json_parser.cpp)

  void prepare_pools();
  // Parses `record` with simdjson, into document_ when `build`; false when simdjson rejects it.
  bool parse_simd(std::string_view record, bool build, bool padded);
  // parse() by RapidJSON alone.
  ParseResult parse_without_simd(std::string_view record);
  // Parses `text` (scratch_ when in situ); true on success.
  bool parse_into_document(std::string_view text, bool iterative);

  JsonParserOptions options_;
  std::vector<char> scratch_;
  std::string repaired_;
  std::vector<char> value_buffer_;
  std::vector<char> stack_buffer_;
  std::optional<Pool> value_pool_;
  std::optional<Pool> stack_pool_;
  std::optional<Document> document_;
  std::unique_ptr<Simd> simd_;  // null unless options_.simd
  std::size_t simd_refusals_ = 0;
};

}  // namespace specwatch
