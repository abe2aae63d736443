// The `exporters:` section: defaults, every setting, and the exact text of every error.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "exporters/exporters_section.h"
#include "sidecar/app/app_config.h"
#include "tests/unit/exporters/test_dir.h"

namespace specwatch {
namespace {

class ExporterConfigTest : public ::testing::Test {
 protected:
  ConfigLoadResult parse(const std::string& exporters_yaml) {
    ConfigSections sections = builtin_config_sections();
    sections.add("exporters", [](const YAML::Node& node, const std::string& key_path, Config& out,
                                 ConfigReader& in) {
      read_exporters_section(node, key_path, out.exporters, in);
    });
    const std::string text = "sources:\n  - name: traces\n    include: [\"" + dir_.path() +
                             "/*.ndjson\"]\n" + exporters_yaml;
    ConfigLoadResult result = parse_config(
        text, "cfg.yaml", dir_.path(),
        fixed_environment({{"HOME", "/home/ada"}, {"SPECWATCH_STATE_DIR", dir_.file("state")}}),
        sections);
    if (result.config) {
      std::vector<std::string> names;
      for (const auto& source : result.config->sources) names.push_back(source.name());
      for (ConfigError& error :
           check_exporter_sources(result.config->exporters, names, "cfg.yaml")) {
        result.errors.push_back(std::move(error));
      }
    }
    return result;
  }
  static std::vector<std::string> texts(const ConfigLoadResult& result) {
    std::vector<std::string> out;
    for (const ConfigError& error : result.errors) out.push_back(error.to_string());
    return out;
  }

  testing::ScratchDir dir_;
};

TEST_F(ExporterConfigTest, Defaults) {
  ConfigLoadResult result =
      parse("exporters:\n  - type: file\n    name: events\n    path: out.ndjson\n");
  ASSERT_TRUE(result.errors.empty()) << texts(result).front();
  ASSERT_EQ(result.config->exporters.size(), 1u);
  const ExporterConfig& exporter = result.config->exporters[0];
  EXPECT_EQ(exporter.name, "events");
  EXPECT_TRUE(exporter.sources.empty());
  EXPECT_EQ(exporter.line, 5);
  const auto& file = std::get<FileExporterConfig>(exporter.settings);
  EXPECT_EQ(file.path, dir_.file("out.ndjson"));  // relative to the config file
  EXPECT_EQ(file.rotate_max_bytes, 104857600u);
  EXPECT_EQ(file.rotate_max_files, 5);
  EXPECT_FALSE(file.fsync);
  EXPECT_FALSE(file.include_original);
  EXPECT_TRUE(file.redact);
}

TEST_F(ExporterConfigTest, EverySetting) {
  ConfigLoadResult result = parse(
      "exporters:\n  - type: file\n    name: events\n    sources: [traces]\n"
      "    path: /var/log/events.ndjson\n    rotate: {max_bytes: 1000, max_files: 3}\n"
      "    fsync: true\n    include_original: true\n    redact: false\n"
      "  - {type: file, name: stdout, path: \"-\"}\n");
  ASSERT_TRUE(result.errors.empty()) << texts(result).front();
  ASSERT_EQ(result.config->exporters.size(), 2u);
  const ExporterConfig& first = result.config->exporters[0];
  EXPECT_EQ(first.sources, std::vector<std::string>{"traces"});
  const auto& file = std::get<FileExporterConfig>(first.settings);
  EXPECT_EQ(file.path, "/var/log/events.ndjson");
  EXPECT_EQ(file.rotate_max_bytes, 1000u);
  EXPECT_EQ(file.rotate_max_files, 3);
  EXPECT_TRUE(file.fsync);
  EXPECT_TRUE(file.include_original);
  EXPECT_FALSE(file.redact);
  const auto& out = std::get<FileExporterConfig>(result.config->exporters[1].settings);
  EXPECT_EQ(out.path, "-");
  EXPECT_TRUE(out.to_stdout());
}

TEST_F(ExporterConfigTest, ErrorsNameFileLineColumnAndKey) {
  ConfigLoadResult result = parse(
      "exporters:\n"
      "  - type: pigeon\n    name: a\n"                                                    // 5
      "  - type: file\n    name: Bad Name\n    path: x\n    colour: red\n"                 // 7
      "  - type: file\n    name: c\n    rotate: {max_bytes: -1, max_files: 0, keep: 2}\n"  // 11
      "    fsync: maybe\n"
      "  - type: file\n    name: c\n    path: \"-\"\n    rotate: {max_files: 2}\n"  // 15
      "  - name: e\n    path: y\n"                                                  // 19
      "  - type: file\n    name: f\n    path: z\n    sources: []\n"                 // 21
      "  - not a mapping\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:5:11: exporters[0].type: must be one of: file, kafka, elasticsearch (got "
                "\"pigeon\")",
                "cfg.yaml:8:11: exporters[1].name: invalid exporter name \"Bad Name\": must "
                "match [a-z0-9][a-z0-9_.-]* (it becomes a metric label)",
                "cfg.yaml:10:5: exporters[1].colour: unknown key; allowed keys: type, name, "
                "sources, queue, path, rotate, fsync, include_original, redact, redaction",
                "cfg.yaml:11:5: exporters[2].path: required key is missing",
                "cfg.yaml:13:25: exporters[2].rotate.max_bytes: must be at least 0, got -1",
                "cfg.yaml:13:40: exporters[2].rotate.max_files: must be at least 1, got 0",
                "cfg.yaml:13:43: exporters[2].rotate.keep: unknown key; allowed keys: "
                "max_bytes, max_files",
                "cfg.yaml:14:12: exporters[2].fsync: expected true or false, got \"maybe\"",
                "cfg.yaml:16:11: exporters[3].name: duplicate exporter name \"c\"; first "
                "defined at line 11",
                "cfg.yaml:18:13: exporters[3].rotate: standard output (path \"-\") cannot be "
                "rotated",
                "cfg.yaml:19:5: exporters[4].type: required key is missing",
                "cfg.yaml:24:14: exporters[5].sources: must not be empty (leave it out to take "
                "every source)",
                "cfg.yaml:25:5: exporters[6]: expected a mapping, got \"not a mapping\"",
            }));
}

