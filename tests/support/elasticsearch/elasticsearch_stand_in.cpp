#include "tests/support/elasticsearch/elasticsearch_stand_in.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "sidecar/otlp/gzip.h"

namespace specwatch::testing {
namespace {

constexpr std::size_t kMaxBody = 256 << 20;

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Elasticsearch's error object for an item answered `status`.
std::string item_error(unsigned status) {
  switch (status) {
    case 429:
      return R"({"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"})";
    case 400:
      return R"({"type":"mapper_parsing_exception","reason":"failed to parse field [gen_ai.usage.input_tokens] of type [long]"})";
    default:
      return R"({"type":"unavailable_shards_exception","reason":"primary shard is not active"})";
  }
}

// The action line's problem, or "" when it is a valid `create`.
std::string check_action(const rapidjson::Document& action, std::string& index, std::string& id) {
  if (!action.IsObject() || action.MemberCount() != 1) return "an action line is not one action";
  const auto& op = *action.MemberBegin();
  if (std::string_view(op.name.GetString()) != "create") {
    return "action \"" + std::string(op.name.GetString()) + "\" is not create";
  }
  if (!op.value.IsObject()) return "the create action is not an object";
  for (const auto& member : op.value.GetObject()) {
    const std::string_view name = member.name.GetString();
    if (name == "_type") return "the action carries _type";
    if (name != "_index" && name != "_id") return "the action carries " + std::string(name);
  }
  const auto index_it = op.value.FindMember("_index");
  const auto id_it = op.value.FindMember("_id");
  if (index_it == op.value.MemberEnd() || !index_it->value.IsString() ||
      index_it->value.GetStringLength() == 0) {
    return "the action has no _index";
  }
  if (id_it == op.value.MemberEnd() || !id_it->value.IsString() ||
      id_it->value.GetStringLength() == 0) {
    return "the action has no _id";
  }
  index = index_it->value.GetString();
  id = id_it->value.GetString();
  return "";
}

// The document without event.id: what two copies of one event share whatever their ids.
std::string content_of(const rapidjson::Document& source) {
  rapidjson::Document copy;
  copy.CopyFrom(source, copy.GetAllocator());
  if (auto event = copy.FindMember("event"); event != copy.MemberEnd() && event->value.IsObject()) {
    event->value.RemoveMember("id");
  }
  return compact(copy);
}

}  // namespace

ElasticsearchStandIn::ElasticsearchStandIn(std::string template_name)
    : template_name_(std::move(template_name)) {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.threads = 1;
  options.max_body_bytes = kMaxBody;
  server_ = std::make_unique<HttpServer>(options, logger_);
  server_->add_route("/_bulk", {HttpMethod::kPost},
                     [this](const HttpRequest& request) { return bulk(request); });
  server_->add_route("/_index_template/" + template_name_, {HttpMethod::kGet, HttpMethod::kPut},
                     [this](const HttpRequest& request) { return index_template(request); });
  if (std::string error = server_->start(); !error.empty()) throw std::runtime_error(error);
  port_ = server_->port();
}

ElasticsearchStandIn::~ElasticsearchStandIn() {
  server_->stop();
}

void ElasticsearchStandIn::script_items(ItemScript script) {
  std::lock_guard lock(mutex_);
  script_ = std::move(script);
}

void ElasticsearchStandIn::set_unavailable(bool unavailable) {
  std::lock_guard lock(mutex_);
  unavailable_ = unavailable;
}

HttpResponse ElasticsearchStandIn::violation(std::string what) {
  violations_.push_back(what);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(what.c_str(), static_cast<rapidjson::SizeType>(what.size()));
  return HttpResponse::json(
      400, std::string(R"({"error":{"type":"illegal_argument_exception","reason":)") +
               buffer.GetString() + R"(},"status":400})");
}

std::optional<std::string> ElasticsearchStandIn::body_of(const HttpRequest& request) {
  const auto encoding = request.headers.get("Content-Encoding");
  const bool looks_gzip = request.body.size() >= 2 &&
                          static_cast<unsigned char>(request.body[0]) == 0x1f &&
                          static_cast<unsigned char>(request.body[1]) == 0x8b;
  if (!encoding) {
    if (looks_gzip) {
      violations_.push_back("a gzip body without Content-Encoding: gzip");
      return std::nullopt;
    }
    return request.body;
  }
  if (*encoding != "gzip") {
    violations_.push_back("Content-Encoding " + std::string(*encoding));
    return std::nullopt;
  }
  std::string inflated;
  if (gunzip_bounded(request.body, kMaxBody, inflated).status != InflateStatus::kOk) {
    violations_.push_back("Content-Encoding: gzip over a body that is not gzip");
    return std::nullopt;
  }
  return inflated;
}

HttpResponse ElasticsearchStandIn::bulk(const HttpRequest& request) {
  std::lock_guard lock(mutex_);
  if (unavailable_) {
    return HttpResponse::json(
        503, R"({"error":{"type":"cluster_block_exception","reason":"blocked"},"status":503})");
  }
  const auto content_type = request.headers.get("Content-Type");
  if (!content_type || content_type->find("application/x-ndjson") != 0) {
    return violation("Content-Type is not application/x-ndjson");
  }
  std::optional<std::string> body = body_of(request);
  if (!body) return violation(violations_.back());
  if (body->empty() || body->back() != '\n') return violation("the body does not end with \\n");
  struct Item {
    std::string index;
    std::string id;
    std::string document;
    rapidjson::Document parsed;
  };
  std::vector<Item> items;
  std::size_t begin = 0;
  bool action_line = true;
  while (begin < body->size()) {
    const std::size_t end = body->find('\n', begin);
    const std::string_view line(body->data() + begin, end - begin);
    begin = end + 1;
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    if (doc.HasParseError() || !doc.IsObject()) return violation("a line is not a JSON object");
    if (action_line) {
      Item item;
      if (std::string problem = check_action(doc, item.index, item.id); !problem.empty()) {
        return violation(problem);
      }
      items.push_back(std::move(item));
    } else {
      items.back().document = std::string(line);
      items.back().parsed = std::move(doc);
    }
    action_line = !action_line;
  }
  if (!action_line) return violation("an action without its source line");

  for (const auto& [name, value] : request.headers.entries()) last_headers_[lower(name)] = value;
  bulk_ids_.emplace_back();
  items_ += items.size();
  bool errors = false;
  std::string answer = R"({"took":1,"errors":)";
  std::string results;
  for (Item& item : items) {
    bulk_ids_.back().push_back(item.id);
    const int attempt = attempts_[item.id]++;
    unsigned status = script_ ? script_(item.id, item.document, attempt) : 0;
    std::string error;
    if (status != 0) {
      ++scripted_[status];
      error = item_error(status);
    } else if (documents_.contains(item.id)) {
      status = 409;
      ++conflicts_;
      error = R"({"type":"version_conflict_engine_exception","reason":"[)" + item.id +
              R"(]: version conflict, document already exists"})";
    } else {
      status = 201;
      documents_[item.id] = item.document;
      indices_[item.id] = item.index;
      if (!contents_.insert(content_of(item.parsed)).second) ++duplicate_contents_;
    }
    errors = errors || status != 201;
    if (!results.empty()) results.push_back(',');
    results += R"({"create":{"_index":")" + item.index + R"(","_id":")" + item.id +
               R"(","status":)" + std::to_string(status);
    if (!error.empty()) results += R"(,"error":)" + error;
    results += "}}";
  }
  answer += std::string(errors ? "true" : "false") + R"(,"items":[)" + results + "]}";
  return HttpResponse::json(200, answer);
}

