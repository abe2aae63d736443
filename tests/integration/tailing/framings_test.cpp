// Specular's pretty-printed trace files (json-stream) and SpecWeaver's rewritten metrics.json
// (json-document) through the real binary.
#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"

namespace specwatch::testing {
namespace {

std::string pretty_event(int i) {
  return "{\n  \"id\": \"20250115103045." + std::to_string(100000 + i) +
         "\",\n  \"type\": \"step_complete\",\n  \"timestamp\": "
         "\"2025-01-15T10:30:45.123456789-08:00\",\n  \"workflow_id\": \"auto-1736965845\",\n"
         "  \"message\": \"step {done} with \\\"quotes\\\"\",\n  \"level\": \"info\",\n"
         "  \"data\": {\n    \"step_name\": \"build\",\n    \"cost\": 0.0123\n  },\n"
         "  \"duration\": 1500000000\n}\n";
}

TEST(Framings, JsonStreamWrittenInPiecesIsFramedExactly) {
  TempDir dir;
  std::string path = dir.file("trace_auto-1736965845.json");
  write_file(path,
             "{\n  \"started_at\": \"2025-01-15T10:30:45Z\",\n  \"version\": \"specular/v1\",\n"
             "  \"workflow_id\": \"auto-1736965845\"\n}\n");
  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"), "  - name: trace\n    include: [\"" +
                                                dir.file("trace_*.json") +
                                                "\"]\n    framing: json-stream\n"));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  auto events = [&] {
    return value_of(scrape(port), "specwatch_source_events_total{source=\"trace\"}").value_or(-1);
  };
  ASSERT_TRUE(wait_until([&] { return events() == 1; })) << sidecar.log();
  // Each event arrives in three writes split inside strings and between braces.
  for (int i = 0; i < 20; ++i) {
    std::string e = pretty_event(i);
    append_file(path, e.substr(0, 40));
    append_file(path, e.substr(40, 60));
    append_file(path, e.substr(100));
  }
  ASSERT_TRUE(wait_until([&] { return events() == 21; })) << sidecar.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(events(), 21);
}

TEST(Framings, JsonDocumentRewrittenInPlaceEmitsOnlyNewEntries) {
  TempDir dir;
  std::string path = dir.file("metrics.json");
  auto entry = [](int i) {
    return "{\"run_id\": \"run-" + std::to_string(i) +
           "\", \"status\": \"completed\", \"created_at\": \"2025-08-12T02:38:47\", "
           "\"completed_at\": \"2025-08-12T02:39:47\"}";
  };
  write_file(path, "[" + entry(1) + ", " + entry(2) + "]");
  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"), "  - name: runs\n    include: [\"" + path +
                                                "\"]\n    framing: json-document\n"
                                                "    document_key: run_id\n"));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  auto events = [&] {
    return value_of(scrape(port), "specwatch_source_events_total{source=\"runs\"}").value_or(-1);
  };
  ASSERT_TRUE(wait_until([&] { return events() == 2; })) << sidecar.log();
  write_file(path, "[" + entry(1) + ", " + entry(2) + ", " + entry(3) + "]");
  ASSERT_TRUE(wait_until([&] { return events() == 3; })) << sidecar.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(events(), 3);
}

}  // namespace
}  // namespace specwatch::testing
