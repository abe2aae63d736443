#include "sidecar/otlp/otlp_records.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <utility>

#include "sidecar/otlp/otlp_values.h"

namespace specwatch {
namespace {

namespace trace = opentelemetry::proto::trace::v1;
using namespace wire;  // the wire reader and the value readers (otlp_values.h)

// The values of a 512-span export take about 0.5 MiB: a few large blocks, not many small ones.
constexpr std::size_t kValueChunkBytes = 256 * 1024;
// Every record carries its resource's attributes, so a request with a large resource and many
// small items would expand quadratically: a few MiB received could take gigabytes. The values
// are bounded instead: 32 times the bytes received plus 1 MiB (a minimal span of ~40 bytes
// takes ~700; a 512-span GenAI export 3.5 times its size), and never more than 256 MiB. Beyond
// it the request is refused whole, with a message that says why.
constexpr std::size_t kMaxExpansion = 32;
constexpr std::size_t kExpansionAllowance = 1024 * 1024;
constexpr std::size_t kMaxValueBytes = 256 * 1024 * 1024;

// A Conversion's storage. Destroyed in reverse order: the values, their memory, then the bytes
// their strings refer to.
struct DecodedRecords {
  DecodedRecords(std::string request, std::string_view record_origin)
      : bytes(std::move(request)), origin(record_origin) {}
  std::string bytes;
  std::string origin;  // what every record's `origin` views
  rapidjson::MemoryPoolAllocator<> allocator{kValueChunkBytes};
  rapidjson::Document document{&allocator};
};

// What every item of one ResourceSpans / ResourceLogs shares. Resource: attributes = 1.
//
// Its object is walked from the protobuf bytes once, into `object`, and each record's copy is
// made from that value: three resource attributes walked again for every span took about 930
// instructions of it, a copy through Accept about 370, and a flat object of strings (most
// resources: service.name, service.version, deployment.environment, host.name, ...) copied member
// by member about 150.
struct ResourceContext {
  std::vector<std::string_view> resources;  // the `resource` fields (merged)
  std::string service;
  // The resource object, in the document's memory (its members are); built by the first emit().
  rapidjson::Value object;
  bool built = false;
  bool flat_strings = false;  // every member of `object` is a string

  bool read(std::string_view resource_message, int message_depth) {
    std::vector<std::string_view> found;
    const bool ok = for_each_field(resource_message, 1, Type::kLengthDelimited,
                                   [&](const Field& f) {
                                     found.push_back(f.bytes);
                                     return validate(f.bytes, {}, {1}, message_depth + 1);
                                   }) &&
                    validate(resource_message, {3}, {}, message_depth);  // schema_url
    if (!ok) return false;
    resources = std::move(found);
    built = false;
    service.clear();
    for (std::string_view r : resources) {
      if (!find_service(r, message_depth + 1, service)) return false;
    }
    if (service.empty()) service = kUnknownService;
    return true;
  }

  void emit(Handler* h, int message_depth) {
    if (!built) {
      rapidjson::Document built_object(&h->GetAllocator());
      auto walk = [&](Handler& d) {
        return walk_key_values(resources, 1, 1, message_depth + 1, &d);  // validated by read()
      };
      built_object.Populate(walk);
      object.Swap(built_object);
      built = true;
      flat_strings = true;
      for (const auto& member : object.GetObject()) flat_strings &= member.value.IsString();
    }
    if (!flat_strings) {
      object.Accept(*h);
      return;
    }
    // Names and values by reference: they are the request's bytes, or text in the document's own
    // memory (a bytes value's base64), which lives as long as the record.
    h->StartObject();
    for (const auto& member : object.GetObject()) {
      h->Key(member.name.GetString(), member.name.GetStringLength(), false);
      h->String(member.value.GetString(), member.value.GetStringLength(), false);
    }
    h->EndObject(object.MemberCount());
  }
};

// InstrumentationScope { name = 1; version = 2; attributes = 3; }, merged over its occurrences.
struct ScopeContext {
  std::string_view name;
  std::string_view version;

