#include "otlp_support.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <stdexcept>

namespace specwatch::testing {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;

namespace {

void set_string(common::KeyValue* kv, const std::string& key, const std::string& value) {
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

std::string trace_id(int seed) {
  std::string id(16, '\0');
  for (int i = 0; i < 16; ++i) id[i] = static_cast<char>(seed + i);
  return id;
}

std::string span_id(int seed) {
  std::string id(8, '\0');
  for (int i = 0; i < 8; ++i) id[i] = static_cast<char>(seed * 8 + i + 1);
  return id;
}

}  // namespace

const char* const kGenAiSpanJson = R"({"resourceSpans":[{
  "resource":{"attributes":[
    {"key":"service.name","value":{"stringValue":"specular"}},
    {"key":"service.version","value":{"stringValue":"1.2.0"}}]},
  "scopeSpans":[{
    "scope":{"name":"specular/provider","version":"0.9"},
    "spans":[{
      "traceId":"0102030405060708090A0B0C0D0E0F10",
      "spanId":"a1a2a3a4a5a6a7a8",
      "parentSpanId":"b1b2b3b4b5b6b7b8",
      "name":"chat gpt-4o",
      "kind":3,
      "startTimeUnixNano":"1700000000000000000",
      "endTimeUnixNano":1700000001500000000,
      "attributes":[
        {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
        {"key":"gen_ai.usage.input_tokens","value":{"intValue":"120"}},
        {"key":"gen_ai.request.temperature","value":{"doubleValue":0.5}},
        {"key":"stream","value":{"boolValue":false}},
        {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}}],
      "events":[{"timeUnixNano":"1700000001000000000","name":"exception",
                 "attributes":[{"key":"exception.message","value":{"stringValue":"boom"}}]}],
      "status":{"code":2,"message":"rate limited"},
      "someFutureField":{"x":[1,2]}}]}]}]})";

const char* const kSpanRecord =
    R"({"signal":"span","name":"chat gpt-4o","kind":"client",)"
    R"("trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"a1a2a3a4a5a6a7a8",)"
    R"("parent_span_id":"b1b2b3b4b5b6b7b8","start_time_unix_nano":1700000000000000000,)"
    R"("duration_ns":1500000000,"status":{"code":"error","message":"rate limited"},)"
    R"("attributes":{"gen_ai.request.model":"gpt-4o","gen_ai.usage.input_tokens":120,)"
    R"("gen_ai.request.temperature":0.5,"stream":false,"tags":["a","b"]},)"
    R"("resource":{"service.name":"specular","service.version":"1.2.0"},)"
    R"("scope":{"name":"specular/provider","version":"0.9"},)"
    R"("events":[{"name":"exception","attributes":{"exception.message":"boom"}}]})";

trace_v1::ExportTraceServiceRequest genai_span_request() {
  trace_v1::ExportTraceServiceRequest request;
  auto* resource_spans = request.add_resource_spans();
  set_string(resource_spans->mutable_resource()->add_attributes(), "service.name", "specular");
  set_string(resource_spans->mutable_resource()->add_attributes(), "service.version", "1.2.0");
  auto* scope_spans = resource_spans->add_scope_spans();
  scope_spans->mutable_scope()->set_name("specular/provider");
  scope_spans->mutable_scope()->set_version("0.9");
  trace::Span* span = scope_spans->add_spans();
  span->set_trace_id(bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}));
  span->set_span_id(bytes({0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8}));
  span->set_parent_span_id(bytes({0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8}));
  span->set_name("chat gpt-4o");
  span->set_kind(trace::Span::SPAN_KIND_CLIENT);
  span->set_start_time_unix_nano(1700000000000000000ULL);
  span->set_end_time_unix_nano(1700000001500000000ULL);
  set_string(span->add_attributes(), "gen_ai.request.model", "gpt-4o");
  auto* tokens = span->add_attributes();
  tokens->set_key("gen_ai.usage.input_tokens");
  tokens->mutable_value()->set_int_value(120);
  auto* temperature = span->add_attributes();
  temperature->set_key("gen_ai.request.temperature");
  temperature->mutable_value()->set_double_value(0.5);
  auto* stream = span->add_attributes();
  stream->set_key("stream");
  stream->mutable_value()->set_bool_value(false);
  auto* tags = span->add_attributes();
  tags->set_key("tags");
  tags->mutable_value()->mutable_array_value()->add_values()->set_string_value("a");
  tags->mutable_value()->mutable_array_value()->add_values()->set_string_value("b");
  auto* event = span->add_events();
  event->set_time_unix_nano(1700000001000000000ULL);
  event->set_name("exception");
  set_string(event->add_attributes(), "exception.message", "boom");
  span->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
  span->mutable_status()->set_message("rate limited");
  return request;
}

