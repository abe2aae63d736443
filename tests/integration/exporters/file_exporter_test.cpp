// The real binary exporting a 200,000-line NDJSON file (genai profile, one llm_call per line) to
// the file exporter, killed with SIGKILL while exporting and restarted:
// - every record is in the output at least once (by log.offset, and its event.id);
// - a record is exported twice only inside the in-flight window documented in
//   exporters/file/README.md: records acknowledged after the last checkpoint write, i.e. with an
//   offset above the checkpoint found on disk after the kill and at most the last offset exported
//   before it; and never more than twice;
// - the checkpoint never got ahead of the exporter: every record at or below the checkpoint offset
//   found after the kill is in what was exported before the kill.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"

namespace specwatch::testing {
namespace {

constexpr int kLines = 200000;

std::string genai_line(int seq) {
  char span[17];
  std::snprintf(span, sizeof span, "%016x", seq);
  return "{\"time\":\"2025-01-15T10:30:45.1Z\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
         "\"span_id\":\"" +
         std::string(span) +
         "\",\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-4o\","
         "\"gen_ai.operation.name\":\"chat\",\"gen_ai.usage.input_tokens\":" +
         std::to_string(100 + seq % 50) + ",\"gen_ai.usage.output_tokens\":20}\n";
}

// Every document in the exporter's files (the current one and the rotated ones): offset → ids.
struct Exported {
  std::map<std::uint64_t, std::vector<std::string>> ids_by_offset;
  std::size_t documents = 0;
  std::uint64_t max_offset = 0;
  std::size_t torn = 0;  // last lines without their line break (a write cut by kill -9)
};

Exported read_exported(const std::string& dir) {
  Exported out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("events.ndjson", 0) != 0) continue;
    std::string text = read_file(entry.path().string());
    if (!text.empty() && text.back() != '\n') {
      ++out.torn;
      text.resize(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    }
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      rapidjson::Document doc;
      doc.Parse(line.data(), line.size());
      if (doc.HasParseError() || !doc.IsObject()) {
        ADD_FAILURE() << "not a JSON document: " << line.substr(0, 200);
        continue;
      }
      const std::uint64_t offset = doc["log"]["offset"].GetUint64();
      out.ids_by_offset[offset].push_back(doc["event"]["id"].GetString());
      out.max_offset = std::max(out.max_offset, offset);
      ++out.documents;
    }
  }
  return out;
}

std::uint64_t checkpoint_offset(const std::string& state_dir) {
  const std::string path = state_dir + "/checkpoints/genai.json";
  if (!std::filesystem::exists(path)) return 0;
  rapidjson::Document doc;
  const std::string text = read_file(path);
  doc.Parse(text.data(), text.size());
  // A state-store document: {"schema_version": N, "data": {"files": [...]}}.
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data")) return 0;
  const rapidjson::Value& data = doc["data"];
  if (!data.HasMember("files") || !data["files"].IsArray() || data["files"].Empty()) return 0;
  return data["files"][0]["offset"].GetUint64();
}

TEST(FileExporter, KillDuringExportLosesNothingAndDuplicatesOnlyTheInFlightWindow) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("in"));
  std::filesystem::create_directories(dir.file("out"));
  std::vector<std::uint64_t> end_offsets;
  end_offsets.reserve(kLines);
  {
    std::string text;
    for (int i = 0; i < kLines; ++i) {
      text += genai_line(i);
      end_offsets.push_back(text.size());
    }
    write_file(dir.file("in/calls.ndjson"), text);
  }
  const std::string exporters =
      "exporters:\n  - type: file\n    name: events\n    path: \"" + dir.file("out/events.ndjson") +
      "\"\n    rotate: {max_bytes: 20000000, max_files: 100}\n    fsync: true\n";
  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"),
                         ndjson_source("genai", dir.file("in/*.ndjson"), "    profile: genai\n"),
                         exporters));

  // First run: killed while exporting.
  Exported before_kill;
  std::uint64_t checkpoint_at_kill = 0;
  {
    SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("first.log"));
    ASSERT_NE(sidecar.wait_started(), 0) << sidecar.log();
    ASSERT_TRUE(wait_until(
        [&] {
          // Killed once a first checkpoint is on disk, so that both sides of it are checked.
          return checkpoint_offset(dir.file("state")) > 0;
        },
        std::chrono::seconds(20)))
        << sidecar.log();
    sidecar.send_signal(SIGKILL);
    ProcessResult killed = sidecar.wait_exit();
    ASSERT_EQ(killed.signal, SIGKILL);
    before_kill = read_exported(dir.file("out"));
    checkpoint_at_kill = checkpoint_offset(dir.file("state"));
  }
  ASSERT_LT(before_kill.max_offset, end_offsets.back()) << "killed after the export finished";
  // The checkpoint never got ahead of the exporter.
  std::size_t checkpointed = 0;
  for (std::uint64_t offset : end_offsets) {
    if (offset > checkpoint_at_kill) break;
    ++checkpointed;
    ASSERT_TRUE(before_kill.ids_by_offset.contains(offset))
        << "record ending at " << offset << " is checkpointed (" << checkpoint_at_kill
        << ") but was not exported";
  }
  EXPECT_GT(checkpointed, 0u) << "no checkpoint written before the kill";

  // Second run: resumes from the checkpoint and finishes; a clean stop.
  {
    SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("second.log"));
    ASSERT_NE(sidecar.wait_started(), 0) << sidecar.log();
    ASSERT_TRUE(
        wait_until([&] { return checkpoint_offset(dir.file("state")) == end_offsets.back(); },
                   std::chrono::seconds(25)))
        << "checkpoint " << checkpoint_offset(dir.file("state")) << "\n"
        << sidecar.log();
    sidecar.send_signal(SIGTERM);
    EXPECT_EQ(sidecar.wait_exit().exit_code, 0);
  }

  const Exported all = read_exported(dir.file("out"));
  // A document the kill cut in half is cut off at the restart and written again whole.
  EXPECT_EQ(all.torn, 0u);
  std::size_t duplicated = 0;
  for (std::uint64_t offset : end_offsets) {
    auto found = all.ids_by_offset.find(offset);
    ASSERT_NE(found, all.ids_by_offset.end()) << "record ending at " << offset << " was lost";
    const std::vector<std::string>& ids = found->second;
    ASSERT_LE(ids.size(), 2u) << "record ending at " << offset << " exported " << ids.size()
                              << " times";
    EXPECT_TRUE(std::all_of(ids.begin(), ids.end(), [&](const auto& id) { return id == ids[0]; }))
        << "one record, two event ids at offset " << offset;
    if (ids.size() == 2) {
      ++duplicated;
      // Only the in-flight window: exported before the kill, above the checkpoint on disk.
      EXPECT_GT(offset, checkpoint_at_kill);
      EXPECT_LE(offset, before_kill.max_offset);
    }
  }
  EXPECT_EQ(all.documents, static_cast<std::size_t>(kLines) + duplicated);
  // The window is exactly what was exported past the checkpoint before the kill.
  std::size_t exported_past_checkpoint = 0;
  for (const auto& [offset, ids] : before_kill.ids_by_offset) {
    if (offset > checkpoint_at_kill) ++exported_past_checkpoint;
  }
  EXPECT_EQ(duplicated, exported_past_checkpoint);
  std::printf(
      "checkpoint at kill: %llu bytes (%zu records); exported before the kill: %zu; "
      "duplicated after restart: %zu\n",
      static_cast<unsigned long long>(checkpoint_at_kill), checkpointed, before_kill.documents,
      duplicated);
}

}  // namespace
}  // namespace specwatch::testing
