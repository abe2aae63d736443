#include "sidecar/core/logger.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "sidecar/core/ascii.h"
#include "sidecar/core/utf8.h"

namespace specwatch {
namespace {

void write_stderr(std::string_view line) {
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // nothing sensible to do if stderr is gone
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void append_timestamp(std::string& out) {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - secs).count();
  std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros));
  out += buf;
}

void append_value(std::string& out, const LogField::Value& value) {
  if (auto s = std::get_if<std::string_view>(&value)) {
    out += '"';
    append_json_escaped(out, *s);
    out += '"';
  } else if (auto i = std::get_if<std::int64_t>(&value)) {
    out += std::to_string(*i);
  } else if (auto u = std::get_if<std::uint64_t>(&value)) {
    out += std::to_string(*u);
  } else if (auto d = std::get_if<double>(&value)) {
    if (!std::isfinite(*d)) {
      out += "null";
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", *d);
      out += buf;
    }
  } else if (auto b = std::get_if<bool>(&value)) {
    out += *b ? "true" : "false";
  }
}

}  // namespace

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  const std::string lower = ascii_lowercase(text);
  if (lower == "debug") return LogLevel::kDebug;
  if (lower == "info") return LogLevel::kInfo;
  if (lower == "warn" || lower == "warning") return LogLevel::kWarn;
  if (lower == "error") return LogLevel::kError;
  return std::nullopt;
}

Logger::Logger(LogLevel level) : Logger(level, write_stderr) {}

Logger::Logger(LogLevel level, Writer writer) : level_(level), writer_(std::move(writer)) {}

void Logger::log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (!enabled(level)) return;
  std::string line;
  line.reserve(128 + msg.size());
  line += "{\"time\":\"";
  append_timestamp(line);
  line += "\",\"level\":\"";
  line += to_string(level);
  line += "\",\"msg\":\"";
  append_json_escaped(line, msg);
  line += '"';
  if (fields.size() > 0) {
    line += ",\"fields\":{";
    bool first = true;
    for (const auto& field : fields) {
      if (!first) line += ',';
      first = false;
      line += '"';
      append_json_escaped(line, field.key);
      line += "\":";
      append_value(line, field.value);
    }
    line += '}';
  }
  line += "}\n";
  std::lock_guard lock(write_mutex_);
  writer_(line);
}

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t len = utf8_sequence_length(text.substr(i));
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.data() + i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
}

}  // namespace specwatch
