// Bounded gzip decompression: the output never grows past `max_output` bytes, so a small body that
// would inflate to gigabytes (a "gzip bomb") costs at most max_output bytes of memory and stops as
// soon as the limit is crossed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace specwatch {

enum class InflateStatus { kOk, kTooLarge, kCorrupt };

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

}  // namespace specwatch
