// The `notifiers:` section: defaults per type and the exact text of every error.
#include <gtest/gtest.h>

#include "exporters/notifiers_section.h"
#include "sidecar/app/app_config.h"
#include "tests/unit/exporters/test_dir.h"

namespace specwatch {
namespace {

class NotifierConfigTest : public ::testing::Test {
 protected:
  ConfigLoadResult parse(const std::string& yaml) {
    ConfigSections sections = builtin_config_sections();
    sections.add("notifiers", [](const YAML::Node& node, const std::string& key_path, Config& out,
                                 ConfigReader& in) {
      read_notifiers_section(node, key_path, out.notifiers, in);
    });
    return parse_config(yaml, "cfg.yaml", dir_.path(),
                        fixed_environment({{"SPECWATCH_STATE_DIR", dir_.file("state")}}), sections);
  }
  static std::vector<std::string> texts(const ConfigLoadResult& result) {
    std::vector<std::string> out;
    for (const ConfigError& error : result.errors) out.push_back(error.to_string());
    return out;
  }

  testing::ScratchDir dir_;
};

TEST_F(NotifierConfigTest, DefaultsOfEveryType) {
  ConfigLoadResult result = parse(
      "notifiers:\n"
      "  - type: alertmanager\n    name: am\n    urls: [http://alertmanager:9093]\n"
      "  - type: pagerduty\n    name: oncall\n    routing_key_file: secrets/pd\n"
      "  - type: slack\n    name: chat\n    webhook_url_file: /run/secrets/slack\n"
      "  - type: webhook\n    name: hook\n    url: https://example.org/hook\n");
  ASSERT_TRUE(result.errors.empty()) << texts(result).front();
  const auto& notifiers = result.config->notifiers;
  ASSERT_EQ(notifiers.size(), 4u);
  const auto& am = std::get<AlertmanagerConfig>(notifiers[0].settings);
  EXPECT_EQ(am.urls, std::vector<std::string>{"http://alertmanager:9093"});
  EXPECT_EQ(am.resend_interval, std::chrono::minutes(1));
  EXPECT_TRUE(am.common.match.empty());
  EXPECT_EQ(am.common.queue_size, 64u);
  EXPECT_EQ(am.common.timeout, std::chrono::seconds(10));
  EXPECT_EQ(am.common.retry.max_attempts, 5);
  const auto& pd = std::get<PagerDutyConfig>(notifiers[1].settings);
  EXPECT_EQ(pd.routing_key_file, dir_.file("secrets/pd"));
  EXPECT_EQ(pd.url, "https://events.pagerduty.com/v2/enqueue");
  ASSERT_EQ(pd.common.match.size(), 1u);
  EXPECT_EQ(pd.common.match[0].to_string(), "severity=\"critical\"");
  const auto& slack = std::get<SlackConfig>(notifiers[2].settings);
  ASSERT_EQ(slack.common.match.size(), 1u);
  EXPECT_EQ(slack.common.match[0].to_string(), "severity=\"warning\"");
  EXPECT_EQ(slack.repeat.repeat_interval, std::chrono::hours(4));
  EXPECT_TRUE(slack.repeat.send_resolved);
  const auto& hook = std::get<WebhookConfig>(notifiers[3].settings);
  EXPECT_EQ(hook.signature_header, "X-Specwatch-Signature");
  EXPECT_TRUE(hook.secret_file.empty());
  EXPECT_EQ(notifiers[3].line, 11);
}

TEST_F(NotifierConfigTest, EverySettingIsRead) {
  ConfigLoadResult result = parse(
      "notifiers:\n"
      "  - type: slack\n    name: chat\n    webhook_url_file: /s\n"
      "    match: ['team=\"llm\"', 'severity=~\"warning|critical\"']\n"
      "    repeat_interval: 30m\n    send_resolved: false\n    queue_size: 8\n    timeout: 2s\n"
      "    retry: {max_attempts: 3, initial_backoff: 100ms, max_backoff: 5s}\n"
      "    tls: {ca_file: /etc/ca.pem, insecure_skip_verify: true}\n");
  ASSERT_TRUE(result.errors.empty()) << texts(result).front();
  const auto& slack = std::get<SlackConfig>(result.config->notifiers[0].settings);
  ASSERT_EQ(slack.common.match.size(), 2u);
  EXPECT_EQ(slack.common.match[1].to_string(), "severity=~\"warning|critical\"");
  EXPECT_EQ(slack.repeat.repeat_interval, std::chrono::minutes(30));
  EXPECT_FALSE(slack.repeat.send_resolved);
  EXPECT_EQ(slack.common.queue_size, 8u);
  EXPECT_EQ(slack.common.timeout, std::chrono::seconds(2));
  EXPECT_EQ(slack.common.retry.max_attempts, 3);
  EXPECT_EQ(slack.common.retry.initial_backoff, std::chrono::milliseconds(100));
  EXPECT_EQ(slack.common.retry.max_backoff, std::chrono::seconds(5));
  EXPECT_EQ(slack.common.tls.ca_file, "/etc/ca.pem");
  EXPECT_TRUE(slack.common.tls.insecure_skip_verify);
}

TEST_F(NotifierConfigTest, ExactErrors) {
  ConfigLoadResult result = parse(
      "notifiers:\n"
      "  - type: pager\n    name: x\n"
      "  - type: pagerduty\n    name: Bad Name\n"
      "  - type: slack\n    name: chat\n    webhook_url_file: /s\n    match: ['severity']\n"
      "    repeat_interval: soon\n"
      "  - type: alertmanager\n    name: am\n    urls: [ftp://x]\n    bearer_token_file: /t\n"
      "    basic_auth: {username: u, password_file: /p}\n    colour: red\n"
      "  - type: webhook\n    name: chat\n    url: http://h:99999/\n");
  EXPECT_EQ(
      texts(result),
      (std::vector<std::string>{
          "cfg.yaml:2:11: notifiers[0].type: must be one of: alertmanager, pagerduty, slack, "
          "webhook (got \"pager\")",
          "cfg.yaml:4:5: notifiers[1].routing_key_file: required key is missing",
          "cfg.yaml:5:11: notifiers[1].name: invalid notifier name \"Bad Name\": must match "
          "[a-z0-9][a-z0-9_.-]* (it becomes a metric label)",
          "cfg.yaml:9:13: notifiers[2].match[0]: invalid matcher \"severity\": expected =, !=, "
          "=~ or !~ after \"severity\"",
          "cfg.yaml:10:22: notifiers[2].repeat_interval: expected a duration such as 30s, 5m or "
          "4h (got \"soon\")",
          "cfg.yaml:13:12: notifiers[3].urls[0]: invalid URL: must start with http:// or https://",
          "cfg.yaml:14:24: notifiers[3].bearer_token_file: cannot be combined with basic_auth",
          "cfg.yaml:16:5: notifiers[3].colour: unknown key; allowed keys: type, name, match, "
          "queue_size, timeout, tls, retry, urls, resend_interval, basic_auth, bearer_token_file",
          "cfg.yaml:18:11: notifiers[4].name: duplicate notifier name \"chat\"; first defined at "
          "line 6",
          "cfg.yaml:19:10: notifiers[4].url: invalid URL: invalid port",
      }));
}

}  // namespace
}  // namespace specwatch
