// Made-up credentials in the shape of the real ones (random characters; the AWS pair is AWS's
// own documentation example), one per built-in redaction pattern, for tests that check nothing
// of them reaches /metrics or the log.
#pragma once

#include <string_view>

namespace specwatch::testing {

struct SampleSecret {
  std::string_view pattern;  // the built-in pattern that must catch it
  std::string_view secret;   // the whole text replaced by the marker
  std::string_view text;     // how it is written in input (secret alone, or with its context)
};

inline constexpr std::string_view kAnthropicKey =
    "sk-ant-api03-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA_2O76UMFxFkM_R5Kjp1vRt-1fjORS_"
    "6ilI8ihN5KXSc7Tvo_hBKqFYAA";
inline constexpr std::string_view kOpenAiProjectKey =
    "sk-proj-z63FfkCzJr4i0B3JrTAw-R4y9ojfljoQoaF1LlqsajAIxNKu8iS_2G8NPRVdD53X83RZJzzz";
inline constexpr std::string_view kOpenAiKey =
    "sk-zgEOzdmenCkhvMdgaKjIg8xNbe3nNyjOq9wMxEhh2FDEEtfj";
inline constexpr std::string_view kGroqKey =
    "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";
inline constexpr std::string_view kGoogleKey = "AIzaZDz_TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3Q";
inline constexpr std::string_view kAwsKeyId = "AKIAIOSFODNN7EXAMPLE";
inline constexpr std::string_view kAwsTemporaryKeyId = "ASIAFZ3ZFKKIBJ3J4WJ9";
inline constexpr std::string_view kAwsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
inline constexpr std::string_view kGithubToken = "ghp_JibaZUPgHV7iB3m03nbqnsGpWLuqIA1id6Vw";
inline constexpr std::string_view kGithubPat =
    "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";
inline constexpr std::string_view kBearerToken =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk";
inline constexpr std::string_view kUrlPassword = "s3cr3t-Pa55w0rd";
inline constexpr std::string_view kPrivateKey =
    "-----BEGIN RSA PRIVATE "
    "KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
    "\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE "
    "KEY-----";

// Every default-on pattern once, as it appears in input.
inline constexpr SampleSecret kSampleSecrets[] = {
    {"anthropic_api_key", kAnthropicKey, kAnthropicKey},
    {"openai_api_key", kOpenAiProjectKey, kOpenAiProjectKey},
    {"openai_api_key", kOpenAiKey, kOpenAiKey},
    {"groq_api_key", kGroqKey, kGroqKey},
    {"google_api_key", kGoogleKey, kGoogleKey},
    {"aws_access_key_id", kAwsKeyId, kAwsKeyId},
    {"aws_access_key_id", kAwsTemporaryKeyId, kAwsTemporaryKeyId},
    {"aws_secret_access_key", kAwsSecret,
     "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
    {"github_token", kGithubToken, kGithubToken},
    {"github_token", kGithubPat, kGithubPat},
    {"bearer_token", kBearerToken,
     "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"},
    {"url_password", kUrlPassword, "postgres://app:s3cr3t-Pa55w0rd@db.internal:5432/orders"},
    {"private_key", kPrivateKey, kPrivateKey},
};

// Whether any line of `secret` (a PEM block has several; /metrics and the log escape the line
// breaks) shows in `text`.
inline bool leaks(std::string_view text, std::string_view secret) {
  std::size_t start = 0;
  while (start < secret.size()) {
    std::size_t end = secret.find('\n', start);
    if (end == std::string_view::npos) end = secret.size();
    if (text.find(secret.substr(start, end - start)) != std::string_view::npos) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace specwatch::testing
