// The unit that flows from sources into the pipeline: one framed record (a JSON value or a text
// line) still as raw bytes, or a value a receiver has already decoded, plus the batch that carries
// records of one source together with the acknowledgement that will let the source advance its
// checkpoint.
#pragma once

#include <rapidjson/fwd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
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

struct Record {
  std::string data;
  RecordFormat format = RecordFormat::kJson;
  // Path of the file (or other origin, such as "otlp") the record was read from. Used for error
  // reports and as a field for sinks; never as a metric label.
  std::string origin;
  // kValue: the record, owned by RecordBatch::storage; `data` is empty.
  const rapidjson::Value* value = nullptr;
  // kValue: the size of the encoded item it was decoded from, for the pipeline's byte bound.
  std::size_t value_bytes = 0;
  // A record of a byte stream (a tailed file): the stream offset just past the record, what the
  // checkpoint advances to once the record is acknowledged. 0 when the record has no offset
  // (OTLP, json-document). Sinks use it for event ids and the document's log.offset.
  std::uint64_t end_offset = 0;

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
  // Keeps alive what kValue records point to (and whatever their strings refer to), for as long
  // as any copy of the batch exists.
  std::shared_ptr<const void> storage;
  // Released when every consumer is done with the batch; see acknowledgement.h.
  BatchAck ack;
};

}  // namespace specwatch
