// The generic webhook: the documented payload and its HMAC-SHA256 signature, checked with the
// openssl command line tool rather than the code under test.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "exporters/notifiers_common/alert_identity.h"
#include "exporters/webhook/webhook_factory.h"
#include "tests/support/notifiers/notification_stand_ins.h"
#include "tests/unit/notifiers/notifier_test_support.h"

namespace specwatch {
namespace {

using testing::firing_alert;

// `openssl dgst -sha256 -hmac KEY FILE`, as an independent check of the signature.
std::string openssl_hmac(const std::string& key, const std::string& file) {
  const std::string command = "openssl dgst -sha256 -hmac '" + key + "' -r '" + file + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::array<char, 256> buffer{};
  std::string out;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  pclose(pipe);
  return out.substr(0, out.find(' '));  // "-r": "<hex> *<file>"
}

class WebhookTest : public ::testing::Test {
 protected:
  std::unique_ptr<QueuedNotifier> make(bool signed_payload) {
    WebhookConfig config;
    config.common = testing::fast_common();
    config.url = stand_in_.url();
    if (signed_payload) {
      testing::write_text(dir_.file("secret"), "s3cr3t-hmac-key\n");
      config.secret_file = dir_.file("secret");
    }
    NotifierServices services{registry_, log_.logger, ""};
    services.now = [] { return testing::fixed_time() + std::chrono::seconds(60); };
    auto notifier = make_webhook_notifier("hook", config, services);
    notifier->start();
    return notifier;
  }

  testing::ScratchDir dir_;
  prometheus::Registry registry_;
  testing::LogCapture log_;
  testing::JsonStandIn stand_in_{"/hooks/specwatch"};
};

TEST_F(WebhookTest, SendsTheDocumentedPayloadSignedWithHmacSha256) {
  auto notifier = make(true);
  const AlertNotification alert = firing_alert("HighErrorRate", "critical");
  notifier->notify(std::span<const AlertNotification>(&alert, 1));
  ASSERT_TRUE(stand_in_.wait_accepted(1));
  notifier->stop(5000);
  const auto request = stand_in_.accepted()[0];
  EXPECT_EQ(
      request.body,
      R"({"version":1,"notifier":"hook","sent_at":"2026-01-02T03:05:05.000Z","alerts":[)"
      R"({"status":"firing","fingerprint":")" +
          alert_fingerprint(alert.labels) +
          R"(","labels":{"alertname":"HighErrorRate","instance":"pod-a:9464","job":"specwatch",)"
          R"("service":"specular","severity":"critical"},"annotations":{"runbook_url":)"
          R"("https://runbooks.example/HighErrorRate","summary":"HighErrorRate on pod-a:9464"},)"
          R"("value":0.25,"starts_at":"2026-01-02T03:04:05.000Z","ends_at":)"
          R"("2026-01-02T03:08:05.000Z","generator_url":"http://specwatch:9464/api/v1/alerts",)"
          R"("origin":"rules"}]})");
  testing::write_text(dir_.file("body"), request.body);
  const std::string expected = openssl_hmac("s3cr3t-hmac-key", dir_.file("body"));
  ASSERT_EQ(expected.size(), 64u);
  EXPECT_EQ(request.header("X-Specwatch-Signature"), "sha256=" + expected);
  EXPECT_EQ(log_.all().find("s3cr3t"), std::string::npos);
}

TEST_F(WebhookTest, WithoutASecretThereIsNoSignature) {
  auto notifier = make(false);
  const AlertNotification alert = firing_alert("HighErrorRate", "critical");
  notifier->notify(std::span<const AlertNotification>(&alert, 1));
  ASSERT_TRUE(stand_in_.wait_accepted(1));
  notifier->stop(5000);
  EXPECT_EQ(stand_in_.accepted()[0].header("X-Specwatch-Signature"), "");
}

}  // namespace
}  // namespace specwatch
