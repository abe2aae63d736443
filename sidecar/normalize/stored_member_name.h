// A member name as simdjson's string buffer stores it (a 4-byte little-endian length, the bytes,
// a NUL), kept so that the layout check of a tape record (ObjectNames::same_layout) compares each
// member name with two 8-byte loads and masks: no length dispatch, no MemberNameKey to build.
// Why: that check runs once per record over every member, and building each name's key was most
// of its cost (a W1 record of eleven members: about 490 instructions).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace specwatch {

static_assert(std::endian::native == std::endian::little,
              "stored names are compared as little-endian words");

// The length and the first kStoredHeadBytes bytes of a name are compared as two words; the
// bytes after them (a longer name's rest) with rest_matches().
inline constexpr std::size_t kStoredHeadBytes = 12;

struct StoredMemberName {
  std::uint64_t head[2] = {0, 0};  // the 4-byte length, then up to 12 bytes of the name, zeros
  std::uint64_t mask[2] = {0, 0};  // which of head's bytes are the name's (the rest may differ)
  std::uint32_t size = 0;          // the name's length
  std::uint32_t rest = 0;          // where its bytes past the head start in the layout's rests
};

// Bits for the first `bytes` (0..8) bytes of a little-endian word.
inline std::uint64_t low_bytes_mask(std::size_t bytes) {
  return bytes >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * bytes)) - 1;
}

// `name` as the tape compare reads it; its bytes past the head are appended to `rests`.
inline StoredMemberName stored_member_name(std::string_view name, std::string& rests) {
  StoredMemberName s;
  s.size = static_cast<std::uint32_t>(name.size());
  unsigned char bytes[16] = {};
  std::memcpy(bytes, &s.size, 4);
  const std::size_t head = name.size() < kStoredHeadBytes ? name.size() : kStoredHeadBytes;
  std::memcpy(bytes + 4, name.data(), head);
  std::memcpy(s.head, bytes, 16);
  const std::size_t compared = 4 + head;
  s.mask[0] = low_bytes_mask(compared);
  s.mask[1] = compared > 8 ? low_bytes_mask(compared - 8) : 0;
  s.rest = static_cast<std::uint32_t>(rests.size());
  if (name.size() > kStoredHeadBytes) rests.append(name.substr(kStoredHeadBytes));
  return s;
}

// What the layout's rests need after the last name: the 8-byte loads of rest_matches() may read
// up to 7 bytes past a rest's end.
inline void pad_stored_rests(std::string& rests) {
  rests.append(8, '\0');
}

// Whether the `n` bytes at `a` and at `b` are equal, 8 at a time. Both may be read up to 7
// bytes past n: `a` is simdjson's string buffer (padded), `b` a padded rests string.
inline bool rest_matches(const std::uint8_t* a, const char* b, std::size_t n) {
  for (std::size_t offset = 0; offset < n; offset += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a + offset, 8);
    std::memcpy(&y, b + offset, 8);
    if ((x ^ y) & low_bytes_mask(n - offset)) return false;
  }
  return true;
}

// Whether the name simdjson stored at `stored` (its length word first) is `name`. simdjson's
// string buffer has at least SIMDJSON_PADDING (64) bytes after its last string, so the 16 bytes
// read here are always inside it, whatever the name's length.
inline bool stored_name_matches(const std::uint8_t* stored, const StoredMemberName& name,
                                const char* rests) {
  std::uint64_t w[2];
  std::memcpy(w, stored, 16);
  if (((w[0] ^ name.head[0]) & name.mask[0]) | ((w[1] ^ name.head[1]) & name.mask[1])) {
    return false;
  }
  return name.size <= kStoredHeadBytes ||
         rest_matches(stored + 4 + kStoredHeadBytes, rests + name.rest,
                      name.size - kStoredHeadBytes);
}

}  // namespace specwatch
