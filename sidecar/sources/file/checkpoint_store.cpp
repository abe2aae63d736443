#include "sidecar/sources/file/checkpoint_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

namespace specwatch {

namespace {

// The format before the state store: {"version": 1, "source": ..., "files": [...]}.
constexpr int kLegacyVersion = 1;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_u64(Writer& w, const char* key, std::uint64_t value) {
  w.Key(key);
  w.Uint64(value);
}

// An XXH3 tail under keys of its own: a binary from before XXH3 reads an entry without
// tail_length as one whose tail is unknown (it resumes at the offset, and only a copy of the file
// goes unrecognised), where an FNV-1a tail_hash it could not match would make it read the file
// again from its start. An FNV-1a tail loaded from such a checkpoint is written back as it was.
void write_tail(Writer& w, const TailCheck& tail) {
  if (tail.length == 0) return;  // at the start, or unknown
  const bool fnv = tail.algorithm == TailHash::kFnv1a;
  write_u64(w, fnv ? "tail_length" : "tail_xxh3_length", tail.length);
  write_u64(w, fnv ? "tail_hash" : "tail_xxh3_hash", tail.hash);
}

bool read_u64(const rapidjson::Value& v, const char* key, std::uint64_t& out) {
  if (!v.HasMember(key) || !v[key].IsUint64()) return false;
  out = v[key].GetUint64();
  return true;
}

// Optional tail fields (XXH3's, or an older checkpoint's FNV-1a ones); the tail's offset is the
// entry's offset.
bool read_tail(const rapidjson::Value& v, std::uint64_t offset, TailCheck& tail) {
  tail.offset = offset;
  if (v.HasMember("tail_xxh3_length")) {
    tail.algorithm = TailHash::kXxh3;
    return read_u64(v, "tail_xxh3_length", tail.length) &&
           read_u64(v, "tail_xxh3_hash", tail.hash) && tail.length <= offset;
  }
  if (!v.HasMember("tail_length")) return true;
  tail.algorithm = TailHash::kFnv1a;
  return read_u64(v, "tail_length", tail.length) && read_u64(v, "tail_hash", tail.hash) &&
         tail.length <= offset;
}

std::optional<CheckpointData> parse_document(const rapidjson::Value& doc, std::string& error) {
  if (!doc.IsObject() || !doc.HasMember("files") || !doc["files"].IsArray()) {
    error = "not a checkpoint object with a \"files\" array";
    return std::nullopt;
  }
  CheckpointData data;
  for (const auto& f : doc["files"].GetArray()) {
    CheckpointEntry e;
    if (!f.IsObject() || !f.HasMember("path") || !f["path"].IsString() ||
        !read_u64(f, "dev", e.identity.dev) || !read_u64(f, "ino", e.identity.ino) ||
        !read_u64(f, "fingerprint_length", e.identity.fingerprint.length) ||
        !read_u64(f, "fingerprint_hash", e.identity.fingerprint.hash) ||
        !read_u64(f, "offset", e.offset)) {
      error =
          "a \"files\" entry lacks path, dev, ino, fingerprint_length, fingerprint_hash or "
          "offset";
      return std::nullopt;
    }
    if (!read_tail(f, e.offset, e.tail)) {
      error =
          "a \"files\" entry has an invalid tail_xxh3_length, tail_xxh3_hash, tail_length or "
          "tail_hash";
      return std::nullopt;
    }
    e.path.assign(f["path"].GetString(), f["path"].GetStringLength());
    if (f.HasMember("seen_keys")) {
      if (!f["seen_keys"].IsArray()) {
        error = "\"seen_keys\" is not an array";
        return std::nullopt;
      }
      for (const auto& k : f["seen_keys"].GetArray()) {
        if (!k.IsString()) {
          error = "\"seen_keys\" holds a non-string";
          return std::nullopt;
        }
        e.seen_keys.emplace_back(k.GetString(), k.GetStringLength());
      }
    }
    data.files.push_back(std::move(e));
  }
  if (doc.HasMember("retired")) {
    if (!doc["retired"].IsArray()) {
      error = "\"retired\" is not an array";
      return std::nullopt;
    }
    for (const auto& r : doc["retired"].GetArray()) {
      RetiredEntry e;
      std::uint64_t offset = 0;
      if (!r.IsObject() || !r.HasMember("path") || !r["path"].IsString() ||
          !read_u64(r, "fingerprint_length", e.fingerprint.length) ||
          !read_u64(r, "fingerprint_hash", e.fingerprint.hash) || !read_u64(r, "offset", offset) ||
          !read_tail(r, offset, e.tail) || !r.HasMember("retired_unix_ms") ||
          !r["retired_unix_ms"].IsInt64()) {
        error = "a \"retired\" entry is incomplete";
        return std::nullopt;
      }
      e.path.assign(r["path"].GetString(), r["path"].GetStringLength());
      e.retired_unix_ms = r["retired_unix_ms"].GetInt64();
      data.retired.push_back(std::move(e));
    }
  }
  return data;
}

}  // namespace

CheckpointStore::CheckpointStore(const std::string& state_dir, std::string source_name)
    : store_(state_dir + "/checkpoints"),
      source_(std::move(source_name)),
      path_(store_.path_of(source_)) {}

std::string CheckpointStore::serialize(const std::string& source,
                                       const std::vector<CheckpointEntry>& entries,
                                       const std::vector<RetiredEntry>& retired) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  write_string(w, "source", source);
  w.Key("files");
  w.StartArray();
  for (const auto& e : entries) {
    w.StartObject();
    write_string(w, "path", e.path);
    write_u64(w, "dev", e.identity.dev);
    write_u64(w, "ino", e.identity.ino);
    write_u64(w, "fingerprint_length", e.identity.fingerprint.length);
    write_u64(w, "fingerprint_hash", e.identity.fingerprint.hash);
    write_u64(w, "offset", e.offset);
    write_tail(w, e.tail);
    if (!e.seen_keys.empty()) {
      w.Key("seen_keys");
      w.StartArray();
      for (const auto& k : e.seen_keys) {
        w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
      }
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  if (!retired.empty()) {
    w.Key("retired");
    w.StartArray();
    for (const auto& r : retired) {
      w.StartObject();
      write_string(w, "path", r.path);
      write_u64(w, "fingerprint_length", r.fingerprint.length);
      write_u64(w, "fingerprint_hash", r.fingerprint.hash);
      write_u64(w, "offset", r.tail.offset);
      write_tail(w, r.tail);
      w.Key("retired_unix_ms");
      w.Int64(r.retired_unix_ms);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<CheckpointData> CheckpointStore::parse_data(const std::string& text,
                                                          std::string& error) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) {
    error = "invalid JSON at offset " + std::to_string(doc.GetErrorOffset());
    return std::nullopt;
  }
  if (doc.IsObject() && doc.HasMember("schema_version") && doc.HasMember("data")) {
    return parse_document(doc["data"], error);
  }
  if (doc.IsObject() && doc.HasMember("version")) {
    if (!doc["version"].IsInt() || doc["version"].GetInt() != kLegacyVersion) {
      error = "not a version 1 checkpoint object with a \"files\" array";
      return std::nullopt;
    }
  }
  return parse_document(doc, error);
}

std::optional<std::vector<CheckpointEntry>> CheckpointStore::parse(const std::string& text,
                                                                   std::string& error) {
  auto data = parse_data(text, error);
  if (!data) return std::nullopt;
  return std::move(data->files);
}

CheckpointLoad CheckpointStore::load() const {
  CheckpointLoad result;
  StateRead read = store_.read(source_, kSchemaVersion);
  switch (read.status) {
    case StateRead::Status::kMissing:
      return result;
    case StateRead::Status::kError:
      result.error = read.error;
      return result;
    case StateRead::Status::kCorrupt:
      result.corrupt = true;
      result.error = read.error;
      result.corrupt_path = read.corrupt_path;
      return result;
    case StateRead::Status::kLegacy:
    case StateRead::Status::kOk:
      break;
  }
  std::string error;
  auto data = parse_data(read.data, error);
  if (!data) {
    // Valid JSON of the wrong shape: set it aside like any unusable state document.
    result.corrupt = true;
    result.error = path_ + ": " + error;
    result.corrupt_path = path_ + ".corrupt";
    std::rename(path_.c_str(), result.corrupt_path.c_str());
    return result;
  }
  result.found = true;
  result.migrated = read.status == StateRead::Status::kLegacy;
  result.entries = std::move(data->files);
  result.retired = std::move(data->retired);
  return result;
}

std::string CheckpointStore::save(const std::vector<CheckpointEntry>& entries,
                                  const std::vector<RetiredEntry>& retired) const {
  return store_.write(source_, kSchemaVersion, serialize(source_, entries, retired));
}

}  // namespace specwatch
