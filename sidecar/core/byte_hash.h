// A 64-bit hash of a byte string, for the in-memory tables of the hot paths: xxHash's XXH3
// (libxxhash-dev), compiled inline (XXH_INLINE_ALL: no library to link).
//
// Why not std::hash: libstdc++'s is a Murmur hash called out of line. Measured with callgrind on
// this project's keys: 16 bytes (a span id as hex) 50 against 22 instructions, 32 bytes (a trace
// id) 75 against 33, 70 bytes (an LLM call's six label values) 165 against 78; the OTLP path
// hashes three ids and a label set per GenAI span. The tables compare whole keys, or accept (the
// call de-duplicator) a 64-bit collision at odds of about 2^-64 per pair, so any good 64-bit hash
// will do; XXH3 passes SMHasher.
#pragma once

#include <cstdint>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace specwatch {

inline std::uint64_t byte_hash(std::string_view bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

// The same as a hash functor over std::string keys looked up by std::string_view.
struct ByteHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view bytes) const { return byte_hash(bytes); }
};

}  // namespace specwatch
