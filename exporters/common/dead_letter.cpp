#include "exporters/common/dead_letter.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <filesystem>

#include "exporters/common/event_document.h"

namespace specwatch {
namespace {

void json_string(std::string_view text, std::string& out) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  out.append(buffer.GetString(), buffer.GetSize());
}

// The document as one line of JSON: re-serialized when it parses (a trailing line break or a
// pretty-printed document must not break the NDJSON), else as a JSON string.
void json_value_or_string(std::string_view text, std::string& out) {
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  if (document.HasParseError()) {
    json_string(text, out);
    return;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  document.Accept(writer);
  out.append(buffer.GetString(), buffer.GetSize());
}

}  // namespace

void read_dead_letter_config(const YAML::Node& node, const std::string& key, DeadLetterConfig& out,
                             ConfigReader& in) {
  if (!in.expect_map(node, key)) return;
  in.check_unknown_keys(node, key, {"path", "max_bytes", "max_files"});
  if (const YAML::Node path = node["path"]; path.IsDefined()) {
    if (auto value = in.read_path(path, ConfigReader::join(key, "path"))) out.path = *value;
  }
  if (const YAML::Node bytes = node["max_bytes"]; bytes.IsDefined()) {
    if (auto value = in.read_int(bytes, ConfigReader::join(key, "max_bytes"), 4096)) {
      out.max_bytes = static_cast<std::uint64_t>(*value);
    }
  }
  if (const YAML::Node files = node["max_files"]; files.IsDefined()) {
    if (auto value = in.read_int(files, ConfigReader::join(key, "max_files"), 1, 1000)) {
      out.max_files = static_cast<int>(*value);
    }
  }
}

std::string default_dead_letter_path(const std::string& state_dir, const std::string& exporter) {
  return state_dir + "/dead_letter/" + exporter + ".ndjson";
}

DeadLetterFile::DeadLetterFile(std::string exporter, std::string path,
                               const DeadLetterConfig& config, prometheus::Counter& counter)
    : exporter_(std::move(exporter)),
      path_(std::move(path)),
      counter_(counter),
      file_(RotatingFile::Options{path_, config.max_bytes, config.max_files, true}) {}

std::string DeadLetterFile::write(std::string_view event_document, std::string_view reason,
                                  std::string_view remote_answer) {
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::lock_guard lock(mutex_);
  line_.clear();
  line_ += "{\"time\":\"" + rfc3339_nanos(now) + "\",\"exporter\":";
  json_string(exporter_, line_);
  line_ += ",\"reason\":";
  json_string(reason, line_);
  line_ += ",\"remote_answer\":";
  json_string(remote_answer, line_);
  line_ += ",\"event\":";
  json_value_or_string(event_document, line_);
  line_ += "}\n";
  if (!file_.is_open()) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  }
  const std::size_t end = line_.size();
  std::string error = file_.write(line_, std::span<const std::size_t>(&end, 1));
  if (error.empty()) counter_.Increment();
  last_error_ = error;
  return error;
}

DeadLetterCallback DeadLetterFile::callback() {
  return [this](std::string_view event_document, std::string_view reason,
                std::string_view remote_answer) { write(event_document, reason, remote_answer); };
}

std::string DeadLetterFile::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace specwatch
