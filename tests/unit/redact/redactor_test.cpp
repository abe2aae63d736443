#include "sidecar/redact/redactor.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "sidecar/core/ascii.h"
#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

using namespace specwatch::testing;

std::string marker(std::string_view pattern) {
  return Redactor::marker(pattern);
}

TEST(Redactor, EveryDefaultPatternAloneAndInContext) {
  const Redactor redactor;
  for (const auto& sample : kSampleSecrets) {
    SCOPED_TRACE(std::string(sample.pattern));
    std::string expected(sample.text);
    expected.replace(expected.find(sample.secret), sample.secret.size(), marker(sample.pattern));
    PatternCounts counts{};
    EXPECT_EQ(redactor.redacted(sample.text, &counts), expected);
    const auto index = static_cast<std::size_t>(*find_builtin_pattern(sample.pattern));
    EXPECT_EQ(counts[index], 1u);
    std::uint32_t total = 0;
    for (auto n : counts) total += n;
    EXPECT_EQ(total, 1u);
    // At the start, in the middle and at the end of a longer value.
    const std::string start = std::string(sample.text) + " in request";
    EXPECT_EQ(redactor.redacted(start), expected + " in request");
    const std::string middle = "key=" + std::string(sample.text) + "; retry";
    EXPECT_EQ(redactor.redacted(middle), "key=" + expected + "; retry");
    const std::string end = "auth failed: " + std::string(sample.text);
    EXPECT_EQ(redactor.redacted(end), "auth failed: " + expected);
  }
}

TEST(Redactor, MarkerIsFixedAndAscii) {
  EXPECT_EQ(Redactor().redacted(kGroqKey), "[REDACTED:groq_api_key]");
}

TEST(Redactor, SeveralSecretsInOneValue) {
  const Redactor redactor;
  const std::string text =
      std::string(kOpenAiKey) + "," + std::string(kAwsKeyId) + " and " + std::string(kOpenAiKey);
  PatternCounts counts{};
  EXPECT_EQ(redactor.redacted(text, &counts),
            "[REDACTED:openai_api_key],[REDACTED:aws_access_key_id] and [REDACTED:openai_api_key]");
  EXPECT_EQ(counts[static_cast<std::size_t>(BuiltinPattern::kOpenAiApiKey)], 2u);
  EXPECT_EQ(counts[static_cast<std::size_t>(BuiltinPattern::kAwsAccessKeyId)], 1u);
}

TEST(Redactor, Utf8AroundASecretIsKept) {
  const Redactor redactor;
  const std::string text = "clé→" + std::string(kAnthropicKey) + "✓ fin";
  EXPECT_EQ(redactor.redacted(text), "clé→[REDACTED:anthropic_api_key]✓ fin");
}

TEST(Redactor, CleanValuesAreLeftAlone) {
  const Redactor redactor;
  for (std::string_view clean : {
           "",
           "sk-2024",
           "skeleton",
           "task-ant",
           "task-ant-colony-simulation-worker-pool",
           "sk-learn-pipeline-classifier-version",
           "sk-ant-short",
           "123e4567-e89b-12d3-a456-426614174000",
           "4bf92f3577b34da6a3ce929d0e0e4736",
           "gpt-4o-mini",
           "claude-3-5-sonnet-20241022",
           "models/gemini-1.5-pro-002",
           "llama-3.3-70b-versatile",
           "AKIA-not-a-key",
           "AKIAIOSFODNN7EXAMPLEX",  // 21 characters
           "XAKIAIOSFODNN7EXAMPLE",
           "AIzaShort",
           "ghp_short",
           "gsk_tooShort123",
           "https://api.openai.com:443/v1/chat/completions",
           "https://user@example.com/path",
           "http://host:8080/p@th",
           "Bearer token",
           "bearer authentication-required-for-access",
           "aws_secret_access_key=<unset>",
           "sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709",
           "-----BEGIN CERTIFICATE-----",
           "-----BEGIN PUBLIC KEY-----",
           "contact admin@example.com",  // e-mail is off by default
           "+49 30 1234567",             // phone numbers too
       }) {
    SCOPED_TRACE(std::string(clean));
    std::string out;
    EXPECT_EQ(redactor.redact(clean, out), 0u);
    EXPECT_EQ(out, clean);
    EXPECT_FALSE(redactor.contains_secret(clean));
  }
}

TEST(Redactor, KeysMustStartAWordAndEndWhereTheirCharactersEnd) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redacted("x" + std::string(kOpenAiKey)), "x" + std::string(kOpenAiKey));
  EXPECT_EQ(redactor.redacted("model-" + std::string(kOpenAiKey) + "/v1"),
            "model-[REDACTED:openai_api_key]/v1");
  EXPECT_EQ(redactor.redacted("(" + std::string(kAwsKeyId) + ")"),
            "([REDACTED:aws_access_key_id])");
  EXPECT_EQ(redactor.redacted(std::string(kGoogleKey) + "x"), std::string(kGoogleKey) + "x");
}

// Profiles may lower-case a value (the GenAI provider name): the key is still a key.
TEST(Redactor, LowerCasedKeysAreStillFound) {
  const Redactor redactor;
  auto lowered = [](std::string_view text) { return ascii_lowercase(text); };
  for (std::string_view key :
       {testing::kOpenAiKey, testing::kOpenAiProjectKey, testing::kAnthropicKey, testing::kGroqKey,
        testing::kGoogleKey, testing::kAwsKeyId, testing::kGithubToken}) {
    SCOPED_TRACE(std::string(key));
    EXPECT_TRUE(redactor.redacted(lowered(key)).starts_with("[REDACTED:"));
  }
  for (std::string_view clean : {"sk-learn-pipeline-classifier-v2024", "akiaxxxxxxxxxxxxxxxx",
                                 "aizasyabcdefghijklmnopqrstuvwxyzabcdefg"}) {
    EXPECT_EQ(redactor.redacted(clean), clean);
  }
}

