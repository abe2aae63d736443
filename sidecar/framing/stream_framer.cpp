// The three streaming framers behind make_stream_framer: ndjson and lines split on '\n';
// json-stream tracks JSON nesting depth with a scanner that knows about strings and escapes.
// A record that completes inside one chunk is handed out straight from the chunk; only a record
// that spans chunks is copied into `pending_`, which never grows beyond max_record_bytes (+1 for a
// possible '\r').
#include <cstring>
#include <string>

#include "sidecar/framing/framer.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace specwatch {
namespace {

std::string too_large_message(std::size_t max_record_bytes, std::uint64_t offset) {
  return "record larger than max_record_bytes (" + std::to_string(max_record_bytes) +
         " bytes) starting at offset " + std::to_string(offset) + " skipped";
}

// --- ndjson and lines ---------------------------------------------------------------------

class LineFramer final : public Framer {
 public:
  LineFramer(std::size_t max_record_bytes, bool skip_blank_lines)
      : max_(max_record_bytes), skip_blank_(skip_blank_lines) {}

  void feed(std::string_view chunk, FramerOutput& out) override {
    const char* data = chunk.data();
    const std::size_t size = chunk.size();
    std::size_t pos = 0;
    while (pos < size) {
      const void* found = std::memchr(data + pos, '\n', size - pos);
      if (found == nullptr) {
        take_partial(std::string_view(data + pos, size - pos), out);
        break;
      }
      const std::size_t newline = static_cast<std::size_t>(static_cast<const char*>(found) - data);
      const std::uint64_t end = fed_ + newline + 1;
      if (skipping_) {
        skipping_ = false;
      } else if (pending_.empty()) {
        finish_line(std::string_view(data + pos, newline - pos), end, out);
      } else if (pending_.size() + (newline - pos) > max_ + 1) {
        out.on_error("record_too_large", too_large_message(max_, line_start_), line_start_);
        pending_.clear();
      } else {
        pending_.append(data + pos, newline - pos);
        finish_line(pending_, end, out);
        pending_.clear();
      }
      boundary_ = end;
      line_start_ = end;
      pos = newline + 1;
    }
    fed_ += size;
  }

  std::uint64_t boundary_offset() const override { return boundary_; }
  std::uint64_t fed_offset() const override { return fed_; }
  void reset(std::uint64_t offset) override {
    boundary_ = fed_ = line_start_ = offset;
    pending_.clear();
    pending_.shrink_to_fit();
    skipping_ = false;
  }

 private:
  // Bytes of an unfinished line; `max_ + 1` leaves room for a '\r' that will be stripped.
  void take_partial(std::string_view part, FramerOutput& out) {
    if (skipping_) return;
    if (pending_.size() + part.size() > max_ + 1) {
      report_too_large(out);
      return;
    }
    pending_.append(part);
  }

  void report_too_large(FramerOutput& out) {
    out.on_error("record_too_large", too_large_message(max_, line_start_), line_start_);
    pending_.clear();
    skipping_ = true;
  }

  void finish_line(std::string_view line, std::uint64_t end, FramerOutput& out) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_) {
      out.on_error("record_too_large", too_large_message(max_, line_start_), line_start_);
      return;
    }
    if (line.empty() || (skip_blank_ && is_blank(line))) return;
    out.on_record(line, end);
  }

  static bool is_blank(std::string_view line) {
    for (char c : line) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') return false;
    }
    return true;
  }

  const std::size_t max_;
  const bool skip_blank_;
  std::string pending_;
  bool skipping_ = false;
  std::uint64_t line_start_ = 0;
  std::uint64_t boundary_ = 0;
  std::uint64_t fed_ = 0;
};

// --- json-stream --------------------------------------------------------------------------

// Byte classes for the scanner outside strings.
enum : std::uint8_t { kPlain = 0, kOpen = 1, kClose = 2, kQuote = 3, kSpace = 4 };

struct ByteClasses {
  std::uint8_t table[256] = {};
  constexpr ByteClasses() {
    table[static_cast<unsigned char>('{')] = kOpen;
    table[static_cast<unsigned char>('[')] = kOpen;
    table[static_cast<unsigned char>('}')] = kClose;
    table[static_cast<unsigned char>(']')] = kClose;
    table[static_cast<unsigned char>('"')] = kQuote;
    table[static_cast<unsigned char>(' ')] = kSpace;
    table[static_cast<unsigned char>('\t')] = kSpace;
    table[static_cast<unsigned char>('\n')] = kSpace;
    table[static_cast<unsigned char>('\r')] = kSpace;
  }
};
constexpr ByteClasses kClasses;

inline std::uint8_t byte_class(char c) {
  return kClasses.table[static_cast<unsigned char>(c)];
}

// Position of the first '"' or '\\' in [pos, size), or size.
inline std::size_t find_string_special(const char* data, std::size_t pos, std::size_t size) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (pos + 16 <= size) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos));
    const int mask = _mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)));
    if (mask != 0) return pos + static_cast<std::size_t>(__builtin_ctz(mask));
    pos += 16;
  }
