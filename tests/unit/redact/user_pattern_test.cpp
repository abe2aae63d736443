// User-defined patterns (`redaction.patterns`): where a prefix is found, the body's bounds and
// charset, and how matches are counted beside the built-ins.
#include "sidecar/redact/user_pattern.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <string>
#include <vector>

#include "sidecar/redact/redaction_metrics.h"
#include "sidecar/redact/redactor.h"
#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

constexpr std::size_t kFirstUser = kBuiltinPatternCount;

UserPattern pattern(std::string name, std::string prefix, std::string charset,
                    std::size_t min_length, std::size_t max_length) {
  UserPattern p;
  p.name = std::move(name);
  p.prefix = std::move(prefix);
  std::string problem;
  p.body = *parse_charset(charset, problem);
  p.charset = std::move(charset);
  p.min_length = min_length;
  p.max_length = max_length;
  return p;
}

// sk_live_ + 24..99 key characters (the defaults' charset), and acme_tok_ + exactly 8 upper-case
// hex digits.
RedactionConfig config() {
  RedactionConfig c;
  c.user_patterns.push_back(pattern("stripe_secret_key", "sk_live_", "A-Za-z0-9_-", 24, 99));
  c.user_patterns.push_back(pattern("acme_token", "acme_tok_", "A-F0-9", 8, 8));
  return c;
}

const std::string kStripe = "sk_live_" + std::string("4eC39HqLyjWDarjtT1zdp7dc");  // body 24
const std::string kStripeMarker = "[REDACTED:stripe_secret_key]";

TEST(UserPattern, PrefixAtTheStartInTheMiddleAndAfterPunctuation) {
  const Redactor redactor(config());
  EXPECT_EQ(redactor.redacted(kStripe), kStripeMarker);
  EXPECT_EQ(redactor.redacted(kStripe + " rejected"), kStripeMarker + " rejected");
  EXPECT_EQ(redactor.redacted("charge with key " + kStripe + " failed"),
            "charge with key " + kStripeMarker + " failed");
  for (const std::string before : {"(", "\"", "=", ",", ":", "/", "_", "-", "é"}) {
    SCOPED_TRACE(before);
    EXPECT_EQ(redactor.redacted(before + kStripe + ")"), before + kStripeMarker + ")");
  }
  EXPECT_EQ(redactor.redacted("{\"key\":\"" + kStripe + "\"}"),
            "{\"key\":\"" + kStripeMarker + "\"}");
}

TEST(UserPattern, NotInsideAWord) {
  const Redactor redactor(config());
  for (const std::string before : {"x", "K", "7"}) {
    EXPECT_EQ(redactor.redacted(before + kStripe), before + kStripe);
  }
  // The body ends a word too: a run that goes on in letters the charset lacks is no token.
  EXPECT_EQ(redactor.redacted("acme_tok_DEADBEEFxyz"), "acme_tok_DEADBEEFxyz");
  EXPECT_EQ(redactor.redacted("acme_tok_DEADBEEF-xyz"), "[REDACTED:acme_token]-xyz");
  // The prefix is literal and case-sensitive.
  EXPECT_EQ(redactor.redacted("SK_LIVE_4eC39HqLyjWDarjtT1zdp7dc"),
            "SK_LIVE_4eC39HqLyjWDarjtT1zdp7dc");
  EXPECT_EQ(redactor.redacted("sk_live4eC39HqLyjWDarjtT1zdp7dc0"),
            "sk_live4eC39HqLyjWDarjtT1zdp7dc0");
}

TEST(UserPattern, BodyLengthBounds) {
  const Redactor redactor(config());
  const std::string body23(23, 'a');
  EXPECT_EQ(redactor.redacted("sk_live_" + body23), "sk_live_" + body23);  // one too short
  EXPECT_EQ(redactor.redacted("sk_live_" + body23 + "b"), kStripeMarker);  // 24: min
  EXPECT_EQ(redactor.redacted("sk_live_" + std::string(99, 'c') + " end"),
            kStripeMarker + " end");  // 99: max
  const std::string too_long = "sk_live_" + std::string(100, 'c');
  EXPECT_EQ(redactor.redacted(too_long + " end"), too_long + " end");  // one too long
  // The prefix alone and exact lengths of a fixed-length pattern.
  EXPECT_EQ(redactor.redacted("sk_live_"), "sk_live_");
  EXPECT_EQ(redactor.redacted("acme_tok_DEADBEE"), "acme_tok_DEADBEE");
  EXPECT_EQ(redactor.redacted("acme_tok_DEADBEEF0"), "acme_tok_DEADBEEF0");
}

TEST(UserPattern, CharsetEdges) {
  const Redactor redactor(config());
  // The first and last byte of each range are in: A, F, 0, 9.
  EXPECT_EQ(redactor.redacted("acme_tok_A0F9A0F9"), "[REDACTED:acme_token]");
  // The bytes just outside are not: '@' before A, 'G' after F, '/' before 0, ':' after 9, and
  // lower case.
  for (const char* text : {"acme_tok_A0F9A0F@", "acme_tok_A0F9A0FG", "acme_tok_A0F9A0F/",
                           "acme_tok_A0F9A0F:", "acme_tok_deadbeef"}) {
    EXPECT_EQ(redactor.redacted(text), text);
  }
  // Past the body, a byte outside the set that is no letter or digit ends the match.
  EXPECT_EQ(redactor.redacted("acme_tok_A0F9A0F9/path"), "[REDACTED:acme_token]/path");
}

