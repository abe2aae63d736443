#include "sidecar/redact/redaction_patterns.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace specwatch {
namespace {

TEST(RedactionPatterns, NamesAreStableAndUnique) {
  std::vector<std::string> names;
  for (const auto& spec : builtin_patterns()) names.emplace_back(spec.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "anthropic_api_key", "openai_api_key", "groq_api_key", "google_api_key",
                       "aws_access_key_id", "aws_secret_access_key", "github_token", "bearer_token",
                       "url_password", "private_key", "email_address", "phone_number"}));
  EXPECT_EQ(builtin_pattern(BuiltinPattern::kPhoneNumber).name, "phone_number");
}

TEST(RedactionPatterns, PersonalDataIsOffByDefault) {
  const PatternSet defaults = PatternSet::defaults();
  for (std::size_t i = 0; i < kBuiltinPatternCount; ++i) {
    const bool personal = i == static_cast<std::size_t>(BuiltinPattern::kEmailAddress) ||
                          i == static_cast<std::size_t>(BuiltinPattern::kPhoneNumber);
    EXPECT_EQ(defaults.enabled(i), !personal) << builtin_patterns()[i].name;
  }
}

TEST(RedactionPatterns, MinimumLengthIsTheShortestMatch) {
  // Each pattern's shortest match, which must not be shorter than its declared minimum (the
  // Redactor skips shorter values without looking).
  const std::pair<BuiltinPattern, std::string> shortest[] = {
      {BuiltinPattern::kAnthropicApiKey, "sk-ant-" + std::string(31, 'a') + "1"},
      {BuiltinPattern::kOpenAiApiKey, "sk-" + std::string(18, 'a') + "B1"},
      {BuiltinPattern::kGroqApiKey, "gsk_" + std::string(39, 'a') + "1"},
      {BuiltinPattern::kGoogleApiKey, "AIza" + std::string(35, 'a')},
      {BuiltinPattern::kAwsAccessKeyId, "AKIA" + std::string(16, 'A')},
      {BuiltinPattern::kAwsSecretAccessKey, "secretaccesskey=" + std::string(40, 'a')},
      {BuiltinPattern::kGithubToken, "github_pat_" + std::string(22, 'a')},
      {BuiltinPattern::kBearerToken, "Bearer " + std::string(15, 'a') + "1"},
      {BuiltinPattern::kUrlPassword, "a://b:c@d"},
      {BuiltinPattern::kPrivateKey, "-----BEGIN PRIVATE KEY-----"},
      {BuiltinPattern::kEmailAddress, "a@b.cd"},
      {BuiltinPattern::kPhoneNumber, "+12345678"},
  };
  for (const auto& [pattern, text] : shortest) {
    const PatternSpec& spec = builtin_pattern(pattern);
    SCOPED_TRACE(std::string(spec.name));
    EXPECT_EQ(text.size(), spec.min_length);
    const std::size_t trigger = text.find_first_of(spec.triggers);
    ASSERT_NE(trigger, std::string::npos);
    EXPECT_TRUE(spec.find_at(text, trigger));
    // One character less is not a match.
    const std::string shorter = text.substr(0, text.size() - 1);
    const std::size_t at = shorter.find_first_of(spec.triggers);
    if (at != std::string::npos) {
      EXPECT_FALSE(spec.find_at(shorter, at));
    }
  }
}

TEST(RedactionPatterns, LookupByName) {
  EXPECT_EQ(find_builtin_pattern("github_token"), BuiltinPattern::kGithubToken);
  EXPECT_EQ(find_builtin_pattern("GitHub_Token"), std::nullopt);
  PatternSet set = PatternSet::none();
  EXPECT_TRUE(set.set("email_address", true));
  EXPECT_TRUE(set.enabled(BuiltinPattern::kEmailAddress));
  EXPECT_FALSE(set.enabled(BuiltinPattern::kAnthropicApiKey));
}

}  // namespace
}  // namespace specwatch
