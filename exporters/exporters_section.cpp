#include "exporters/exporters_section.h"

#include <algorithm>
#include <map>

#include "exporters/common/exporter_redaction.h"
#include "sidecar/config/component_name.h"

namespace specwatch {
namespace {

const std::vector<std::string> kCommonKeys = {"type", "name", "sources", "queue"};

std::vector<std::string> keys_with(const std::vector<std::string>& type_keys) {
  std::vector<std::string> keys = kCommonKeys;
  keys.insert(keys.end(), type_keys.begin(), type_keys.end());
  return keys;
}

void read_sources(const YAML::Node& item, const std::string& key_path, ExporterConfig& out,
                  ConfigReader& in) {
  const YAML::Node sources = item["sources"];
  if (!sources.IsDefined()) return;
  const std::string key = ConfigReader::join(key_path, "sources");
  auto names = in.read_string_list(sources, key);
  if (!names) return;
  if (names->empty()) {
    in.errors().add(sources, key, "must not be empty (leave it out to take every source)");
    return;
  }
  out.sources = std::move(*names);
  for (std::size_t i = 0; i < sources.size(); ++i) out.source_marks.push_back(sources[i].Mark());
}

void read_queue(const YAML::Node& item, const std::string& key_path, ExporterConfig& out,
                ConfigReader& in) {
  const YAML::Node queue = item["queue"];
  if (!queue.IsDefined()) return;
  QueueConfig config;
  read_queue_config(queue, ConfigReader::join(key_path, "queue"), config, in);
  out.queue = config;
}

void read_exporter(const YAML::Node& item, const std::string& key_path, ExporterConfig& out,
                   ConfigReader& in) {
  out.line = item.Mark().line + 1;
  const YAML::Node type = in.require(item, key_path, "type");
  enum class Type { kFile, kKafka, kElasticsearch };
  std::optional<Type> kind;
  if (type.IsDefined()) {
    kind = in.read_enum<Type>(
        type, ConfigReader::join(key_path, "type"),
        {{"file", Type::kFile}, {"kafka", Type::kKafka}, {"elasticsearch", Type::kElasticsearch}});
  }
  if (auto name = read_component_name(item, key_path, "exporter", in)) out.name = *name;
  read_sources(item, key_path, out, in);
  read_queue(item, key_path, out, in);
  if (!kind) {
    // Without a known type the other keys cannot be judged; only the common ones are checked.
    return;
  }
  switch (*kind) {
    case Type::kFile: {
      in.check_unknown_keys(item, key_path, keys_with(file_exporter_keys()));
      FileExporterConfig file;
      read_file_exporter_config(item, key_path, file, in);
      if (out.queue) {
        in.errors().add(item["queue"], ConfigReader::join(key_path, "queue"),
                        "the file exporter writes each batch before acknowledging it and has no "
                        "queue (its backpressure is the pipeline's); leave queue out");
      }
      out.settings = std::move(file);
      break;
    }
    case Type::kKafka: {
      in.check_unknown_keys(item, key_path, keys_with(kafka_exporter_keys()));
      KafkaExporterConfig kafka;
      read_kafka_exporter_config(item, key_path, kafka, in);
      out.settings = std::move(kafka);
      break;
    }
    case Type::kElasticsearch: {
      in.check_unknown_keys(item, key_path, keys_with(elasticsearch_exporter_keys()));
      ElasticsearchExporterConfig elasticsearch;
      read_elasticsearch_exporter_config(item, key_path, elasticsearch, in);
      // Without a spool, `queue.max_events` bounds the events held until Elasticsearch stored
      // them.
      if (out.queue) elasticsearch.queue_max_events = out.queue->max_events;
      out.settings = std::move(elasticsearch);
      break;
    }
  }
}

}  // namespace

void read_exporters_section(const YAML::Node& node, const std::string& key_path,
                            std::vector<ExporterConfig>& out, ConfigReader& in) {
  if (!node.IsDefined() || !node.IsSequence()) {
    in.errors().add(node, key_path,
                    "expected a list of exporters, got " + ConfigReader::describe(node));
    return;
  }
  std::map<std::string, int> first_line;  // exporter name → line of its entry
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string item_path = ConfigReader::index(key_path, i);
    if (!in.expect_map(item, item_path)) continue;
    ExporterConfig exporter;
    read_exporter(item, item_path, exporter, in);
    if (!exporter.name.empty()) {
      auto [seen, inserted] = first_line.emplace(exporter.name, exporter.line);
      if (!inserted) {
        in.errors().add(item["name"], ConfigReader::join(item_path, "name"),
                        "duplicate exporter name \"" + exporter.name +
                            "\"; first defined at line " + std::to_string(seen->second));
      }
    }
    out.push_back(std::move(exporter));
  }
}

std::vector<ConfigError> check_exporter_sources(const std::vector<ExporterConfig>& exporters,
                                                const std::vector<std::string>& source_names,
                                                const std::string& file) {
  std::vector<ConfigError> errors;
  for (std::size_t e = 0; e < exporters.size(); ++e) {
    const ExporterConfig& exporter = exporters[e];
    for (std::size_t i = 0; i < exporter.sources.size(); ++i) {
      const std::string& name = exporter.sources[i];
      if (std::find(source_names.begin(), source_names.end(), name) != source_names.end()) {
        continue;
      }
      const YAML::Mark mark =
          i < exporter.source_marks.size() ? exporter.source_marks[i] : YAML::Mark::null_mark();
      errors.push_back(
          ConfigError{file, mark.line + 1, mark.column + 1,
                      "exporters[" + std::to_string(e) + "].sources[" + std::to_string(i) + "]",
                      "unknown source \"" + name + "\""});
    }
  }
  return errors;
}

void resolve_exporters_redaction(std::vector<ExporterConfig>& exporters,
                                 const RedactionConfig& section, ErrorCollector& errors) {
  for (ExporterConfig& exporter : exporters) {
    std::visit(
        [&](auto& settings) { resolve_exporter_redaction(settings.redaction, section, errors); },
        exporter.settings);
  }
}

}  // namespace specwatch
