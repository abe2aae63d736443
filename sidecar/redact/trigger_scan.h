// The Redactor's first pass: which bytes of a text may be a pattern's trigger, 16 bytes at a time.
//
// Most bytes of a text are no trigger, and exported documents are long (the raw record is a few
// hundred bytes of JSON). Looking each byte up in a table costs a load and a branch per byte;
// comparing 16 bytes at once against each distinct trigger byte (SSE2, baseline on x86-64) costs
// two instructions per trigger byte per 16 bytes. The answer is a superset: upper- and lower-case
// letters are compared folded (`S` and `s` are one compare) when that saves compares, so the
// caller checks each candidate in its exact tables before calling a matcher.
//
// Without SSE2, or with more distinct trigger bytes than one compare each is worth (the phone
// pattern alone adds ten digits), the same answer comes from a table look-up per byte.
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

// Up to this many distinct (folded) trigger bytes are compared 16 bytes at a time; more, and a
// table look-up per byte is as fast.
inline constexpr std::size_t kMaxVectorTriggers = 16;
inline constexpr std::size_t kTriggerBlock = 16;

class TriggerScan {
 public:
  // `is_trigger[b]`: whether byte value b triggers some enabled pattern.
  explicit TriggerScan(const std::array<bool, 256>& is_trigger);

  // Bit k is set when byte `at + k` of `text` may be a trigger, for k < min(16, size - at);
  // `at` < text.size(). A superset: a set bit still needs the caller's exact check.
  std::uint32_t block(std::string_view text, std::size_t at) const {
#if defined(__SSE2__)
    if (vector_) return vector_block(text, at);
#endif
    return table_block(text, at);
  }

  // The same answer one table look-up per byte (exact, no folding): the portable path, and what
  // the vector path is tested against.
  std::uint32_t table_block(std::string_view text, std::size_t at) const;

  bool vectorised() const {
    return vector_;
  }

 private:
#if defined(__SSE2__)
  // Inline: it runs once per 16 bytes of every scanned value.
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
    if (fold_) bytes = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
    __m128i hits = _mm_setzero_si128();
    for (std::size_t k = 0; k < needle_count_; k += 4) {
      const auto* needle = reinterpret_cast<const __m128i*>(needles_[k].bytes.data());
      const __m128i first = _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_load_si128(needle)),
                                         _mm_cmpeq_epi8(bytes, _mm_load_si128(needle + 1)));
      const __m128i second = _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_load_si128(needle + 2)),
                                          _mm_cmpeq_epi8(bytes, _mm_load_si128(needle + 3)));
      hits = _mm_or_si128(hits, _mm_or_si128(first, second));
    }
    std::uint32_t bits = static_cast<std::uint32_t>(_mm_movemask_epi8(hits)) >> shift;
    if (left < kTriggerBlock) bits &= (std::uint32_t{1} << left) - 1;
    return bits;
  }
#endif

  std::array<bool, 256> is_trigger_;
  bool vector_ = false;
  bool fold_ = false;             // compare `byte | 0x20`: one compare for both cases of a letter
  std::size_t needle_count_ = 0;  // a multiple of 4 (the last one repeated), compared 4 at a time
  // Each trigger byte repeated 16 times, the operand of one 16-byte compare.
  struct alignas(16) Needle {
    std::array<unsigned char, kTriggerBlock> bytes;
  };
  std::array<Needle, kMaxVectorTriggers> needles_{};
};

}  // namespace specwatch
