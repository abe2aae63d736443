// The event document: one normalized event as the JSON object every exporter writes (the file
// exporter as one NDJSON line, later Kafka as a message value, Elasticsearch as a document). The
// schema is docs/EVENTS.md; its version is kEventSchemaVersion.
//
// Pure (no I/O) and built for the export hot path: a RapidJSON Writer into a buffer reused from
// document to document, nothing allocated once the buffers are warm. Every string field and the
// raw record pass through the redactor when one is given, and are made valid UTF-8 (ill-formed
// bytes become U+FFFD) so that the document is always valid JSON text.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "sidecar/core/event.h"
#include "sidecar/derive/call_cost.h"
#include "sidecar/redact/redactor.h"

namespace specwatch {

inline constexpr int kEventSchemaVersion = 1;

// Where an event came from and what identifies it.
struct EventOrigin {
  std::string_view id;       // event.id (event_id.h)
  std::string_view source;   // the configured source name
  std::string_view path;     // Record::origin: the file (or "otlp"); empty: none
  std::uint64_t offset = 0;  // Record::end_offset; 0: the record has no offset
  // The raw record as text (event.original); nullopt: not included.
  std::optional<std::string_view> original;
};

class EventDocumentEncoder {
 public:
  // `redactor`: nullptr writes strings unchanged; otherwise it must outlive the encoder.
  explicit EventDocumentEncoder(const Redactor* redactor = nullptr) : redactor_(redactor) {}

  // Appends the document (one JSON object, no line break) to `out`. `cost`: the call's cost as
  // specwatch_llm_cost_usd_total counts it (call_cost.h); only used for llm_call events.
  void append(const CanonicalEvent& event, const EventOrigin& origin,
              const std::optional<CallCost>& cost, std::string& out);

  // Matches replaced since the last take_redactions(), per pattern (for
  // specwatch_redactions_total{site="export"}).
  const PatternCounts& redactions() const { return redactions_; }
  std::size_t redaction_total() const { return redaction_total_; }
  void reset_redactions() {
    redactions_ = {};
    redaction_total_ = 0;
  }

 private:
  // RapidJSON's Writer, plus strings written with one copy instead of its character-by-character
  // escape check and output: the document's own member names and its timestamps, which never
  // need escaping, and any other text once a quick scan found nothing to escape (almost every
  // value). The per-character writing was about 3,500 of the ~30,000 instructions an event cost
  // on its way to Kafka.
  class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
   public:
    using Writer::Writer;
    // What String() writes for `text` when it has no quote, backslash or control character.
    void plain_string(std::string_view text) {
      Prefix(rapidjson::kStringType);
      char* at = os_->Push(text.size() + 2);
      at[0] = '"';
      std::memcpy(at + 1, text.data(), text.size());
      at[text.size() + 1] = '"';
    }
    // What String() writes for any `text` (UTF-8 is written as it is, as String() does).
    void any_string(std::string_view text) {
      if (needs_escape(text)) {
        String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      } else {
        plain_string(text);
      }
    }

   private:
    // Whether `text` has a character String() escapes: a control character, the quote or the
    // backslash. 16 bytes per step with SSE2 (baseline on x86-64), a byte loop elsewhere.
    static bool needs_escape(std::string_view text);
  };

  void key(std::string_view name);  // one of the document's own names: plain ASCII
  void string(std::string_view text);
  void string_member(std::string_view name, std::string_view text);  // skipped when empty
  // A value specwatch itself made (event.id, an enum's name, a configured source name): neither
  // redacted nor checked for UTF-8. Skipped when empty.
  void own_member(std::string_view name, std::string_view text);
  void int_member(std::string_view name, const std::optional<std::int64_t>& value);
  void double_member(std::string_view name, const std::optional<double>& value);
  void bool_member(std::string_view name, const std::optional<bool>& value);
  void duration_member(const std::optional<double>& seconds);
  void timestamp(std::int64_t unix_ns);

  void write_event_object(const CanonicalEvent& event, const EventOrigin& origin);
  void write_log_object(const CanonicalEvent& event, const EventOrigin& origin);
  void write_error_object(const CanonicalEvent& event);
  void write_gen_ai_object(const LlmCall& call);
  void write_http_object(const ApiRequest& request);
  void write_specwatch_object(const CanonicalEvent& event, const EventOrigin& origin,
                              const std::optional<CallCost>& cost);
  void write_cost(const std::optional<double>& usd, std::string_view source);

  const Redactor* redactor_;
  rapidjson::StringBuffer buffer_;
  JsonWriter writer_{buffer_};
  std::string scratch_;  // a string field after redaction / UTF-8 repair
  // The last file path written that needed neither redaction nor repair: the events of a batch
  // mostly share their file, and its scan cost about a tenth of each document.
  std::string clean_path_;
  PatternCounts redactions_{};
  std::size_t redaction_total_ = 0;
};

// unix nanoseconds → "2025-01-15T18:30:45.100000000Z" (RFC 3339, UTC, always nine digits).
std::string rfc3339_nanos(std::int64_t unix_ns);
// The same text into `out` (no allocation: a document writes one per event).
inline constexpr std::size_t kRfc3339NanosLength = 30;
void write_rfc3339_nanos(std::int64_t unix_ns, std::array<char, kRfc3339NanosLength>& out);

}  // namespace specwatch