  bool read(std::string_view scope_message, int message_depth) {
    name = {};
    version = {};
    return for_each_field(scope_message, 1, Type::kLengthDelimited,
                          [&](const Field& scope) {
                            Reader r(scope.bytes);
                            Field f;
                            while (r.next(f)) {
                              if (f.number == 1 && is_bytes(f) && !read_string(f, name))
                                return false;
                              if (f.number == 2 && is_bytes(f) && !read_string(f, version))
                                return false;
                            }
                            return !r.failed() && validate(scope.bytes, {}, {3}, message_depth + 1);
                          }) &&
           validate(scope_message, {3}, {}, message_depth);  // schema_url
  }
};

// Collects records per service, in order of first appearance, and which group each value
// (in document order) belongs to.
class Groups {
 public:
  // `origin` must outlive the records: it is the one in the Conversion's storage.
  Groups(Conversion& conversion, std::string_view origin, std::size_t max_value_bytes)
      : conversion_(conversion), origin_(origin), max_value_bytes_(max_value_bytes) {}

  // The record just emitted, of `weight` bytes and shape `layout` (walk_span's, walk_log's), with
  // `value_bytes` of values emitted so far; or nullptr, and decode stops, once those exceed the
  // bound (see kMaxExpansion).
  ServiceRecords* add(const std::string& service, std::size_t weight, std::size_t value_bytes,
                      ValueLayout layout) {
    if (value_bytes > max_value_bytes_) {
      too_large_ = true;
      return nullptr;
    }
    // Consecutive items mostly share their resource, and so their service: the last group is
    // tried first, without hashing the name (or, as emplace does, allocating a node to look up).
    if (last_ >= conversion_.services.size() || conversion_.services[last_].service != service) {
      auto it = index_.find(service);
      if (it == index_.end()) {
        it = index_.emplace(service, conversion_.services.size()).first;
        conversion_.services.push_back(ServiceRecords{service, {}});
      }
      last_ = it->second;
    }
    order_.push_back(static_cast<std::uint32_t>(last_));
    ServiceRecords& group = conversion_.services[last_];
    Record& record = group.records.emplace_back();
    record.format = RecordFormat::kValue;
    record.origin = origin_;  // the Conversion's storage keeps it
    record.value_bytes = weight;
    record.value_layout = layout;
    return &group;
  }

  bool too_large() const { return too_large_; }

  // Points each record at its value: the document is an array of every record in order.
  void attach(const rapidjson::Document& document) {
    std::vector<std::size_t> next(conversion_.services.size(), 0);
    for (rapidjson::SizeType i = 0; i < document.Size(); ++i) {
      const std::uint32_t g = order_[i];
      conversion_.services[g].records[next[g]++].value = &document[i];
    }
  }

 private:
  Conversion& conversion_;
  std::string_view origin_;
  std::size_t max_value_bytes_;
  bool too_large_ = false;
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t last_ = SIZE_MAX;  // the group of the previous record
  std::vector<std::uint32_t> order_;
};

// Remembers the first rejection reason; the final message also says how many were rejected.
void reject(Conversion& conversion, std::string reason) {
  if (conversion.rejected++ == 0) conversion.error_message = std::move(reason);
}

void finish(Conversion& conversion, std::string_view what) {
  if (conversion.rejected > 1) {
    conversion.error_message += " (and " + std::to_string(conversion.rejected - 1) + " more " +
                                std::string(what) + " rejected)";
  }
}

// Span fields the record needs, read in a first pass (fields may come in any order). The
// attributes and events are noted there and read when emitted, so that the span's bytes are read
// once (three passes over them took about 700 instructions of a GenAI span's 17,000). One
// SpanFields serves every span of a request, keeping its lists' capacity.
struct SpanFields {
  // A span's fields not read yet; the lists keep their capacity.
  void reset() {
    std::vector<std::string_view> kept_attributes = std::move(attributes);
    std::vector<std::string_view> kept_events = std::move(events);
    *this = SpanFields();
    kept_attributes.clear();
    kept_events.clear();
    attributes = std::move(kept_attributes);
    events = std::move(kept_events);
  }