HttpResponse ElasticsearchStandIn::index_template(const HttpRequest& request) {
  std::lock_guard lock(mutex_);
  if (unavailable_) {
    return HttpResponse::json(503, R"({"error":"unavailable","status":503})");
  }
  if (request.method == HttpMethod::kGet) {
    ++template_gets_;
    if (!template_) {
      return HttpResponse::json(
          404,
          R"({"error":{"type":"resource_not_found_exception","reason":"index template matching [)" +
              template_name_ + R"(] not found"},"status":404})");
    }
    return HttpResponse::json(200, R"({"index_templates":[{"name":")" + template_name_ +
                                       R"(","index_template":)" + *template_ + "}]}");
  }
  std::optional<std::string> body = body_of(request);
  if (!body) return violation(violations_.back());
  rapidjson::Document doc;
  doc.Parse(body->c_str(), body->size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("index_patterns") ||
      !doc["index_patterns"].IsArray() || !doc.HasMember("template")) {
    return violation("the index template is not an object with index_patterns and template");
  }
  ++template_puts_;
  template_ = compact(doc);
  return HttpResponse::json(200, R"({"acknowledged":true})");
}

std::size_t ElasticsearchStandIn::stored() const {
  std::lock_guard lock(mutex_);
  return documents_.size();
}
std::size_t ElasticsearchStandIn::duplicate_contents() const {
  std::lock_guard lock(mutex_);
  return duplicate_contents_;
}
std::size_t ElasticsearchStandIn::conflicts() const {
  std::lock_guard lock(mutex_);
  return conflicts_;
}
std::size_t ElasticsearchStandIn::scripted(unsigned status) const {
  std::lock_guard lock(mutex_);
  auto it = scripted_.find(status);
  return it == scripted_.end() ? 0 : it->second;
}
std::size_t ElasticsearchStandIn::bulk_requests() const {
  std::lock_guard lock(mutex_);
  return bulk_ids_.size();
}
std::size_t ElasticsearchStandIn::items_received() const {
  std::lock_guard lock(mutex_);
  return items_;
}
std::vector<std::string> ElasticsearchStandIn::violations() const {
  std::lock_guard lock(mutex_);
  return violations_;
}
std::size_t ElasticsearchStandIn::template_gets() const {
  std::lock_guard lock(mutex_);
  return template_gets_;
}
std::size_t ElasticsearchStandIn::template_puts() const {
  std::lock_guard lock(mutex_);
  return template_puts_;
}
std::optional<std::string> ElasticsearchStandIn::template_body() const {
  std::lock_guard lock(mutex_);
  return template_;
}
void ElasticsearchStandIn::set_template(std::string body) {
  std::lock_guard lock(mutex_);
  template_ = std::move(body);
}
std::map<std::string, std::string> ElasticsearchStandIn::documents() const {
  std::lock_guard lock(mutex_);
  return documents_;
}
std::map<std::string, std::string> ElasticsearchStandIn::indices() const {
  std::lock_guard lock(mutex_);
  return indices_;
}
std::map<std::string, std::string> ElasticsearchStandIn::last_bulk_headers() const {
  std::lock_guard lock(mutex_);
  return last_headers_;
}
std::vector<std::vector<std::string>> ElasticsearchStandIn::bulk_ids() const {
  std::lock_guard lock(mutex_);
  return bulk_ids_;
}

}  // namespace specwatch::testing
