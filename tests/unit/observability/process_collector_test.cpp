#include "sidecar/observability/process_collector.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

#include "sidecar/observability/admin_endpoints.h"

namespace specwatch {
namespace {

std::map<std::string, prometheus::MetricFamily> by_name(
    const std::vector<prometheus::MetricFamily>& families) {
  std::map<std::string, prometheus::MetricFamily> result;
  for (const auto& family : families) result[family.name] = family;
  return result;
}

double value_of(const prometheus::MetricFamily& family) {
  const auto& metric = family.metric.at(0);
  return family.type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value;
}

TEST(ProcessCollector, ReportsPlausibleValuesForThisProcess) {
  ProcessCollector collector;
  auto families = by_name(collector.Collect());
  ASSERT_EQ(families.size(), 6u);
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_start_time_seconds",
                           "process_open_fds", "process_max_fds"}) {
    ASSERT_EQ(families.count(name), 1u) << name;
    EXPECT_EQ(families[name].metric.size(), 1u) << name;
    EXPECT_FALSE(families[name].help.empty()) << name;
  }
  EXPECT_EQ(families["process_cpu_seconds_total"].type, prometheus::MetricType::Counter);
  EXPECT_EQ(families["process_open_fds"].type, prometheus::MetricType::Gauge);
  EXPECT_GE(value_of(families["process_cpu_seconds_total"]), 0.0);
  EXPECT_GT(value_of(families["process_resident_memory_bytes"]), 0.0);
  EXPECT_GE(value_of(families["process_virtual_memory_bytes"]),
            value_of(families["process_resident_memory_bytes"]));
  EXPECT_GE(value_of(families["process_open_fds"]), 3.0);
  EXPECT_GE(value_of(families["process_max_fds"]), value_of(families["process_open_fds"]));
  double start = value_of(families["process_start_time_seconds"]);
  double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 24 * 3600);  // this test process started recently
}

TEST(ProcessCollector, OpenFdsFollowsOpenedFiles) {
  ProcessCollector collector;
  auto before = value_of(by_name(collector.Collect())["process_open_fds"]);
  int fd = ::dup(0);
  ASSERT_GE(fd, 0);
  auto during = value_of(by_name(collector.Collect())["process_open_fds"]);
  ::close(fd);
  EXPECT_EQ(during, before + 1);
}

class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/specwatch_proc_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    std::filesystem::create_directory(dir_ + "/fd");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  std::string dir_;
};

TEST_F(FakeProc, ParsesProcfsFilesExactly) {
  long ticks = ::sysconf(_SC_CLK_TCK);
  long page = ::sysconf(_SC_PAGESIZE);
  // comm with a space and a ')' must not shift the fields.
  std::string stat = "4242 (spec watch) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 ";
  stat += std::to_string(3 * ticks) + " " + std::to_string(2 * ticks);  // utime, stime
  stat += " 0 0 20 0 3 0 " + std::to_string(10 * ticks);                // ..., starttime
  stat += " 123456789 999 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
  write("stat", stat);
  write("statm", "1000 250 100 10 0 300 0\n");
  write("limits",
        "Limit                     Soft Limit           Hard Limit           Units     \n"
        "Max cpu time              unlimited            unlimited            seconds   \n"
        "Max open files            4096                 524288               files     \n");
  write("proc_stat", "cpu  1 2 3\nbtime 1700000000\nprocesses 5\n");
  for (const char* fd : {"0", "1", "2", "7"}) write(std::string("fd/") + fd, "");

  ProcessCollector collector(dir_, dir_ + "/proc_stat");
  auto families = by_name(collector.Collect());
  ASSERT_EQ(families.size(), 6u);
  EXPECT_EQ(value_of(families["process_cpu_seconds_total"]), 5.0);
  EXPECT_EQ(value_of(families["process_start_time_seconds"]), 1700000010.0);
  EXPECT_EQ(value_of(families["process_virtual_memory_bytes"]), 1000.0 * page);
  EXPECT_EQ(value_of(families["process_resident_memory_bytes"]), 250.0 * page);
  EXPECT_EQ(value_of(families["process_open_fds"]), 4.0);
  EXPECT_EQ(value_of(families["process_max_fds"]), 4096.0);
}

// The boot time is read from /proc/stat on the first scrape that finds it, then kept: a later
// change to the file is not read (the boot time never changes; the file is large on large nodes).
TEST_F(FakeProc, TheBootTimeIsReadOnceFound) {
  long ticks = ::sysconf(_SC_CLK_TCK);
  std::string stat = "4242 (specwatch) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 3 0 ";
  stat += std::to_string(10 * ticks) + " 123456789 999\n";
  write("stat", stat);
  ProcessCollector collector(dir_, dir_ + "/proc_stat");
  EXPECT_EQ(by_name(collector.Collect()).count("process_start_time_seconds"), 0u);  // no file yet
  write("proc_stat", "cpu  1 2 3\nbtime 1700000000\n");
  EXPECT_EQ(value_of(by_name(collector.Collect())["process_start_time_seconds"]), 1700000010.0);
  write("proc_stat", "cpu  1 2 3\nbtime 1800000000\n");
  EXPECT_EQ(value_of(by_name(collector.Collect())["process_start_time_seconds"]), 1700000010.0);
  std::filesystem::remove(dir_ + "/proc_stat");
  EXPECT_EQ(value_of(by_name(collector.Collect())["process_start_time_seconds"]), 1700000010.0);
}

TEST_F(FakeProc, UnreadableFilesLeaveTheirMetricsOut) {
  write("statm", "1000 250 100 10 0 300 0\n");
  std::filesystem::remove(dir_ + "/fd");
  ProcessCollector collector(dir_, dir_ + "/missing");
  auto families = by_name(collector.Collect());
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families.count("process_virtual_memory_bytes"), 1u);
  EXPECT_EQ(families.count("process_resident_memory_bytes"), 1u);
}

TEST_F(FakeProc, UnlimitedOpenFilesIsInfinite) {
  write("limits", "Max open files            unlimited            unlimited            files\n");
  ProcessCollector collector(dir_, dir_ + "/missing");
  auto families = by_name(collector.Collect());
  ASSERT_EQ(families.count("process_max_fds"), 1u);
  EXPECT_TRUE(std::isinf(value_of(families["process_max_fds"])));
}

TEST(ProcessCollector, RendersWithStandardHelpAndType) {
  auto text = render_metrics(prometheus::Registry(), {std::make_shared<ProcessCollector>()});
  EXPECT_NE(text.find("# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                      "# TYPE process_resident_memory_bytes gauge\n"),
            std::string::npos);
  EXPECT_NE(text.find("# HELP process_cpu_seconds_total Total user and system CPU time spent in "
                      "seconds.\n# TYPE process_cpu_seconds_total counter\n"),
            std::string::npos);
}

}  // namespace
}  // namespace specwatch
