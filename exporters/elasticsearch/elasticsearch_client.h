// The HTTP side of the Elasticsearch exporter: `_bulk` requests (gzip-compressed unless turned
// off) and the index template check at start, with the configured credentials and TLS. One
// connection per request (exporters/notifiers_common/http_post.h); credentials are read from
// their files at each request, so a rotated secret is picked up without a restart, and never
// logged.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "exporters/elasticsearch/elasticsearch_config.h"
#include "exporters/notifiers_common/http_post.h"

namespace specwatch {

class ElasticsearchClient {
 public:
  explicit ElasticsearchClient(const ElasticsearchExporterConfig& config);

  // POST <url>/_bulk with the NDJSON `body`. The answer's body is kept whole (the per-item
  // results); result.status 0: no answer, result.error says why.
  HttpPostResult bulk(std::string_view body) const;

  // The index template (and, for a data stream, its data-stream template) exists after this:
  // GET _index_template/<name>, and PUT only when that answers 404. "" on success, else why.
  std::string ensure_template() const;

  // scheme://host:port (for logs).
  std::string where() const;

 private:
  HttpPostResult send(HttpPostRequest::Method method, std::string_view path, std::string body,
                      std::string content_type) const;
  // The Authorization header's value; nullopt with `error` when a secret file cannot be read.
  std::optional<std::string> authorization(std::string& error) const;

  const ElasticsearchExporterConfig& config_;
  HttpUrl url_;
};

// The body of PUT _index_template/<name>: mappings for the event document (docs/EVENTS.md) for
// the indices `<prefix>*`, with `data_stream: {}` when the exporter writes a data stream.
std::string index_template_body(const ElasticsearchExporterConfig& config);

// gzip (RFC 1952) of `data`.
std::string gzip_compress(std::string_view data);

}  // namespace specwatch
