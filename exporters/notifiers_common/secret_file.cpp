#include "exporters/notifiers_common/secret_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace specwatch {

std::optional<std::string> read_secret_file(const std::string& path, const std::string& what,
                                            std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + what + " file " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.pop_back();
  }
  if (text.empty()) {
    error = what + " file " + path + " is empty";
    return std::nullopt;
  }
  return text;
}

}  // namespace specwatch
