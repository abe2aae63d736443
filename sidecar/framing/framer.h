// Framing turns a byte stream (a file read from some offset onwards) into records. A framer is
// streaming: it is fed consecutive chunks, keeps an unfinished record until it completes, and
// never needs to see earlier bytes again. Offsets are positions in the stream (the file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace specwatch {

// How a file's bytes are cut into records (a file source's `framing:`).
enum class Framing : std::uint8_t { kNdjson, kJsonStream, kJsonDocument, kLines };

class FramerOutput {
 public:
  virtual ~FramerOutput() = default;
  // One complete record. `data` is valid only during the call. `end_offset` is the stream offset
  // just past the record's last byte. For ndjson and lines the line terminator ("\n", or "\r\n")
  // counts as the record's last byte although it is not part of `data`; for json-stream the
  // record ends with its closing '}' or ']'.
  virtual void on_record(std::string_view data, std::uint64_t end_offset) = 0;
  // Bytes that were skipped: a record over max_record_bytes ("record_too_large"), bytes that
  // cannot start a record ("garbage"). `offset` is where the skipped bytes began.
  virtual void on_error(std::string_view reason, std::string_view message,
                        std::uint64_t offset) = 0;
};

class Framer {
 public:
  virtual ~Framer() = default;
  // Feeds the bytes that follow everything fed before.
  virtual void feed(std::string_view chunk, FramerOutput& out) = 0;
  // The offset a reader may resume from after a restart without losing or splitting a record:
  // the end of the last record emitted or skipped (plus separators consumed after it). Everything
  // before it has been delivered to `out`; everything after it is pending.
  virtual std::uint64_t boundary_offset() const = 0;
  // Offset just past the last byte fed.
  virtual std::uint64_t fed_offset() const = 0;
  // Drops pending state and continues as if the stream started at `offset` (resume from a
  // checkpoint, or 0 after a truncation).
  virtual void reset(std::uint64_t offset) = 0;
};

// For kNdjson, kJsonStream and kLines; nullptr for kJsonDocument (such files are read whole; see
// json_document.h).
//  - ndjson: one record per line, trailing '\r' stripped, blank (whitespace-only) lines skipped.
//  - lines: one record per line, trailing '\r' stripped, empty lines skipped (a line of spaces is
//    a record).
//  - json-stream: back-to-back JSON objects or arrays separated by whitespace. Any other run of
//    bytes between values (including unbalanced '}' / ']') is reported once as "garbage" and
//    skipped up to the next '{' or '['.
// A record over max_record_bytes is reported as "record_too_large" at its start offset as soon as
// that is known, and the rest of it is skipped without being buffered: memory stays bounded by
// max_record_bytes (+1 byte for a line's possible '\r') whatever the input.
std::unique_ptr<Framer> make_stream_framer(Framing framing, std::size_t max_record_bytes);

}  // namespace specwatch
