// A strict stand-in for Elasticsearch (which cannot be installed here) on a free loopback port,
// speaking what the Elasticsearch exporter uses of its API:
// - POST /_bulk: Content-Type must be application/x-ndjson; a gzip body must be announced with
//   Content-Encoding: gzip (and one announced must be gzip); the body must end with a line break
//   and alternate action and source lines, each a JSON object; the only action accepted is
//   `create` with a non-empty `_index` and `_id` and nothing else (no `_type`, which
//   Elasticsearch 8 and OpenSearch 2 refuse). A request breaking any rule is answered 400 and
//   recorded as a violation. Each item is then answered as scripted (a per-item 429, a 400
//   mapping error, ...) or stored by `_id`: 201, or 409 when that `_id` is stored already, as
//   Elasticsearch does for `create`. Documents are also counted by content (the document
//   without event.id): a second document with the same content under another `_id` is a
//   duplicate.
// - GET / PUT /_index_template/<name>: 404 until a template was PUT, then 200 with it.
// - set_unavailable(true): every request answered 503 (an overloaded or blocked cluster).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sidecar/core/logger.h"
#include "sidecar/http/http_server.h"

namespace specwatch::testing {

class ElasticsearchStandIn {
 public:
  // The answer for one item before it is stored: 0 to store it (201, or 409 when its `_id` is
  // stored already), else that status with Elasticsearch's error for it (429
  // es_rejected_execution_exception, 400 mapper_parsing_exception, 5xx). `attempt` counts the
  // times this `_id` arrived before (0 the first time).
  using ItemScript =
      std::function<unsigned(const std::string& id, const std::string& document, int attempt)>;

  explicit ElasticsearchStandIn(std::string template_name = "specwatch");
  ~ElasticsearchStandIn();
  ElasticsearchStandIn(const ElasticsearchStandIn&) = delete;
  ElasticsearchStandIn& operator=(const ElasticsearchStandIn&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void script_items(ItemScript script);
  void set_unavailable(bool unavailable);

  std::size_t stored() const;                   // distinct `_id`s stored
  std::size_t duplicate_contents() const;       // documents stored twice under different ids
  std::size_t conflicts() const;                // items answered 409
  std::size_t scripted(unsigned status) const;  // items answered `status` by the script
  std::size_t bulk_requests() const;            // valid ones
  std::size_t items_received() const;           // in valid bulk requests
  std::vector<std::string> violations() const;
  std::size_t template_gets() const;
  std::size_t template_puts() const;
  std::optional<std::string> template_body() const;
  void set_template(std::string body);  // as if PUT before the exporter started
  // id → the stored document; id → its index.
  std::map<std::string, std::string> documents() const;
  std::map<std::string, std::string> indices() const;
  // Headers of the last valid bulk request (name lower-cased).
  std::map<std::string, std::string> last_bulk_headers() const;
  // The `_id`s of each valid bulk request, in arrival order.
  std::vector<std::vector<std::string>> bulk_ids() const;

 private:
  HttpResponse bulk(const HttpRequest& request);
  HttpResponse index_template(const HttpRequest& request);
  // The request body, inflated when announced; nullopt (a violation recorded) when it is not
  // what its headers say.
  std::optional<std::string> body_of(const HttpRequest& request);
  HttpResponse violation(std::string what);

  const std::string template_name_;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
  std::uint16_t port_ = 0;
  std::unique_ptr<HttpServer> server_;

  mutable std::mutex mutex_;
  ItemScript script_;
  bool unavailable_ = false;
  std::map<std::string, std::string> documents_;
  std::map<std::string, std::string> indices_;
  std::set<std::string> contents_;
  std::map<std::string, int> attempts_;
  std::map<unsigned, std::size_t> scripted_;
  std::size_t duplicate_contents_ = 0;
  std::size_t conflicts_ = 0;
  std::size_t items_ = 0;
  std::vector<std::string> violations_;
  std::size_t template_gets_ = 0;
  std::size_t template_puts_ = 0;
  std::optional<std::string> template_;
  std::map<std::string, std::string> last_headers_;
  std::vector<std::vector<std::string>> bulk_ids_;
};

}  // namespace specwatch::testing
