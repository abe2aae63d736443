// The checkpoint store: what a file source has durably delivered, one JSON file per source at
// <state_dir>/checkpoints/<source>.json. Written atomically (temp file, fsync, rename, fsync of
// the directory) so that a crash leaves either the old or the new checkpoint, never a torn one.
// A checkpoint that cannot be parsed is renamed aside to <name>.corrupt and treated as absent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sidecar/sources/file/file_identity.h"

namespace specwatch {

struct CheckpointEntry {
  std::string path;
  FileIdentity identity;
  std::uint64_t offset = 0;  // acknowledged read offset (stream framings)
  // json-document framing: keys of records delivered, oldest first.
  std::vector<std::string> seen_keys;
};

struct CheckpointLoad {
  bool found = false;    // a valid checkpoint file was read
  bool corrupt = false;  // a file existed but was unusable; it was moved to `corrupt_path`
  std::string corrupt_path;
  std::string error;  // why it was unusable (or why it could not be read)
  std::vector<CheckpointEntry> entries;
};

class CheckpointStore {
 public:
  CheckpointStore(std::string state_dir, std::string source_name);

  const std::string& path() const { return path_; }

  CheckpointLoad load() const;
  // Returns an error text on failure, empty on success.
  std::string save(const std::vector<CheckpointEntry>& entries) const;

  // Serialisation, exposed for tests.
  static std::string serialize(const std::string& source,
                               const std::vector<CheckpointEntry>& entries);
  // nullopt + `error` set when the text is not a valid checkpoint.
  static std::optional<std::vector<CheckpointEntry>> parse(const std::string& text,
                                                           std::string& error);

 private:
  std::string dir_;
  std::string path_;
  std::string source_;
};

}  // namespace specwatch
