#include "exporters/elasticsearch/elasticsearch_client.h"

#include <openssl/evp.h>
#include <zlib.h>

#include "exporters/common/event_document.h"
#include "exporters/notifiers_common/secret_file.h"

namespace specwatch {
namespace {

// Bulk answers carry one small object per item: a batch of 10,000 items answers about 2 MB.
constexpr std::size_t kMaxBulkAnswer = 64 << 20;

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

}  // namespace

std::string gzip_compress(std::string_view data) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
  deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string index_template_body(const ElasticsearchExporterConfig& config) {
  std::string body = "{\"index_patterns\":[\"" + config.index_prefix() + "*\"],\"priority\":200,";
  if (!config.data_stream.empty()) body += "\"data_stream\":{},";
  // Strings are keywords (exact values: names, ids, providers); the raw record is kept but not
  // indexed; the typed numbers of docs/EVENTS.md are declared so that the first document seen
  // never decides them.
  body +=
      "\"template\":{\"mappings\":{\"dynamic_templates\":[{\"strings\":{\"match_mapping_type\":"
      "\"string\",\"mapping\":{\"type\":\"keyword\",\"ignore_above\":1024}}}],\"properties\":{"
      "\"@timestamp\":{\"type\":\"date_nanos\"},\"schema_version\":{\"type\":\"integer\"},"
      "\"event\":{\"properties\":{\"id\":{\"type\":\"keyword\"},\"duration\":{\"type\":\"long\"},"
      "\"original\":{\"type\":\"keyword\",\"index\":false,\"doc_values\":false}}},"
      "\"log\":{\"properties\":{\"offset\":{\"type\":\"long\"}}},"
      "\"gen_ai\":{\"properties\":{\"usage\":{\"properties\":{\"input_tokens\":{\"type\":"
      "\"long\"},\"output_tokens\":{\"type\":\"long\"}}}}},"
      "\"specwatch\":{\"properties\":{\"cost\":{\"properties\":{\"usd\":{\"type\":\"double\"}}}}}"
      "}}},\"_meta\":{\"managed_by\":\"specwatch\",\"schema_version\":" +
      std::to_string(kEventSchemaVersion) + "}}";
  return body;
}

ElasticsearchClient::ElasticsearchClient(const ElasticsearchExporterConfig& config)
    : config_(config) {
  std::string error;
  // Checked when the config was read; an invalid URL here leaves url_ empty and every request
  // fails with a connection error.
  if (auto url = HttpUrl::parse(config.url, error)) url_ = std::move(*url);
  while (url_.target.size() > 1 && url_.target.back() == '/') url_.target.pop_back();
  if (url_.target == "/") url_.target.clear();
}

std::string ElasticsearchClient::where() const {
  return url_.redacted();
}

std::optional<std::string> ElasticsearchClient::authorization(std::string& error) const {
  if (!config_.api_key_file.empty()) {
    auto key = read_secret_file(config_.api_key_file, "API key", error);
    if (!key) return std::nullopt;
    return "ApiKey " + *key;
  }
  if (!config_.username.empty()) {
    auto password = read_secret_file(config_.password_file, "password", error);
    if (!password) return std::nullopt;
    return "Basic " + base64(config_.username + ":" + *password);
  }
  return std::string();
}

HttpPostResult ElasticsearchClient::send(HttpPostRequest::Method method, std::string_view path,
                                         std::string body, std::string content_type) const {
  HttpPostRequest request;
  request.url = url_;
  request.url.target = url_.target + std::string(path);
  request.method = method;
  request.content_type = std::move(content_type);
  request.keep_answer_bytes = kMaxBulkAnswer;
  std::string error;
  std::optional<std::string> auth = authorization(error);
  if (!auth) {
    HttpPostResult result;
    result.error = error;
    return result;
  }
  if (!auth->empty()) request.headers.emplace_back("Authorization", std::move(*auth));
  if (config_.gzip && !body.empty()) {
    request.body = gzip_compress(body);
    request.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    request.body = std::move(body);
  }
  return http_post(request, config_.tls, config_.timeout);
}

HttpPostResult ElasticsearchClient::bulk(std::string_view body) const {
  return send(HttpPostRequest::Method::kPost, "/_bulk", std::string(body), "application/x-ndjson");
}

std::string ElasticsearchClient::ensure_template() const {
  const std::string path = "/_index_template/" + config_.template_name;
  HttpPostResult found = send(HttpPostRequest::Method::kGet, path, "", "application/json");
  if (found.status == 200) return "";
  if (found.status != 404) {
    return found.status == 0 ? found.error
                             : "GET " + path + " answered " + std::to_string(found.status) + ": " +
                                   found.body.substr(0, 512);
  }
  HttpPostResult put =
      send(HttpPostRequest::Method::kPut, path, index_template_body(config_), "application/json");
  if (put.status == 200) return "";
  return put.status == 0 ? put.error
                         : "PUT " + path + " answered " + std::to_string(put.status) + ": " +
                               put.body.substr(0, 512);
}

}  // namespace specwatch
