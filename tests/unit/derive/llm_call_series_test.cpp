// LlmCallSeriesCache: one entry per label set, whatever the values' lengths (the key joins them
// with a separator), bounded by its capacity.
#include "sidecar/derive/llm_call_series.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace specwatch {
namespace {

LlmCallLabels labels(std::string_view service, std::string_view provider, std::string_view model) {
  return {service, provider, model, "chat", "success", "none"};
}

TEST(LlmCallSeriesCache, OneEntryPerLabelSet) {
  LlmCallSeriesCache cache(100);
  LlmCallSeries* a = cache.find(labels("svc", "openai", "gpt-4o"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(cache.find(labels("svc", "openai", "gpt-4o")), a);
  // The same characters split otherwise between values, and empty values: other label sets.
  LlmCallSeries* b = cache.find(labels("svco", "penai", "gpt-4o"));
  LlmCallSeries* c = cache.find(labels("", "svcopenai", "gpt-4o"));
  LlmCallSeries* d = cache.find(labels("", "", ""));
  LlmCallSeries* e = cache.find({"", "", "", "", "", ""});
  const std::vector<LlmCallSeries*> all = {a, b, c, d, e};
  for (std::size_t i = 0; i < all.size(); ++i) {
    ASSERT_NE(all[i], nullptr);
    for (std::size_t j = i + 1; j < all.size(); ++j) EXPECT_NE(all[i], all[j]) << i << " " << j;
  }
  // Each is found again after the others, also by values that are copies.
  const std::string model = std::string("gpt-") + "4o";
  EXPECT_EQ(cache.find(labels("svco", "penai", model)), b);
  EXPECT_EQ(cache.find(labels("svc", "openai", model)), a);
  EXPECT_EQ(cache.find({"", "", "", "", "", ""}), e);
  EXPECT_EQ(cache.find(labels("", "", "")), d);
}

TEST(LlmCallSeriesCache, FullMeansNoNewEntriesButTheOldOnesStay) {
  LlmCallSeriesCache cache(3);
  std::vector<LlmCallSeries*> entries;
  for (const char* model : {"m1", "m2", "m3"})
    entries.push_back(cache.find(labels("s", "p", model)));
  for (LlmCallSeries* entry : entries) ASSERT_NE(entry, nullptr);
  EXPECT_EQ(cache.find(labels("s", "p", "m4")), nullptr);
  EXPECT_EQ(cache.find(labels("s", "p", "m2")), entries[1]);
  EXPECT_EQ(cache.find(labels("s", "p", "m1")), entries[0]);
  EXPECT_EQ(cache.find(labels("s", "p", "m4")), nullptr);
}

// A label value's bytes into a key, for every length up to past the largest fixed-size case: the
// bytes exactly, and nothing written before or after them.
TEST(LlmCallSeriesCache, LabelBytesCopiedExactlyAtEveryLength) {
  std::string source;
  for (int i = 0; i < 48; ++i) source.push_back(static_cast<char>('A' + i % 26 + (i / 26) * 6));
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string key(64, '#');
    copy_label_bytes(key.data() + 8, source.data(), n);
    EXPECT_EQ(key.substr(0, 8), std::string(8, '#')) << n;
    EXPECT_EQ(key.substr(8, n), source.substr(0, n)) << n;
    EXPECT_EQ(key.substr(8 + n), std::string(56 - n, '#')) << n;
  }
}

}  // namespace
}  // namespace specwatch
