// Parses `http.listen`: "host:port", "[ipv6]:port" or ":port" (all interfaces).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sidecar/config/config_reader.h"

namespace specwatch {

struct ListenAddress {
  std::string host;  // without brackets; "0.0.0.0" for ":port"
  std::uint16_t port = 0;
  bool operator==(const ListenAddress&) const = default;
};

// The address, or the error message (which quotes the text).
std::variant<ListenAddress, std::string> parse_listen_address(std::string_view text);

// A `listen:` value as written and the address it names; nullopt (reported at the node) when it
// is not a string or not an address.
struct ListenSetting {
  std::string text;
  ListenAddress address;
};
std::optional<ListenSetting> read_listen_address(const YAML::Node& node, const std::string& key,
                                                 ConfigReader& in);

}  // namespace specwatch
