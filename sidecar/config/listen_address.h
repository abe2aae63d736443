// Parses `http.listen`: "host:port", "[ipv6]:port" or ":port" (all interfaces).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace specwatch {

struct ListenAddress {
  std::string host;  // without brackets; "0.0.0.0" for ":port"
  std::uint16_t port = 0;
  bool operator==(const ListenAddress&) const = default;
};

// The address, or the error message (which quotes the text).
std::variant<ListenAddress, std::string> parse_listen_address(std::string_view text);

}  // namespace specwatch
