// Event ids from the batch encoder: a tailed record's id follows its stream (the fingerprint of the
// file's first bytes), its offset and its place in the record, never its path.
#include "exporters/common/batch_encoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exporters/common/event_id.h"

namespace specwatch {
namespace {

// The event.id of the only event of a batch holding one record `origin`/`stream_id` at offset 100.
std::string id_of(const std::string& origin, std::uint64_t stream_id) {
  RecordBatch records;
  records.source = "app";
  records.service = "app";
  Record record{"{\"msg\":\"x\"}", RecordFormat::kJson, origin};
  record.end_offset = 100;
  record.stream_id = stream_id;
  records.records.push_back(record);
  std::vector<CanonicalEvent> events(1);
  events[0].body = LogRecord{};
  const std::vector<std::uint32_t> index = {0};
  const EventBatch batch{records, Tool::kNone, events, index};
  BatchEncoder encoder(PricingTable::bundled(), false, nullptr);
  std::string out;
  std::vector<std::size_t> ends;
  encoder.encode(batch, out, ends);
  const std::string key = "\"event\":{\"id\":\"";
  const std::size_t at = out.find(key);
  if (at == std::string::npos) return "no id in " + out;
  return out.substr(at + key.size(), kEventIdLength);
}

TEST(BatchEncoder, EventIdFollowsTheStreamNotThePath) {
  // A rename or a copytruncate copy: another path, the same first bytes and offset.
  EXPECT_EQ(id_of("/logs/app.log", 0x1234abcd), id_of("/logs/app.log.1", 0x1234abcd));
  // Other first bytes (the truncated file's new content) at the same path and offset.
  EXPECT_NE(id_of("/logs/app.log", 0x1234abcd), id_of("/logs/app.log", 0x1234abce));
  // Without a stream identity (not read from a file) the origin stands in for it.
  EXPECT_NE(id_of("/logs/app.log", 0), id_of("/logs/app.log.1", 0));
  EXPECT_EQ(id_of("/logs/app.log", 0).size(), kEventIdLength);
}

}  // namespace
}  // namespace specwatch
