// The durable file tailing source: joins discovery, file identity, the checkpoint store, the
// watcher, per-file readers and offset trackers, and implements Source. One thread per source
// waits in the watcher (inotify + wake-up eventfd, timeout = the stat poll interval), reads what
// changed, frames it, and hands batches to the BatchConsumer; acknowledgements advance the
// per-file checkpoint offsets, persisted every checkpoint_interval_ms and at stop.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sidecar/core/error_reporter.h"
#include "sidecar/core/logger.h"
#include "sidecar/core/source.h"
#include "sidecar/sources/file/checkpoint_store.h"
#include "sidecar/sources/file/content_index.h"
#include "sidecar/sources/file/file_reader.h"
#include "sidecar/sources/file/file_source_config.h"
#include "sidecar/sources/file/file_source_metrics.h"
#include "sidecar/sources/file/watcher.h"

namespace specwatch {

class FileSource : public Source {
 public:
  FileSource(const FileSourceConfig& config, const TailConfig& tail, std::size_t batch_max_records,
             const std::string& state_dir, BatchConsumer& consumer, Logger& logger,
             ErrorReporter& errors, FileSourceMetrics& metrics);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  const std::string& name() const override { return config_.name; }
  void start() override;
  void stop(int drain_timeout_ms) override;
  bool ready() const override { return ready_.load(); }
  std::string not_ready_reason() const override;

  // Test hook: behave as if the kernel reported IN_Q_OVERFLOW.
  void inject_inotify_overflow_for_test();
  // Blocks of large reads allocated so far, and those kept for the next read (read_block_pool.h).
  std::size_t read_block_allocations_for_test() const { return read_blocks_->allocations(); }
  std::size_t kept_read_blocks_for_test() const { return read_blocks_->free_blocks(); }

  // Full scans completed so far (tests wait on it instead of sleeping).
  std::uint64_t scans_completed() const { return scans_completed_.load(); }

  // True after a cycle that left nothing to read: the initial scan is complete and every file was
  // read to its end (a last record without its newline stays unread, as always when tailing).
  // For readers of finished files (sidecar/app/file_replay.h) and tests.
  bool caught_up() const { return caught_up_.load(); }

  // Descriptors of tailed files open now (tests check the max_open_files bound).
  std::size_t open_files() const { return open_files_.load(); }

  // Where this source's checkpoint lives.
  const std::string& checkpoint_path() const { return store_.path(); }

 private:
  struct AckHub;
  using InodeKey = std::pair<std::uint64_t, std::uint64_t>;
  struct StreamFile {
    std::unique_ptr<FileReader> reader;
    bool present = true;
    std::chrono::steady_clock::time_point gone_since{};
    std::uint64_t size = 0;            // size on disk at the last look
    std::uint64_t emitted_offset = 0;  // end offset of the last batch registered
    std::string head;                  // the fingerprinted bytes, to spot copies in progress
    TailCheck emitted_tail;            // the bytes before emitted_offset (for copies of it)
    ContentIndex::Id content = 0;      // its entry in known_ (0 while its identity is pending)
    std::chrono::steady_clock::time_point last_change{};  // last read that found data
    bool closed_gone = false;  // closed to save descriptors, then found gone: nothing more to read
    // A new file shorter than the fingerprint whose bytes so far begin some known file: it may
    // be a copy still being written. Nothing is read until that is decided.
    bool identity_pending = false;
    std::chrono::steady_clock::time_point pending_since{};
    // Adopted an offset beyond the file's current end (a copy still being written): wait for
    // the file to reach it rather than taking it for a truncation.
    bool awaiting_offset = false;
  };
  struct DocumentSignature {
    std::uint64_t dev = 0, ino = 0, size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const DocumentSignature&) const = default;
  };
  struct DocumentFile {
    std::string path;
    FileIdentity identity;
    std::shared_ptr<OffsetTracker> tracker;
    bool present = true;
    std::chrono::steady_clock::time_point gone_since{};
    bool has_ok_signature = false;
    DocumentSignature ok_signature;  // last content emitted from
    bool learn_only = false;         // start_at=end: the first good read only learns the keys
    bool has_failed_signature = false;
    DocumentSignature failed_signature;  // last content reported as bad
  };
  // Content we no longer track (truncated, deleted, renamed away) that a new file may turn out
  // to be a copy of; its content (with the read position) is in known_.
  struct Retired {
    std::string path;
    TailCheck committed;  // what the checkpoint keeps: the acknowledged position
    std::int64_t retired_unix_ms = 0;
    std::chrono::steady_clock::time_point until{};
  };
  enum class CandidateKind { kCheckpoint, kStream, kRetired };

