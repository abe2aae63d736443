// The status page as a real browser renders it: headless Chromium (Debian `chromium`) loads a URL
// and prints the DOM it built.
#pragma once

#include <cstdio>
#include <string>

namespace specwatch::testing {

// The command's standard output (its stderr goes to the test's log).
inline std::string command_output(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

inline bool chromium_installed() {
  return !command_output("command -v chromium").empty();
}

// The rendered DOM of `url`; `profile_dir` is a fresh directory for the browser's profile.
inline std::string chromium_dom(const std::string& url, const std::string& profile_dir) {
  return command_output(
      "chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir=" +
      profile_dir + " --dump-dom " + url + " 2>/dev/null");
}

}  // namespace specwatch::testing
