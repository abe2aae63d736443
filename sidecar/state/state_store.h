// A small store of named, versioned JSON documents in one directory, written so that a crash
// leaves either the old or the new document, never a torn one (temp file, fsync, rename, fsync of
// the directory). The directory is 0700 and the files 0600: state may name private paths.
// A document that cannot be used (not JSON, no envelope, a schema version newer than the reader
// knows) is set aside as <name>.json.corrupt and reported, never thrown at the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace specwatch {

struct StateRead {
  enum class Status {
    kMissing,  // no such document
    kOk,       // `data` holds the document, `version` its schema version
    kLegacy,   // a file written before the store existed (no envelope): `data` is its whole text
    kCorrupt,  // unusable; moved to `corrupt_path`, `error` says why
    kError,    // could not be read (permissions, I/O); left in place, `error` says why
  };
  Status status = Status::kMissing;
  int version = 0;
  std::string data;  // JSON text
  std::string error;
  std::string corrupt_path;
};

class StateStore {
 public:
  // `dir` is created (0700) on the first write; nothing happens at construction.
  explicit StateStore(std::string dir);

  const std::string& dir() const { return dir_; }
  // Where document `name` lives: <dir>/<name>.json.
  std::string path_of(const std::string& name) const;

  // Reads document `name`. A schema version above `max_version` is treated as corrupt (the file
  // is from a newer specwatch; setting it aside keeps it for a downgrade to be undone by hand).
  StateRead read(const std::string& name, int max_version) const;
  // Writes `data` (JSON text, checked) as document `name` at schema `version`. Returns an error
  // text, empty on success.
  std::string write(const std::string& name, int version, const std::string& data) const;
  // Names of the documents present, sorted.
  std::vector<std::string> list() const;
  // Removes document `name`; returns an error text, empty on success or when it did not exist.
  std::string remove(const std::string& name) const;

  // A name is one path component of letters, digits and `._-`, not starting with a dot.
  static bool valid_name(const std::string& name);

 private:
  std::string dir_;
};

}  // namespace specwatch