TEST_F(ExporterConfigTest, UnknownSourceIsReportedAtItsPlace) {
  ConfigLoadResult result = parse(
      "exporters:\n  - type: file\n    name: events\n    path: out.ndjson\n"
      "    sources: [traces, nope]\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:8:23: exporters[0].sources[1]: unknown source \"nope\""}));
}

// `queue:` is read for every entry (max_events >= 1, when_full block|drop); the file exporter
// writes within consume() and refuses a queue rather than ignoring it.
TEST_F(ExporterConfigTest, QueueIsReadForEveryEntryAndRefusedByTheFileExporter) {
  ConfigLoadResult result = parse(
      "exporters:\n"
      "  - type: file\n    name: a\n    path: x\n    queue: {max_events: 0, when_full: wait}\n"
      "  - type: file\n    name: b\n    path: y\n    queue: {max_events: 5, size: 1}\n"
      "  - type: file\n    name: c\n    path: z\n    queue: {when_full: drop}\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:8:12: exporters[0].queue: the file exporter writes each batch before "
                "acknowledging it and has no queue (its backpressure is the pipeline's); leave "
                "queue out",
                "cfg.yaml:8:25: exporters[0].queue.max_events: must be at least 1, got 0",
                "cfg.yaml:8:39: exporters[0].queue.when_full: must be one of: block, drop (got "
                "\"wait\")",
                "cfg.yaml:12:12: exporters[1].queue: the file exporter writes each batch before "
                "acknowledging it and has no queue (its backpressure is the pipeline's); leave "
                "queue out",
                "cfg.yaml:12:28: exporters[1].queue.size: unknown key; allowed keys: max_events, "
                "when_full",
                "cfg.yaml:16:12: exporters[2].queue: the file exporter writes each batch before "
                "acknowledging it and has no queue (its backpressure is the pipeline's); leave "
                "queue out",
            }));
}

