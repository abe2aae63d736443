#include "sidecar/config/listen_address.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

ListenAddress ok(std::string_view text) {
  auto parsed = parse_listen_address(text);
  EXPECT_TRUE(std::holds_alternative<ListenAddress>(parsed)) << text;
  if (auto* address = std::get_if<ListenAddress>(&parsed)) return *address;
  return {};
}

std::string error(std::string_view text) {
  auto parsed = parse_listen_address(text);
  EXPECT_TRUE(std::holds_alternative<std::string>(parsed)) << text;
  if (auto* message = std::get_if<std::string>(&parsed)) return *message;
  return {};
}

TEST(ParseListenAddress, AcceptsTheDocumentedForms) {
  EXPECT_EQ(ok("0.0.0.0:9464"), (ListenAddress{"0.0.0.0", 9464}));
  EXPECT_EQ(ok("127.0.0.1:0"), (ListenAddress{"127.0.0.1", 0}));
  EXPECT_EQ(ok("[::1]:9464"), (ListenAddress{"::1", 9464}));
  EXPECT_EQ(ok(":9464"), (ListenAddress{"0.0.0.0", 9464}));
  EXPECT_EQ(ok("localhost:65535"), (ListenAddress{"localhost", 65535}));
}

TEST(ParseListenAddress, RejectsOtherText) {
  const std::string hint =
      "expected host:port (such as \"0.0.0.0:9464\", \"[::1]:9464\" or \":9464\"), got ";
  EXPECT_EQ(error("9464"), hint + "\"9464\"");
  EXPECT_EQ(error("localhost"), hint + "\"localhost\"");
  EXPECT_EQ(error("host:"), hint + "\"host:\"");
  EXPECT_EQ(error("host:12ab"), hint + "\"host:12ab\"");
  EXPECT_EQ(error("::1:9464"), hint + "\"::1:9464\"");
  EXPECT_EQ(error("[::1]9464"), hint + "\"[::1]9464\"");
  EXPECT_EQ(error("[localhost]:1"), hint + "\"[localhost]:1\"");
  EXPECT_EQ(error("host:-1"), hint + "\"host:-1\"");
}

TEST(ParseListenAddress, RejectsPortsAbove65535) {
  EXPECT_EQ(error("0.0.0.0:65536"), "port must be between 0 and 65535, got \"0.0.0.0:65536\"");
  EXPECT_EQ(error(":99999999999999999999"),
            "port must be between 0 and 65535, got \":99999999999999999999\"");
}

}  // namespace
}  // namespace specwatch