  void run();
  // Returns true if some file has more to read right away.
  bool cycle(bool full, bool first);
  void scan(bool first);
  // Opens a newly found file and decides where reading starts (its own fstat decides, not
  // discovery's stat, which may be stale).
  void track_new_stream(const std::string& path, bool first);
  std::uint64_t initial_offset(int fd, const struct stat& info, bool first, const InodeKey& self,
                               const std::string& head, TailCheck& tail, std::string& how);
  // True if `head` (shorter than the fingerprint) is the beginning of a longer known file.
  bool could_be_partial_copy(const std::string& head) const;
  // True while a new file may still become a copy of known content: it starts like it but is
  // shorter than where that content was read to.
  bool may_become_copy(const std::string& head, std::uint64_t size);
  // Finds known content that the file behind `fd` is a copy of; sets `offset`, `tail`, `how`.
  bool find_copy(int fd, std::uint64_t size, const std::string& head, const InodeKey& self,
                 std::uint64_t& offset, TailCheck& tail, std::string& how);
  CandidateKind kind_of(ContentIndex::Id id) const;
  void retire(const std::string& path, const ContentIndex::Content& content,
              const TailCheck& committed, std::int64_t retired_unix_ms);
  void forget_retired(ContentIndex::Id id);
  void index_stream(const InodeKey& key, StreamFile& file);
  // Opens a closed file again if the budget allows (closing an idle one if needed).
  bool ensure_open(const InodeKey& key, StreamFile& file);
  bool make_room(const InodeKey* keep);
  int open_counted(const std::string& path);
  void close_stream(StreamFile& file);
  void erase_stream(std::map<InodeKey, StreamFile>::iterator it);
  void note_descriptor_limit(const std::string& message);
  // Re-reads the file's first bytes; updates head and fingerprint.
  void refresh_head(StreamFile& file);
  // Decides where a pending file starts; returns false while it stays pending.
  bool resolve_pending(const InodeKey& key, StreamFile& file, std::uint64_t size);
  bool read_streams();

  // Returns true if the file has more to read.
  bool read_stream(const InodeKey& key, StreamFile& file, std::size_t max_chunks);
  // `storage` holds the file's path and the bytes the records view.
  bool emit_stream(StreamFile& file, const std::shared_ptr<const ReadStorage>& storage,
                   std::vector<FramedRecord>& records);
  void read_document(DocumentFile& doc, bool poll);
  // `storage` keeps alive the text the records view.
  bool emit(std::vector<Record> records, std::shared_ptr<const void> storage,
            const std::shared_ptr<OffsetTracker>& tracker, std::uint64_t end_offset,
            std::vector<std::string> keys, TailCheck tail = {});
  void forget_expired();
  void update_gauges();
  void maybe_checkpoint(bool force);
  std::vector<CheckpointEntry> checkpoint_entries() const;
  std::vector<RetiredEntry> retired_entries() const;
  void claim_checkpoint(ContentIndex::Id id);
  void report(const std::string& path, std::string_view reason, const std::string& message);
  void report_once(const std::string& path, const std::string& reason, const std::string& message);

  const FileSourceConfig config_;
  const TailConfig tail_;
  const std::size_t batch_max_records_;
  BatchConsumer& consumer_;
  Logger& logger_;
  ErrorReporter& errors_;
  FileSourceMetrics::Series series_;
  prometheus::Counter& checkpoint_writes_;
  CheckpointStore store_;
  // The blocks large reads go into (read_block_pool.h), shared with the batches that hold them.
  std::shared_ptr<ReadBlockPool> read_blocks_;

  std::shared_ptr<Watcher> watcher_;
  std::shared_ptr<AckHub> hub_;
  std::thread thread_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> ready_{false};
  std::atomic<bool> inject_overflow_{false};
  std::atomic<std::uint64_t> scans_completed_{0};
  std::atomic<bool> caught_up_{false};

  // Owned by the source thread (and by stop() once the thread is joined).
  std::map<InodeKey, StreamFile> streams_;
  std::map<std::string, DocumentFile> documents_;
  ContentIndex known_;
  std::map<ContentIndex::Id, Retired> retired_;
  // Checkpoint entries not claimed yet (their file not opened yet): kept, and written back, until
  // their file is opened or has been missing for rotate_wait_ms.
  std::map<ContentIndex::Id, CheckpointEntry> checkpoint_;
  std::map<InodeKey, ContentIndex::Id> checkpoint_by_inode_;
  std::map<ContentIndex::Id, InodeKey> stream_by_content_;
  std::map<std::string, ContentIndex::Id> checkpoint_by_path_;
  std::size_t open_count_ = 0;
  std::atomic<std::size_t> open_files_{0};
  bool scan_incomplete_ = false;  // new files left for the next cycle (bounded work per cycle)
  bool limit_reported_ = false;   // too_many_open_files reported while the condition lasts
  bool limit_hit_this_cycle_ = false;
  bool initial_scan_done_ = false;  // every file present at start has been taken on
  bool checkpoint_found_ = false;
  std::set<std::pair<std::string, std::string>> reported_;  // (path, reason) currently failing
  std::chrono::steady_clock::time_point last_checkpoint_{};
  std::chrono::steady_clock::time_point last_write_error_log_{};  // zero while writes succeed
  std::size_t failed_writes_unlogged_ = 0;
};

}  // namespace specwatch
