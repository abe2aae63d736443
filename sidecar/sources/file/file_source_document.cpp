// FileSource: json-document files, read whole when they change; records already seen (by
// document_key or by their bytes) are not sent again.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <string_view>
#include <utility>

#include "sidecar/framing/json_document.h"
#include "sidecar/sources/file/discovery.h"
#include "sidecar/sources/file/file_source.h"
#include "sidecar/sources/file/file_source_internal.h"

namespace specwatch {

// The private helpers of the file source's translation units.
using namespace file_source_internal;

void FileSource::read_document(DocumentFile& doc, bool poll) {
  int fd = ::open(doc.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err != ENOENT) {
      report_once(doc.path, err == EACCES ? "permission_denied" : "read_error",
                  "cannot open " + doc.path + ": " + std::strerror(err));
    }
    return;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return;
  }
  DocumentSignature sig{static_cast<std::uint64_t>(info.st_dev),
                        static_cast<std::uint64_t>(info.st_ino),
                        static_cast<std::uint64_t>(info.st_size), mtime_ns(info)};
  const bool reread = doc.tracker->take_reread_request();
  const bool failed_before = doc.has_failed_signature && doc.failed_signature == sig;
  if ((!reread && doc.has_ok_signature && doc.ok_signature == sig) || (failed_before && !poll)) {
    ::close(fd);
    return;
  }
  if (sig.size > config_.document_max_bytes) {
    ::close(fd);
    if (!failed_before) {
      report(doc.path, "document_too_large",
             doc.path + " is " + std::to_string(sig.size) + " bytes, over document_max_bytes (" +
                 std::to_string(config_.document_max_bytes) + "); not read");
    }
    doc.has_failed_signature = true;
    doc.failed_signature = sig;
    return;
  }
  std::string content(sig.size, '\0');
  std::size_t got = 0;
  while (got < content.size()) {
    ssize_t n = ::pread(fd, content.data() + got, content.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      report_once(doc.path, "read_error", "cannot read " + doc.path + ": " + errno_text());
      ::close(fd);
      return;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  content.resize(got);
  series_.bytes_total.Increment(static_cast<double>(got));
  reported_.erase({doc.path, "read_error"});
  reported_.erase({doc.path, "permission_denied"});

  DocumentSplit split = split_json_document(content, config_.document_key);
  if (!split.ok()) {
    if (!failed_before) {
      report(doc.path, split.error_reason, split.error_message + " in " + doc.path);
    }
    doc.has_failed_signature = true;
    doc.failed_signature = sig;
    return;
  }
  doc.has_failed_signature = false;
  doc.identity.dev = sig.dev;
  doc.identity.ino = sig.ino;
  std::string_view head(content.data(), std::min(content.size(), tail_.fingerprint_bytes));
  doc.identity.fingerprint = {head.size(), fingerprint_hash(head)};

  std::vector<Record> records;
  std::vector<std::string> keys;
  std::set<std::string> this_read;
  // The path and the new elements' text, kept alive by every batch of this read (a deque's
  // elements stay where they are as it grows).
  auto texts = std::make_shared<std::deque<std::string>>();
  const std::string_view origin = texts->emplace_back(doc.path);
  for (auto& r : split.records) {
    if (doc.tracker->known_key(r.key) || !this_read.insert(r.key).second) continue;
    keys.push_back(r.key);
    records.push_back(Record{texts->emplace_back(std::move(r.json)), RecordFormat::kJson, origin});
    records.back().stream_id = doc.identity.fingerprint.hash;
  }
  doc.has_ok_signature = true;
  doc.ok_signature = sig;
  if (doc.learn_only) {
    doc.learn_only = false;
    doc.tracker->mark_seen(keys);
    hub_->dirty.store(true);
    return;
  }
  for (std::size_t i = 0; i < records.size(); i += batch_max_records_) {
    std::size_t end = std::min(records.size(), i + batch_max_records_);
    std::vector<Record> batch(std::make_move_iterator(records.begin() + i),
                              std::make_move_iterator(records.begin() + end));
    std::vector<std::string> batch_keys(keys.begin() + i, keys.begin() + end);
    if (!emit(std::move(batch), texts, doc.tracker, 0, std::move(batch_keys))) return;
  }
}

}  // namespace specwatch
