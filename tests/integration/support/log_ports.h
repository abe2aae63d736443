// Ports the sidecar logs when a listener is bound to port 0: the OTLP receivers log
// {"msg":"OTLP/HTTP receiver listening","host":...,"port":N} and "OTLP/gRPC receiver listening".
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/integration/support/sidecar_process.h"

namespace specwatch::testing {

inline constexpr std::string_view kOtlpHttpListening = "OTLP/HTTP receiver listening";
inline constexpr std::string_view kOtlpGrpcListening = "OTLP/gRPC receiver listening";

// The "port" field of the last complete log line whose "msg" is `message`; 0 when none.
std::uint16_t logged_port(const std::string& log, std::string_view message);

// Waits until the sidecar has logged `message` with a port (0 on timeout or exit).
std::uint16_t wait_logged_port(SidecarProcess& sidecar, std::string_view message,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace specwatch::testing
