// The unit that flows from sources into the pipeline: one framed record (a JSON value or a text
// line) still as raw bytes, or a value a receiver has already decoded, plus the batch that carries
// records of one source together with the acknowledgement that will let the source advance its
// checkpoint.
#pragma once

#include <rapidjson/fwd.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/core/acknowledgement.h"

namespace specwatch {

// How a record's bytes are to be read by the pipeline.
enum class RecordFormat : std::uint8_t {
  kJson,  // one complete JSON value
  kText,  // one line of text, without its line terminator
  // Already a JSON value (`value`), built by a receiver from a binary encoding such as OTLP
  // protobuf: the pipeline hands it to the processors without writing and parsing JSON text.
  kValue,
};

// Bytes a source may promise are readable after a record's `data` (Record::padded). SIMD parsers
// load whole vectors and so read past the end of their input: simdjson needs 64 such bytes, of any
// value. A record that has them is parsed where it lies; any other is first copied.
inline constexpr std::size_t kRecordPadding = 64;

// Record::value_layout: which fixed top-level shape a decoded value has. A producer that writes
// every value of one kind with the same member names in the same order gives them one of these
// (never another producer's); the normalizer then knows a record of the layout it indexed last
// without comparing the names one by one (record_member_index.h).
enum class ValueLayout : std::uint32_t {
  kUnknown = 0,   // names compared as they are (every JSON text, every other value)
  kOtlpSpan = 1,  // the OTLP receivers' span records (sidecar/otlp/README.md)
  kOtlpLog = 2,   // and their log records
};

// A record does not own its bytes: `data` and `origin` view text that the batch keeps alive
// (RecordBatch::storage, or RecordBatch::own for text made one record at a time). A file read puts
// the path and every record of the read in one buffer, so a record costs no allocation of its own
// and is not freed, record by record, on another thread than the one that made it.
struct Record {
  std::string_view data;
  RecordFormat format = RecordFormat::kJson;
  // Path of the file (or other origin, such as "otlp") the record was read from. Used for error
  // reports and as a field for sinks; never as a metric label.
  std::string_view origin;
  // kValue: the record, owned by RecordBatch::storage; `data` is empty.
  const rapidjson::Value* value = nullptr;
  // kValue: the size of the encoded item it was decoded from, for the pipeline's byte bound.
  std::size_t value_bytes = 0;
  // kValue: the fixed top-level shape its producer vouches for, if any (ValueLayout).
  ValueLayout value_layout = ValueLayout::kUnknown;
  // What an exporter needs for a stable event id (with the batch's source and the index of the
  // event in the record): where the record ends in its file (the framer's end offset; 0 for a
  // json-document record) and which stream it belongs to -- the hash of the file's first bytes
  // (its fingerprint), which survives rename and copytruncate, unlike device, inode or path. A
  // file shorter than the fingerprint length has a fingerprint that grows with it, so the records
  // of its first bytes may carry an earlier hash. 0 for records not read from files (an OTLP
  // exporter uses the span id).
  std::uint64_t end_offset = 0;
  std::uint64_t stream_id = 0;
  // At least kRecordPadding bytes after `data` belong to the same storage (their values are
  // unspecified): set by the file source, whose reads leave them; parsers may read ahead.
  bool padded = false;

  // What the record weighs in the pipeline queue.
  std::size_t weight() const { return format == RecordFormat::kValue ? value_bytes : data.size(); }
};

// Records of one source, delivered together. Ownership passes to whoever receives the batch
// (the consumer contract of the OpenTelemetry Collector): the receiver may move the records out.
struct RecordBatch {
  std::string source;   // configured source name, e.g. "specular-traces"
  std::string service;  // configured service name, e.g. "specular"
  std::string profile;  // normalization profile name; empty means "generic"
  std::vector<Record> records;
  // Keeps alive what the records view (their bytes and origins; the values of kValue records and
  // whatever their strings refer to), for as long as any copy of the batch exists.
  std::shared_ptr<const void> storage;
  // Text owned one piece at a time, for records not cut from a shared buffer (a rewritten JSON
  // document's elements, tests). Elements of a deque do not move when it grows.
  std::shared_ptr<std::deque<std::string>> owned;

  // Keeps `text` with the batch and returns a view of it for a record's data or origin.
  std::string_view own(std::string text) {
    if (!owned) owned = std::make_shared<std::deque<std::string>>();
    return owned->emplace_back(std::move(text));
  }
  // Released when every consumer is done with the batch; see acknowledgement.h.
  BatchAck ack;
};

}  // namespace specwatch