TEST_F(ExporterConfigTest, KafkaDefaults) {
  ConfigLoadResult result =
      parse("exporters:\n  - type: kafka\n    name: stream\n    brokers: \"k1:9092,k2:9092\"\n");
  ASSERT_TRUE(result.errors.empty()) << texts(result).front();
  const auto& kafka = std::get<KafkaExporterConfig>(result.config->exporters[0].settings);
  EXPECT_EQ(kafka.brokers, "k1:9092,k2:9092");
  EXPECT_EQ(kafka.topic, "specwatch.events");
  EXPECT_EQ(kafka.max_topics, 64u);
  EXPECT_EQ(kafka.overflow_topic, "");
  EXPECT_EQ(kafka.key, KafkaKeyField::kTraceId);
  EXPECT_TRUE(kafka.redact);
  EXPECT_FALSE(kafka.include_original);
  EXPECT_TRUE(kafka.properties.empty());
  EXPECT_TRUE(kafka.spool.enabled);
  EXPECT_EQ(kafka.spool.path, "");
  EXPECT_EQ(kafka.spool.max_bytes, 1073741824u);
  EXPECT_EQ(kafka.spool.when_full, SpoolOptions::WhenFull::kBlock);
  EXPECT_EQ(kafka.dead_letter.max_bytes, 104857600u);
  EXPECT_EQ(kafka.dead_letter.max_files, 5);
  const auto& defaults = kafka_default_properties();
  const std::map<std::string, std::string> by_name(defaults.begin(), defaults.end());
  EXPECT_EQ(by_name.at("enable.idempotence"), "true");
  EXPECT_EQ(by_name.at("acks"), "all");
  EXPECT_EQ(by_name.at("compression.type"), "lz4");
  EXPECT_EQ(by_name.at("linger.ms"), "20");
}

// TLS and SASL (PLAIN, SCRAM) are librdkafka properties: they pass through as written, checked by
// librdkafka itself, and a secret is read from its file (the trailing line break dropped).
TEST_F(ExporterConfigTest, KafkaPropertiesPassThroughWithSecretsFromFiles) {
  { std::ofstream(dir_.file("password")) << "s3cr3t\n"; }
  ConfigLoadResult result = parse(
      "exporters:\n  - type: kafka\n    name: stream\n    brokers: k:9093\n"
      "    topic: \"specwatch.{service}\"\n    max_topics: 3\n    overflow_topic: spill\n"
      "    key: workflow_id\n"
      "    properties:\n      security.protocol: SASL_SSL\n      sasl.mechanism: SCRAM-SHA-512\n"
      "      sasl.username: specwatch\n      ssl.ca.location: /etc/ssl/ca.pem\n"
      "      compression.type: zstd\n"
      "    property_files:\n      sasl.password: password\n"
      "    spool: {path: spool, max_bytes: 2097152, when_full: drop_newest}\n"
      "    dead_letter: {path: dl.ndjson, max_bytes: 8192, max_files: 2}\n");
  ASSERT_TRUE(result.errors.empty()) << texts(result).front();
  const auto& kafka = std::get<KafkaExporterConfig>(result.config->exporters[0].settings);
  EXPECT_EQ(kafka.topic, "specwatch.{service}");
  EXPECT_EQ(kafka.max_topics, 3u);
  EXPECT_EQ(kafka.overflow_topic, "spill");
  EXPECT_EQ(kafka.key, KafkaKeyField::kWorkflowId);
  EXPECT_EQ(kafka.properties, (std::vector<std::pair<std::string, std::string>>{
                                  {"security.protocol", "SASL_SSL"},
                                  {"sasl.mechanism", "SCRAM-SHA-512"},
                                  {"sasl.username", "specwatch"},
                                  {"ssl.ca.location", "/etc/ssl/ca.pem"},
                                  {"compression.type", "zstd"},
                                  {"sasl.password", "s3cr3t"}}));
  EXPECT_EQ(kafka.secret_properties, std::vector<std::string>{"sasl.password"});
  EXPECT_EQ(kafka.spool.path, dir_.file("spool"));
  EXPECT_EQ(kafka.spool.max_bytes, 2097152u);
  EXPECT_EQ(kafka.spool.when_full, SpoolOptions::WhenFull::kDropNewest);
  EXPECT_EQ(kafka.dead_letter.path, dir_.file("dl.ndjson"));
  EXPECT_EQ(kafka.dead_letter.max_bytes, 8192u);
  EXPECT_EQ(kafka.dead_letter.max_files, 2);
}

