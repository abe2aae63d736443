// event.id of an exported event document: a stable identity of one event, the same however often
// the event is exported (a re-read after a crash, a re-export after a restart), so that a search
// engine that uses it as its document id (Elasticsearch's _id) stores each event once.
//
// Three derivations, in order of preference (docs/EVENTS.md):
// - a record of a byte stream (a tailed file): (source, stream identity, end offset of the record,
//   index of the event among the record's events). The stream identity is what identifies the
//   file's content across renames and copytruncate (the file source's fingerprint) -- never the
//   inode or the path;
// - a span (an OTLP record, no offset): (trace id, span id, index);
// - otherwise (a json-document record): (source, stream identity, the record's bytes, index).
//
// 128 bits as 32 lower-case hex digits: two independent 64-bit hashes of the length-prefixed
// fields. Not cryptographic; collisions are as unlikely as random 128-bit ids.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace specwatch {

inline constexpr std::size_t kEventIdLength = 32;

std::string event_id_at_offset(std::string_view source, std::string_view stream,
                               std::uint64_t end_offset, std::uint32_t index);
std::string event_id_of_span(std::string_view trace_id, std::string_view span_id,
                             std::uint32_t index);
std::string event_id_of_content(std::string_view source, std::string_view stream,
                                std::string_view record, std::uint32_t index);

// event_id_at_offset() for the records of one stream after another, written into a buffer: the
// hash of (source, stream) is computed once per stream rather than per event, and no string is
// made. The ids are exactly event_id_at_offset()'s.
class OffsetEventIds {
 public:
  using Text = std::array<char, kEventIdLength>;
  // Ids of `source` and `stream` from now on; cheap when they are the ones already set.
  void set_stream(std::string_view source, std::string_view stream);
  void write(std::uint64_t end_offset, std::uint32_t index, Text& out) const;

 private:
  std::string source_;
  std::string stream_;
  bool set_ = false;
  std::uint64_t lanes_[2] = {0, 0};  // the hash state after the domain, source and stream
};

}  // namespace specwatch