TEST(UserPattern, CharsetSyntax) {
  std::string problem;
  const std::optional<ByteSet> dash_first = parse_charset("-a-c", problem);
  ASSERT_TRUE(dash_first.has_value());
  for (char c : std::string("-abc")) EXPECT_TRUE(dash_first->contains(c)) << c;
  EXPECT_FALSE(dash_first->contains('d'));
  const std::optional<ByteSet> dash_last = parse_charset("0-9+/=-", problem);
  ASSERT_TRUE(dash_last.has_value());
  for (char c : std::string("09+/=-")) EXPECT_TRUE(dash_last->contains(c)) << c;
  EXPECT_FALSE(dash_last->contains('a'));
  EXPECT_FALSE(dash_last->contains(','));  // between '+' and '-', not a range
  EXPECT_EQ(charset_bytes(kDefaultUserPatternCharset), *parse_charset("A-Za-z0-9_-", problem));

  EXPECT_FALSE(parse_charset("", problem));
  EXPECT_EQ(problem, "must not be empty");
  EXPECT_FALSE(parse_charset("a-zZ-A", problem));
  EXPECT_EQ(problem, "range \"Z-A\" is reversed");
  EXPECT_FALSE(parse_charset("a-z é", problem));
  EXPECT_EQ(problem, "must be printable ASCII without spaces (got \"a-z é\")");
  EXPECT_FALSE(parse_charset("a\tb", problem));
  EXPECT_EQ(problem, "must be printable ASCII without spaces (got \"a\tb\")");
}

TEST(UserPattern, Names) {
  for (const std::string& name :
       std::vector<std::string>{"a", "acme_token", "key2", std::string(64, 'k')}) {
    EXPECT_TRUE(is_valid_pattern_name(name)) << name;
  }
  for (const std::string& name : std::vector<std::string>{
           "", "Acme", "2fa", "_key", "acme-token", "acme.token", "clé", std::string(65, 'k')}) {
    EXPECT_FALSE(is_valid_pattern_name(name)) << name;
  }
}

TEST(UserPattern, BesideTheBuiltinsThatShareItsTriggerByte) {
  // 's' triggers openai_api_key, anthropic_api_key and aws_secret_access_key too.
  const Redactor redactor(config());
  const std::string text =
      std::string(testing::kOpenAiKey) + " " + kStripe + " " + std::string(testing::kAnthropicKey);
  PatternCounts counts{};
  EXPECT_EQ(redactor.redacted(text, &counts),
            "[REDACTED:openai_api_key] " + kStripeMarker + " [REDACTED:anthropic_api_key]");
  EXPECT_EQ(counts[static_cast<std::size_t>(BuiltinPattern::kOpenAiApiKey)], 1u);
  EXPECT_EQ(counts[static_cast<std::size_t>(BuiltinPattern::kAnthropicApiKey)], 1u);
  EXPECT_EQ(counts[kFirstUser], 1u);
  EXPECT_EQ(counts[kFirstUser + 1], 0u);
}

TEST(UserPattern, CountedByIndexAfterTheBuiltinsAndInTheMetric) {
  prometheus::Registry registry;
  SiteRedactor site(registry, config(), RedactionSite::kExport);
  ASSERT_EQ(site.redactor().patterns().size(), kBuiltinPatternCount + 2);
  EXPECT_EQ(site.redactor().patterns()[kFirstUser + 1].name, "acme_token");
  EXPECT_EQ(site.apply(kStripe + " acme_tok_0123ABCD, acme_tok_FFFF0000 " + kStripe),
            kStripeMarker + " [REDACTED:acme_token], [REDACTED:acme_token] " + kStripeMarker);
  EXPECT_EQ(site.apply("acme_tok_FFFF0000"), "[REDACTED:acme_token]");
  // A Redactor copied from another views the same pattern storage.
  const Redactor copy = site.redactor();
  EXPECT_EQ(copy.redacted(kStripe), kStripeMarker);

  RedactionMetrics metrics(registry, site.redactor());  // the same family and series
  EXPECT_EQ(metrics.value(RedactionSite::kExport, kFirstUser), 2.0);
  EXPECT_EQ(metrics.value(RedactionSite::kExport, kFirstUser + 1), 3.0);
  EXPECT_EQ(metrics.value(RedactionSite::kLabel, kFirstUser + 1), 0.0);
}

TEST(UserPattern, TurnedOffByIndexLikeABuiltin) {
  RedactionConfig c = config();
  c.patterns.set(kFirstUser, false);
  const Redactor redactor(c);
  EXPECT_FALSE(redactor.enabled(kFirstUser));
  EXPECT_TRUE(redactor.enabled(kFirstUser + 1));
  EXPECT_EQ(redactor.redacted(kStripe), kStripe);
  EXPECT_EQ(redactor.redacted("acme_tok_0123ABCD"), "[REDACTED:acme_token]");
  // A short value is skipped before the scan: the shortest enabled match is now acme_tok_ + 8.
  EXPECT_EQ(user_pattern_spec(c.user_patterns[1]).min_length, 17u);
}

}  // namespace
}  // namespace specwatch
