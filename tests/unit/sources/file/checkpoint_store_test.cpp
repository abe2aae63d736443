#include "sidecar/sources/file/checkpoint_store.h"

#include <gtest/gtest.h>

#include "tests/unit/sources/file/test_support.h"

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

// A store whose checkpoint file holds `text` as it is (another version's, or a damaged one).
CheckpointStore store_holding(const TempDir& dir, std::string_view text) {
  CheckpointStore store(dir.path(), "traces");
  std::filesystem::create_directories(dir.path() + "/checkpoints");
  testing::write_file(store.path(), std::string(text));
  return store;
}

TEST(CheckpointStore, SerializesTheDocumentedFormat) {
  EXPECT_EQ(CheckpointStore::serialize("traces", sample_entries()),
            "{\"source\":\"traces\",\"files\":["
            "{\"path\":\"/logs/trace_a.json\",\"dev\":2049,\"ino\":131,\"fingerprint_length\":64,"
            "\"fingerprint_hash\":12345678901234567890,\"offset\":4096},"
            "{\"path\":\"/logs/metrics.json\",\"dev\":2049,\"ino\":132,\"fingerprint_length\":10,"
            "\"fingerprint_hash\":42,\"offset\":0,\"seen_keys\":[\"run-1\",\"run-2\"]}]}");
}

TEST(CheckpointStore, SaveThenLoadRoundTripsAndLeavesNoTempFile) {
  TempDir dir;
  CheckpointStore store(dir.path(), "traces");
  EXPECT_EQ(store.path(), dir.path() + "/checkpoints/traces.json");
  ASSERT_EQ(store.save(sample_entries()), "");
  EXPECT_FALSE(std::filesystem::exists(store.path() + ".tmp"));
  EXPECT_EQ(testing::read_text(store.path()),
            "{\"schema_version\":2,\"data\":" +
                CheckpointStore::serialize("traces", sample_entries()) + "}\n");
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
  CheckpointStore store = store_holding(dir, "{\"version\":1,\"files\":[{\"path\":");
  CheckpointLoad load = store.load();
  EXPECT_FALSE(load.found);
  EXPECT_TRUE(load.corrupt);
  EXPECT_EQ(load.corrupt_path, store.path() + ".corrupt");
  EXPECT_EQ(load.error, store.path() + ": invalid JSON at offset 30");
  EXPECT_FALSE(std::filesystem::exists(store.path()));
  EXPECT_EQ(testing::read_text(store.path() + ".corrupt"), "{\"version\":1,\"files\":[{\"path\":");
}

TEST(CheckpointStore, WrongShapeIsCorrupt) {
  std::string error;
  EXPECT_FALSE(CheckpointStore::parse("[1,2]", error).has_value());
  EXPECT_EQ(error, "not a checkpoint object with a \"files\" array");
  EXPECT_FALSE(CheckpointStore::parse("{\"version\":3,\"files\":[]}", error).has_value());
  EXPECT_EQ(error, "not a version 1 checkpoint object with a \"files\" array");
  EXPECT_FALSE(
      CheckpointStore::parse("{\"version\":1,\"files\":[{\"path\":\"/a\",\"dev\":1}]}", error)
          .has_value());
  EXPECT_EQ(error,
            "a \"files\" entry lacks path, dev, ino, fingerprint_length, fingerprint_hash or "
            "offset");
}

TEST(CheckpointStore, TailChecksAndRetiredContentRoundTrip) {
  TempDir dir;
  CheckpointStore store(dir.path(), "traces");
  auto entries = sample_entries();
  entries[0].tail = {4096, 4096, 777};
  RetiredEntry retired{"/logs/app.log", {1024, 99}, {30000, 4096, 55}, 1700000000123};
  ASSERT_EQ(store.save(entries, {retired}), "");
  CheckpointLoad load = store.load();
  ASSERT_TRUE(load.found);
  EXPECT_FALSE(load.migrated);
  ASSERT_EQ(load.entries.size(), 2u);
  EXPECT_EQ(load.entries[0].tail, (TailCheck{4096, 4096, 777}));
  EXPECT_EQ(load.entries[1].tail, (TailCheck{0, 0, 0}));
  ASSERT_EQ(load.retired.size(), 1u);
  EXPECT_EQ(load.retired[0].path, "/logs/app.log");
  EXPECT_EQ(load.retired[0].fingerprint, (Fingerprint{1024, 99}));
  EXPECT_EQ(load.retired[0].tail, (TailCheck{30000, 4096, 55}));
  EXPECT_EQ(load.retired[0].retired_unix_ms, 1700000000123);
}

