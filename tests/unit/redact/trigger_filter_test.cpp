// The Redactor's fast path: the 16-byte trigger scan and the three per-byte filters (the pattern a
// byte triggers, the byte after it, the byte before it) must find exactly what calling every
// enabled pattern's matcher at every one of its trigger bytes finds, for every pattern in every
// position. The promises each PatternSpec makes (starts_word, followers) are what is tested here.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sidecar/core/ascii.h"
#include "sidecar/redact/redactor.h"
#include "sidecar/redact/trigger_scan.h"
#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

using namespace specwatch::testing;

// The scan without any filter: every byte, every enabled pattern it triggers, left to right.
std::optional<RedactionMatch> find_every_byte(const Redactor& redactor, std::string_view text,
                                              std::size_t from, std::size_t floor) {
  const auto patterns = redactor.patterns();
  for (std::size_t i = from; i < text.size(); ++i) {
    for (std::size_t p = 0; p < patterns.size(); ++p) {
      if (!redactor.enabled(p) || patterns[p].triggers.find(text[i]) == std::string_view::npos) {
        continue;
      }
      if (const MatchSpan span = patterns[p].find_at(text, i, floor)) {
        return RedactionMatch{span.begin, span.end, p, i};
      }
    }
  }
  return std::nullopt;
}

// Every match of `text` as the redactor walks it (from the byte after each trigger), compared
// with the unfiltered scan; returns how many matches there were.
std::size_t expect_same_matches(const Redactor& redactor, const std::string& text) {
  std::size_t matches = 0;
  std::size_t from = 0;
  while (true) {
    const auto fast = redactor.find(text, from, from);
    const auto every = find_every_byte(redactor, text, from, from);
    EXPECT_EQ(fast.has_value(), every.has_value()) << "from " << from << " in: " << text;
    if (!fast || !every) break;
    EXPECT_EQ(fast->begin, every->begin) << text;
    EXPECT_EQ(fast->end, every->end) << text;
    EXPECT_EQ(fast->pattern, every->pattern) << text;
    EXPECT_EQ(fast->trigger, every->trigger) << text;
    ++matches;
    from = every->trigger + 1;
  }
  return matches;
}

UserPattern user_pattern(std::string name, std::string prefix) {
  UserPattern p;
  p.name = std::move(name);
  p.prefix = std::move(prefix);
  return p;
}

// Every built-in on, and two user patterns (one starting with a frequent letter, one with a
// digit).
RedactionConfig everything() {
  RedactionConfig config;
  config.user_patterns.push_back(user_pattern("stripe_secret_key", "sk_live_"));
  config.user_patterns.push_back(user_pattern("numbered_token", "7tok-"));
  config.patterns.set(BuiltinPattern::kEmailAddress, true);
  config.patterns.set(BuiltinPattern::kPhoneNumber, true);
  return config;
}

// Secrets of every pattern, as written and lower-cased where a profile might lower-case them.
std::vector<std::string> secrets() {
  std::vector<std::string> texts;
  for (const auto& sample : kSampleSecrets) {
    texts.emplace_back(sample.text);
    texts.push_back(ascii_lowercase(sample.text));
  }
  for (std::string_view text :
       {"sk_live_4eC39HqLyjWDarjtT1zdp7dc", "7tok-AbCdEfGh12345678xyz", "jane.doe@mail.example.org",
        "+49 30 1234567", "(555) 123-4567", "555.123.4567", "redis://:hunter2@cache:6379/0",
        "SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"",
        "bearer  abcdEFGH12345678", "-----BEGIN PRIVATE KEY-----x-----END PRIVATE KEY-----"}) {
    texts.emplace_back(text);
  }
  return texts;
}

