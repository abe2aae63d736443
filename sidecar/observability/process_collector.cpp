#include "sidecar/observability/process_collector.h"

#include <prometheus/metric_type.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

namespace specwatch {

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> split_whitespace(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  std::string word;
  while (in >> word) words.push_back(std::move(word));
  return words;
}

std::optional<double> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return static_cast<double>(value);
}

prometheus::MetricFamily family(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
  prometheus::MetricFamily result;
  result.name = std::move(name);
  result.help = std::move(help);
  result.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  result.metric.push_back(std::move(metric));
  return result;
}

// Seconds since the epoch at which the system booted ("btime" in /proc/stat).
std::optional<double> boot_time(const std::string& proc_stat) {
  auto text = read_file(proc_stat);
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0) return parse_number(std::string_view(line).substr(6));
  }
  return std::nullopt;
}

}  // namespace

ProcessCollector::ProcessCollector(std::string process_dir, std::string proc_stat)
    : process_dir_(std::move(process_dir)),
      proc_stat_(std::move(proc_stat)),
      ticks_per_second_(static_cast<double>(::sysconf(_SC_CLK_TCK))),
      page_size_(static_cast<double>(::sysconf(_SC_PAGESIZE))) {}

std::optional<double> ProcessCollector::cached_boot_time() const {
  std::lock_guard lock(boot_mutex_);
  if (!boot_) boot_ = boot_time(proc_stat_);
  return boot_;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;

  // /proc/<pid>/stat: "pid (comm) state ppid ...". comm may hold spaces and parentheses, so the
  // fields are counted from the last ')'. After it, field 3 (state) is words[0].
  if (auto stat = read_file(process_dir_ + "/stat")) {
    auto close = stat->rfind(')');
    if (close != std::string::npos) {
      auto words = split_whitespace(std::string_view(*stat).substr(close + 1));
      if (words.size() > 19) {
        auto utime = parse_number(words[11]);      // field 14, in clock ticks
        auto stime = parse_number(words[12]);      // field 15
        auto starttime = parse_number(words[19]);  // field 22, ticks after boot
        if (utime && stime) {
          families.push_back(family("process_cpu_seconds_total",
                                    "Total user and system CPU time spent in seconds.",
                                    MetricType::Counter, (*utime + *stime) / ticks_per_second_));
        }
        auto boot = cached_boot_time();
        if (starttime && boot) {
          families.push_back(family("process_start_time_seconds",
                                    "Start time of the process since unix epoch in seconds.",
                                    MetricType::Gauge, *boot + *starttime / ticks_per_second_));
        }
      }
    }
  }

  // /proc/<pid>/statm: "size resident shared text lib data dt", in pages.
  if (auto statm = read_file(process_dir_ + "/statm")) {
    auto words = split_whitespace(*statm);
    if (words.size() >= 2) {
      auto size = parse_number(words[0]);
      auto resident = parse_number(words[1]);
      if (size) {
        families.push_back(family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                  MetricType::Gauge, *size * page_size_));
      }
      if (resident) {
        families.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.",
                                  MetricType::Gauge, *resident * page_size_));
      }
    }
  }

  std::error_code ec;
  std::filesystem::directory_iterator fds(process_dir_ + "/fd", ec);
  if (!ec) {
    double count = 0;
    for (auto it = std::filesystem::begin(fds); it != std::filesystem::end(fds); it.increment(ec)) {
      if (ec) break;
      ++count;
    }
    if (!ec) {
      families.push_back(
          family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, count));
    }
  }

  // /proc/<pid>/limits: "Max open files            1024                 1048576      files".
  if (auto limits = read_file(process_dir_ + "/limits")) {
    std::istringstream in(*limits);
    std::string line;
    constexpr std::string_view kPrefix = "Max open files";
    while (std::getline(in, line)) {
      if (line.rfind(kPrefix, 0) != 0) continue;
      auto words = split_whitespace(std::string_view(line).substr(kPrefix.size()));
      if (words.empty()) break;
      std::optional<double> soft = words[0] == "unlimited" ? std::numeric_limits<double>::infinity()
                                                           : parse_number(words[0]);
      if (soft) {
        families.push_back(family("process_max_fds", "Maximum number of open file descriptors.",
                                  MetricType::Gauge, *soft));
      }
      break;
    }
  }
  return families;
}

}  // namespace specwatch
