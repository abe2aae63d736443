// Which file is this? A path is not enough (rotation renames files, copies move them), and
// device + inode is not enough either (inodes are reused after a delete, and a file may be
// rewritten in place). A file is identified by device + inode plus a fingerprint: the length and
// a 64-bit hash of its first bytes (up to fingerprint_bytes). A file shorter than that is
// fingerprinted over what it has; once it grows, the stored prefix must still hash the same.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace specwatch {

struct Fingerprint {
  std::uint64_t length = 0;  // bytes hashed
  std::uint64_t hash = 0;    // FNV-1a 64 of those bytes

  bool operator==(const Fingerprint&) const = default;
};

struct FileIdentity {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  Fingerprint fingerprint;
};

// FNV-1a, 64-bit: stable across builds and platforms, so checkpoints stay valid.
std::uint64_t fingerprint_hash(std::string_view bytes);

// The first min(size, max_bytes) bytes of `fd`; nullopt on a read error.
std::optional<std::string> read_file_head(int fd, std::size_t max_bytes);

// Reads the first min(size, max_bytes) bytes of `fd` (pread, offset 0) and hashes them.
// Returns nullopt on a read error.
std::optional<Fingerprint> compute_fingerprint(int fd, std::size_t max_bytes);

// Hash of the first `length` bytes of `fd`; nullopt if the file is shorter or unreadable.
std::optional<std::uint64_t> hash_prefix(int fd, std::uint64_t length);

// True if the file behind `fd` still starts with the bytes `known` was computed over. An empty
// fingerprint matches everything (nothing to compare yet).
bool fingerprint_still_matches(int fd, const Fingerprint& known);

// True if a file whose first bytes hash as `known` over `known.length` is the same content as
// the file behind `fd`. Used to recognise a copy or a moved file. An empty fingerprint never
// matches: an empty file says nothing about where it came from.
bool same_content_start(int fd, const Fingerprint& known);

}  // namespace specwatch