TEST(TriggerFilter, EveryPatternInEveryPositionAsTheUnfilteredScan) {
  const Redactor defaults;
  const Redactor all(everything());
  // Before the secret: nothing, a letter or digit (a prefix pattern must then not match), '_',
  // punctuation, blanks, a JSON quote, a multi-byte character; padding so that the secret starts
  // in every position of a 16-byte block and ends in the last, overlapping one.
  const std::vector<std::string> befores = {"",   "x",  "Q", "7", "_", "-", " ",
                                            "\t", "\"", ":", "=", "/", "é"};
  const std::vector<std::string> afters = {"", "x", "9", " ", "\"", "-", ".", "}"};
  std::size_t matched = 0;
  for (const std::string& secret : secrets()) {
    for (std::size_t pad = 0; pad <= 17; ++pad) {
      for (const std::string& before : befores) {
        for (const std::string& after : afters) {
          const std::string text = std::string(std::string_view("a b:c-ds").substr(0, pad % 9)) +
                                   std::string(pad / 9 * 9, '.') + before + secret + after;
          SCOPED_TRACE(text);
          expect_same_matches(defaults, text);
          matched += expect_same_matches(all, text) > 0 ? 1 : 0;
        }
      }
    }
  }
  EXPECT_GT(matched, 0u);
}

TEST(TriggerFilter, NearMissesAndCleanTextAsTheUnfilteredScan) {
  const Redactor defaults;
  const Redactor all(everything());
  for (std::string_view text :
       {"", "s", "sk", "sk-", ":", "://", "-----", "a", "A", "@", "+", "(", "0",
        "{\"time\":\"2025-01-15T10:30:00.000000-08:00\",\"level\":\"INFO\",\"msg\":\"llm call\","
        "\"service\":\"specular\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e0000\","
        "\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\"}",
        "the bearer of bad news asked for the secret access key of sk-2024",
        "http://host:8080/p@th and https://user@example.com/path",
        "AKIA-not-a-key XAKIAIOSFODNN7EXAMPLE akiaxxxxxxxxxxxxxxxx"}) {
    SCOPED_TRACE(std::string(text));
    EXPECT_EQ(expect_same_matches(defaults, std::string(text)), 0u);
    expect_same_matches(all, std::string(text));
  }
}

// The cases by name: what the word-start filter skips and what it must not.
TEST(TriggerFilter, PrefixAfterALetterOrDigitIsNoMatchAfterPunctuationItIs) {
  const Redactor redactor;
  const std::string key(kOpenAiKey);
  EXPECT_FALSE(redactor.contains_secret("x" + key));
  EXPECT_FALSE(redactor.contains_secret("9" + key));
  EXPECT_FALSE(redactor.contains_secret("Z" + std::string(kGroqKey)));
  EXPECT_EQ(redactor.redacted(key), "[REDACTED:openai_api_key]");  // the value's first byte
  EXPECT_EQ(redactor.redacted("model=" + key), "model=[REDACTED:openai_api_key]");
  EXPECT_EQ(redactor.redacted("_" + key), "_[REDACTED:openai_api_key]");
  EXPECT_EQ(redactor.redacted("\"" + key + "\""), "\"[REDACTED:openai_api_key]\"");
  EXPECT_EQ(redactor.redacted("é" + key), "é[REDACTED:openai_api_key]");
  // The last bytes of a value: an AWS key id ending it, and a trigger as its very last byte.
  EXPECT_EQ(redactor.redacted("id " + std::string(kAwsKeyId)), "id [REDACTED:aws_access_key_id]");
  EXPECT_EQ(redactor.redacted("abcdefghijklmnopqrs"), "abcdefghijklmnopqrs");
  // The AWS secret's key name may follow a letter ("awsSecretAccessKey"): it starts no word.
  const std::string secret(kAwsSecret);
  EXPECT_EQ(redactor.redacted("awsSecretAccessKey=" + secret),
            "awsSecretAccessKey=[REDACTED:aws_secret_access_key]");
}

TEST(TriggerFilter, SecretInsideARawJsonRecord) {
  const Redactor redactor;
  const std::string record =
      "{\"time\":\"2025-01-15T10:30:00.000000-08:00\",\"level\":\"INFO\",\"msg\":\"llm call\","
      "\"api_key\":\"" +
      std::string(kAnthropicKey) + "\",\"db\":\"postgres://app:" + std::string(kUrlPassword) +
      "@db:5432/x\",\"auth\":\"Bearer " + std::string(kBearerToken) + "\",\"seq\":0}";
  PatternCounts counts{};
  EXPECT_EQ(
      redactor.redacted(record, &counts),
      "{\"time\":\"2025-01-15T10:30:00.000000-08:00\",\"level\":\"INFO\",\"msg\":\"llm call\","
      "\"api_key\":\"[REDACTED:anthropic_api_key]\",\"db\":\"postgres://app:[REDACTED:url_"
      "password]@db:5432/x\",\"auth\":\"Bearer [REDACTED:bearer_token]\",\"seq\":0}");
  EXPECT_EQ(counts[static_cast<std::size_t>(BuiltinPattern::kAnthropicApiKey)], 1u);
  EXPECT_EQ(counts[static_cast<std::size_t>(BuiltinPattern::kUrlPassword)], 1u);
  EXPECT_EQ(counts[static_cast<std::size_t>(BuiltinPattern::kBearerToken)], 1u);
}

