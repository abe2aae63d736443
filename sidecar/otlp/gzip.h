// Bounded gzip decompression: the output never grows past `max_output` bytes, so a small body that
// would inflate to gigabytes (a "gzip bomb") costs at most max_output bytes of memory and stops as
// soon as the limit is crossed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace specwatch {

// kDeferred: only from inflate_inline.
enum class InflateStatus { kOk, kTooLarge, kCorrupt, kDeferred };

struct InflateResult {
  InflateStatus status = InflateStatus::kOk;
  std::string error;  // for kCorrupt: what zlib reported
};

enum class CompressedFormat { kGzip, kZlib };  // zlib = gRPC's "deflate"

// Inflates `input` (for gzip, several concatenated members are allowed) into `output`
// (replaced). kTooLarge as soon as more than `max_output` bytes would be produced.
InflateResult inflate_bounded(std::string_view input, std::size_t max_output, std::string& output,
                              CompressedFormat format);
inline InflateResult gunzip_bounded(std::string_view input, std::size_t max_output,
                                    std::string& output) {
  return inflate_bounded(input, max_output, output, CompressedFormat::kGzip);
}

// For a receiver's I/O thread, which must not spend long on one body: inflates at most
// min(inline_bound, max_output) bytes. kDeferred when the output would pass inline_bound while
// inline_bound < max_output (a large body, or a bomb): the caller hands `input` to its decode
// worker (otlp_decode_worker.h), which inflates it again with inflate_bounded(max_output). Else as
// inflate_bounded(max_output).
InflateResult inflate_inline(std::string_view input, std::size_t inline_bound,
                             std::size_t max_output, std::string& output, CompressedFormat format);

}  // namespace specwatch
