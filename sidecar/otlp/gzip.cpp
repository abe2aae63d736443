#include "sidecar/otlp/gzip.h"

#include <zlib.h>

#include <algorithm>

namespace specwatch {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

class Inflater {
 public:
  explicit Inflater(CompressedFormat format) {
    // 16 + MAX_WBITS: the gzip wrapper only; MAX_WBITS: the zlib wrapper only.
    ok_ = inflateInit2(&stream_, format == CompressedFormat::kGzip ? 16 + MAX_WBITS : MAX_WBITS) ==
          Z_OK;
  }
  ~Inflater() {
    if (ok_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

}  // namespace

InflateResult inflate_bounded(std::string_view input, std::size_t max_output, std::string& output,
                              CompressedFormat format) {
  output.clear();
  Inflater inflater(format);
  if (!inflater.ok()) return {InflateStatus::kCorrupt, "cannot initialise zlib"};
  z_stream& stream = inflater.stream();
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  const char* name = format == CompressedFormat::kGzip ? "gzip" : "deflate";
  if (input.empty()) return {InflateStatus::kCorrupt, std::string("empty ") + name + " body"};
  for (;;) {
    // Room for one more chunk, but never more than one byte past the limit: producing that byte
    // is what tells "exactly max_output" from "too large".
    const std::size_t used = output.size();
    const std::size_t room = std::min(kChunk, max_output + 1 - used);
    output.resize(used + room);
    stream.next_out = reinterpret_cast<Bytef*>(output.data() + used);
    stream.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&stream, Z_NO_FLUSH);
    output.resize(used + (room - stream.avail_out));
    if (output.size() > max_output) {
      output.clear();
      output.shrink_to_fit();
      return {InflateStatus::kTooLarge, {}};
    }
    if (rc == Z_STREAM_END) {
      if (stream.avail_in == 0) return {};
      if (format == CompressedFormat::kZlib) {
        return {InflateStatus::kCorrupt, "data after the end of the deflate stream"};
      }
      // Another gzip member follows.
      if (inflateReset(&stream) != Z_OK) return {InflateStatus::kCorrupt, "cannot reset zlib"};
      continue;
    }
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) {
      return {InflateStatus::kCorrupt, std::string("truncated ") + name + " stream"};
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return {InflateStatus::kCorrupt, std::string("invalid ") + name +
                                           " stream: " + (stream.msg ? stream.msg : "zlib error")};
    }
  }
}

InflateResult inflate_inline(std::string_view input, std::size_t inline_bound,
                             std::size_t max_output, std::string& output, CompressedFormat format) {
  if (inline_bound >= max_output) return inflate_bounded(input, max_output, output, format);
  InflateResult result = inflate_bounded(input, inline_bound, output, format);
  if (result.status == InflateStatus::kTooLarge) result.status = InflateStatus::kDeferred;
  return result;
}

}  // namespace specwatch
