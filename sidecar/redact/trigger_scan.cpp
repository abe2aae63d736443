#include "sidecar/redact/trigger_scan.h"

#include <algorithm>

namespace specwatch {

TriggerScan::TriggerScan(const std::array<bool, 256>& is_trigger) : is_trigger_(is_trigger) {
  std::array<bool, 256> exact{};
  std::array<bool, 256> folded{};
  std::size_t exact_count = 0;
  std::size_t folded_count = 0;
  for (std::size_t byte = 0; byte < is_trigger.size(); ++byte) {
    if (!is_trigger[byte]) continue;
    ++exact_count;
    exact[byte] = true;
    const std::size_t fold = byte | 0x20U;
    if (!folded[fold]) ++folded_count;
    folded[fold] = true;
  }
  fold_ = folded_count < exact_count;
  const std::array<bool, 256>& compared = fold_ ? folded : exact;
  const std::size_t count = fold_ ? folded_count : exact_count;
#if defined(__SSE2__)
  vector_ = count > 0 && count <= kMaxVectorTriggers;
#endif
  if (!vector_) return;
  for (std::size_t byte = 0; byte < compared.size(); ++byte) {
    if (compared[byte]) needles_[needle_count_++].bytes.fill(static_cast<unsigned char>(byte));
  }
  // Compared four at a time: the last one again fills the group.
  while (needle_count_ % 4 != 0) {
    needles_[needle_count_] = needles_[needle_count_ - 1];
    ++needle_count_;
  }
}

std::uint32_t TriggerScan::table_block(std::string_view text, std::size_t at) const {
  const std::size_t end = std::min(text.size(), at + kTriggerBlock);
  std::uint32_t bits = 0;
  for (std::size_t i = at; i < end; ++i) {
    if (is_trigger_[static_cast<unsigned char>(text[i])]) bits |= std::uint32_t{1} << (i - at);
  }
  return bits;
}

}  // namespace specwatch
