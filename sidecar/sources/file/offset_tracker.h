// The offset tracker of one file: which emitted batches have been acknowledged, and therefore how
// far the checkpoint may go. Batches are numbered in emission order; the committed offset is the
// end offset of the highest batch such that it and every earlier batch are acknowledged, so an
// out-of-order acknowledgement never moves the checkpoint past a batch still in flight.
// For json-document files it also keeps the keys in flight and the bounded set of keys seen.
// Acknowledgements arrive on any thread: every member is thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sidecar/core/acknowledgement.h"
#include "sidecar/sources/file/file_identity.h"

namespace specwatch {

class OffsetTracker {
 public:
  struct Ticket {
    std::uint64_t generation = 0;
    std::uint64_t sequence = 0;
  };

  explicit OffsetTracker(std::uint64_t start_offset, std::size_t seen_limit = 0,
                         TailCheck start_tail = {});

  // Registers the next batch, which ends (resumably) at `end_offset`.
  // `tail`: the bytes just before `end_offset`, kept with the committed offset for the checkpoint.
  Ticket register_batch(std::uint64_t end_offset, std::vector<std::string> keys = {},
                        TailCheck tail = {});
  // Returns true if the committed offset or the seen-key set changed.
  bool acknowledge(const Ticket& ticket, DeliveryStatus status);
  // The file restarts at `offset` (truncation, rewrite): batches still in flight no longer count.
  void reset(std::uint64_t offset, TailCheck tail = {});

  std::uint64_t committed_offset() const;
  // The tail check at the committed offset (length 0 when unknown).
  TailCheck committed_tail() const;
  std::size_t in_flight() const;

  // json-document keys.
  bool known_key(const std::string& key) const;  // seen or in flight
  std::vector<std::string> seen_keys() const;    // oldest first
  void load_seen_keys(const std::vector<std::string>& keys);
  // Marks keys as seen without emitting them (start_at=end for documents).
  void mark_seen(const std::vector<std::string>& keys);
  // True once after a batch failed: its records must be offered again.
  bool take_reread_request();

 private:
  struct Pending {
    std::uint64_t sequence;
    std::uint64_t end_offset;
    bool done = false;
    bool failed = false;
    std::vector<std::string> keys;
    TailCheck tail;
  };
  void add_seen_locked(const std::string& key);

  mutable std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t committed_;
  TailCheck committed_tail_;
  std::deque<Pending> pending_;
  std::size_t seen_limit_;
  std::deque<std::string> seen_order_;
  std::unordered_set<std::string> seen_;
  std::unordered_map<std::string, int> in_flight_keys_;
  bool reread_ = false;
  bool frozen_ = false;  // a batch failed: no further advance in this generation
};

}  // namespace specwatch
