// The inline string helpers of label sets: the hash's tail load gives what a memcpy of the last
// bytes into a zeroed word gives (so hashes did not change when the memcpy was replaced), and
// same_text agrees with std::string's == for every length and every differing position.
#include <gtest/gtest.h>

#include <cstring>
#include <string_view>
#include <utility>

#include "sidecar/rules/labels.h"

namespace specwatch::rules {
namespace {

TEST(LabelsHash, TailLoadEqualsAMemcpyOfTheLastBytes) {
  const char text[] = "\x01\x82\x03\xf4\x05\x86\x07\xff";
  for (size_t n = 0; n <= 7; ++n) {
    uint64_t expected = 0;
    std::memcpy(&expected, text, n);
    EXPECT_EQ(load_tail(text, n), expected) << n;
  }
}

TEST(LabelsHash, ValuesAreThoseOfTheMemcpyVersion) {
  // Computed with the former tail load (a variable-length memcpy), seed 42.
  const std::pair<std::string_view, uint64_t> known[] = {
      {"", 17661420565428282140ULL},
      {"a", 18236731893490931902ULL},
      {"ab", 6755791291352662423ULL},
      {"svc", 6894748026959465106ULL},
      {"svc0", 10111307642914725803ULL},
      {"job12", 4837073934162633536ULL},
      {"service", 18284007606498698649ULL},
      {"instance", 12636931338257870576ULL},
      {"10.0.0.1:9464", 117425896720756519ULL},
      {"service:bench_metric_0_total:rate5m_0", 9150778940970400908ULL},
  };
  for (const auto& [text, hash] : known) EXPECT_EQ(hash_string(text, 42), hash) << text;
}

TEST(LabelsText, SameTextAgreesWithStringEquality) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a;
    for (size_t i = 0; i < n; ++i) a.push_back(static_cast<char>('a' + i % 26));
    EXPECT_TRUE(same_text(a, std::string(a))) << n;
    EXPECT_FALSE(same_text(a, a + "x")) << n;
    for (size_t at = 0; at < n; ++at) {
      std::string b = a;
      b[at] = '\xff';
      EXPECT_FALSE(same_text(a, b)) << n << " " << at;
      EXPECT_EQ(Label({"n", a}) == Label({"n", b}), a == b);
    }
  }
}

}  // namespace
}  // namespace specwatch::rules
