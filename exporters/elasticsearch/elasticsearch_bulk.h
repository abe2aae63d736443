// The Elasticsearch exporter's wire pieces, pure (no I/O):
// - the entry it keeps per batch until Elasticsearch stored it (in the disk spool or in memory):
//   the source, then per event its `_index`, its `_id` (event.id) and its document, as
//   length-prefixed fields (exporters/common/length_prefixed.h);
// - the daily index name of an event from its @timestamp (IndexNamer);
// - the `_bulk` body: per item a `create` action and the document, each on one line, with the
//   trailing line break Elasticsearch requires (no `_type`: Elasticsearch 7, 8, OpenSearch 2);
// - the outcome of each item from the bulk answer (BulkItemResult).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace specwatch {

struct BulkItem {
  std::string_view index;
  std::string_view id;
  std::string_view document;  // one JSON object, no line break
};

class BulkEntryWriter {
 public:
  void begin(std::string_view source);
  void add(const BulkItem& item);
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Splits an entry into its source and items (views into `entry`); false when it is malformed.
bool parse_bulk_entry(std::string_view entry, std::string_view& source,
                      std::vector<BulkItem>& items);

// The index of an event: `pattern` (config-checked: %Y %m %d %H %j %%) expanded over its
// @timestamp in UTC, or over the current time for an event without one. Caches the last hour.
class IndexNamer {
 public:
  explicit IndexNamer(std::string pattern) : pattern_(std::move(pattern)) {}
  const std::string& name(std::int64_t unix_ns);

 private:
  std::string pattern_;
  std::int64_t cached_hour_ = -1;
  std::string cached_;
};

// Appends `{"create":{"_index":"…","_id":"…"}}\n<document>\n` for `item`.
void append_bulk_item(const BulkItem& item, std::string& body);

// What Elasticsearch said about one item of a bulk request.
struct BulkItemResult {
  enum class Outcome : std::uint8_t {
    kStored,    // 200/201, or 409 on create: a document with this _id is already stored
    kRetry,     // 429 or 5xx: send it again later
    kRejected,  // any other status (400 mapping errors, 404 ...): dead-letter it
  };
  Outcome outcome = Outcome::kStored;
  unsigned status = 0;
  std::string reason;  // "elasticsearch: <status> <error.type>: <error.reason>"
  std::string answer;  // the item's part of the answer, as JSON text
};

// Parses a 200 bulk answer with `expected` items. False (with `error`) when it is not the
// answer to that request (not JSON, no `items`, another count): the whole request is retried.
bool parse_bulk_answer(std::string_view body, std::size_t expected,
                       std::vector<BulkItemResult>& results, std::string& error);

}  // namespace specwatch
