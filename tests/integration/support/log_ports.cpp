#include "tests/integration/support/log_ports.h"

#include <regex>

namespace specwatch::testing {

std::uint16_t logged_port(const std::string& log, std::string_view message) {
  const std::string needle = "\"msg\":\"" + std::string(message) + "\"";
  auto pos = log.rfind(needle);
  if (pos == std::string::npos) return 0;
  auto begin = log.rfind('\n', pos);
  begin = begin == std::string::npos ? 0 : begin + 1;
  auto end = log.find('\n', pos);
  if (end == std::string::npos) return 0;  // line not complete yet
  static const std::regex port_field(R"re("port":(\d+))re");
  std::smatch m;
  std::string line = log.substr(begin, end - begin);
  if (!std::regex_search(line, m, port_field)) return 0;
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

std::uint16_t wait_logged_port(SidecarProcess& sidecar, std::string_view message,
                               std::chrono::milliseconds timeout) {
  std::uint16_t port = 0;
  wait_until(
      [&] {
        port = logged_port(sidecar.log(), message);
        return port != 0 || !sidecar.running();
      },
      timeout);
  return port;
}

}  // namespace specwatch::testing
