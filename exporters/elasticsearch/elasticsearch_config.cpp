#include "exporters/elasticsearch/elasticsearch_config.h"

#include "exporters/common/exporter_redaction.h"

namespace specwatch {

const std::vector<std::string>& elasticsearch_exporter_keys() {
  static const std::vector<std::string> keys = {
      "url",    "index",       "data_stream", "username",   "password_file", "api_key_file",
      "tls",    "compression", "timeout",     "retry",      "template",      "include_original",
      "redact", "redaction",   "spool",       "dead_letter"};
  return keys;
}

std::string check_index_pattern(std::string_view pattern) {
  if (pattern.empty()) return "must not be empty";
  if (pattern.front() == '-' || pattern.front() == '_' || pattern.front() == '+') {
    return "must not start with -, _ or +";
  }
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '%') {
      const char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
      if (std::string_view("YmdHj%").find(next) == std::string_view::npos || next == '\0') {
        return "unsupported conversion %" + std::string(1, next) + "; allowed: %Y %m %d %H %j %%";
      }
      ++i;
      continue;
    }
    if (c >= 'A' && c <= 'Z') return "must be lower case";
    if (std::string_view("\\/*?\"<>|,# :").find(c) != std::string_view::npos) {
      return std::string("must not contain '") + c + "'";
    }
  }
  return "";
}

std::string ElasticsearchExporterConfig::index_prefix() const {
  if (!data_stream.empty()) return data_stream;
  return index.substr(0, index.find('%'));
}

namespace {

void read_name(const YAML::Node& entry, const std::string& key_path, const char* name,
               std::string& out, ConfigReader& in) {
  const YAML::Node node = entry[name];
  if (!node.IsDefined()) return;
  const std::string key = ConfigReader::join(key_path, name);
  auto text = in.read_non_empty_string(node, key);
  if (!text) return;
  if (std::string problem = check_index_pattern(*text); !problem.empty()) {
    in.errors().add(node, key, problem);
    return;
  }
  out = *text;
}

void read_retry_backoff(const YAML::Node& node, const std::string& key,
                        ElasticsearchExporterConfig& out, ConfigReader& in) {
  if (!in.expect_map(node, key)) return;
  in.check_unknown_keys(node, key, {"initial_backoff", "max_backoff"});
  using std::chrono::milliseconds;
  if (const YAML::Node n = node["initial_backoff"]; n.IsDefined()) {
    if (auto v =
            read_duration(n, ConfigReader::join(key, "initial_backoff"), milliseconds(1), in)) {
      out.initial_backoff = *v;
    }
  }
  if (const YAML::Node n = node["max_backoff"]; n.IsDefined()) {
    if (auto v = read_duration(n, ConfigReader::join(key, "max_backoff"), milliseconds(1), in)) {
      out.max_backoff = *v;
    }
  }
  if (out.max_backoff < out.initial_backoff) {
    in.errors().add(node, key, "max_backoff must not be shorter than initial_backoff");
  }
}

void read_template(const YAML::Node& node, const std::string& key, ElasticsearchExporterConfig& out,
                   ConfigReader& in) {
  if (!in.expect_map(node, key)) return;
  in.check_unknown_keys(node, key, {"enabled", "name"});
  in.read_bool_key(node, key, "enabled", out.template_enabled);
  if (const YAML::Node name = node["name"]; name.IsDefined()) {
    const std::string name_key = ConfigReader::join(key, "name");
    if (auto text = in.read_non_empty_string(name, name_key)) {
      if (std::string problem = check_index_pattern(*text);
          !problem.empty() || text->find('%') != std::string::npos) {
        in.errors().add(name, name_key,
                        problem.empty() ? "must be a plain name (no % conversions)" : problem);
      } else {
        out.template_name = *text;
      }
    }
  }
}

void read_credentials(const YAML::Node& entry, const std::string& key_path,
                      ElasticsearchExporterConfig& out, ConfigReader& in) {
  if (const YAML::Node node = entry["username"]; node.IsDefined()) {
    if (auto text = in.read_non_empty_string(node, ConfigReader::join(key_path, "username"))) {
      out.username = *text;
    }
  }
  read_secret_path(entry, key_path, "password_file", false, out.password_file, in);
  read_secret_path(entry, key_path, "api_key_file", false, out.api_key_file, in);
  if (!out.api_key_file.empty() && entry["username"].IsDefined()) {
    in.errors().add(entry["api_key_file"], ConfigReader::join(key_path, "api_key_file"),
                    "use either api_key_file or username and password_file, not both");
  }
  if (entry["username"].IsDefined() != entry["password_file"].IsDefined()) {
    const char* given = entry["username"].IsDefined() ? "username" : "password_file";
    in.errors().add(entry[given], ConfigReader::join(key_path, given),
                    "basic auth needs both username and password_file");
  }
}

}  // namespace

void read_elasticsearch_exporter_config(const YAML::Node& entry, const std::string& key_path,
                                        ElasticsearchExporterConfig& out, ConfigReader& in) {
  read_url(entry, key_path, "url", true, out.url, in);
  read_name(entry, key_path, "index", out.index, in);
  read_name(entry, key_path, "data_stream", out.data_stream, in);
  if (!out.data_stream.empty() && out.data_stream.find('%') != std::string::npos) {
    in.errors().add(entry["data_stream"], ConfigReader::join(key_path, "data_stream"),
                    "must be a plain name (no % conversions)");
    out.data_stream.clear();
  }
  if (entry["index"].IsDefined() && entry["data_stream"].IsDefined()) {
    in.errors().add(entry["data_stream"], ConfigReader::join(key_path, "data_stream"),
                    "use either index or data_stream, not both");
  }
  read_credentials(entry, key_path, out, in);
  if (const YAML::Node tls = entry["tls"]; tls.IsDefined()) {
    read_tls_settings(tls, ConfigReader::join(key_path, "tls"), out.tls, in);
  }
  if (const YAML::Node node = entry["compression"]; node.IsDefined()) {
    if (auto value = in.read_enum<bool>(node, ConfigReader::join(key_path, "compression"),
                                        {{"gzip", true}, {"none", false}})) {
      out.gzip = *value;
    }
  }
  if (const YAML::Node node = entry["timeout"]; node.IsDefined()) {
    if (auto value = read_duration(node, ConfigReader::join(key_path, "timeout"),
                                   std::chrono::milliseconds(100), in)) {
      out.timeout = *value;
    }
  }
  if (const YAML::Node node = entry["retry"]; node.IsDefined()) {
    read_retry_backoff(node, ConfigReader::join(key_path, "retry"), out, in);
  }
  if (const YAML::Node node = entry["template"]; node.IsDefined()) {
    read_template(node, ConfigReader::join(key_path, "template"), out, in);
  }
  in.read_bool_key(entry, key_path, "include_original", out.include_original);
  in.read_bool_key(entry, key_path, "redact", out.redact);
  read_exporter_redaction(entry, key_path, out.redaction, in);
  read_spool_and_dead_letter(entry, key_path, out.spool, out.dead_letter, in);
}

}  // namespace specwatch
