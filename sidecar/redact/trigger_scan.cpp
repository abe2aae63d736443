#include "sidecar/redact/trigger_scan.h"

#include <algorithm>

namespace specwatch {

VectorByteSet::VectorByteSet(const ByteTable& bytes) {
  ByteTable folded{};
  std::size_t exact_count = 0;
  std::size_t folded_count = 0;
  for (std::size_t byte = 0; byte < bytes.size(); ++byte) {
    if (!bytes[byte]) continue;
    ++exact_count;
    const std::size_t fold = byte | 0x20U;
    if (!folded[fold]) ++folded_count;
    folded[fold] = true;
  }
  fold_ = folded_count < exact_count;
  if (std::min(exact_count, folded_count) > kMaxVectorBytes) return;
  const ByteTable& compared = fold_ ? folded : bytes;
  for (std::size_t byte = 0; byte < compared.size(); ++byte) {
    if (compared[byte]) values_[count_++].bytes.fill(static_cast<unsigned char>(byte));
  }
  // Compared four at a time: the last one again fills the group.
  while (count_ % 4 != 0) {
    values_[count_] = values_[count_ - 1];
    ++count_;
  }
}

TriggerScan::TriggerScan(const ByteTable& is_trigger, const ByteTable& is_follower)
    : is_trigger_(is_trigger),
      is_follower_(is_follower),
      filter_followers_(std::find(is_follower.begin(), is_follower.end(), false) !=
                        is_follower.end()),
      triggers_(is_trigger),
      followers_(is_follower) {
#if defined(__SSE2__)
  // Without usable follower compares the vector pass still compares the triggers alone.
  if (!followers_.usable()) filter_followers_ = false;
  vector_ = triggers_.usable();
#endif
}

std::uint32_t TriggerScan::table_block(std::string_view text, std::size_t at) const {
  const std::size_t end = std::min(text.size(), at + kTriggerBlock);
  std::uint32_t bits = 0;
  for (std::size_t i = at; i < end; ++i) {
    if (!is_trigger_[static_cast<unsigned char>(text[i])]) continue;
    if (filter_followers_ &&
        (i + 1 == text.size() || !is_follower_[static_cast<unsigned char>(text[i + 1])])) {
      continue;
    }
    bits |= std::uint32_t{1} << (i - at);
  }
  return bits;
}

}  // namespace specwatch
