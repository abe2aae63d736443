#include "sidecar/sources/file/checkpoint_store.h"

#include <gtest/gtest.h>

#include "tests/unit/file_source/test_support.h"

namespace specwatch {
namespace {

using testing::TempDir;

std::vector<CheckpointEntry> sample_entries() {
  CheckpointEntry stream;
  stream.path = "/logs/trace_a.json";
  stream.identity = {2049, 131, {64, 12345678901234567890ULL}};
  stream.offset = 4096;
  CheckpointEntry doc;
  doc.path = "/logs/metrics.json";
  doc.identity = {2049, 132, {10, 42}};
  doc.seen_keys = {"run-1", "run-2"};
  return {stream, doc};
}

TEST(CheckpointStore, SerializesTheDocumentedFormat) {
  EXPECT_EQ(CheckpointStore::serialize("traces", sample_entries()),
            "{\"version\":1,\"source\":\"traces\",\"files\":["
            "{\"path\":\"/logs/trace_a.json\",\"dev\":2049,\"ino\":131,\"fingerprint_length\":64,"
            "\"fingerprint_hash\":12345678901234567890,\"offset\":4096},"
            "{\"path\":\"/logs/metrics.json\",\"dev\":2049,\"ino\":132,\"fingerprint_length\":10,"
            "\"fingerprint_hash\":42,\"offset\":0,\"seen_keys\":[\"run-1\",\"run-2\"]}]}\n");
}

TEST(CheckpointStore, SaveThenLoadRoundTripsAndLeavesNoTempFile) {
  TempDir dir;
  CheckpointStore store(dir.path(), "traces");
  EXPECT_EQ(store.path(), dir.path() + "/checkpoints/traces.json");
  ASSERT_EQ(store.save(sample_entries()), "");
  EXPECT_FALSE(std::filesystem::exists(store.path() + ".tmp"));
  EXPECT_EQ(testing::read_text(store.path()),
            CheckpointStore::serialize("traces", sample_entries()));
  CheckpointLoad load = store.load();
  EXPECT_TRUE(load.found);
  EXPECT_FALSE(load.corrupt);
  ASSERT_EQ(load.entries.size(), 2u);
  EXPECT_EQ(load.entries[0].path, "/logs/trace_a.json");
  EXPECT_EQ(load.entries[0].identity.dev, 2049u);
  EXPECT_EQ(load.entries[0].identity.ino, 131u);
  EXPECT_EQ(load.entries[0].identity.fingerprint.length, 64u);
  EXPECT_EQ(load.entries[0].identity.fingerprint.hash, 12345678901234567890ULL);
  EXPECT_EQ(load.entries[0].offset, 4096u);
  EXPECT_EQ(load.entries[1].seen_keys, (std::vector<std::string>{"run-1", "run-2"}));
}

TEST(CheckpointStore, MissingCheckpointIsNotAnError) {
  TempDir dir;
  CheckpointLoad load = CheckpointStore(dir.path(), "x").load();
  EXPECT_FALSE(load.found);
  EXPECT_FALSE(load.corrupt);
  EXPECT_EQ(load.error, "");
  EXPECT_TRUE(load.entries.empty());
}

TEST(CheckpointStore, CorruptCheckpointIsMovedAside) {
  TempDir dir;
  CheckpointStore store(dir.path(), "traces");
  std::filesystem::create_directories(dir.path() + "/checkpoints");
  testing::write_file(store.path(), "{\"version\":1,\"files\":[{\"path\":");
  CheckpointLoad load = store.load();
  EXPECT_FALSE(load.found);
  EXPECT_TRUE(load.corrupt);
  EXPECT_EQ(load.corrupt_path, store.path() + ".corrupt");
  EXPECT_EQ(load.error, "invalid JSON at offset 30");
  EXPECT_FALSE(std::filesystem::exists(store.path()));
  EXPECT_EQ(testing::read_text(store.path() + ".corrupt"), "{\"version\":1,\"files\":[{\"path\":");
}

TEST(CheckpointStore, WrongShapeIsCorrupt) {
  std::string error;
  EXPECT_FALSE(CheckpointStore::parse("[1,2]", error).has_value());
  EXPECT_EQ(error, "not a version 1 checkpoint object with a \"files\" array");
  EXPECT_FALSE(
      CheckpointStore::parse("{\"version\":1,\"files\":[{\"path\":\"/a\",\"dev\":1}]}", error)
          .has_value());
  EXPECT_EQ(error,
            "a \"files\" entry lacks path, dev, ino, fingerprint_length, fingerprint_hash or "
            "offset");
}

}  // namespace
}  // namespace specwatch
