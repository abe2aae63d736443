#include "exporters/common/event_id.h"

#include <gtest/gtest.h>

#include <set>

namespace specwatch {
namespace {

TEST(EventId, StableAcrossCallsAnd32HexDigits) {
  const std::string id = event_id_at_offset("traces", "stream-a", 4096, 0);
  EXPECT_EQ(id, event_id_at_offset("traces", "stream-a", 4096, 0));
  ASSERT_EQ(id.size(), kEventIdLength);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(EventId, ValuesNeverChange) {
  // Elasticsearch's _id: an id that changed between versions would store a re-read event twice.
  // The values come from an independent computation of the documented hash (a Python script:
  // FNV-1a 64 in two lanes over the length-prefixed fields, splitmix64 at the end).
  EXPECT_EQ(event_id_at_offset("traces", "stream-a", 4096, 0), "ead92c5d9ef9d87c2a05dec0d0db835a");
  EXPECT_EQ(event_id_at_offset("w1", "00000000deadbeef", 351, 2),
            "3ca4346b15f7b35a9080d8335c401bab");
}

TEST(EventId, OffsetIdsOfAStreamAreEventIdAtOffsets) {
  OffsetEventIds ids;
  OffsetEventIds::Text text{};
  auto written = [&](std::string_view source, std::string_view stream, std::uint64_t offset,
                     std::uint32_t index) {
    ids.set_stream(source, stream);
    ids.write(offset, index, text);
    return std::string(text.data(), text.size());
  };
  // Streams switched back and forth: the cached hash follows.
  for (const auto& [source, stream] :
       {std::pair{"traces", "stream-a"}, std::pair{"traces", "b"}, std::pair{"spans", "stream-a"},
        std::pair{"traces", "stream-a"}, std::pair{"ab", "c"}, std::pair{"a", "bc"}}) {
    for (std::uint64_t offset : {1ull, 4096ull, 1ull << 40}) {
      for (std::uint32_t index : {0u, 1u, 7u}) {
        EXPECT_EQ(written(source, stream, offset, index),
                  event_id_at_offset(source, stream, offset, index))
            << source << " " << stream << " " << offset << " " << index;
      }
    }
  }
  EXPECT_EQ(written("w1", "00000000deadbeef", 351, 2), "3ca4346b15f7b35a9080d8335c401bab");
}

TEST(EventId, EveryInputChangesTheId) {
  std::set<std::string> ids = {
      event_id_at_offset("traces", "stream-a", 4096, 0),
      event_id_at_offset("traces", "stream-a", 4096, 1),
      event_id_at_offset("traces", "stream-a", 4097, 0),
      event_id_at_offset("traces", "stream-b", 4096, 0),
      event_id_at_offset("spans", "stream-a", 4096, 0),
      // Field boundaries count: ("ab", "c") is not ("a", "bc").
      event_id_at_offset("ab", "c", 1, 0),
      event_id_at_offset("a", "bc", 1, 0),
      event_id_of_span("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 0),
      event_id_of_span("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 1),
      event_id_of_content("traces", "stream-a", "{\"a\":1}", 0),
      event_id_of_content("traces", "stream-a", "{\"a\":2}", 0),
  };
  EXPECT_EQ(ids.size(), 11u);
}

TEST(EventId, OneMillionOffsetsGiveOneMillionIds) {
  std::set<std::string> ids;
  for (std::uint64_t offset = 1; offset <= 1000000; ++offset) {
    ids.insert(event_id_at_offset("traces", "/var/log/a.ndjson", offset * 120, 0));
  }
  EXPECT_EQ(ids.size(), 1000000u);
}

}  // namespace
}  // namespace specwatch
