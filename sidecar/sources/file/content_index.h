// Content a newly found file may be a copy of (files being read, content retired by a truncation
// or a delete, checkpoint entries not yet found), indexed by head fingerprint: finding the
// candidates for one new file costs a hash of its first bytes and a few lookups, not a pass over
// every known file, so discovering N files is O(N), not O(N x known).
// Entries are updated and removed lazily: the maps may hold stale keys, which every lookup checks
// against the entry itself and which are compacted away once they outnumber the live entries.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sidecar/sources/file/file_identity.h"

namespace specwatch {

class ContentIndex {
 public:
  using Id = std::uint64_t;
  struct Content {
    Fingerprint fingerprint;
    std::string head;  // the fingerprinted bytes; empty when unknown (from a checkpoint)
    TailCheck tail;    // how far it was read, and the bytes just before
  };

  Id add(Content content);
  // Replaces the content of `id` (a file grew past a short fingerprint, or was truncated).
  void set(Id id, Content content);
  // Only the read position changed: no re-indexing.
  void set_tail(Id id, const TailCheck& tail);
  void remove(Id id);
  const Content* find(Id id) const;
  std::size_t size() const { return items_.size(); }

  // Ids of content whose fingerprint `head` begins with (newest first, at most `limit`).
  std::vector<Id> candidates(std::string_view head, std::size_t limit) const;
  // True if `head` is a strict prefix of the head of some known content: a copy still being
  // written may turn out to be that content.
  bool begins_longer_head(std::string_view head) const;

 private:
  static std::uint64_t key_of(const Fingerprint& fp);
  void index(Id id, const Content& content);
  void maybe_compact();

  Id next_id_ = 1;
  std::unordered_map<Id, Content> items_;
  std::unordered_multimap<std::uint64_t, Id> by_fingerprint_;
  std::set<std::uint64_t> lengths_;  // fingerprint lengths present (at most fingerprint_bytes)
  std::multimap<std::string, Id> by_head_;
  std::size_t stale_ = 0;
};

}  // namespace specwatch