trace_v1::ExportTraceServiceRequest simple_spans(const std::string& service, int count) {
  trace_v1::ExportTraceServiceRequest request;
  auto* resource_spans = request.add_resource_spans();
  set_string(resource_spans->mutable_resource()->add_attributes(), "service.name", service);
  auto* scope_spans = resource_spans->add_scope_spans();
  for (int i = 0; i < count; ++i) {
    trace::Span* span = scope_spans->add_spans();
    span->set_trace_id(trace_id(i));
    span->set_span_id(span_id(i));
    span->set_name("span-" + std::to_string(i));
    span->set_kind(trace::Span::SPAN_KIND_INTERNAL);
    span->set_start_time_unix_nano(1000);
    span->set_end_time_unix_nano(1000 + 20'000'000);  // 20 ms
  }
  return request;
}

trace_v1::ExportTraceServiceRequest spans_with_one_bad(const std::string& service, int good) {
  trace_v1::ExportTraceServiceRequest request = simple_spans(service, good);
  trace::Span* bad = request.mutable_resource_spans(0)->mutable_scope_spans(0)->add_spans();
  bad->set_trace_id("abc");
  bad->set_span_id(span_id(99));
  bad->set_name("bad");
  return request;
}

std::string gzip(const std::string& data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out(deflateBound(&stream, data.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

bool FakeSink::try_consume_for(RecordBatch& batch, std::chrono::milliseconds) {
  std::lock_guard lock(mutex_);
  if (held_.size() >= capacity_) {
    ++refused_;
    return false;
  }
  RecordBatch stored = std::move(batch);
  if (hold_) held_.push_back(stored.ack);
  stored.ack.release();
  batches_.push_back(std::move(stored));
  changed_.notify_all();
  return true;
}

void expect_slow_batch_last(FakeSink& sink, std::size_t count, std::size_t spans) {
  const std::vector<RecordBatch> batches = sink.taken();
  ASSERT_EQ(batches.size(), count);
  EXPECT_EQ(batches.back().service, "slow");
  EXPECT_EQ(batches.back().records.size(), spans);
}

void FakeSink::set_hold(bool hold) {
  std::lock_guard lock(mutex_);
  hold_ = hold;
}

void FakeSink::set_capacity(std::size_t capacity) {
  std::lock_guard lock(mutex_);
  capacity_ = capacity;
}

void FakeSink::release_all(DeliveryStatus status) {
  std::vector<BatchAck> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
  }
  for (const auto& ack : held) ack.update(status);
  held.clear();  // callbacks run here, outside the lock
}

bool FakeSink::wait_batches(std::size_t count) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return batches_.size() >= count; });
}

std::vector<RecordBatch> FakeSink::taken() {
  std::lock_guard lock(mutex_);
  return batches_;
}

std::size_t FakeSink::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

void CountingMetricsConsumer::consume(const metrics_v1::ExportMetricsServiceRequest& request) {
  std::lock_guard lock(mutex_);
  ++requests_;
  points_ += count_data_points(request);
}

int CountingMetricsConsumer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::int64_t CountingMetricsConsumer::points() const {
  std::lock_guard lock(mutex_);
  return points_;
}

}  // namespace specwatch::testing