TEST(Redactor, UrlPasswordKeepsUserAndHost) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redacted("redis://:hunter2@cache:6379/0"),
            "redis://:[REDACTED:url_password]@cache:6379/0");
  EXPECT_EQ(redactor.redacted("amqp://guest:p@ss@broker/vhost"),
            "amqp://guest:[REDACTED:url_password]@broker/vhost");
  // A key in the user part is found too, not skipped over by the password's match.
  EXPECT_EQ(redactor.redacted("https://" + std::string(kAwsKeyId) + ":pw@s3.example/b"),
            "https://[REDACTED:aws_access_key_id]:[REDACTED:url_password]@s3.example/b");
}

TEST(Redactor, AwsSecretOnlyInItsContext) {
  const Redactor redactor;
  const std::string bare(kAwsSecret);
  EXPECT_EQ(redactor.redacted(bare), bare);
  EXPECT_EQ(redactor.redacted("{\"SecretAccessKey\": \"" + bare + "\"}"),
            "{\"SecretAccessKey\": \"[REDACTED:aws_secret_access_key]\"}");
  EXPECT_EQ(redactor.redacted("AWS_SECRET_ACCESS_KEY=" + bare),
            "AWS_SECRET_ACCESS_KEY=[REDACTED:aws_secret_access_key]");
  EXPECT_EQ(redactor.redacted("aws_secret_access_key: '" + bare + "'"),
            "aws_secret_access_key: '[REDACTED:aws_secret_access_key]'");
  // 41 characters is not a secret key.
  EXPECT_EQ(redactor.redacted("aws_secret_access_key=" + bare + "A"),
            "aws_secret_access_key=" + bare + "A");
}

TEST(Redactor, BearerTokenKeepsTheScheme) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redacted("Authorization: bearer  abcdEFGH12345678"),
            "Authorization: bearer  [REDACTED:bearer_token]");
  EXPECT_EQ(redactor.redacted("Bearer abcdefgh12345"), "Bearer abcdefgh12345");  // 14 characters
}

TEST(Redactor, PrivateKeyBlockWholeOrToTheEndWhenCut) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redacted("key:\n" + std::string(kPrivateKey) + "\nnext"),
            "key:\n[REDACTED:private_key]\nnext");
  EXPECT_EQ(redactor.redacted("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA"),
            "[REDACTED:private_key]");
  EXPECT_EQ(redactor.redacted("a -----BEGIN PRIVATE KEY-----x-----END PRIVATE KEY----- b"),
            "a [REDACTED:private_key] b");
}

TEST(Redactor, PersonalDataPatternsWhenEnabled) {
  RedactionConfig config;
  config.patterns.set(BuiltinPattern::kEmailAddress, true);
  config.patterns.set(BuiltinPattern::kPhoneNumber, true);
  const Redactor redactor(config);
  EXPECT_EQ(redactor.redacted("contact jane.doe+ops@mail.example.org today"),
            "contact [REDACTED:email_address] today");
  EXPECT_EQ(redactor.redacted("user@localhost"), "user@localhost");
  EXPECT_EQ(redactor.redacted("call +49 30 1234567 or (555) 123-4567 or 555.123.4567"),
            "call [REDACTED:phone_number] or [REDACTED:phone_number] or [REDACTED:phone_number]");
  for (std::string_view clean :
       {"2024-10-22", "claude-3-5-sonnet-20241022", "v1.2.3", "+123", "10.0.0.1:8080"}) {
    EXPECT_EQ(redactor.redacted(clean), clean);
  }
  // A URL's password is taken before the '@' could start an e-mail address.
  EXPECT_EQ(redactor.redacted("smtp://bob:pw@mail.example.com"),
            "smtp://bob:[REDACTED:url_password]@mail.example.com");
}

TEST(Redactor, DisabledPatternsAreNotApplied) {
  RedactionConfig config;
  ASSERT_TRUE(config.patterns.set("openai_api_key", false));
  EXPECT_FALSE(config.patterns.set("no_such_pattern", false));
  const Redactor redactor(config);
  EXPECT_EQ(redactor.redacted(kOpenAiKey), kOpenAiKey);
  // Anthropic's keys stay Anthropic's, whichever of the two is off.
  EXPECT_EQ(redactor.redacted(kAnthropicKey), "[REDACTED:anthropic_api_key]");
  RedactionConfig no_anthropic;
  no_anthropic.patterns.set(BuiltinPattern::kAnthropicApiKey, false);
  EXPECT_EQ(Redactor(no_anthropic).redacted(kAnthropicKey), kAnthropicKey);
  RedactionConfig nothing;
  nothing.patterns = PatternSet::none();
  const Redactor none(nothing);
  EXPECT_EQ(none.redacted(kPrivateKey), kPrivateKey);
}

TEST(Redactor, FindReportsSpanPatternAndTrigger) {
  const Redactor redactor;
  const std::string text = "db=postgres://u:pw@h";
  auto match = redactor.find(text);
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->pattern, static_cast<std::size_t>(BuiltinPattern::kUrlPassword));
  EXPECT_EQ(text.substr(match->begin, match->end - match->begin), "pw");
  EXPECT_EQ(match->trigger, text.find(':'));
}

}  // namespace
}  // namespace specwatch
