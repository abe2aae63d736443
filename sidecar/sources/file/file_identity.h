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

// How a TailCheck's hash was computed. XXH3 (64-bit): a tail check is hashed for every batch a
// file source reads, and the byte-wise FNV-1a it replaced, 4 KiB at a multiply per byte, was 2 %
// of W1's seconds. Checkpoints written before it hold FNV-1a tails; those are verified with
// FNV-1a (a check is only ever compared with one computed the same way) until the file's next
// acknowledged batch replaces them.
enum class TailHash : std::uint8_t { kXxh3, kFnv1a };

// What was read of a file just before an offset: the hash of the `length` bytes ending at
// `offset` (length = min(offset, kTailCheckBytes)). A file only counts as a copy of content read
// up to `offset` if it is that long and holds these same bytes there, so a file that merely
// starts like a known one is never taken for its copy.
struct TailCheck {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint64_t hash = 0;
  TailHash algorithm = TailHash::kXxh3;

  bool operator==(const TailCheck&) const = default;
  // Nothing read: there is nothing a copy could skip.
  bool at_start() const { return offset == 0; }
  // Content read up to `offset`, but the bytes before it are not known (an older checkpoint).
  bool unknown() const { return offset != 0 && length == 0; }
};

inline constexpr std::uint64_t kTailCheckBytes = 4096;

struct FileIdentity {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  Fingerprint fingerprint;
};

// FNV-1a, 64-bit: stable across builds and platforms, so checkpoints stay valid. Hashes a file's
// head, when the file is found and once per pass over its new bytes: far less often than tail
// checks.
std::uint64_t fingerprint_hash(std::string_view bytes);

// A tail check's hash of `bytes` by `algorithm`; XXH3 is as stable across builds and platforms
// (its output is fixed since xxHash 0.8.0).
std::uint64_t tail_hash(std::string_view bytes, TailHash algorithm = TailHash::kXxh3);

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

// The tail check of `fd` at `offset`, hashed by `algorithm` (that of the check it is compared
// with); nullopt if the file is shorter or unreadable.
std::optional<TailCheck> tail_check_at(int fd, std::uint64_t offset,
                                       TailHash algorithm = TailHash::kXxh3);

// True if the file behind `fd` (whose first bytes are `head`, `size` bytes long) holds the
// content that `fingerprint` and `tail` describe: same first bytes, at least tail.offset long,
// and the same bytes just before tail.offset. An empty fingerprint, a tail at the start or an
// unknown tail never match: they cannot tell a copy from a file that merely starts alike.
bool holds_content(int fd, std::uint64_t size, std::string_view head,
                   const Fingerprint& fingerprint, const TailCheck& tail);

// True if a file whose first bytes hash as `known` over `known.length` is the same content as
// the file behind `fd`. Used to recognise a copy or a moved file. An empty fingerprint never
// matches: an empty file says nothing about where it came from.
bool same_content_start(int fd, const Fingerprint& known);

}  // namespace specwatch
