#include "sidecar/sources/file/discovery.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "sidecar/core/glob.h"

namespace specwatch {

namespace {

// How many directory levels below the prefix a pattern can reach; -1 = unlimited ("**").
int pattern_depth(const std::string& pattern, const std::string& prefix) {
  std::string rest = pattern.substr(std::min(prefix.size(), pattern.size()));
  if (rest.find("**") != std::string::npos) return -1;
  // "/*.json" below the prefix is one level: the prefix's own entries (depth 0 = no recursion).
  return static_cast<int>(std::count(rest.begin(), rest.end(), '/')) - 1;
}

bool excluded(const std::string& path, const std::vector<std::string>& exclude) {
  for (const auto& pattern : exclude) {
    if (glob_match(pattern, path)) return true;
  }
  return false;
}

std::string join(const std::string& dir, const char* name) {
  if (dir == "/") return "/" + std::string(name);
  return dir + "/" + name;
}

class Walker {
 public:
  Walker(const std::vector<std::string>& include, const std::vector<std::string>& exclude,
         bool follow_symlinks, DiscoveryResult& result)
      : include_(include), exclude_(exclude), follow_symlinks_(follow_symlinks), result_(result) {}

  void consider(const std::string& path) {
    if (seen_.count(path) != 0) return;
    bool matches = false;
    for (const auto& pattern : include_) {
      if (glob_match(pattern, path)) {
        matches = true;
        break;
      }
    }
    if (!matches || excluded(path, exclude_)) return;
    seen_.insert(path);
    struct stat info {};
    if (::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode) && !follow_symlinks_) {
      result_.problems.push_back(
          {path, "symlink_not_followed",
           path + " matches the source's include patterns but is a symlink; not read "
                  "(tail.follow_symlinks is false)"});
      return;
    }
    if (::stat(path.c_str(), &info) != 0) {
      if (errno == ELOOP) {
        result_.problems.push_back(
            {path, "symlink_loop",
             path + " is a symlink that loops (" + std::strerror(errno) + "); not read"});
      } else if (errno == EACCES) {
        result_.problems.push_back(
            {path, "permission_denied", "cannot stat " + path + ": " + std::strerror(errno)});
      }
      return;  // vanished between readdir and stat: the next scan decides
    }
    if (S_ISREG(info.st_mode)) {
      result_.files.push_back({path, info});
    } else {
      result_.problems.push_back(
          {path, "not_a_regular_file",
           path + " matches the source's include patterns but is " +
               (S_ISDIR(info.st_mode) ? "a directory" : "not a regular file")});
    }
  }

  void walk(const std::string& dir, int depth_left) {
    DIR* handle = ::opendir(dir.c_str());
    if (handle == nullptr) {
      if (errno == EACCES && reported_dirs_.insert(dir).second) {
        result_.problems.push_back({dir, "permission_denied",
                                    "cannot list directory " + dir + ": " + std::strerror(errno)});
      }
      return;
    }
    result_.directories.insert(dir);
    std::vector<std::string> subdirs;
    while (struct dirent* entry = ::readdir(handle)) {
      if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
      std::string path = join(dir, entry->d_name);
      consider(path);
      if (depth_left != 0) {
        bool is_dir = entry->d_type == DT_DIR;
        if (entry->d_type == DT_UNKNOWN) {
          struct stat info {};
          is_dir = ::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
        }
        if (is_dir) subdirs.push_back(path);
      }
    }
    ::closedir(handle);
    for (const auto& sub : subdirs) {
      if (result_.directories.count(sub) == 0) walk(sub, depth_left < 0 ? -1 : depth_left - 1);
    }
  }

 private:
  const std::vector<std::string>& include_;
  const std::vector<std::string>& exclude_;
  const bool follow_symlinks_;
  DiscoveryResult& result_;
  std::set<std::string> seen_;
  std::set<std::string> reported_dirs_;
};

}  // namespace

DiscoveryResult discover_files(const std::vector<std::string>& include,
                               const std::vector<std::string>& exclude, bool follow_symlinks) {
  DiscoveryResult result;
  Walker walker(include, exclude, follow_symlinks, result);
  // Walk each prefix once with the deepest reach any pattern needs.
  std::map<std::string, int> prefixes;
  for (const auto& pattern : include) {
    if (!has_wildcard(pattern)) {
      walker.consider(pattern);
      std::string dir = fixed_prefix_dir(pattern);
      struct stat info {};
      if (::stat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) result.directories.insert(dir);
      continue;
    }
    std::string prefix = fixed_prefix_dir(pattern);
    int depth = pattern_depth(pattern, prefix);
    auto [it, inserted] = prefixes.emplace(prefix, depth);
    if (!inserted && it->second >= 0 && (depth < 0 || depth > it->second)) it->second = depth;
  }
  for (const auto& [prefix, depth] : prefixes) walker.walk(prefix, depth);
  std::sort(result.files.begin(), result.files.end(),
            [](const DiscoveredFile& a, const DiscoveredFile& b) { return a.path < b.path; });
  return result;
}

}  // namespace specwatch
