// The unit that flows from sources into the pipeline: one framed record (a JSON value or a text
// line) still as raw bytes, plus the batch that carries records of one source together with the
// acknowledgement that will let the source advance its checkpoint.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sidecar/core/acknowledgement.h"

namespace specwatch {

// How a record's bytes are to be read by the pipeline.
enum class RecordFormat : std::uint8_t {
  kJson,  // one complete JSON value
  kText,  // one line of text, without its line terminator
};

struct Record {
  std::string data;
  RecordFormat format = RecordFormat::kJson;
  // Path of the file (or other origin, such as "otlp") the record was read from. Used for error
  // reports and as a field for sinks; never as a metric label.
  std::string origin;
};

// Records of one source, delivered together. Ownership passes to whoever receives the batch
// (the consumer contract of the OpenTelemetry Collector): the receiver may move the records out.
struct RecordBatch {
  std::string source;   // configured source name, e.g. "specular-traces"
  std::string service;  // configured service name, e.g. "specular"
  std::string profile;  // normalization profile name; empty means "generic"
  std::vector<Record> records;
  // Released when every consumer is done with the batch; see acknowledgement.h.
  BatchAck ack;
};

}  // namespace specwatch
