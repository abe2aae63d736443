// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at destruction.
#pragma once

#include <string>
#include <string_view>

namespace specwatch::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

void write_file(const std::string& path, std::string_view content);
void append_file(const std::string& path, std::string_view content);
std::string read_file(const std::string& path);

}  // namespace specwatch::testing
