#include "sidecar/sources/file/file_identity.h"

#include <gtest/gtest.h>

#include "sidecar/core/byte_hash.h"
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

// XXH3's published value for the empty input (xxHash's sanity check); FNV-1a only for the tails
// of older checkpoints.
TEST(FileIdentity, TailHashIsXxh3OrTheOlderFnv1a) {
  EXPECT_EQ(tail_hash(""), 0x2D06800538D394C2ULL);
  const std::string bytes(kTailCheckBytes, 'q');
  EXPECT_EQ(tail_hash(bytes), XXH3_64bits(bytes.data(), bytes.size()));
  EXPECT_NE(tail_hash(bytes), tail_hash(bytes, TailHash::kFnv1a));
  EXPECT_EQ(tail_hash("", TailHash::kFnv1a), 14695981039346656037ULL);
  EXPECT_EQ(tail_hash("a", TailHash::kFnv1a), 0xaf63dc4c8601ec8cULL);
}

TEST(FileIdentity, TailCheckIsHashedTheWayItIsAskedFor) {
  TempDir dir;
  const std::string text = std::string(5000, 'x') + "the last bytes";
  testing::write_file(dir / "f", text);
  Fd f(dir / "f");
  const std::string before = text.substr(text.size() - kTailCheckBytes);
  EXPECT_EQ(tail_check_at(f.fd, text.size()),
            (TailCheck{text.size(), kTailCheckBytes, tail_hash(before), TailHash::kXxh3}));
  EXPECT_EQ(tail_check_at(f.fd, text.size(), TailHash::kFnv1a),
            (TailCheck{text.size(), kTailCheckBytes, fingerprint_hash(before), TailHash::kFnv1a}));
  EXPECT_EQ(tail_check_at(f.fd, 3, TailHash::kFnv1a),
            (TailCheck{3, 3, fingerprint_hash("xxx"), TailHash::kFnv1a}));
  EXPECT_FALSE(tail_check_at(f.fd, text.size() + 1).has_value());  // shorter than the offset
}

TEST(FileIdentity, ContentIsRecognisedByATailOfEitherHash) {
  TempDir dir;
  const std::string text = "{\"n\":0}\n{\"n\":1}\n";
  testing::write_file(dir / "f", text);
  Fd f(dir / "f");
  const Fingerprint fp{4, fingerprint_hash(text.substr(0, 4))};
  const TailCheck xxh3{text.size(), text.size(), tail_hash(text)};
  const TailCheck fnv{text.size(), text.size(), fingerprint_hash(text), TailHash::kFnv1a};
  EXPECT_TRUE(holds_content(f.fd, text.size(), text, fp, xxh3));
  EXPECT_TRUE(holds_content(f.fd, text.size(), text, fp, fnv));
  // A hash taken the other way is another tail: it never matches.
  EXPECT_FALSE(holds_content(f.fd, text.size(), text, fp,
                             TailCheck{text.size(), text.size(), fingerprint_hash(text)}));
  EXPECT_FALSE(
      holds_content(f.fd, text.size(), text, fp,
                    TailCheck{text.size(), text.size(), tail_hash(text), TailHash::kFnv1a}));
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
