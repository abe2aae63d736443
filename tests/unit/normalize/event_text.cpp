#include "tests/unit/normalize/event_text.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sidecar/framing/json_parser.h"
#include "sidecar/normalize/profile_set.h"

namespace specwatch::test {
namespace {

std::string num(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", *v);
  return buf;
}
std::string num(double v) {
  return num(std::optional<double>(v));
}
std::string num(const std::optional<std::int64_t>& v) {
  return v ? std::to_string(*v) : "-";
}
std::string num(const std::optional<int>& v) {
  return v ? std::to_string(*v) : "-";
}
std::string flag(const std::optional<bool>& v) {
  return v ? (*v ? "true" : "false") : "-";
}
std::string flag(bool v) {
  return v ? "true" : "false";
}

struct Describer {
  std::ostringstream& o;
  void operator()(const LlmCall& e) {
    o << " provider=" << e.provider << " model=" << e.model << " operation=" << e.operation
      << " outcome=" << OutcomeName(e.outcome) << " error_type=" << e.error_type
      << " duration=" << num(e.duration_seconds) << " input=" << num(e.input_tokens)
      << " input_includes_cache=" << flag(e.input_includes_cache)
      << " output=" << num(e.output_tokens) << " cache_read=" << num(e.cache_read_tokens)
      << " cache_creation=" << num(e.cache_creation_tokens)
      << " reasoning=" << num(e.reasoning_tokens) << " total=" << num(e.total_tokens)
      << " cost=" << num(e.cost_usd) << " count=" << e.count;
  }
  void operator()(const Fallback& e) {
    o << " from=" << e.from_provider << " to=" << e.to_provider << " reason=" << e.reason;
  }
  void operator()(const CacheLookup& e) { o << " cache=" << e.cache << " hit=" << flag(e.hit); }
  void operator()(const PolicyCheck& e) {
    o << " policy=" << e.policy << " allowed=" << flag(e.allowed) << " reason=" << e.reason;
  }
  void operator()(const ComplianceResult& e) {
    o << " standard=" << e.standard << " score=" << num(e.score) << " passing=" << flag(e.passing)
      << " critical=" << num(e.critical) << " high=" << num(e.high) << " medium=" << num(e.medium)
      << " low=" << num(e.low);
  }
  void operator()(const WorkflowRun& e) {
    o << " outcome=" << OutcomeName(e.outcome) << " duration=" << num(e.duration_seconds)
      << " cost=" << num(e.cost_usd);
  }
  void operator()(const WorkflowStep& e) {
    o << " step=" << e.step_name << " step_type=" << e.step_type
      << " outcome=" << OutcomeName(e.outcome) << " duration=" << num(e.duration_seconds)
      << " cost=" << num(e.cost_usd);
  }
  void operator()(const ApiRequest& e) {
    o << " route=" << e.route << " method=" << e.method << " status=" << num(e.status)
      << " duration=" << num(e.duration_seconds);
  }
  void operator()(const LogRecord& e) {
    o << " level=" << SeverityName(e.level) << " error_code=" << e.error_code;
  }
  void operator()(const Command& e) {
    o << " command=" << e.command << " success=" << flag(e.success)
      << " error_code=" << e.error_code;
  }
};

}  // namespace

std::string describe(const CanonicalEvent& e) {
  std::ostringstream o;
  o << EventKindName(e.kind()) << " service=" << e.service << " ts=" << e.timestamp_ns
    << " trace=" << e.trace_id << " span=" << e.span_id << " workflow=" << e.workflow_id;
  std::visit(Describer{o}, e.body);
  return o.str();
}

std::vector<std::string> describe(const std::vector<CanonicalEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(describe(e));
  return out;
}

std::vector<std::string> describe(const EventBuffer& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(describe(e));
  return out;
}

std::vector<std::string> normalize_checked(const CompiledProfile& profile,
                                           const rapidjson::Value& record, EventBuffer& buffer) {
  std::vector<CanonicalEvent> fresh;
  const std::string_view r1 = normalize(profile, record, "svc", fresh);
  buffer.clear();
  const std::string_view r2 = normalize(profile, record, "svc", buffer);
  EXPECT_EQ(r2, r1);
  EXPECT_EQ(describe(buffer), describe(fresh));
  expect_same_on_tape(profile, record, r1, describe(fresh));
  return describe(buffer);
}

void expect_same_on_tape(const CompiledProfile& profile, const rapidjson::Value& record,
                         std::string_view reason, const std::vector<std::string>& events) {
  const std::string text = to_compact_json(record);
  JsonParser parser;
  const ParseResult parsed = parser.parse_view(text);
  ASSERT_TRUE(parsed.ok()) << text;
  // simdjson refuses integers beyond 64 bits (RapidJSON reads them as doubles): only those
  // records stay RapidJSON values.
  if (parser.simd_refusals() == 0) {
    EXPECT_TRUE(parsed.json.on_tape()) << text;
  }
  EventBuffer buffer;
  EXPECT_EQ(normalize(profile, parsed.json, "svc", buffer), reason) << text;
  EXPECT_EQ(describe(buffer), events) << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> read_lines(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<rapidjson::Document> read_json_values(const std::string& path) {
  const std::string text = read_file(path);
  std::vector<rapidjson::Document> out;
  std::size_t pos = 0;
  while (true) {
    pos = text.find_first_not_of(" \t\r\n", pos);
    if (pos == std::string::npos) break;
    rapidjson::StringStream stream(text.c_str() + pos);
    rapidjson::Document doc;
    doc.ParseStream<rapidjson::kParseStopWhenDoneFlag>(stream);
    if (doc.HasParseError()) break;
    pos += stream.Tell();
    out.push_back(std::move(doc));
  }
  return out;
}

}  // namespace specwatch::test
