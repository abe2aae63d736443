// The status page served at GET /: one self-contained HTML document (inline CSS, no script, no
// external asset) that refreshes itself every `refresh_s` seconds.
#pragma once

#include <string>

#include "sidecar/status/status_model.h"

namespace specwatch {

std::string render_status_page(const StatusSnapshot& snapshot, int refresh_s = 10);

}  // namespace specwatch
