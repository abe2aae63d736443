#include "sidecar/sources/file/file_identity.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "sidecar/core/byte_hash.h"

namespace specwatch {

namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

// Reads up to `length` bytes from `from`; returns what could be read (shorter at EOF).
std::optional<std::string> read_at(int fd, std::uint64_t from, std::uint64_t length) {
  std::string out(length, '\0');
  std::size_t got = 0;
  while (got < length) {
    ssize_t n = ::pread(fd, out.data() + got, length - got, static_cast<off_t>(from + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

std::optional<std::string> read_head(int fd, std::uint64_t length) {
  return read_at(fd, 0, length);
}

}  // namespace

std::optional<std::string> read_file_head(int fd, std::size_t max_bytes) {
  return read_head(fd, max_bytes);
}

std::uint64_t fingerprint_hash(std::string_view bytes) {
  std::uint64_t h = kFnvOffset;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

std::uint64_t tail_hash(std::string_view bytes, TailHash algorithm) {
  return algorithm == TailHash::kFnv1a ? fingerprint_hash(bytes) : byte_hash(bytes);
}

std::optional<Fingerprint> compute_fingerprint(int fd, std::size_t max_bytes) {
  auto head = read_head(fd, max_bytes);
  if (!head) return std::nullopt;
  return Fingerprint{head->size(), fingerprint_hash(*head)};
}

std::optional<std::uint64_t> hash_prefix(int fd, std::uint64_t length) {
  auto head = read_head(fd, length);
  if (!head || head->size() < length) return std::nullopt;
  return fingerprint_hash(*head);
}

bool fingerprint_still_matches(int fd, const Fingerprint& known) {
  if (known.length == 0) return true;
  auto h = hash_prefix(fd, known.length);
  return h && *h == known.hash;
}

std::optional<TailCheck> tail_check_at(int fd, std::uint64_t offset, TailHash algorithm) {
  const std::uint64_t length = std::min(offset, kTailCheckBytes);
  auto bytes = read_at(fd, offset - length, length);
  if (!bytes || bytes->size() < length) return std::nullopt;
  return TailCheck{offset, length, tail_hash(*bytes, algorithm), algorithm};
}

bool holds_content(int fd, std::uint64_t size, std::string_view head,
                   const Fingerprint& fingerprint, const TailCheck& tail) {
  if (fingerprint.length == 0 || tail.at_start() || tail.unknown()) return false;
  if (size < tail.offset || head.size() < fingerprint.length) return false;
  if (fingerprint_hash(head.substr(0, fingerprint.length)) != fingerprint.hash) return false;
  auto here = tail_check_at(fd, tail.offset, tail.algorithm);
  return here && *here == tail;
}

bool same_content_start(int fd, const Fingerprint& known) {
  if (known.length == 0) return false;
  auto h = hash_prefix(fd, known.length);
  return h && *h == known.hash;
}

}  // namespace specwatch
