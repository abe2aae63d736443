// Label sets and label matchers of the PromQL engine. A label set is kept sorted by name so that
// equal sets compare equal and a signature can be built by walking it once.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specwatch::rules {

inline constexpr std::string_view kMetricNameLabel = "__name__";

// The `n` (0..7) bytes at `p` as a little-endian number, as memcpy into a zeroed uint64_t gives
// them, with fixed-size loads (overlapping where n is not a power of two) instead of the
// out-of-line call a variable-length memcpy becomes.
inline uint64_t load_tail(const char* p, size_t n) {
  if (n >= 4) {
    uint32_t low;
    uint32_t high;
    std::memcpy(&low, p, 4);
    std::memcpy(&high, p + n - 4, 4);
    return low | (static_cast<uint64_t>(high) << (8 * (n - 4)));
  }
  if (n == 0) return 0;
  auto byte = [p](size_t at) { return static_cast<uint64_t>(static_cast<unsigned char>(p[at])); };
  return byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)));
}

// String equality inline for the short strings labels are made of (std::string's == calls an
// out-of-line memcmp with a run-time length): fixed-size loads up to 16 bytes.
inline bool same_text(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n < 8) return load_tail(a.data(), n) == load_tail(b.data(), n);
  if (n > 16) return std::memcmp(a.data(), b.data(), n) == 0;
  uint64_t a_head;
  uint64_t b_head;
  uint64_t a_last;
  uint64_t b_last;
  std::memcpy(&a_head, a.data(), 8);
  std::memcpy(&b_head, b.data(), 8);
  std::memcpy(&a_last, a.data() + n - 8, 8);
  std::memcpy(&b_last, b.data() + n - 8, 8);
  return a_head == b_head && a_last == b_last;
}

struct Label {
  std::string name;
  std::string value;
  bool operator==(const Label& other) const {
    return same_text(name, other.name) && same_text(value, other.value);
  }
  auto operator<=>(const Label&) const = default;
};

class Labels {
 public:
  Labels() = default;
  // Builds a set from any order; a later duplicate name wins, empty values are dropped.
  explicit Labels(std::vector<Label> labels);

  // For a list already sorted by name, without duplicate names or empty values (no checks).
  static Labels from_sorted(std::vector<Label> sorted) {
    Labels out;
    out.items_ = std::move(sorted);
    return out;
  }

  const std::vector<Label>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  // Empty string when the label is absent (PromQL treats both alike).
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
  // Setting an empty value removes the label, as in Prometheus.
  void set(std::string_view name, std::string_view value);
  void erase(std::string_view name);
  // `spare_capacity`: room for that many labels to be set afterwards without reallocating.
  Labels without_metric_name(size_t spare_capacity = 0) const;
  Labels copy_with_room(size_t spare_capacity) const;
  // Keeps only the named labels (on / by).
  Labels keep_only(const std::vector<std::string>& names) const;
  // Drops the named labels and the metric name (ignoring / without).
  Labels drop(const std::vector<std::string>& names) const;
  // {__name__="m", a="b"} as Prometheus prints a label set (sorted by name).
  std::string to_string() const;

  bool operator==(const Labels&) const = default;
  auto operator<=>(const Labels&) const = default;

 private:
  std::vector<Label> items_;
};

// A fast hash of a short string, 8 bytes per step (label names and values are short; the
// standard library's hash is an out-of-line call per string).
inline size_t hash_string(std::string_view s, size_t seed) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  uint64_t h = seed ^ (s.size() * kMul);
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    h = (h ^ word) * kMul;
    h ^= h >> 29;
  }
  h = (h ^ load_tail(s.data() + i, s.size() - i)) * kMul;
  return h ^ (h >> 32);
}

// The hash of one label, to be combined over a label set by passing the result as the seed.
inline size_t hash_label(const Label& label, size_t seed) {
  return hash_string(label.value, hash_string(label.name, seed));
}

struct LabelsHash {
  size_t operator()(const Labels& labels) const;
};

// A key that identifies the values of the named labels (on(...)) or of all labels except the
// named ones and the metric name (ignoring(...)): the join key of vector matching.
std::string matching_signature(const Labels& labels, bool on,
                               const std::vector<std::string>& names);

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// name op "value"; regexes are anchored at both ends as in Prometheus.
class LabelMatcher {
 public:
  // Throws std::invalid_argument with the regex error for a regex that does not compile.
  LabelMatcher(MatchType type, std::string name, std::string value);
  bool matches(std::string_view value) const;
  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }
  std::string to_string() const;

 private:
  MatchType type_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const std::regex> regex_;
};

bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);
// Go's %q quoting of a label value (used by Labels::to_string and error texts).
std::string quote_go_string(std::string_view value);

}  // namespace specwatch::rules
