// The checkpoint store: what a file source has durably delivered, one document per source in the
// state store (<state_dir>/checkpoints/<source>.json, see sidecar/state). Written atomically, so
// that a crash leaves either the old or the new checkpoint, never a torn one. A checkpoint that
// cannot be used is set aside as <name>.corrupt and treated as absent; a checkpoint written
// before the state store (no envelope, "version": 1) is read and rewritten in the new format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sidecar/sources/file/file_identity.h"
#include "sidecar/state/state_store.h"

namespace specwatch {

struct CheckpointEntry {
  std::string path;
  FileIdentity identity;
  std::uint64_t offset = 0;  // acknowledged read offset (stream framings)
  // The bytes just before `offset` (tail.offset == offset); unknown in older checkpoints.
  TailCheck tail;
  // json-document framing: keys of records delivered, oldest first.
  std::vector<std::string> seen_keys;
};

// Content no longer tracked under its inode (truncated by copytruncate, deleted, renamed away)
// whose copy may still turn up, kept a bounded time so that the copy is read from where the
// original stopped even across a restart.
struct RetiredEntry {
  std::string path;  // where it was last seen (for logs)
  Fingerprint fingerprint;
  TailCheck tail;  // tail.offset = the acknowledged offset
  std::int64_t retired_unix_ms = 0;
};

struct CheckpointData {
  std::vector<CheckpointEntry> files;
  std::vector<RetiredEntry> retired;
};

struct CheckpointLoad {
  bool found = false;     // a valid checkpoint file was read
  bool migrated = false;  // it was in the format before the state store
  bool corrupt = false;   // a file existed but was unusable; it was moved to `corrupt_path`
  std::string corrupt_path;
  std::string error;  // why it was unusable (or why it could not be read)
  std::vector<CheckpointEntry> entries;
  std::vector<RetiredEntry> retired;
};

class CheckpointStore {
 public:
  static constexpr int kSchemaVersion = 2;

  CheckpointStore(const std::string& state_dir, std::string source_name);

  const std::string& path() const { return path_; }

  CheckpointLoad load() const;
  // Returns an error text on failure, empty on success.
  std::string save(const std::vector<CheckpointEntry>& entries,
                   const std::vector<RetiredEntry>& retired = {}) const;

  // The document inside the envelope, exposed for tests.
  static std::string serialize(const std::string& source,
                               const std::vector<CheckpointEntry>& entries,
                               const std::vector<RetiredEntry>& retired = {});
  // Parses a checkpoint file's whole text (enveloped, or the older unversioned format), or the
  // bare document. nullopt + `error` set when the text is not a valid checkpoint.
  static std::optional<CheckpointData> parse_data(const std::string& text, std::string& error);
  static std::optional<std::vector<CheckpointEntry>> parse(const std::string& text,
                                                           std::string& error);

 private:
  StateStore store_;
  std::string source_;
  std::string path_;
};

}  // namespace specwatch
