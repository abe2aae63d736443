#include "sidecar/sources/file/content_index.h"

#include <algorithm>

namespace specwatch {

namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

}  // namespace

std::uint64_t ContentIndex::key_of(const Fingerprint& fp) {
  return fp.hash ^ (fp.length * 0x9E3779B97F4A7C15ULL);
}

void ContentIndex::index(Id id, const Content& content) {
  if (content.fingerprint.length != 0) {
    by_fingerprint_.emplace(key_of(content.fingerprint), id);
    lengths_.insert(content.fingerprint.length);
  }
  if (!content.head.empty()) by_head_.emplace(content.head, id);
}

ContentIndex::Id ContentIndex::add(Content content) {
  Id id = next_id_++;
  index(id, content);
  items_.emplace(id, std::move(content));
  return id;
}

void ContentIndex::set(Id id, Content content) {
  auto it = items_.find(id);
  if (it == items_.end()) return;
  if (it->second.fingerprint != content.fingerprint || it->second.head != content.head) {
    ++stale_;
    index(id, content);
  }
  it->second = std::move(content);
  maybe_compact();
}

void ContentIndex::set_tail(Id id, const TailCheck& tail) {
  if (auto it = items_.find(id); it != items_.end()) it->second.tail = tail;
}

void ContentIndex::remove(Id id) {
  if (items_.erase(id) != 0) ++stale_;
  maybe_compact();
}

const ContentIndex::Content* ContentIndex::find(Id id) const {
  auto it = items_.find(id);
  return it == items_.end() ? nullptr : &it->second;
}

std::vector<ContentIndex::Id> ContentIndex::candidates(std::string_view head,
                                                       std::size_t limit) const {
  std::vector<Id> out;
  std::uint64_t hash = kFnvOffset;
  std::size_t hashed = 0;
  for (std::uint64_t length : lengths_) {
    if (length > head.size()) break;
    for (; hashed < length; ++hashed) {
      hash ^= static_cast<unsigned char>(head[hashed]);
      hash *= kFnvPrime;
    }
    const Fingerprint fp{length, hash};
    auto [from, to] = by_fingerprint_.equal_range(key_of(fp));
    for (auto it = from; it != to; ++it) {
      const Content* c = find(it->second);
      if (c != nullptr && c->fingerprint == fp) out.push_back(it->second);
    }
  }
  std::sort(out.begin(), out.end(), std::greater<>());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > limit) out.resize(limit);
  return out;
}

bool ContentIndex::begins_longer_head(std::string_view head) const {
  for (auto it = by_head_.lower_bound(std::string(head)); it != by_head_.end(); ++it) {
    const std::string& known = it->first;
    if (known.compare(0, head.size(), head) != 0) break;
    if (known.size() <= head.size()) continue;
    const Content* c = find(it->second);
    if (c != nullptr && c->head == known) return true;
  }
  return false;
}

void ContentIndex::maybe_compact() {
  if (stale_ <= items_.size() + 1024) return;
  by_fingerprint_.clear();
  by_head_.clear();
  lengths_.clear();
  for (const auto& [id, content] : items_) index(id, content);
  stale_ = 0;
}

}  // namespace specwatch