  std::vector<std::string_view> attributes;  // the KeyValue messages, in order
  std::vector<std::string_view> events;      // the Event messages, in order
  std::string_view trace_id;
  std::string_view span_id;
  std::string_view parent_span_id;
  std::string_view name;
  std::int32_t kind = 0;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::string_view status_message;
  std::int32_t status_code = 0;
};

// Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7 start, 8 end,
// 9 attributes, 11 events, 13 links, 15 status. Attributes and events are read when emitted.
bool read_span(std::string_view bytes, int message_depth, SpanFields& s) {
  s.reset();
  if (message_depth > wire::kMaxMessageDepth) return false;
  Reader r(bytes);
  Field f;
  std::string_view ignored;
  while (r.next(f)) {
    const bool b = is_bytes(f);
    switch (f.number) {
      case 1:
        if (b) s.trace_id = f.bytes;
        break;
      case 2:
        if (b) s.span_id = f.bytes;
        break;
      case 3:
        if (b && !read_string(f, ignored)) return false;
        break;
      case 4:
        if (b) s.parent_span_id = f.bytes;
        break;
      case 5:
        if (b && !read_string(f, s.name)) return false;
        break;
      case 6:
        if (f.type == Type::kVarint) s.kind = static_cast<std::int32_t>(f.scalar);
        break;
      case 7:
        if (f.type == Type::kFixed64) s.start = f.scalar;
        break;
      case 8:
        if (f.type == Type::kFixed64) s.end = f.scalar;
        break;
      case 9:
        if (b) s.attributes.push_back(f.bytes);
        break;
      case 11:
        if (b) s.events.push_back(f.bytes);
        break;
      case 13:  // Link: trace_state = 3, attributes = 4
        if (b && !validate(f.bytes, {3}, {4}, message_depth + 1)) return false;
        break;
      case 15: {  // Status: message = 2, code = 3
        if (!b) break;
        if (message_depth + 1 > wire::kMaxMessageDepth) return false;
        Reader status(f.bytes);
        Field g;
        while (status.next(g)) {
          if (g.number == 2 && is_bytes(g) && !read_string(g, s.status_message)) return false;
          if (g.number == 3 && g.type == Type::kVarint)
            s.status_code = static_cast<std::int32_t>(g.scalar);
        }
        if (status.failed()) return false;
        break;
      }
      default:
        break;
    }
  }
  return !r.failed();
}

std::string span_problem(const SpanFields& s) {
  if (s.trace_id.size() == 16 && s.span_id.size() == 8 &&
      (s.parent_span_id.empty() || s.parent_span_id.size() == 8)) {
    return {};  // the span is valid: no name copied
  }
  const std::string name(s.name);
  if (s.trace_id.size() != 16) {
    return "span \"" + name + "\": trace_id must be 16 bytes, got " +
           std::to_string(s.trace_id.size());
  }
  if (s.span_id.size() != 8) {
    return "span \"" + name + "\": span_id must be 8 bytes, got " +
           std::to_string(s.span_id.size());
  }
  if (!s.parent_span_id.empty() && s.parent_span_id.size() != 8) {
    return "span \"" + name + "\": parent_span_id must be empty or 8 bytes, got " +
           std::to_string(s.parent_span_id.size());
  }
  return {};
}

// Span.Event: name = 2, attributes = 3. With h == nullptr only validates.
bool walk_event(std::string_view bytes, int message_depth, Handler* h) {
  std::string_view name;
  const bool named = for_each_field(bytes, 2, Type::kLengthDelimited,
                                    [&](const Field& f) { return read_string(f, name); });
  if (!named) return false;
  if (h != nullptr) {
    h->StartObject();
    emit_key(h, "name");
    emit_string(h, name);
    emit_key(h, "attributes");
  }
  const std::string_view self[] = {bytes};
  if (!walk_key_values(self, 3, 1, message_depth, h)) return false;
  if (h != nullptr) h->EndObject(2);
  return true;
}

// The keys span_observation_of reads. The records are written with these very arrays, so that a
// key at the same address is the key, known without comparing its characters.
constexpr char kSignalKey[] = "signal";
constexpr char kNameKey[] = "name";
constexpr char kKindKey[] = "kind";
constexpr char kDurationKey[] = "duration_ns";
constexpr char kStatusKey[] = "status";
constexpr char kCodeKey[] = "code";

// The span's record (documented in README.md), or only validation of what read_span left. Every
// span's record has these members in this order (ValueLayout::kOtlpSpan): a member added here,
// or one written only for some spans, needs a layout number of its own.
bool walk_span(const SpanFields& s, ResourceContext& resource, const ScopeContext& scope,
               int message_depth, Handler* h) {
  const auto events = [&] {
    for (std::string_view event : s.events) {
      if (!walk_event(event, message_depth + 1, h)) return false;
    }
    return true;
  };
  if (h == nullptr) return walk_key_value_list(s.attributes, 1, message_depth, nullptr) && events();
  const std::uint64_t duration = s.end > s.start ? s.end - s.start : 0;
  h->StartObject();
  emit_key(h, kSignalKey);
  emit_string(h, "span");
  emit_key(h, kNameKey);
  emit_string(h, s.name);
  emit_key(h, kKindKey);
  emit_string(h, span_kind_name(s.kind));
  emit_key(h, "trace_id");
  emit_hex(h, s.trace_id);
  emit_key(h, "span_id");
  emit_hex(h, s.span_id);
  emit_key(h, "parent_span_id");
  emit_hex(h, s.parent_span_id);
  emit_key(h, "start_time_unix_nano");
  h->Uint64(s.start);
  emit_key(h, kDurationKey);
  h->Uint64(duration);
  emit_key(h, kStatusKey);
  h->StartObject();
  emit_key(h, kCodeKey);
  emit_string(h, status_code_name(s.status_code));
  emit_key(h, "message");
  emit_string(h, s.status_message);
  h->EndObject(2);
  emit_key(h, "attributes");
  if (!walk_key_value_list(s.attributes, 1, message_depth, h)) return false;
  emit_key(h, "resource");
  resource.emit(h, message_depth - 2);
  emit_key(h, "scope");
  h->StartObject();
  emit_key(h, "name");
  emit_string(h, scope.name);
  emit_key(h, "version");
  emit_string(h, scope.version);
  h->EndObject(2);
  emit_key(h, "events");
  h->StartArray();
  if (!events()) return false;
  h->EndArray(static_cast<rapidjson::SizeType>(s.events.size()));
  h->EndObject(13);
  return true;
}

// The items of an export request, in order, with what they share. Both signals nest alike:
// Export*ServiceRequest { resource_* = 1 } → Resource* { resource = 1, scope_* = 2 } →
// Scope* { scope = 1, items = 2 }; an item message is at nesting level 4.
template <typename OnItem>
bool walk_request(std::string_view request, Handler& h, OnItem&& on_item) {
  h.StartArray();
  rapidjson::SizeType records = 0;
  ResourceContext resource;
  ScopeContext scope;
  const bool ok = for_each_field(request, 1, Type::kLengthDelimited, [&](const Field& r) {
    if (!resource.read(r.bytes, 2)) return false;
    return for_each_field(r.bytes, 2, Type::kLengthDelimited, [&](const Field& s) {
      if (!scope.read(s.bytes, 3)) return false;
      return for_each_field(s.bytes, 2, Type::kLengthDelimited, [&](const Field& item) {
        return on_item(item.bytes, resource, scope, records);
      });
    });
  });
  if (!ok) return false;
  h.EndArray(records);
  return true;
}

bool walk_trace_request(std::string_view request, Groups& groups, Conversion& conversion,
                        Handler& h) {
  SpanFields s;  // of each span in turn
  return walk_request(request, h,
                      [&](std::string_view span, ResourceContext& resource,
                          const ScopeContext& scope, rapidjson::SizeType& records) {
                        if (!read_span(span, 4, s)) return false;
                        if (std::string problem = span_problem(s); !problem.empty()) {
                          reject(conversion, std::move(problem));
                          return walk_span(s, resource, scope, 4, nullptr);
                        }
                        const std::size_t before = h.GetAllocator().Size();
                        if (!walk_span(s, resource, scope, 4, &h)) return false;
                        const std::size_t after = h.GetAllocator().Size();
                        ServiceRecords* group =
                            groups.add(resource.service, span.size() + after - before, after,
                                       ValueLayout::kOtlpSpan);
                        if (group == nullptr) return false;
                        ++conversion.accepted;
                        ++records;
                        return true;
                      });
}

// LogRecord: 1 time, 2 severity_number, 3 severity_text, 5 body, 6 attributes, 9 trace_id,
// 10 span_id, 11 observed_time, 12 event_name.
struct LogFields {
  std::uint64_t time = 0;
  std::uint64_t observed_time = 0;
  std::int32_t severity_number = 0;
  std::string_view severity_text;
  AnyValueState body;
  bool has_body = false;
  std::string_view trace_id;
  std::string_view span_id;
};

bool read_log(std::string_view bytes, int message_depth, LogFields& l) {
  if (message_depth > wire::kMaxMessageDepth) return false;
  Reader r(bytes);
  Field f;
  std::string_view ignored;
  while (r.next(f)) {
    const bool b = is_bytes(f);
    switch (f.number) {
      case 1:
        if (f.type == Type::kFixed64) l.time = f.scalar;
        break;
      case 2:
        if (f.type == Type::kVarint) l.severity_number = static_cast<std::int32_t>(f.scalar);
        break;
      case 3:
        if (b && !read_string(f, l.severity_text)) return false;
        break;
      case 5:
        if (!b) break;
        if (!scan_any(f.bytes, l.body, message_depth + 1)) return false;
        l.has_body = true;
        break;
      case 9:
        if (b) l.trace_id = f.bytes;
        break;
      case 10:
        if (b) l.span_id = f.bytes;
        break;
      case 11:
        if (f.type == Type::kFixed64) l.observed_time = f.scalar;
        break;
      case 12:
        if (b && !read_string(f, ignored)) return false;
        break;
      default:
        break;
    }
  }
  return !r.failed();
}

std::string log_problem(const LogFields& l) {
  if (!l.trace_id.empty() && l.trace_id.size() != 16) {
    return "log record: trace_id must be empty or 16 bytes, got " +
           std::to_string(l.trace_id.size());
  }
  if (!l.span_id.empty() && l.span_id.size() != 8) {
    return "log record: span_id must be empty or 8 bytes, got " + std::to_string(l.span_id.size());
  }
  return {};
}

// Every log's record has these members in this order (ValueLayout::kOtlpLog), as walk_span's.
bool walk_log(std::string_view bytes, const LogFields& l, ResourceContext& resource,
              int message_depth, Handler* h) {
  const std::string_view self[] = {bytes};
  if (h == nullptr) {
    return walk_key_values(self, 6, 1, message_depth, nullptr) &&
           walk_any(l.body, 1, message_depth + 1, nullptr);
  }
  h->StartObject();
  emit_key(h, "signal");
  emit_string(h, "log");
  emit_key(h, "time_unix_nano");
  // A record without its own time is placed at the time it was observed.
  h->Uint64(l.time != 0 ? l.time : l.observed_time);
  emit_key(h, "severity_number");
  h->Int(l.severity_number);
  emit_key(h, "severity_text");
  emit_string(h, l.severity_text);
  emit_key(h, "body");
  if (l.has_body) {
    if (!walk_any(l.body, 1, message_depth + 1, h)) return false;
  } else {
    h->Null();
  }
  emit_key(h, "attributes");
  if (!walk_key_values(self, 6, 1, message_depth, h)) return false;
  emit_key(h, "resource");
  resource.emit(h, message_depth - 2);
  emit_key(h, "trace_id");
  emit_hex(h, l.trace_id);
  emit_key(h, "span_id");
  emit_hex(h, l.span_id);
  h->EndObject(9);
  return true;
}

bool walk_logs_request(std::string_view request, Groups& groups, Conversion& conversion,
                       Handler& h) {
  // Log records do not carry their scope: it is only validated.
  return walk_request(request, h,
                      [&](std::string_view log, ResourceContext& resource, const ScopeContext&,
                          rapidjson::SizeType& records) {
                        LogFields l;
                        if (!read_log(log, 4, l)) return false;
                        if (std::string problem = log_problem(l); !problem.empty()) {
                          reject(conversion, std::move(problem));
                          return walk_log(log, l, resource, 4, nullptr);
                        }
                        const std::size_t before = h.GetAllocator().Size();
                        if (!walk_log(log, l, resource, 4, &h)) return false;
                        const std::size_t after = h.GetAllocator().Size();
                        if (!groups.add(resource.service, log.size() + after - before, after,
                                        ValueLayout::kOtlpLog)) {
                          return false;
                        }
                        ++conversion.accepted;
                        ++records;
                        return true;
                      });
}

template <typename Walk>
std::string decode(std::string bytes, std::string_view origin, std::string_view message_name,
                   std::string_view items, Conversion& out, Walk walk) {
  const std::size_t size = bytes.size();
  auto decoded = std::make_shared<DecodedRecords>(std::move(bytes), origin);
  Conversion conversion;
  const std::size_t max_value_bytes =
      std::min(kMaxExpansion * size + kExpansionAllowance, kMaxValueBytes);
  Groups groups(conversion, decoded->origin, max_value_bytes);
  bool ok = false;
  auto generator = [&](rapidjson::Document& h) {
    ok = walk(std::string_view(decoded->bytes), groups, conversion, h);
    return ok;
  };
  decoded->document.Populate(generator);
  if (groups.too_large()) {
    return "OTLP " + std::string(message_name) + " too large once decoded: its " +
           std::string(items) + " take more than " + std::to_string(max_value_bytes) + " bytes (" +
           std::to_string(size) +
           " bytes received; a resource is repeated in each of its items): send fewer per request";
  }
  if (!ok) {
    return "invalid OTLP protobuf: cannot parse " + std::string(message_name) + " (" +
           std::to_string(size) + " bytes)";
  }
  groups.attach(decoded->document);
  finish(conversion, items);
  conversion.storage = std::move(decoded);
  out = std::move(conversion);
  return {};
}

template <typename Request>
Conversion convert(const Request& request, std::string_view origin, std::int64_t items,
                   std::string (*decode_bytes)(std::string, std::string_view, Conversion&)) {
  Conversion conversion;
  std::string bytes;
  request.SerializeToString(&bytes);
  if (std::string error = decode_bytes(std::move(bytes), origin, conversion); !error.empty()) {
    conversion = Conversion{};
    conversion.rejected = items;
    conversion.error_message = std::move(error);
  }
  return conversion;
}

}  // namespace

std::string_view span_kind_name(int kind) {
  switch (kind) {
    case trace::Span::SPAN_KIND_INTERNAL:
      return "internal";
    case trace::Span::SPAN_KIND_SERVER:
      return "server";
    case trace::Span::SPAN_KIND_CLIENT:
      return "client";
    case trace::Span::SPAN_KIND_PRODUCER:
      return "producer";
    case trace::Span::SPAN_KIND_CONSUMER:
      return "consumer";
    default:
      return "unspecified";
  }
}

std::string_view status_code_name(int code) {
  switch (code) {
    case trace::Status::STATUS_CODE_OK:
      return "ok";
    case trace::Status::STATUS_CODE_ERROR:
      return "error";
    default:
      return "unset";
  }
}

std::string decode_spans(std::string bytes, std::string_view origin, Conversion& out) {
  return decode(std::move(bytes), origin, "ExportTraceServiceRequest", "spans", out,
                walk_trace_request);
}

std::string decode_logs(std::string bytes, std::string_view origin, Conversion& out) {
  return decode(std::move(bytes), origin, "ExportLogsServiceRequest", "log records", out,
                walk_logs_request);
}

Conversion convert_spans(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
    std::string_view origin) {
  std::int64_t spans = 0;
  for (const auto& rs : request.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) spans += ss.spans_size();
  }
  return convert(request, origin, spans, decode_spans);
}

