#include "sidecar/otlp/gzip.h"

#include <zlib.h>

#include <algorithm>

namespace specwatch {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

class Inflater {
 public:
  Inflater() { ok_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK; }  // 16: gzip wrapper only
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

InflateResult gunzip_bounded(std::string_view input, std::size_t max_output, std::string& output) {
  output.clear();
  Inflater inflater;
  if (!inflater.ok()) return {InflateStatus::kCorrupt, "cannot initialise zlib"};
  z_stream& stream = inflater.stream();
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  if (input.empty()) return {InflateStatus::kCorrupt, "empty gzip body"};
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
      // Another gzip member follows.
      if (inflateReset(&stream) != Z_OK) return {InflateStatus::kCorrupt, "cannot reset zlib"};
      continue;
    }
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) {
      return {InflateStatus::kCorrupt, "truncated gzip stream"};
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return {InflateStatus::kCorrupt,
              std::string("invalid gzip stream: ") + (stream.msg ? stream.msg : "zlib error")};
    }
  }
}

}  // namespace specwatch