TEST_F(ExporterConfigTest, KafkaErrorsNameFileLineColumnAndKey) {
  ConfigLoadResult result = parse(
      "exporters:\n  - type: kafka\n    name: stream\n"            // 5
      "    topic: \"specwatch.{model}\"\n"                         // 7
      "    key: user\n"                                            // 8
      "    properties:\n      security.protocol: TLS-ISH\n"        // 9
      "      no.such.property: 1\n      bootstrap.servers: x:1\n"  // 11
      "    property_files: {sasl.password: missing-file}\n"        // 13
      "    spool: {max_bytes: 10, when_full: drop_oldest}\n");     // 14
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:5:5: exporters[0].brokers: required key is missing",
                "cfg.yaml:7:12: exporters[0].topic: unknown topic field \"{model}\"; allowed: "
                "{service}, {source}, {kind}",
                "cfg.yaml:8:10: exporters[0].key: must be one of: trace_id, workflow_id, span_id, "
                "service, none (got \"user\")",
                "cfg.yaml:10:26: exporters[0].properties.security.protocol: librdkafka refuses "
                "it: Invalid value \"TLS-ISH\" for configuration property \"security.protocol\"",
                "cfg.yaml:11:25: exporters[0].properties.no.such.property: librdkafka refuses it: "
                "No such configuration property: \"no.such.property\"",
                "cfg.yaml:12:26: exporters[0].properties.bootstrap.servers: set the brokers with "
                "`brokers:`",
                "cfg.yaml:13:37: exporters[0].property_files.sasl.password: cannot read secret "
                "file " +
                    dir_.file("missing-file"),
                "cfg.yaml:14:24: exporters[0].spool.max_bytes: must be at least 1048576, got 10",
                "cfg.yaml:14:39: exporters[0].spool.when_full: must be one of: block, drop_newest "
                "(got \"drop_oldest\")"}));
}

TEST_F(ExporterConfigTest, ElasticsearchDefaults) {
  ConfigLoadResult result =
      parse("exporters:\n  - type: elasticsearch\n    name: search\n    url: http://es:9200\n");
  ASSERT_TRUE(result.errors.empty()) << texts(result).front();
  const auto& es = std::get<ElasticsearchExporterConfig>(result.config->exporters[0].settings);
  EXPECT_EQ(es.url, "http://es:9200");
  EXPECT_EQ(es.index, "specwatch-%Y.%m.%d");
  EXPECT_EQ(es.index_prefix(), "specwatch-");
  EXPECT_EQ(es.data_stream, "");
  EXPECT_TRUE(es.gzip);
  EXPECT_EQ(es.timeout, std::chrono::seconds(30));
  EXPECT_EQ(es.initial_backoff, std::chrono::milliseconds(500));
  EXPECT_EQ(es.max_backoff, std::chrono::seconds(30));
  EXPECT_TRUE(es.template_enabled);
  EXPECT_EQ(es.template_name, "specwatch");
  EXPECT_TRUE(es.redact);
  EXPECT_FALSE(es.include_original);
  EXPECT_TRUE(es.spool.enabled);
  EXPECT_EQ(es.queue_max_events, 100000u);
  EXPECT_EQ(es.username, "");
  EXPECT_EQ(es.api_key_file, "");
}

