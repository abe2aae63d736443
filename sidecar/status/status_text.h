// `specwatch status` in a terminal: the snapshot as text, with ANSI colours when `colour`.
#pragma once

#include <string>

#include "sidecar/status/status_model.h"

namespace specwatch {

std::string render_status_text(const StatusSnapshot& snapshot, bool colour);

}  // namespace specwatch