#endif
  while (pos < size && data[pos] != '"' && data[pos] != '\\') ++pos;
  return pos;
}

class JsonStreamFramer final : public Framer {
 public:
  explicit JsonStreamFramer(std::size_t max_record_bytes) : max_(max_record_bytes) {}

  void feed(std::string_view chunk, FramerOutput& out) override {
    const char* data = chunk.data();
    const std::size_t size = chunk.size();
    std::size_t pos = 0;
    // Where the current value began inside this chunk (0 when it began in an earlier chunk).
    std::size_t value_start_in_chunk = 0;

    while (pos < size) {
      if (depth_ == 0) {
        // Between values: whitespace, the start of a value, or garbage.
        const char c = data[pos];
        const std::uint8_t cls = byte_class(c);
        if (cls == kOpen) {
          in_garbage_ = false;
          depth_ = 1;
          value_start_ = fed_ + pos;
          value_start_in_chunk = pos;
          oversize_ = false;
          ++pos;
          continue;
        }
        if (cls == kSpace) {
          ++pos;
          boundary_ = fed_ + pos;
          continue;
        }
        if (!in_garbage_) {
          in_garbage_ = true;
          const std::uint64_t at = fed_ + pos;
          out.on_error(
              "garbage",
              "bytes that cannot start a JSON value skipped at offset " + std::to_string(at), at);
        }
        // Skip the run up to the next '{' or '['.
        ++pos;
        while (pos < size && byte_class(data[pos]) != kOpen) ++pos;
        boundary_ = fed_ + pos;
        continue;
      }

      if (in_string_) {
        if (escape_) {
          escape_ = false;
          ++pos;
          continue;
        }
        pos = find_string_special(data, pos, size);
        if (pos == size) break;
        if (data[pos] == '"') {
          in_string_ = false;
        } else {
          escape_ = true;
        }
        ++pos;
        continue;
      }

      // Inside a value, outside strings: skip to the next structural byte.
      std::uint8_t cls = byte_class(data[pos]);
      while (cls == kPlain || cls == kSpace) {
        if (++pos == size) break;
        cls = byte_class(data[pos]);
      }
      if (pos == size) break;
      ++pos;
      if (cls == kQuote) {
        in_string_ = true;
      } else if (cls == kOpen) {
        ++depth_;
      } else if (--depth_ == 0) {
        finish_value(data, value_start_in_chunk, pos, out);
      }
    }

    if (depth_ > 0 && !oversize_) {
      const std::size_t from = value_start_in_chunk;
      if (pending_.size() + (size - from) > max_) {
        report_too_large(out);
      } else {
        pending_.append(data + from, size - from);
      }
    }
    fed_ += size;
  }

  std::uint64_t boundary_offset() const override { return boundary_; }
  std::uint64_t fed_offset() const override { return fed_; }
  void reset(std::uint64_t offset) override {
    boundary_ = fed_ = value_start_ = offset;
    depth_ = 0;
    in_string_ = escape_ = in_garbage_ = oversize_ = false;
    pending_.clear();
    pending_.shrink_to_fit();
  }

 private:
  // The value that began at `value_start_` ends just before `end_in_chunk`.
  void finish_value(const char* data, std::size_t start_in_chunk, std::size_t end_in_chunk,
                    FramerOutput& out) {
    const std::uint64_t end = fed_ + end_in_chunk;
    boundary_ = end;
    if (oversize_) {
      oversize_ = false;
      return;
    }
    if (end - value_start_ > max_) {
      pending_.clear();
      out.on_error("record_too_large", too_large_message(max_, value_start_), value_start_);
      return;
    }
    if (pending_.empty()) {
      out.on_record(std::string_view(data + start_in_chunk, end_in_chunk - start_in_chunk), end);
    } else {
      pending_.append(data, end_in_chunk);
      out.on_record(pending_, end);
      pending_.clear();
    }
  }

  void report_too_large(FramerOutput& out) {
    out.on_error("record_too_large", too_large_message(max_, value_start_), value_start_);
    pending_.clear();
    oversize_ = true;
  }

  const std::size_t max_;
  std::string pending_;
  std::uint64_t depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool in_garbage_ = false;
  bool oversize_ = false;
  std::uint64_t value_start_ = 0;
  std::uint64_t boundary_ = 0;
  std::uint64_t fed_ = 0;
};

}  // namespace

std::unique_ptr<Framer> make_stream_framer(Framing framing, std::size_t max_record_bytes) {
  switch (framing) {
    case Framing::kNdjson:
      return std::make_unique<LineFramer>(max_record_bytes, /*skip_blank_lines=*/true);
    case Framing::kLines:
      return std::make_unique<LineFramer>(max_record_bytes, /*skip_blank_lines=*/false);
    case Framing::kJsonStream:
      return std::make_unique<JsonStreamFramer>(max_record_bytes);
    case Framing::kJsonDocument:
      break;
  }
  return nullptr;
}

}  // namespace specwatch
