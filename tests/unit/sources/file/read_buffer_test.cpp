#include "sidecar/sources/file/read_buffer.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace specwatch {
namespace {

std::size_t page_size() {
  return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// Resident pages of [address, address + bytes), from the kernel (mincore).
std::size_t resident_pages(const char* address, std::size_t bytes) {
  const std::size_t pages = (bytes + page_size() - 1) / page_size();
  std::vector<unsigned char> in_core(pages);
  EXPECT_EQ(::mincore(const_cast<char*>(address), bytes, in_core.data()), 0);
  std::size_t resident = 0;
  for (unsigned char page : in_core) resident += page & 1;
  return resident;
}

TEST(ReadBuffer, OnlyTheWrittenPagesAreResident) {
  ReadBuffer buffer;
  EXPECT_FALSE(buffer.holds_pages());
  char* data = buffer.reserve(64 * page_size());
  EXPECT_EQ(buffer.capacity(), 64 * page_size());
  EXPECT_FALSE(buffer.holds_pages());
  // A std::string would have zero-filled (and so made resident) all 64 pages.
  EXPECT_EQ(resident_pages(data, buffer.capacity()), 0u);
  std::memset(data, 'x', 3 * page_size());
  buffer.written();
  EXPECT_TRUE(buffer.holds_pages());
  EXPECT_EQ(resident_pages(data, buffer.capacity()), 3u);
}

TEST(ReadBuffer, ReleaseGivesThePagesBackAndKeepsTheMapping) {
  ReadBuffer buffer;
  char* data = buffer.reserve(16 * page_size());
  std::memset(data, 'x', 16 * page_size());
  buffer.written();
  ASSERT_EQ(resident_pages(data, buffer.capacity()), 16u);
  buffer.release();
  EXPECT_FALSE(buffer.holds_pages());
  EXPECT_EQ(resident_pages(data, buffer.capacity()), 0u);
  // The same mapping is used again; released pages read as zeros.
  EXPECT_EQ(buffer.reserve(16 * page_size()), data);
  EXPECT_EQ(data[0], '\0');
  EXPECT_EQ(data[16 * page_size() - 1], '\0');
  std::memcpy(data, "next", 4);
  EXPECT_EQ(std::string(data, 4), "next");
}

TEST(ReadBuffer, ReleaseWithoutAWriteIsANoOp) {
  ReadBuffer buffer;
  char* data = buffer.reserve(4 * page_size());
  std::memset(data, 'x', page_size());
  // Not marked written: release leaves the page (quiet polls make no system call).
  buffer.release();
  EXPECT_EQ(data[0], 'x');
  buffer.written();
  buffer.release();
  EXPECT_EQ(data[0], '\0');
}

TEST(ReadBuffer, ALargerReserveMapsANewBufferAndASmallerOneKeepsIt) {
  ReadBuffer buffer;
  buffer.reserve(100);
  EXPECT_EQ(buffer.capacity(), page_size());  // whole pages
  char* larger = buffer.reserve(3 * page_size() + 1);
  EXPECT_EQ(buffer.capacity(), 4 * page_size());
  EXPECT_EQ(buffer.reserve(10), larger);
  EXPECT_EQ(buffer.capacity(), 4 * page_size());
  larger[4 * page_size() - 1] = 'z';  // every byte of the capacity is writable
  EXPECT_EQ(larger[4 * page_size() - 1], 'z');
}

}  // namespace
}  // namespace specwatch
