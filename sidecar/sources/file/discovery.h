// Discovery: which paths does a source read? Expands the include globs by walking each pattern's
// fixed prefix directory, drops paths matching an exclude glob, and sorts what it finds into
// regular files (to read) and everything else that matched (to report). It also lists the
// directories it walked, which are the directories worth watching.
#pragma once

#include <sys/stat.h>

#include <set>
#include <string>
#include <vector>

namespace specwatch {

struct DiscoveredFile {
  std::string path;
  struct stat info {};
};

struct DiscoveryProblem {
  std::string path;
  // "not_a_regular_file", "permission_denied", "symlink_not_followed" (a matching symlink while
  // tail.follow_symlinks is false) or "symlink_loop" (a symlink that resolves to itself)
  std::string reason;
  std::string message;
};

struct DiscoveryResult {
  std::vector<DiscoveredFile> files;       // regular files, sorted by path
  std::vector<DiscoveryProblem> problems;  // matched paths that cannot be read as files
  std::set<std::string> directories;       // directories walked (existing ones only)
};

// A matching path that is a symlink is read (as the file it points to, wherever that is) only
// when `follow_symlinks` is true; otherwise it is reported, so that a link planted in a log
// directory cannot make the source read, say, /etc/passwd.
DiscoveryResult discover_files(const std::vector<std::string>& include,
                               const std::vector<std::string>& exclude,
                               bool follow_symlinks = false);

}  // namespace specwatch
