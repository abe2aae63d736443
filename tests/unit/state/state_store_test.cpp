// The state store: atomic, versioned, private documents; unusable files set aside, never thrown.
#include "sidecar/state/state_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace specwatch {
namespace {

class StateStoreTest : public ::testing::Test {
 protected:
  StateStoreTest() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "specwatch-state-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
    dir_ = root_ + "/state/checkpoints";
  }
  ~StateStoreTest() override { std::filesystem::remove_all(root_); }
  void put(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ + "/" + name) << text;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static unsigned mode_of(const std::string& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
  }

  std::string root_;
  std::string dir_;
};

TEST_F(StateStoreTest, WritesAnEnvelopeAndReadsTheDocumentBack) {
  StateStore store(dir_);
  ASSERT_EQ(store.write("alpha", 3, R"({"a":[1,2],"b":"x"})"), "");
  EXPECT_EQ(slurp(dir_ + "/alpha.json"),
            "{\"schema_version\":3,\"data\":{\"a\":[1,2],\"b\":\"x\"}}\n");
  StateRead r = store.read("alpha", 3);
  EXPECT_EQ(r.status, StateRead::Status::kOk);
  EXPECT_EQ(r.version, 3);
  EXPECT_EQ(r.data, R"({"a":[1,2],"b":"x"})");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/alpha.json.tmp"));
}

TEST_F(StateStoreTest, FilesArePrivateAndTheDirectoryIsTightened) {
  std::filesystem::create_directories(dir_);
  ::chmod(dir_.c_str(), 0755);
  StateStore store(dir_);
  ASSERT_EQ(store.write("alpha", 1, "{}"), "");
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_EQ(mode_of(dir_ + "/alpha.json"), 0600u);
  // Directories it creates are private too.
  StateStore fresh(root_ + "/new/deeper");
  ASSERT_EQ(fresh.write("b", 1, "[]"), "");
  EXPECT_EQ(mode_of(root_ + "/new/deeper"), 0700u);
  EXPECT_EQ(mode_of(root_ + "/new"), 0700u);
}

TEST_F(StateStoreTest, MissingDocumentIsMissing) {
  StateRead r = StateStore(dir_).read("nothing", 1);
  EXPECT_EQ(r.status, StateRead::Status::kMissing);
  EXPECT_EQ(r.error, "");
}

TEST_F(StateStoreTest, FileWithoutEnvelopeIsLegacyTextForTheCallerToMigrate) {
  put("old.json", R"({"version":1,"files":[]})");
  StateRead r = StateStore(dir_).read("old", 2);
  EXPECT_EQ(r.status, StateRead::Status::kLegacy);
  EXPECT_EQ(r.data, R"({"version":1,"files":[]})");
}

TEST_F(StateStoreTest, InvalidJsonIsSetAsideWithAClearMessage) {
  put("bad.json", "{\"schema_version\":1,\"da");
  StateRead r = StateStore(dir_).read("bad", 1);
  EXPECT_EQ(r.status, StateRead::Status::kCorrupt);
  EXPECT_EQ(r.error, dir_ + "/bad.json: invalid JSON at offset 23");
  EXPECT_EQ(r.corrupt_path, dir_ + "/bad.json.corrupt");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/bad.json"));
  EXPECT_EQ(slurp(dir_ + "/bad.json.corrupt"), "{\"schema_version\":1,\"da");
}

TEST_F(StateStoreTest, NewerSchemaVersionIsSetAside) {
  put("next.json", R"({"schema_version":9,"data":{}})");
  StateRead r = StateStore(dir_).read("next", 2);
  EXPECT_EQ(r.status, StateRead::Status::kCorrupt);
  EXPECT_EQ(r.error, dir_ + "/next.json: schema version 9 is newer than this specwatch reads (2)");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/next.json.corrupt"));
}

TEST_F(StateStoreTest, EnvelopeWithoutDataOrWithABadVersionIsSetAside) {
  put("a.json", R"({"schema_version":"1","data":{}})");
  put("b.json", R"({"schema_version":1})");
  put("c.json", R"([1])");
  StateStore store(dir_);
  EXPECT_EQ(store.read("a", 1).status, StateRead::Status::kCorrupt);
  EXPECT_EQ(store.read("b", 1).status, StateRead::Status::kCorrupt);
  StateRead c = store.read("c", 1);
  EXPECT_EQ(c.status, StateRead::Status::kCorrupt);
  EXPECT_EQ(c.error, dir_ + "/c.json: not a JSON object");
}

TEST_F(StateStoreTest, RefusesInvalidNamesAndInvalidJson) {
  StateStore store(dir_);
  EXPECT_EQ(store.write("../x", 1, "{}"), "invalid state document name \"../x\"");
  EXPECT_EQ(store.write(".hidden", 1, "{}"), "invalid state document name \".hidden\"");
  EXPECT_EQ(store.write("ok", 1, "{"), "state document ok is not valid JSON");
  EXPECT_TRUE(store.list().empty());
}

TEST_F(StateStoreTest, ListsAndRemovesDocuments) {
  StateStore store(dir_);
  ASSERT_EQ(store.write("b", 1, "{}"), "");
  ASSERT_EQ(store.write("a", 1, "{}"), "");
  put("a.json.corrupt", "x");
  put("notes.txt", "x");
  EXPECT_EQ(store.list(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(store.remove("a"), "");
  EXPECT_EQ(store.remove("a"), "");  // already gone: fine
  EXPECT_EQ(store.list(), (std::vector<std::string>{"b"}));
}

TEST_F(StateStoreTest, WriteFailsWithAReasonWhenTheDirectoryCannotBeMade) {
  // A regular file where the directory should be: fails for root too, unlike a read-only mode.
  std::filesystem::create_directories(root_ + "/state");
  std::ofstream(root_ + "/state/blocked") << "x";
  StateStore store(root_ + "/state/blocked");
  EXPECT_EQ(store.write("a", 1, "{}"),
            "cannot create " + root_ + "/state/blocked: Not a directory");
}

}  // namespace
}  // namespace specwatch
