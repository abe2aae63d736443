#include "exporters/common/event_id.h"

#include <array>

namespace specwatch {
namespace {

// FNV-1a 64 over each field, two lanes with different offset bases, each field preceded by its
// length so that ("ab", "c") and ("a", "bc") differ; a final avalanche (splitmix64) spreads the
// last bytes over every bit.
class IdHasher {
 public:
  explicit IdHasher(char domain) { bytes(std::string_view(&domain, 1)); }
  // Resumes from a state taken with state().
  IdHasher(std::uint64_t a, std::uint64_t b) : a_(a), b_(b) {}
  std::uint64_t state_a() const { return a_; }
  std::uint64_t state_b() const { return b_; }

  IdHasher& field(std::string_view text) {
    number(text.size());
    bytes(text);
    return *this;
  }
  IdHasher& number(std::uint64_t value) {
    std::array<char, 8> le{};
    for (std::size_t i = 0; i < le.size(); ++i)
      le[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
    bytes(std::string_view(le.data(), le.size()));
    return *this;
  }

  std::string hex() const {
    std::string out(kEventIdLength, '0');
    write_hex(out.data());
    return out;
  }
  // The kEventIdLength hex digits into `out`.
  void write_hex(char* out) const {
    static constexpr char kDigits[] = "0123456789abcdef";
    const std::uint64_t lanes[2] = {mix(a_), mix(b_ ^ a_)};
    for (std::size_t lane = 0; lane < 2; ++lane) {
      for (std::size_t i = 0; i < 16; ++i) {
        out[lane * 16 + i] = kDigits[(lanes[lane] >> (60 - 4 * i)) & 0xF];
      }
    }
  }

 private:
  void bytes(std::string_view text) {
    for (unsigned char c : text) {
      a_ = (a_ ^ c) * kPrime;
      b_ = (b_ ^ c) * kPrime;
    }
  }
  static std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  }

  static constexpr std::uint64_t kPrime = 0x100000001B3ULL;
  std::uint64_t a_ = 0xCBF29CE484222325ULL;  // the FNV-1a 64 offset basis
  std::uint64_t b_ = 0x84222325CBF29CE4ULL;  // a second basis for the independent lane
};

}  // namespace

std::string event_id_at_offset(std::string_view source, std::string_view stream,
                               std::uint64_t end_offset, std::uint32_t index) {
  return IdHasher('o').field(source).field(stream).number(end_offset).number(index).hex();
}

void OffsetEventIds::set_stream(std::string_view source, std::string_view stream) {
  if (set_ && source == source_ && stream == stream_) return;
  source_.assign(source);
  stream_.assign(stream);
  const IdHasher prefix = IdHasher('o').field(source).field(stream);
  lanes_[0] = prefix.state_a();
  lanes_[1] = prefix.state_b();
  set_ = true;
}

void OffsetEventIds::write(std::uint64_t end_offset, std::uint32_t index, Text& out) const {
  IdHasher(lanes_[0], lanes_[1]).number(end_offset).number(index).write_hex(out.data());
}

std::string event_id_of_span(std::string_view trace_id, std::string_view span_id,
                             std::uint32_t index) {
  return IdHasher('s').field(trace_id).field(span_id).number(index).hex();
}

std::string event_id_of_content(std::string_view source, std::string_view stream,
                                std::string_view record, std::uint32_t index) {
  return IdHasher('c').field(source).field(stream).field(record).number(index).hex();
}

}  // namespace specwatch