TEST(TriggerFilter, UserPatternPrefixJoinsTheScan) {
  RedactionConfig config;
  config.user_patterns.push_back(user_pattern("zeta_token", "Zt_"));  // 'Z' triggers nothing else
  const Redactor redactor(config);
  const std::string token = "Zt_" + std::string(20, 'q');
  EXPECT_EQ(redactor.redacted(std::string(30, '.') + token),
            std::string(30, '.') + "[REDACTED:zeta_token]");
  EXPECT_EQ(redactor.redacted("aZ" + token.substr(1)), "aZ" + token.substr(1));
  EXPECT_EQ(redactor.redacted("a" + token), "a" + token);  // after a letter
}

ByteTable bytes_of(std::string_view text) {
  ByteTable table{};
  for (char c : text) table[static_cast<unsigned char>(c)] = true;
  return table;
}

// The vector pass against the table, for every byte value in every position of a block followed
// by bytes that are and are not followers, at every length (a block, its overlapping last block,
// a value shorter than a block): never a candidate missed, nothing past the text's end.
void expect_scan_covers_table(const TriggerScan& scan) {
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t value = 0; value < 256; ++value) {
      for (char follower : std::string_view("kKe./-\r\0\xe9", 9)) {
        std::string text(length, '.');
        for (std::size_t i = 0; i < length; i += 3) {
          text[i] = static_cast<char>(value);
          if (i + 1 < length) text[i + 1] = follower;
        }
        for (std::size_t at = 0; at < length; ++at) {
          const std::uint32_t exact = scan.table_block(text, at);
          const std::uint32_t bits = scan.block(text, at);
          ASSERT_EQ(bits & exact, exact) << "length " << length << " at " << at << " " << value;
          ASSERT_EQ(bits >> std::min<std::size_t>(length - at, 16), 0u);
        }
      }
    }
  }
}

TEST(TriggerScan, VectorPassCoversTheTable) {
  const TriggerScan scan(bytes_of("sSgAabB:-"), bytes_of("kshiIeE/-KS"));
#if defined(__SSE2__)
  EXPECT_TRUE(scan.vectorised());
#endif
  EXPECT_TRUE(scan.filters_followers());
  expect_scan_covers_table(scan);
  // A trigger is a candidate only before a follower, and never as the text's last byte.
  const std::string text = "ss sk xs-- :/ s";
  EXPECT_EQ(scan.table_block(text, 0), 0b1001'1000'1001u);  // "ss", "sk", "s-", "--", ":/"
  EXPECT_EQ(scan.block(text, 0), scan.table_block(text, 0));
  EXPECT_EQ(scan.block(text, 9), 0b100u);  // a value shorter than a block, copied
  const std::string longer = std::string(10, '.') + text;
  EXPECT_EQ(scan.block(longer, 19), 0b100u);  // the overlapping last 17 bytes
}

TEST(TriggerScan, EveryByteAFollowerComparesTriggersAlone) {
  ByteTable every{};
  every.fill(true);
  const TriggerScan scan(bytes_of("sSgAabB:-@"), every);
  EXPECT_FALSE(scan.filters_followers());
  expect_scan_covers_table(scan);
  EXPECT_EQ(scan.block("xx@", 0), 0b100u);  // the last byte too
}

TEST(TriggerScan, ManyTriggerBytesUseTheTable) {
  const TriggerScan scan(bytes_of("0123456789+(@:-sgab"), bytes_of("kshie/-"));
  EXPECT_FALSE(scan.vectorised());
  expect_scan_covers_table(scan);
  EXPECT_EQ(scan.block("a1sk", 0), 0b0110u);  // "1s", "sk"
  const TriggerScan none(ByteTable{}, ByteTable{});
  EXPECT_EQ(none.block("sk-abc", 0), 0u);
}

}  // namespace
}  // namespace specwatch