TEST_F(ExporterConfigTest, ElasticsearchEverySetting) {
  ConfigLoadResult result = parse(
      "exporters:\n  - type: elasticsearch\n    name: search\n"
      "    url: https://es.internal:9243/proxy\n    data_stream: logs-specwatch-default\n"
      "    username: specwatch\n    password_file: secrets/es\n"
      "    tls: {ca_file: ca.pem}\n    compression: none\n    timeout: 5s\n"
      "    retry: {initial_backoff: 100ms, max_backoff: 2s}\n"
      "    template: {enabled: false, name: specwatch-events}\n"
      "    include_original: true\n    redact: false\n    queue: {max_events: 500}\n"
      "    spool: {enabled: false}\n"
      "    redaction: {enabled_patterns: [email_address], disabled_patterns: [bearer_token]}\n");
  ASSERT_TRUE(result.errors.empty()) << texts(result).front();
  const auto& es = std::get<ElasticsearchExporterConfig>(result.config->exporters[0].settings);
  EXPECT_EQ(es.url, "https://es.internal:9243/proxy");
  EXPECT_EQ(es.data_stream, "logs-specwatch-default");
  EXPECT_EQ(es.index_prefix(), "logs-specwatch-default");
  EXPECT_EQ(es.username, "specwatch");
  EXPECT_EQ(es.password_file, dir_.file("secrets/es"));
  EXPECT_EQ(es.tls.ca_file, dir_.file("ca.pem"));
  EXPECT_FALSE(es.gzip);
  EXPECT_EQ(es.timeout, std::chrono::seconds(5));
  EXPECT_EQ(es.initial_backoff, std::chrono::milliseconds(100));
  EXPECT_EQ(es.max_backoff, std::chrono::seconds(2));
  EXPECT_FALSE(es.template_enabled);
  EXPECT_EQ(es.template_name, "specwatch-events");
  EXPECT_TRUE(es.include_original);
  EXPECT_FALSE(es.redact);
  EXPECT_EQ(es.queue_max_events, 500u);
  EXPECT_FALSE(es.spool.enabled);
  ASSERT_TRUE(es.redaction.has_value());
  EXPECT_TRUE(es.redaction->patterns.enabled(BuiltinPattern::kEmailAddress));
  EXPECT_FALSE(es.redaction->patterns.enabled(BuiltinPattern::kBearerToken));
  EXPECT_TRUE(es.redaction->patterns.enabled(BuiltinPattern::kOpenAiApiKey));
}

TEST_F(ExporterConfigTest, ElasticsearchErrors) {
  ConfigLoadResult result = parse(
      "exporters:\n"
      "  - type: elasticsearch\n    name: a\n    index: Specwatch-%Y\n"
      "  - type: elasticsearch\n    name: b\n    url: ftp://es\n    index: \"x-%F\"\n"
      "    data_stream: logs\n"
      "  - type: elasticsearch\n    name: c\n    url: http://es:9200\n    username: u\n"
      "    api_key_file: key\n    compression: br\n"
      "  - type: elasticsearch\n    name: d\n    url: http://es:9200\n"
      "    retry: {initial_backoff: 10s, max_backoff: 1s}\n    template: {name: \"t-%Y\"}\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:5:5: exporters[0].url: required key is missing",
                "cfg.yaml:7:12: exporters[0].index: must be lower case",
                "cfg.yaml:10:10: exporters[1].url: invalid URL: must start with http:// or "
                "https://",
                "cfg.yaml:11:12: exporters[1].index: unsupported conversion %F; allowed: %Y %m %d "
                "%H %j %%",
                "cfg.yaml:12:18: exporters[1].data_stream: use either index or data_stream, not "
                "both",
                "cfg.yaml:16:15: exporters[2].username: basic auth needs both username and "
                "password_file",
                "cfg.yaml:17:19: exporters[2].api_key_file: use either api_key_file or username "
                "and password_file, not both",
                "cfg.yaml:18:18: exporters[2].compression: must be one of: gzip, none (got \"br\")",
                "cfg.yaml:22:12: exporters[3].retry: max_backoff must not be shorter than "
                "initial_backoff",
                "cfg.yaml:23:22: exporters[3].template.name: must be a plain name (no % "
                "conversions)",
            }));
}

}  // namespace
}  // namespace specwatch
