#include "exporters/common/rotating_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace specwatch {
namespace {

std::string error_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

std::string numbered(const std::string& path, int n) {
  return path + "." + std::to_string(n);
}

// The length of `fd`'s first `size` bytes up to and including their last line break (0 when
// there is none), read backwards in 64 KiB blocks; -1 on a read error.
off_t complete_length(int fd, off_t size) {
  char block[65536];
  off_t end = size;
  while (end > 0) {
    const off_t begin = end > static_cast<off_t>(sizeof block) ? end - sizeof block : 0;
    const ssize_t n = ::pread(fd, block, static_cast<std::size_t>(end - begin), begin);
    if (n != end - begin) return -1;
    for (ssize_t i = n; i > 0; --i) {
      if (block[i - 1] == '\n') return begin + i;
    }
    end = begin;
  }
  return 0;
}

}  // namespace

RotatingFile::RotatingFile(Options options) : options_(std::move(options)) {}

RotatingFile::~RotatingFile() {
  close();
}

std::string RotatingFile::open() {
  if (fd_ >= 0) return "";
  if (to_stdout()) {
    fd_ = STDOUT_FILENO;
    size_ = 0;
    return "";
  }
  // Read access only to find a torn last document (below); documents are only appended.
  const int fd = ::open(options_.path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return error_text("cannot open", options_.path);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    std::string error = error_text("cannot stat", options_.path);
    ::close(fd);
    return error;
  }
  // A process killed in the middle of a write leaves a document without its line break. It was
  // never acknowledged, so it is written again whole; cut the torn part off so that the next
  // document does not continue its line.
  if (S_ISREG(info.st_mode) && info.st_size > 0) {
    const off_t complete = complete_length(fd, info.st_size);
    if (complete < 0) {
      std::string error = error_text("cannot read", options_.path);
      ::close(fd);
      return error;
    }
    if (complete < info.st_size) {
      if (::ftruncate(fd, complete) != 0) {
        std::string error = error_text("cannot truncate a torn last document of", options_.path);
        ::close(fd);
        return error;
      }
      torn_bytes_removed_ += static_cast<std::uint64_t>(info.st_size - complete);
      info.st_size = complete;
    }
  }
  fd_ = fd;
  size_ = static_cast<std::uint64_t>(info.st_size);
  return "";
}

void RotatingFile::close() {
  if (fd_ < 0) return;
  if (!to_stdout()) {
    if (options_.fsync) ::fsync(fd_);
    ::close(fd_);
  }
  fd_ = -1;
}

std::string RotatingFile::sync(int fd, const std::string& what) {
  if (::fsync(fd) == 0) return "";
  // A pipe or terminal as standard output cannot be synced; there is nothing to make durable.
  if (to_stdout() && (errno == EINVAL || errno == EROFS)) return "";
  return error_text("cannot fsync", what);
}

std::string RotatingFile::append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return error_text("cannot write", options_.path);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    size_ += static_cast<std::uint64_t>(n);
  }
  return "";
}

std::string RotatingFile::rotate() {
  if (options_.fsync) {
    if (std::string error = sync(fd_, options_.path); !error.empty()) return error;
  }
  ::close(fd_);
  fd_ = -1;
  // Renaming onto path.<max_files> replaces the oldest kept file: exactly max_files stay.
  for (int i = options_.max_files - 1; i >= 1; --i) {
    if (::rename(numbered(options_.path, i).c_str(), numbered(options_.path, i + 1).c_str()) != 0 &&
        errno != ENOENT) {
      return error_text("cannot rotate", numbered(options_.path, i));
    }
  }
  if (::rename(options_.path.c_str(), numbered(options_.path, 1).c_str()) != 0) {
    return error_text("cannot rotate", options_.path);
  }
  ++rotations_;
  if (std::string error = open(); !error.empty()) return error;
  if (options_.fsync) {
    // The renames and the new file must survive a crash too.
    const std::string dir = std::filesystem::path(options_.path).parent_path().string();
    const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return error_text("cannot open directory", dir);
    std::string error = sync(dir_fd, dir);
    ::close(dir_fd);
    if (!error.empty()) return error;
  }
  return "";
}

std::string RotatingFile::write(std::string_view data, std::span<const std::size_t> ends) {
  if (fd_ < 0) {
    if (std::string error = open(); !error.empty()) return error;
  }
  const bool rotating = !to_stdout() && options_.max_bytes > 0;
  std::size_t begin = 0;  // of the documents not yet written
  std::size_t i = 0;
  while (i < ends.size()) {
    // The longest run of documents that fits in the current file (at least one when it is empty).
    std::size_t end = begin;
    std::size_t j = i;
    while (j < ends.size() && (!rotating || size_ + (ends[j] - begin) <= options_.max_bytes ||
                               (size_ == 0 && j == i))) {
      end = ends[j];
      ++j;
    }
    if (j == i) {
      if (std::string error = rotate(); !error.empty()) return error;
      continue;
    }
    const std::uint64_t before = size_;
    if (std::string error = append(data.substr(begin, end - begin)); !error.empty()) {
      if (!to_stdout() && ::ftruncate(fd_, static_cast<off_t>(before)) == 0) size_ = before;
      return error;
    }
    begin = end;
    i = j;
  }
  if (options_.fsync) return sync(fd_, options_.path);
  return "";
}

}  // namespace specwatch
