// A gzip stream that inflates to `mib` MiB of zeros from about 1 KiB per MiB, built without
// compressing them all: one fully flushed deflate block of 1 MiB of zeros, repeated. Used by the
// unit and end-to-end tests that prove a decompression bomb stops at the body limit.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace specwatch::testing {

inline std::string gzip_bomb(std::size_t mib) {
  z_stream stream{};
  if (deflateInit2(&stream, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  const std::string zeros(1 << 20, '\0');
  std::string buffer(64 * 1024, '\0');
  auto run = [&](int flush, std::size_t input) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    stream.avail_in = static_cast<uInt>(input);
    std::string out;
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
      stream.avail_out = static_cast<uInt>(buffer.size());
      deflate(&stream, flush);
      out.append(buffer.data(), buffer.size() - stream.avail_out);
    } while (stream.avail_out == 0 || stream.avail_in > 0);
    return out;
  };
  std::string bomb = run(Z_FULL_FLUSH, zeros.size());  // gzip header + first block
  const std::string repeated = run(Z_FULL_FLUSH, zeros.size());
  for (std::size_t i = 2; i < mib; ++i) bomb += repeated;
  bomb += run(Z_FINISH, 0);  // the trailer is never reached: the limit is crossed long before
  deflateEnd(&stream);
  return bomb;
}

}  // namespace specwatch::testing
