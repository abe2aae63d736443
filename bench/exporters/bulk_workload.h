// The Elasticsearch exporter's encoding path, without the network, the spool or threads: what
// bench_elasticsearch_bulk times and elasticsearch_bulk_cost counts in instructions.
//
// Workloads (one batch of 1,024 records each, the default `batch_max_records`, tailed from a file
// so that every event id is the one of a record offset):
// - llm: W1-LLM's provider-call records (generate_llm_ndjson of bench/e2e/common.sh, the same
//   generator and seed) through bench/e2e/w1_llm_profile.yaml → llm_call events with usage,
//   cost from the bundled prices, workflow and trace ids;
// - log: W1's log records (generate_ndjson) through the `generic` profile → log_record events
//   with trace and span ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exporters/elasticsearch/bulk_entry_encoder.h"
#include "sidecar/core/event_batch.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch::bench {

enum class Workload { kLlm, kLog };

// One normalized batch; batch() views it.
struct NormalizedBatch {
  RecordBatch records;
  std::vector<CanonicalEvent> events;
  std::vector<std::uint32_t> record_index;

  EventBatch batch() const { return {records, Tool::kNone, events, record_index}; }
};

NormalizedBatch make_batch(Workload workload);

// The exporter's state for one configuration: its redactor (built-in defaults, as `redact: true`
// without a `redaction:` of its own) or none, and its encoder with the seed's daily index.
class BulkPath {
 public:
  BulkPath(bool redact, bool include_original);

  // The sink's consume() up to the spool (entry, redactions counted), then the sender's body
  // (parse the entry, a `create` action and the document per item); gzip_compress of the body
  // when `gzip`. Returns the body's bytes before compression; `compressed` gets the bytes after.
  std::size_t encode(const EventBatch& batch, bool gzip, std::size_t& compressed);

  const std::string& body() const { return body_; }

 private:
  prometheus::Registry registry_;
  std::unique_ptr<SiteRedactor> redaction_;
  BulkEntryEncoder encoder_;
  std::vector<BulkItem> items_;
  std::string body_;
};

// `batches` times BulkPath::encode over `batch`: the code elasticsearch_bulk_cost counts (not
// inlined, for callgrind's --toggle-collect). Returns the body bytes.
[[gnu::noinline]] std::size_t encode_batches(BulkPath& path, const EventBatch& batch, int batches,
                                             bool gzip, std::size_t& compressed);

}  // namespace specwatch::bench
