#include "sidecar/observability/metrics_page.h"

#include <cstddef>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "sidecar/core/byte_hash.h"
#include "sidecar/observability/text_exposition.h"

namespace specwatch {

void append_metrics_page(std::string& out, const MetricsPageParts& parts) {
  auto families = parts.registry.Collect();
  // Position of each name in `families`, so that merging is linear in the number of families (a
  // search per pushed family made 50,000 pushed families take seconds).
  std::unordered_map<std::string, std::size_t, ByteHash, std::equal_to<>> position;
  position.reserve(families.size());
  for (std::size_t i = 0; i < families.size(); ++i) position.emplace(families[i].name, i);
  for (const auto& collectable : parts.extra) {
    if (!collectable) continue;
    auto more = collectable->Collect();
    // One name must never appear twice in an exposition (a scraper rejects the whole page). A
    // family of an extra collectable replaces a registry family of the same name: pushed OTLP
    // metrics carry the tool's own measurement under the tool's own name, which beats the
    // approximation derived from its logs (docs/OTLP_METRICS.md).
    for (auto& family : more) {
      auto [it, added] = position.emplace(family.name, families.size());
      if (added) {
        families.push_back(std::move(family));
      } else {
        families[it->second] = std::move(family);
      }
    }
  }
  append_text_exposition(out, families);
  const TextExposable::NameTaken taken = [&position](std::string_view name) {
    return position.find(name) != position.end();
  };
  for (const TextExposable* exposable : parts.direct) {
    if (exposable != nullptr) exposable->append_text(out, taken);
  }
}

std::string render_metrics(const prometheus::Collectable& registry,
                           const std::vector<std::shared_ptr<const prometheus::Collectable>>& extra,
                           const std::vector<const TextExposable*>& direct) {
  std::string out;
  append_metrics_page(out, {registry, extra, direct});
  return out;
}

}  // namespace specwatch