Conversion convert_logs(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    std::string_view origin) {
  std::int64_t logs = 0;
  for (const auto& rl : request.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) logs += sl.log_records_size();
  }
  return convert(request, origin, logs, decode_logs);
}

namespace {

// The member `name` of `object` found by comparing names, first at `position`. Out of line: only
// records shaped otherwise than walk_span writes them come here.
[[gnu::noinline]] const rapidjson::Value* member_by_name(const rapidjson::Value& object,
                                                         rapidjson::SizeType position,
                                                         std::string_view name) {
  if (position < object.MemberCount()) {
    const auto& m = object.MemberBegin()[position];
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == name) return &m.value;
  }
  const auto it = object.FindMember(rapidjson::StringRef(name.data(), name.size()));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// The member `name` of `object`, looked for first at `position` (where walk_span writes it).
inline const rapidjson::Value* member(const rapidjson::Value& object, rapidjson::SizeType position,
                                      std::string_view name) {
  if (position < object.MemberCount()) {
    const auto& m = object.MemberBegin()[position];
    // Written with the same array (kSignalKey, ...).
    if (m.name.GetString() == name.data()) return &m.value;
  }
  return member_by_name(object, position, name);
}

bool string_of(const rapidjson::Value* value, std::string_view& out) {
  if (value == nullptr || !value->IsString()) return false;
  out = std::string_view(value->GetString(), value->GetStringLength());
  return true;
}

}  // namespace

bool span_observation_of(const Record& record, SpanObservation& out) {
  if (record.format != RecordFormat::kValue || record.value == nullptr) return false;
  const rapidjson::Value& span = *record.value;
  if (!span.IsObject()) return false;
  std::string_view signal;
  if (!string_of(member(span, 0, kSignalKey), signal) || signal != "span") return false;
  const rapidjson::Value* duration = member(span, 7, kDurationKey);
  const rapidjson::Value* status = member(span, 8, kStatusKey);
  if (!string_of(member(span, 1, kNameKey), out.name) ||
      !string_of(member(span, 2, kKindKey), out.kind) || duration == nullptr ||
      !duration->IsUint64() || status == nullptr || !status->IsObject() ||
      !string_of(member(*status, 0, kCodeKey), out.status)) {
    return false;
  }
  out.duration_seconds = static_cast<double>(duration->GetUint64()) / 1e9;
  return true;
}

}  // namespace specwatch
