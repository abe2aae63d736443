#include "sidecar/sources/file/file_identity.h"

#include <gtest/gtest.h>

#include "tests/unit/sources/file/test_support.h"

namespace specwatch {
namespace {

using testing::TempDir;

struct Fd {
  explicit Fd(const std::string& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int fd;
};

TEST(FileIdentity, HashIsFnv1a64) {
  EXPECT_EQ(fingerprint_hash(""), 14695981039346656037ULL);
  EXPECT_EQ(fingerprint_hash("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(FileIdentity, ShortFileIsFingerprintedOverWhatItHas) {
  TempDir dir;
  testing::write_file(dir / "f", "hello");
  Fd f(dir / "f");
  auto fp = compute_fingerprint(f.fd, 64);
  ASSERT_TRUE(fp.has_value());
  EXPECT_EQ(fp->length, 5u);
  EXPECT_EQ(fp->hash, fingerprint_hash("hello"));
  // Grown: still matches over the stored length.
  testing::append_file(dir / "f", " world");
  EXPECT_TRUE(fingerprint_still_matches(f.fd, *fp));
  auto grown = compute_fingerprint(f.fd, 8);
  EXPECT_EQ(grown->length, 8u);
  EXPECT_EQ(grown->hash, fingerprint_hash("hello wo"));
}

TEST(FileIdentity, RewrittenContentNoLongerMatches) {
  TempDir dir;
  testing::write_file(dir / "f", "first content");
  Fd f(dir / "f");
  auto fp = compute_fingerprint(f.fd, 64);
  testing::write_file(dir / "f", "other content, longer than before");
  EXPECT_FALSE(fingerprint_still_matches(f.fd, *fp));
  EXPECT_FALSE(same_content_start(f.fd, *fp));
}

TEST(FileIdentity, EmptyFingerprintNeverIdentifiesACopy) {
  TempDir dir;
  testing::write_file(dir / "f", "x");
  Fd f(dir / "f");
  EXPECT_FALSE(same_content_start(f.fd, Fingerprint{0, fingerprint_hash("")}));
  EXPECT_TRUE(fingerprint_still_matches(f.fd, Fingerprint{0, fingerprint_hash("")}));
}

TEST(FileIdentity, CopyIsRecognisedByContent) {
  TempDir dir;
  testing::write_file(dir / "a", "line one\nline two\n");
  testing::write_file(dir / "b", "line one\nline two\nline three\n");
  Fd a(dir / "a"), b(dir / "b");
  auto fp = compute_fingerprint(a.fd, 64);
  EXPECT_TRUE(same_content_start(b.fd, *fp));
  // Shorter than the stored length: not the same.
  testing::write_file(dir / "c", "line one\n");
  Fd c(dir / "c");
  EXPECT_FALSE(same_content_start(c.fd, *fp));
}

}  // namespace
}  // namespace specwatch