TEST(CheckpointStore, TailsAreWrittenUnderTheKeysOfTheirHash) {
  auto entries = sample_entries();
  entries[0].tail = {4096, 4096, 777};
  entries[1].tail = {0, 0, 0};
  std::vector<RetiredEntry> retired = {
      {"/logs/app.log", {1024, 99}, {30000, 4096, 55, TailHash::kFnv1a}, 1700000000123}};
  const std::string text = CheckpointStore::serialize("traces", entries, retired);
  EXPECT_NE(text.find("\"offset\":4096,\"tail_xxh3_length\":4096,\"tail_xxh3_hash\":777}"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\"offset\":30000,\"tail_length\":4096,\"tail_hash\":55,"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("\"tail_length\":4096,\"tail_hash\":777"), std::string::npos);
}

// A checkpoint of a build that hashed tails with FNV-1a: its tails load as FNV-1a ones (verified
// that way), and are written back under the same keys while they are the tails kept.
TEST(CheckpointStore, FnvTailsOfAnOlderBuildLoadAsFnvAndAreKept) {
  TempDir dir;
  CheckpointStore store =
      store_holding(dir,
                    "{\"schema_version\":2,\"data\":{\"source\":\"traces\",\"files\":[{\"path\":"
                    "\"/l/a\",\"dev\":7,\"ino\":8,\"fingerprint_length\":64,"
                    "\"fingerprint_hash\":9,\"offset\":500,\"tail_length\":500,"
                    "\"tail_hash\":123}],\"retired\":[{\"path\":\"/l/b\",\"fingerprint_length\":"
                    "64,\"fingerprint_hash\":10,\"offset\":9000,\"tail_length\":4096,"
                    "\"tail_hash\":456,\"retired_unix_ms\":1700000000000}]}}\n");
  CheckpointLoad load = store.load();
  ASSERT_TRUE(load.found) << load.error;
  ASSERT_EQ(load.entries.size(), 1u);
  EXPECT_EQ(load.entries[0].tail, (TailCheck{500, 500, 123, TailHash::kFnv1a}));
  ASSERT_EQ(load.retired.size(), 1u);
  EXPECT_EQ(load.retired[0].tail, (TailCheck{9000, 4096, 456, TailHash::kFnv1a}));
  ASSERT_EQ(store.save(load.entries, load.retired), "");
  CheckpointLoad again = store.load();
  ASSERT_EQ(again.entries.size(), 1u);
  EXPECT_EQ(again.entries[0].tail, (TailCheck{500, 500, 123, TailHash::kFnv1a}));
  EXPECT_EQ(again.retired[0].tail, (TailCheck{9000, 4096, 456, TailHash::kFnv1a}));
}

TEST(CheckpointStore, AnIncompleteXxh3TailIsCorrupt) {
  std::string error;
  EXPECT_FALSE(CheckpointStore::parse("{\"version\":1,\"files\":[{\"path\":\"/a\",\"dev\":1,"
                                      "\"ino\":2,\"fingerprint_length\":3,\"fingerprint_hash\":4,"
                                      "\"offset\":5,\"tail_xxh3_length\":5}]}",
                                      error)
                   .has_value());
  EXPECT_EQ(error,
            "a \"files\" entry has an invalid tail_xxh3_length, tail_xxh3_hash, tail_length or "
            "tail_hash");
  // Longer than the offset it ends at.
  EXPECT_FALSE(CheckpointStore::parse("{\"version\":1,\"files\":[{\"path\":\"/a\",\"dev\":1,"
                                      "\"ino\":2,\"fingerprint_length\":3,\"fingerprint_hash\":4,"
                                      "\"offset\":5,\"tail_xxh3_length\":6,\"tail_xxh3_hash\":1}]}",
                                      error)
                   .has_value());
  EXPECT_EQ(error,
            "a \"files\" entry has an invalid tail_xxh3_length, tail_xxh3_hash, tail_length or "
            "tail_hash");
}

TEST(CheckpointStore, CheckpointOfTheOlderFormatIsMigratedWithoutLoss) {
  TempDir dir;
  CheckpointStore store =
      store_holding(dir,
                    "{\"version\":1,\"source\":\"traces\",\"files\":[{\"path\":\"/l/a\","
                    "\"dev\":7,\"ino\":8,\"fingerprint_length\":64,\"fingerprint_hash\":9,"
                    "\"offset\":500}]}\n");
  CheckpointLoad load = store.load();
  ASSERT_TRUE(load.found);
  EXPECT_TRUE(load.migrated);
  ASSERT_EQ(load.entries.size(), 1u);
  EXPECT_EQ(load.entries[0].path, "/l/a");
  EXPECT_EQ(load.entries[0].identity.ino, 8u);
  EXPECT_EQ(load.entries[0].offset, 500u);
  EXPECT_TRUE(load.entries[0].tail.unknown());
}

TEST(CheckpointStore, CheckpointFromANewerVersionIsSetAside) {
  TempDir dir;
  CheckpointStore store = store_holding(dir, "{\"schema_version\":3,\"data\":{\"files\":[]}}");
  CheckpointLoad load = store.load();
  EXPECT_FALSE(load.found);
  EXPECT_TRUE(load.corrupt);
  EXPECT_EQ(load.error, store.path() + ": schema version 3 is newer than this specwatch reads (2)");
  EXPECT_TRUE(std::filesystem::exists(store.path() + ".corrupt"));
}

}  // namespace
}  // namespace specwatch
