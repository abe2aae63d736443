// The json-document framing: a whole file that its writer rewrites in place (SpecWeaver's
// artifacts/metrics.json, an analyzer result). The file is read whole and split into records;
// each record carries a key so that a reader can tell records it has already seen from new ones.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace specwatch {

struct DocumentRecord {
  std::string json;  // the record as compact JSON text
  // The value at the key path: strings as-is, numbers and booleans as their JSON text. When the
  // key path is empty, or the path is missing in the record or leads to null, an object or an
  // array: "h:" followed by 16 hex digits of the FNV-1a 64-bit hash of `json`.
  std::string key;
};

struct DocumentSplit {
  std::vector<DocumentRecord> records;
  std::string error_reason;   // empty on success; "invalid_json" or "invalid_document"
  std::string error_message;  // e.g. "invalid JSON at offset 12: Invalid value."
  bool ok() const { return error_reason.empty(); }
};

// A top-level array gives one record per element; a top-level object gives one record; a
// top-level scalar is an "invalid_document". `key_path` is a dotted field path such as "run_id"
// or "provenance.workflowId". Never throws.
DocumentSplit split_json_document(std::string_view content, std::string_view key_path);

// "h:" + 16 lowercase hex digits of the FNV-1a 64-bit hash of `bytes`.
std::string content_hash_key(std::string_view bytes);

}  // namespace specwatch
