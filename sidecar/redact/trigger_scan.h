// The Redactor's first pass: which bytes of a text may begin a match, 16 bytes at a time.
//
// Most bytes of a text begin no match, and exported documents are long (the raw record is a few
// hundred bytes of JSON). Looking each byte up in a table costs a load and a branch per byte;
// comparing 16 bytes at once against each distinct trigger byte (SSE2, baseline on x86-64) costs
// two instructions per trigger byte per 16 bytes. The trigger bytes of the built-ins are common
// letters (`s`, `a`, `g`, `b`), so the byte after is compared too, against the bytes that may
// follow a trigger (`k` of `sk-`, `e` of `secret` and `Bearer`, `/` of `://`): a byte is a
// candidate only when both fit. That leaves a few candidates in a few hundred bytes of JSON.
//
// The answer is a superset: upper- and lower-case letters are compared folded (`S` and `s` are
// one compare) when that saves compares, and the two sets are the union over all patterns, so the
// caller checks each candidate in its exact per-pattern tables before calling a matcher. Without
// SSE2, or with more distinct bytes than one compare each is worth (the phone pattern alone adds
// ten digits), the same answer comes from table look-ups per byte.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace specwatch {

// Up to this many distinct (folded) bytes of a set are compared 16 bytes at a time; more, and a
// table look-up per byte is as fast.
inline constexpr std::size_t kMaxVectorBytes = 16;
inline constexpr std::size_t kTriggerBlock = 16;

using ByteTable = std::array<bool, 256>;

// A set of byte values as 16-byte compare operands: each value repeated 16 times.
class VectorByteSet {
 public:
  // Empty (unusable) when `bytes` holds more than kMaxVectorBytes values after folding.
  explicit VectorByteSet(const ByteTable& bytes);
  bool usable() const { return count_ > 0; }

#if defined(__SSE2__)
  // 0xff in each lane whose byte may be in the set (folded: also its other case).
  __m128i hits(__m128i bytes) const {
    if (fold_) bytes = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
    __m128i hits = _mm_setzero_si128();
    for (std::size_t k = 0; k < count_; k += 4) {
      const auto* value = reinterpret_cast<const __m128i*>(values_[k].bytes.data());
      const __m128i first = _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_load_si128(value)),
                                         _mm_cmpeq_epi8(bytes, _mm_load_si128(value + 1)));
      const __m128i second = _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_load_si128(value + 2)),
                                          _mm_cmpeq_epi8(bytes, _mm_load_si128(value + 3)));
      hits = _mm_or_si128(hits, _mm_or_si128(first, second));
    }
    return hits;
  }
#endif

 private:
  struct alignas(16) Splat {
    std::array<unsigned char, kTriggerBlock> bytes;
  };
  bool fold_ = false;      // compare `byte | 0x20`: one compare for both cases of a letter
  std::size_t count_ = 0;  // a multiple of 4 (the last value repeated), compared 4 at a time
  std::array<Splat, kMaxVectorBytes> values_{};
};

class TriggerScan {
 public:
  // `is_trigger[b]`: whether byte b triggers some enabled pattern; `is_follower[b]`: whether b
  // may follow a trigger in some enabled pattern's match (every byte true: no filter, and then a
  // trigger may also be the text's last byte; otherwise it may not).
  TriggerScan(const ByteTable& is_trigger, const ByteTable& is_follower);

  // Bit k is set when byte `at + k` of `text` may begin a match, for k < min(16, size - at);
  // `at` < text.size(). A superset: a set bit still needs the caller's exact check.
  std::uint32_t block(std::string_view text, std::size_t at) const {
#if defined(__SSE2__)
    if (vector_) return filter_followers_ ? vector_pair_block(text, at) : vector_block(text, at);
#endif
    return table_block(text, at);
  }

  // The same answer from a table look-up per byte (exact, no folding): the portable path, and
  // what the vector path is tested against.
  std::uint32_t table_block(std::string_view text, std::size_t at) const;

  bool vectorised() const {
    return vector_;
  }
  bool filters_followers() const {
    return filter_followers_;
  }

 private:
#if defined(__SSE2__)
  // Inline, as the next one: it runs once per 16 bytes of every scanned value.
  std::uint32_t vector_block(std::string_view text, std::size_t at) const {
    const std::size_t left = text.size() - at;
    __m128i bytes;
    unsigned shift = 0;
    if (left >= kTriggerBlock) {
      bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
    } else if (text.size() >= kTriggerBlock) {
      // The last 16 bytes of the text, overlapping bytes already seen: no read past its end.
      bytes = _mm_loadu_si128(
          reinterpret_cast<const __m128i*>(text.data() + text.size() - kTriggerBlock));
      shift = static_cast<unsigned>(kTriggerBlock - left);
    } else {
      alignas(16) std::array<char, kTriggerBlock> copy{};
      std::memcpy(copy.data(), text.data() + at, left);
      bytes = _mm_load_si128(reinterpret_cast<const __m128i*>(copy.data()));
    }
    std::uint32_t bits =
        static_cast<std::uint32_t>(_mm_movemask_epi8(triggers_.hits(bytes))) >> shift;
    if (left < kTriggerBlock) bits &= (std::uint32_t{1} << left) - 1;
    return bits;
  }

  // Each byte and the byte after it: 17 bytes are read for 16 candidates. The text's last byte is
  // never a candidate here (no pattern with a follower filter matches at the very end).
  std::uint32_t vector_pair_block(std::string_view text, std::size_t at) const {
    const std::size_t left = text.size() - at;
    const char* base = text.data() + at;
    unsigned shift = 0;
    alignas(16) std::array<char, 2 * kTriggerBlock> copy{};
    if (left <= kTriggerBlock) {
      if (text.size() > kTriggerBlock) {
        // The text's last 17 bytes, overlapping bytes already seen: no read past its end.
        base = text.data() + text.size() - kTriggerBlock - 1;
        shift = static_cast<unsigned>(kTriggerBlock + 1 - left);
      } else {
        std::memcpy(copy.data(), base, left);  // zeros after: no trigger, no follower
        base = copy.data();
      }
    }
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + 1));
    const __m128i hits = _mm_and_si128(triggers_.hits(bytes), followers_.hits(next));
    std::uint32_t bits = static_cast<std::uint32_t>(_mm_movemask_epi8(hits)) >> shift;
    if (left < kTriggerBlock) bits &= (std::uint32_t{1} << left) - 1;
    return bits;
  }
#endif

  ByteTable is_trigger_;
  ByteTable is_follower_;
  bool filter_followers_ = false;
  bool vector_ = false;
  VectorByteSet triggers_;
  VectorByteSet followers_;
};

}  // namespace specwatch
