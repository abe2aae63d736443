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
