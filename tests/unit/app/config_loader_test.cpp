#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "sidecar/app/app_config.h"

namespace specwatch {
namespace {

// The settings of the i-th source, a file source.
const FileSourceConfig& file_source(const Config& config, std::size_t i) {
  return std::get<FileSourceConfig>(config.sources.at(i).settings);
}

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char path[] = "/tmp/specwatch-config-test-XXXXXX";
    ASSERT_NE(::mkdtemp(path), nullptr);
    dir_ = path;
  }
  void TearDown() override {
    std::error_code ec;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_, ec)) {
      if (entry.is_directory(ec)) ::chmod(entry.path().c_str(), 0700);
    }
    std::filesystem::remove_all(dir_, ec);
  }

  // HOME is fixed and the state directory comes from the override, so that tests about other
  // keys do not depend on (or create) /var/lib/specwatch.
  std::map<std::string, std::string> base_env() const {
    return {{"HOME", "/home/ada"}, {"SPECWATCH_STATE_DIR", dir_ + "/state"}};
  }

  ConfigLoadResult parse(const std::string& text, std::map<std::string, std::string> extra = {},
                         bool with_state_override = true) const {
    std::map<std::string, std::string> vars = base_env();
    if (!with_state_override) vars.erase("SPECWATCH_STATE_DIR");
    for (auto& [name, value] : extra) vars[name] = value;
    return parse_config(text, "cfg.yaml", dir_, fixed_environment(vars));
  }

  static std::vector<std::string> texts(const ConfigLoadResult& result) {
    std::vector<std::string> out;
    for (const ConfigError& error : result.errors) out.push_back(error.to_string());
    return out;
  }

  void write_file(const std::string& relative, const std::string& content) const {
    std::ofstream out(dir_ + "/" + relative);
    out << content;
  }

  std::string dir_;
};

const char kAllowedTopLevel[] =
    "unknown key; allowed keys: http, state_dir, log_level, shutdown_timeout_ms, tail, pipeline, "
    "sources, profiles, pricing, cardinality, redaction";

// --- one test per class of problem -------------------------------------------------------------

// Root reads and writes every directory, so permission problems are checked as an unprivileged
// user: when the test runs as root (as CI does), `compute` runs in a child process that has
// switched to uid/gid 65534, and its text comes back through a pipe.
std::string unprivileged(const std::function<std::string()>& compute) {
  if (::geteuid() != 0) return compute();
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) _exit(3);
    const std::string out = compute();
    ssize_t written = ::write(fds[1], out.data(), out.size());
    _exit(written == static_cast<ssize_t>(out.size()) ? 0 : 4);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "child failed: " + out;
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

TEST_F(LoaderTest, YamlSyntaxErrorUsesTheParserMark) {
  ConfigLoadResult result = parse("log_level: info\ntail: [1\nhttp: 2\n");
  EXPECT_FALSE(result.config.has_value());
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{"cfg.yaml:3:5: end of sequence flow not found"}));
}

TEST_F(LoaderTest, UnknownTopLevelKey) {
  ConfigLoadResult result = parse("htp:\n  listen: \":1\"\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{std::string("cfg.yaml:1:1: htp: ") + kAllowedTopLevel}));
}

TEST_F(LoaderTest, TailOpenFileBoundAndSymlinks) {
  ConfigLoadResult ok = parse("tail:\n  max_open_files: 64\n  follow_symlinks: true\n");
  EXPECT_EQ(texts(ok), std::vector<std::string>{});
  ASSERT_TRUE(ok.config.has_value());
  EXPECT_EQ(ok.config->tail.max_open_files, 64u);
  EXPECT_TRUE(ok.config->tail.follow_symlinks);
  ConfigLoadResult defaults = parse("tail:\n  inotify: true\n");
  ASSERT_TRUE(defaults.config.has_value());
  EXPECT_EQ(defaults.config->tail.max_open_files, 256u);
  EXPECT_FALSE(defaults.config->tail.follow_symlinks);
  EXPECT_EQ(texts(parse("tail:\n  max_open_files: 0\n")).size(), 1u);
}

TEST_F(LoaderTest, UnknownNestedKeys) {
  ConfigLoadResult result = parse(
      "tail:\n  poll_ms: 5\npipeline:\n  batch: 1\nsources:\n  - name: a\n    include: [x]\n"
      "    framming: lines\n");
  EXPECT_EQ(
      texts(result),
      (std::vector<std::string>{
          "cfg.yaml:2:3: tail.poll_ms: unknown key; allowed keys: poll_interval_ms, inotify, "
          "checkpoint_interval_ms, read_buffer_bytes, fingerprint_bytes, rotate_wait_ms, "
          "max_open_files, follow_symlinks",
          "cfg.yaml:4:3: pipeline.batch: unknown key; allowed keys: queue_max_batches, "
          "queue_max_bytes, source_queue_max_bytes, batch_max_records",
          "cfg.yaml:8:5: sources[0].framming: unknown key; allowed keys: type, name, "
          "include, exclude, framing, start_at, service, profile, max_record_bytes, document_key, "
          "document_max_bytes, document_seen_limit, checkpoint",
      }));
}

TEST_F(LoaderTest, DuplicateKeyInAMapping) {
  ConfigLoadResult result = parse("log_level: info\nlog_level: debug\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:2:1: log_level: duplicate key; first written at line 1"}));
}

TEST_F(LoaderTest, WrongTypeInteger) {
  ConfigLoadResult result = parse("tail:\n  poll_interval_ms: abc\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:2:21: tail.poll_interval_ms: expected an integer, got "
                               "\"abc\""}));
}

TEST_F(LoaderTest, WrongTypeBoolean) {
  ConfigLoadResult result = parse("tail:\n  inotify: yes\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:2:12: tail.inotify: expected true or false, got \"yes\""}));
}

TEST_F(LoaderTest, WrongTypeListOfStrings) {
  ConfigLoadResult result = parse("sources:\n  - name: a\n    include: logs/*.json\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:3:14: sources[0].include: expected a list of strings, got "
                               "\"logs/*.json\""}));
}

TEST_F(LoaderTest, WrongTypeSectionAndSources) {
  ConfigLoadResult result = parse("http: 1\nsources: {a: 1}\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:1:7: http: expected a mapping, got \"1\"",
                               "cfg.yaml:2:10: sources: expected a list of sources, got a mapping",
                           }));
}

TEST_F(LoaderTest, DocumentThatIsNotAMapping) {
  ConfigLoadResult result = parse("- a\n- b\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{"cfg.yaml:1:1: expected a mapping, got a list"}));
}

TEST_F(LoaderTest, MoreThanOneDocument) {
  ConfigLoadResult result = parse("log_level: info\n---\nlog_level: debug\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{"cfg.yaml:3:1: expected one YAML document, found 2"}));
}

TEST_F(LoaderTest, ValueOutsideTheAllowedSet) {
  ConfigLoadResult result =
      parse("sources:\n  - name: a\n    include: [x]\n    framing: xml\n    start_at: middle\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:4:14: sources[0].framing: must be one of: ndjson, json-stream, "
                "json-document, lines (got \"xml\")",
                "cfg.yaml:5:15: sources[0].start_at: must be one of: beginning, end (got "
                "\"middle\")",
            }));
}

TEST_F(LoaderTest, LogLevelOutsideTheAllowedSet) {
  ConfigLoadResult result = parse("log_level: verbose\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:1:12: log_level: must be one of: debug, info, warn, error "
                               "(got \"verbose\")"}));
}

TEST_F(LoaderTest, MissingRequiredKeysAreReportedAtTheEnclosingMapping) {
  ConfigLoadResult result = parse("sources:\n  - framing: lines\n  - name: b\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:2:5: sources[0].name: required key is missing",
                               "cfg.yaml:2:5: sources[0].include: required key is missing",
                               "cfg.yaml:3:5: sources[1].include: required key is missing",
                           }));
}

// `type:` defaults to file (configs written before there were types keep working); an unknown
// type names its place and the allowed values, and the entry's other keys are not judged.
TEST_F(LoaderTest, SourceTypeDefaultsToFileAndAnUnknownTypeIsAnError) {
  ConfigLoadResult ok = parse(
      "sources:\n  - name: a\n    include: [x]\n  - type: file\n    name: b\n    include: [y]\n");
  EXPECT_EQ(texts(ok), (std::vector<std::string>{}));
  ASSERT_TRUE(ok.config.has_value());
  ASSERT_EQ(ok.config->sources.size(), 2u);
  EXPECT_EQ(file_source(*ok.config, 0).name, "a");
  EXPECT_EQ(file_source(*ok.config, 1).name, "b");
  EXPECT_EQ(ok.config->sources[1].line(), 4);

  ConfigLoadResult bad =
      parse("sources:\n  - type: kafka\n    topic: t\n  - type: [file]\n    name: c\n");
  EXPECT_EQ(texts(bad), (std::vector<std::string>{
                            "cfg.yaml:2:11: sources[0].type: must be one of: file (got \"kafka\")",
                            "cfg.yaml:4:11: sources[1].type: expected a string, got a list",
                        }));
}

TEST_F(LoaderTest, EmptyIncludeListAndNonMappingSource) {
  ConfigLoadResult result = parse("sources:\n  - name: a\n    include: []\n  - just-a-string\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:3:14: sources[0].include: must not be empty",
                               "cfg.yaml:4:5: sources[1]: expected a mapping, got "
                               "\"just-a-string\"",
                           }));
}

TEST_F(LoaderTest, DuplicateSourceNames) {
  ConfigLoadResult result = parse(
      "sources:\n  - name: app\n    include: [a]\n  - name: other\n    include: [b]\n"
      "  - name: app\n    include: [c]\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:6:11: sources[2].name: duplicate source name \"app\"; "
                               "first defined at line 2"}));
}

TEST_F(LoaderTest, InvalidSourceNames) {
  ConfigLoadResult result = parse(
      "sources:\n  - name: My App\n    include: [a]\n  - name: _x\n    include: [b]\n"
      "  - name: ok.name-1_2\n    include: [c]\n  - name: \"\"\n    include: [d]\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:2:11: sources[0].name: invalid source name \"My App\": must match "
                "[a-z0-9][a-z0-9_.-]* (it becomes a metric label)",
                "cfg.yaml:4:11: sources[1].name: invalid source name \"_x\": must match "
                "[a-z0-9][a-z0-9_.-]* (it becomes a metric label)",
                "cfg.yaml:8:11: sources[3].name: must not be empty",
            }));
}

TEST_F(LoaderTest, BadGlobs) {
  ConfigLoadResult result = parse(
      "sources:\n  - name: a\n    include: [\"/x/[ab\", ok/*.json]\n    exclude: [\"/x/a**b\"]\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:3:15: sources[0].include[0]: unterminated character class '[' at "
                "position 4",
                "cfg.yaml:4:15: sources[0].exclude[0]: '**' must be a whole path component (as in "
                "a/**/b) at position 5",
            }));
}

TEST_F(LoaderTest, IncludePrefixThatIsAFile) {
  write_file("plain", "x");
  ConfigLoadResult result = parse("sources:\n  - name: a\n    include: [plain/*.json]\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{"cfg.yaml:3:15: sources[0].include[0]: " + dir_ +
                                      "/plain exists but is not a directory"}));
}

TEST_F(LoaderTest, IncludePrefixThatDoesNotExistIsFine) {
  ConfigLoadResult result =
      parse("sources:\n  - name: a\n    include: [not-installed-yet/**/*.json]\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{}));
  ASSERT_TRUE(result.config.has_value());
  EXPECT_EQ(file_source(*result.config, 0).include,
            (std::vector<std::string>{dir_ + "/not-installed-yet/**/*.json"}));
}

TEST_F(LoaderTest, IncludePrefixThatIsNotReadable) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);  // only the directory under test is closed
  ASSERT_EQ(::mkdir((dir_ + "/closed").c_str(), 0300), 0);
  ::mkdir((dir_ + "/state").c_str(), 0777);  // the state dir the fixture names stays usable
  ASSERT_EQ(::chmod((dir_ + "/state").c_str(), 0777), 0);
  const std::string problems = unprivileged([&] {
    return joined(texts(parse("sources:\n  - name: a\n    include: [closed/*.json]\n")));
  });
  EXPECT_EQ(problems, "cfg.yaml:3:15: sources[0].include[0]: directory " + dir_ +
                          "/closed is not readable and searchable: Permission denied");
}

TEST_F(LoaderTest, StateDirThatCannotBeCreated) {
  write_file("plain", "x");
  ConfigLoadResult result = parse("state_dir: plain/state\n", {}, false);
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{"cfg.yaml:1:12: state_dir: cannot create directory " + dir_ +
                                      "/plain/state: Not a directory"}));
}

TEST_F(LoaderTest, StateDirThatIsAFile) {
  write_file("plain", "x");
  ConfigLoadResult result = parse("state_dir: plain\n", {}, false);
  EXPECT_EQ(texts(result), (std::vector<std::string>{"cfg.yaml:1:12: state_dir: " + dir_ +
                                                     "/plain exists but is not a directory"}));
}

TEST_F(LoaderTest, StateDirThatIsNotWritable) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);  // only the directory under test is read-only
  ASSERT_EQ(::mkdir((dir_ + "/ro").c_str(), 0500), 0);
  const std::string problems =
      unprivileged([&] { return joined(texts(parse("state_dir: ro\n", {}, false))); });
  EXPECT_EQ(problems, "cfg.yaml:1:12: state_dir: directory " + dir_ +
                          "/ro is not writable: Permission denied");
}

TEST_F(LoaderTest, StateDirIsCreatedWithItsParents) {
  ConfigLoadResult result = parse("state_dir: a/b/c\n", {}, false);
  EXPECT_EQ(texts(result), (std::vector<std::string>{}));
  ASSERT_TRUE(result.config.has_value());
  EXPECT_EQ(result.config->state_dir, dir_ + "/a/b/c");
  EXPECT_TRUE(std::filesystem::is_directory(dir_ + "/a/b/c"));
  EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/a/b/c"));  // the probe file is removed
}

TEST_F(LoaderTest, HttpListenForms) {
  ConfigLoadResult any = parse("http:\n  listen: \":9464\"\n");
  ASSERT_TRUE(any.config.has_value());
  EXPECT_EQ(any.config->http.listen, ":9464");
  EXPECT_EQ(any.config->http.host, "0.0.0.0");
  EXPECT_EQ(any.config->http.port, 9464);
  ConfigLoadResult v6 = parse("http:\n  listen: \"[::1]:0\"\n");
  ASSERT_TRUE(v6.config.has_value());
  EXPECT_EQ(v6.config->http.host, "::1");
  EXPECT_EQ(v6.config->http.port, 0);
}

TEST_F(LoaderTest, HttpHeaderTimeout) {
  ConfigLoadResult unset = parse("http:\n  listen: \":9464\"\n");
  ASSERT_TRUE(unset.config.has_value());
  EXPECT_EQ(unset.config->http.header_timeout_ms, 5000);
  ConfigLoadResult set = parse("http:\n  header_timeout_ms: 750\n");
  ASSERT_TRUE(set.config.has_value());
  EXPECT_EQ(set.config->http.header_timeout_ms, 750);
  ConfigLoadResult zero = parse("http:\n  header_timeout_ms: 0\n");
  EXPECT_EQ(texts(zero), (std::vector<std::string>{
                             "cfg.yaml:2:22: http.header_timeout_ms: must be at least 1, got 0"}));
}

TEST_F(LoaderTest, HttpListenThatIsNotHostPort) {
  ConfigLoadResult result = parse("http:\n  listen: localhost\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{"cfg.yaml:2:11: http.listen: expected host:port (such as "
                                      "\"0.0.0.0:9464\", \"[::1]:9464\" or \":9464\"), got "
                                      "\"localhost\""}));
}

TEST_F(LoaderTest, HttpListenPortOutOfRange) {
  ConfigLoadResult result = parse("http:\n  listen: 127.0.0.1:70000\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:2:11: http.listen: port must be between 0 and 65535, got "
                               "\"127.0.0.1:70000\""}));
}

TEST_F(LoaderTest, IntegersOutOfRange) {
  ConfigLoadResult result = parse(
      "shutdown_timeout_ms: -1\ntail:\n  poll_interval_ms: 0\n  rotate_wait_ms: 2147483648\n"
      "pipeline:\n  queue_max_bytes: 0\nsources:\n  - name: a\n    include: [x]\n"
      "    max_record_bytes: 0\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:1:22: shutdown_timeout_ms: must be at least 0, got -1",
                "cfg.yaml:3:21: tail.poll_interval_ms: must be at least 1, got 0",
                "cfg.yaml:4:19: tail.rotate_wait_ms: must be at most 2147483647, got 2147483648",
                "cfg.yaml:6:20: pipeline.queue_max_bytes: must be at least 1, got 0",
                "cfg.yaml:10:23: sources[0].max_record_bytes: must be at least 1, got 0",
            }));
}

TEST_F(LoaderTest, SourceQueueBoundMayBeZeroButNotNegative) {
  ConfigLoadResult off = parse("pipeline:\n  source_queue_max_bytes: 0\n");
  ASSERT_TRUE(off.config.has_value());
  EXPECT_EQ(off.config->pipeline.source_queue_max_bytes, 0u);
  ConfigLoadResult negative = parse("pipeline:\n  source_queue_max_bytes: -1\n");
  EXPECT_EQ(texts(negative),
            (std::vector<std::string>{
                "cfg.yaml:2:27: pipeline.source_queue_max_bytes: must be at least 0, got -1"}));
}

TEST_F(LoaderTest, ZeroAllowedForTimeouts) {
  ConfigLoadResult result = parse("shutdown_timeout_ms: 0\ntail:\n  rotate_wait_ms: 0\n");
  ASSERT_TRUE(result.config.has_value());
  EXPECT_EQ(result.config->shutdown_timeout_ms, 0);
  EXPECT_EQ(result.config->tail.rotate_wait_ms, 0);
}

TEST_F(LoaderTest, FiveDifferentProblemsAreAllReported) {
  ConfigLoadResult result = parse(
      "log_level: loud\n"
      "colour: blue\n"
      "tail:\n"
      "  read_buffer_bytes: lots\n"
      "sources:\n"
      "  - name: Bad Name\n"
      "    include: [a]\n"
      "  - name: b\n"
      "    include: [b]\n"
      "    checkpoint: maybe\n");
  EXPECT_FALSE(result.config.has_value());
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:1:12: log_level: must be one of: debug, info, warn, error (got \"loud\")",
                std::string("cfg.yaml:2:1: colour: ") + kAllowedTopLevel,
                "cfg.yaml:4:22: tail.read_buffer_bytes: expected an integer, got \"lots\"",
                "cfg.yaml:6:11: sources[0].name: invalid source name \"Bad Name\": must match "
                "[a-z0-9][a-z0-9_.-]* (it becomes a metric label)",
                "cfg.yaml:10:17: sources[1].checkpoint: expected true or false, got \"maybe\"",
            }));
}

// --- expansion ---------------------------------------------------------------------------------

TEST_F(LoaderTest, ExpansionInEveryScalarBeforeTyping) {
  ConfigLoadResult result = parse(
      "http:\n  listen: \"${BIND:-127.0.0.1}:${PORT}\"\n"
      "shutdown_timeout_ms: ${TIMEOUT}\n"
      "tail:\n  inotify: ${INOTIFY:-false}\n"
      "sources:\n  - name: ${APP}\n    include: [\"${LOGS}/*.json\", \"~/traces/*.json\"]\n"
      "    service: cost$$center\n",
      {{"PORT", "9000"}, {"TIMEOUT", "250"}, {"APP", "agent"}, {"LOGS", "/var/log/agent"}});
  EXPECT_EQ(texts(result), (std::vector<std::string>{}));
  ASSERT_TRUE(result.config.has_value());
  const Config& config = *result.config;
  EXPECT_EQ(config.http.listen, "127.0.0.1:9000");
  EXPECT_EQ(config.http.port, 9000);
  EXPECT_EQ(config.shutdown_timeout_ms, 250);
  EXPECT_FALSE(config.tail.inotify);
  ASSERT_EQ(config.sources.size(), 1u);
  EXPECT_EQ(file_source(config, 0).name, "agent");
  EXPECT_EQ(file_source(config, 0).service, "cost$center");
  EXPECT_EQ(file_source(config, 0).include,
            (std::vector<std::string>{"/var/log/agent/*.json", "/home/ada/traces/*.json"}));
}

TEST_F(LoaderTest, UndefinedVariableIsReportedOnceWithItsName) {
  ConfigLoadResult result = parse("shutdown_timeout_ms: ${TIMEOUT}\nlog_level: ${LEVEL:-debug}\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{
                               "cfg.yaml:1:22: shutdown_timeout_ms: environment variable TIMEOUT "
                               "is not set"}));
}

TEST_F(LoaderTest, TildeWithoutHomeIsAnError) {
  ConfigLoadResult result =
      parse_config("state_dir: ~/state\n", "cfg.yaml", dir_, fixed_environment({}));
  EXPECT_EQ(
      texts(result),
      (std::vector<std::string>{"cfg.yaml:1:12: state_dir: environment variable HOME is not set"}));
}

// --- overrides ---------------------------------------------------------------------------------

TEST_F(LoaderTest, OverridesReplaceFileValues) {
  ConfigLoadResult result = parse(
      "log_level: debug\nhttp:\n  listen: \":1\"\nshutdown_timeout_ms: 10\nstate_dir: from-file\n",
      {{"SPECWATCH_LOG_LEVEL", "error"},
       {"SPECWATCH_HTTP_LISTEN", "[::]:9999"},
       {"SPECWATCH_SHUTDOWN_TIMEOUT_MS", "77"}});
  EXPECT_EQ(texts(result), (std::vector<std::string>{}));
  ASSERT_TRUE(result.config.has_value());
  EXPECT_EQ(result.config->log_level, LogLevel::kError);
  EXPECT_EQ(result.config->http.listen, "[::]:9999");
  EXPECT_EQ(result.config->http.host, "::");
  EXPECT_EQ(result.config->http.port, 9999);
  EXPECT_EQ(result.config->shutdown_timeout_ms, 77);
  EXPECT_EQ(result.config->state_dir, dir_ + "/state");
  // The overridden file value is neither used nor created.
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/from-file"));
}

TEST_F(LoaderTest, EmptyOverrideCountsAsUnset) {
  ConfigLoadResult result = parse("log_level: warn\n", {{"SPECWATCH_LOG_LEVEL", ""}});
  ASSERT_TRUE(result.config.has_value());
  EXPECT_EQ(result.config->log_level, LogLevel::kWarn);
}

TEST_F(LoaderTest, BadOverridesAreReportedAsEnvironmentProblems) {
  write_file("plain", "x");
  ConfigLoadResult result =
      parse("tail:\n  inotify: nope\n", {{"SPECWATCH_LOG_LEVEL", "loud"},
                                         {"SPECWATCH_HTTP_LISTEN", "9464"},
                                         {"SPECWATCH_SHUTDOWN_TIMEOUT_MS", "${X}"},
                                         {"SPECWATCH_STATE_DIR", dir_ + "/plain"}});
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:2:12: tail.inotify: expected true or false, got \"nope\"",
                "<env>:0:0: SPECWATCH_LOG_LEVEL: must be one of: debug, info, warn, error (got "
                "\"loud\")",
                "<env>:0:0: SPECWATCH_HTTP_LISTEN: expected host:port (such as \"0.0.0.0:9464\", "
                "\"[::1]:9464\" or \":9464\"), got \"9464\"",
                "<env>:0:0: SPECWATCH_SHUTDOWN_TIMEOUT_MS: expected an integer, got \"${X}\"",
                "<env>:0:0: SPECWATCH_STATE_DIR: " + dir_ + "/plain exists but is not a directory",
            }));
}

TEST(EnvOverrides, TableListsEveryOverride) {
  std::vector<std::string> rows;
  for (const EnvOverride<Config>& entry : env_overrides()) {
    rows.push_back(std::string(entry.variable) + "=" + std::string(entry.key));
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"SPECWATCH_STATE_DIR=state_dir",
                                            "SPECWATCH_LOG_LEVEL=log_level",
                                            "SPECWATCH_HTTP_LISTEN=http.listen",
                                            "SPECWATCH_SHUTDOWN_TIMEOUT_MS=shutdown_timeout_ms"}));
}

// --- paths -------------------------------------------------------------------------------------

TEST_F(LoaderTest, RelativePathsResolveAgainstTheBaseDirectory) {
  ConfigLoadResult result = parse(
      "state_dir: ./var/../state2\nsources:\n  - name: a\n    include: [logs/*.json, "
      "/abs/*.json]\n    exclude: [logs/skip-*.json]\n",
      {}, false);
  EXPECT_EQ(texts(result), (std::vector<std::string>{}));
  ASSERT_TRUE(result.config.has_value());
  EXPECT_EQ(result.config->state_dir, dir_ + "/state2");
  EXPECT_EQ(file_source(*result.config, 0).include,
            (std::vector<std::string>{dir_ + "/logs/*.json", "/abs/*.json"}));
  EXPECT_EQ(file_source(*result.config, 0).exclude,
            (std::vector<std::string>{dir_ + "/logs/skip-*.json"}));
}

TEST_F(LoaderTest, LoadConfigResolvesAgainstTheFilesDirectory) {
  ASSERT_EQ(::mkdir((dir_ + "/etc").c_str(), 0700), 0);
  write_file("etc/specwatch.yaml",
             "state_dir: ../state\nsources:\n  - name: a\n    include: [traces/*.json]\n");
  ConfigLoadResult result =
      load_config(dir_ + "/etc/specwatch.yaml", fixed_environment({{"HOME", "/home/ada"}}));
  EXPECT_EQ(texts(result), (std::vector<std::string>{}));
  ASSERT_TRUE(result.config.has_value());
  EXPECT_EQ(result.config->path, dir_ + "/etc/specwatch.yaml");
  EXPECT_EQ(result.config->state_dir, dir_ + "/state");
  EXPECT_EQ(file_source(*result.config, 0).include,
            (std::vector<std::string>{dir_ + "/etc/traces/*.json"}));
}

TEST_F(LoaderTest, UnreadableFileIsOneErrorWithoutPlace) {
  ConfigLoadResult missing = load_config(dir_ + "/none.yaml", fixed_environment({}));
  EXPECT_FALSE(missing.config.has_value());
  EXPECT_EQ(
      texts(missing),
      (std::vector<std::string>{dir_ + "/none.yaml:0:0: cannot read configuration file: No such "
                                       "file or directory"}));
  ConfigLoadResult directory = load_config(dir_, fixed_environment({}));
  EXPECT_EQ(
      texts(directory),
      (std::vector<std::string>{dir_ + ":0:0: cannot read configuration file: Is a directory"}));
}

// --- defaults and a full configuration ---------------------------------------------------------

TEST_F(LoaderTest, DefaultsOfEveryKey) {
  ConfigLoadResult result = parse("sources:\n  - name: app\n    include: [x.json]\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{}));
  ASSERT_TRUE(result.config.has_value());
  const Config& c = *result.config;
  EXPECT_EQ(c.path, "cfg.yaml");
  EXPECT_EQ(c.http.listen, "0.0.0.0:9464");
  EXPECT_EQ(c.http.host, "0.0.0.0");
  EXPECT_EQ(c.http.port, 9464);
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.shutdown_timeout_ms, 5000);
  EXPECT_EQ(c.tail.poll_interval_ms, 1000);
  EXPECT_TRUE(c.tail.inotify);
  EXPECT_EQ(c.tail.checkpoint_interval_ms, 1000);
  EXPECT_EQ(c.tail.read_buffer_bytes, 262144u);
  EXPECT_EQ(c.tail.fingerprint_bytes, 1024u);
  EXPECT_EQ(c.tail.rotate_wait_ms, 5000);
  EXPECT_EQ(c.pipeline.queue_max_batches, 64u);
  EXPECT_EQ(c.pipeline.queue_max_bytes, 8388608u);
  EXPECT_EQ(c.pipeline.source_queue_max_bytes, 262144u);
  EXPECT_EQ(c.pipeline.batch_max_records, 1024u);
  ASSERT_EQ(c.sources.size(), 1u);
  const FileSourceConfig& s = file_source(c, 0);
  EXPECT_EQ(s.name, "app");
  EXPECT_EQ(s.include, (std::vector<std::string>{dir_ + "/x.json"}));
  EXPECT_EQ(s.exclude, (std::vector<std::string>{}));
  EXPECT_EQ(s.framing, Framing::kNdjson);
  EXPECT_EQ(s.start_at, StartAt::kBeginning);
  EXPECT_EQ(s.service, "app");
  EXPECT_EQ(s.profile, "");
  EXPECT_EQ(s.max_record_bytes, 1048576u);
  EXPECT_EQ(s.document_key, "");
  EXPECT_EQ(s.document_max_bytes, 67108864u);
  EXPECT_EQ(s.document_seen_limit, 100000u);
  EXPECT_TRUE(s.checkpoint);
  EXPECT_EQ(s.line, 2);
  // Without the override the documented default state directory is used.
  EXPECT_EQ(Config{}.state_dir, "/var/lib/specwatch");
}

TEST_F(LoaderTest, EmptyDocumentIsAllDefaults) {
  ConfigLoadResult result = parse("# nothing configured yet\n");
  EXPECT_EQ(texts(result), (std::vector<std::string>{}));
  ASSERT_TRUE(result.config.has_value());
  EXPECT_EQ(result.config->sources.size(), 0u);
  EXPECT_EQ(result.config->http.port, 9464);
}

TEST_F(LoaderTest, RealisticFullConfiguration) {
  ASSERT_EQ(::mkdir((dir_ + "/traces").c_str(), 0700), 0);
  const std::string text =
      "# specwatch sidecar\n"
      "http:\n"
      "  listen: \"127.0.0.1:${METRICS_PORT:-9464}\"\n"
      "state_dir: state\n"
      "log_level: warn\n"
      "shutdown_timeout_ms: 2000\n"
      "tail:\n"
      "  poll_interval_ms: 250\n"
      "  inotify: false\n"
      "  checkpoint_interval_ms: 500\n"
      "  read_buffer_bytes: 65536\n"
      "  fingerprint_bytes: 512\n"
      "  rotate_wait_ms: 1000\n"
      "pipeline:\n"
      "  queue_max_batches: 8\n"
      "  queue_max_bytes: 1048576\n"
      "  source_queue_max_bytes: 524288\n"
      "  batch_max_records: 256\n"
      "sources:\n"
      "  - name: agent\n"
      "    include: [\"traces/**/*.jsonl\"]\n"
      "    exclude: [\"traces/tmp/*\"]\n"
      "    start_at: end\n"
      "    service: coding-agent\n"
      "    profile: genai\n"
      "    max_record_bytes: 4096\n"
      "  - name: evals.nightly\n"
      "    include:\n"
      "      - \"~/evals/*.json\"\n"
      "    framing: json-document\n"
      "    document_key: run_id\n"
      "    document_max_bytes: 1000000\n"
      "    document_seen_limit: 500\n"
      "    checkpoint: false\n";
  ConfigLoadResult result = parse(text, {}, false);
  EXPECT_EQ(texts(result), (std::vector<std::string>{}));
  ASSERT_TRUE(result.config.has_value());
  const Config& c = *result.config;

  Config expected;
  expected.path = "cfg.yaml";
  expected.http.listen = "127.0.0.1:9464";
  expected.http.host = "127.0.0.1";
  expected.http.port = 9464;
  expected.state_dir = dir_ + "/state";
  expected.log_level = LogLevel::kWarn;
  expected.shutdown_timeout_ms = 2000;
  expected.tail = TailConfig{250, false, 500, 65536, 512, 1000};
  expected.pipeline = PipelineConfig{.queue_max_batches = 8,
                                     .queue_max_bytes = 1048576,
                                     .source_queue_max_bytes = 524288,
                                     .batch_max_records = 256};
  FileSourceConfig agent;
  agent.name = "agent";
  agent.include = {dir_ + "/traces/**/*.jsonl"};
  agent.exclude = {dir_ + "/traces/tmp/*"};
  agent.start_at = StartAt::kEnd;
  agent.service = "coding-agent";
  agent.profile = "genai";
  agent.max_record_bytes = 4096;
  agent.line = 20;
  FileSourceConfig evals;
  evals.name = "evals.nightly";
  evals.include = {"/home/ada/evals/*.json"};
  evals.framing = Framing::kJsonDocument;
  evals.service = "evals.nightly";
  evals.document_key = "run_id";
  evals.document_max_bytes = 1000000;
  evals.document_seen_limit = 500;
  evals.checkpoint = false;
  evals.line = 27;
  const std::vector<FileSourceConfig> expected_sources = {agent, evals};

  EXPECT_EQ(c.path, expected.path);
  EXPECT_EQ(c.http.listen, expected.http.listen);
  EXPECT_EQ(c.http.host, expected.http.host);
  EXPECT_EQ(c.http.port, expected.http.port);
  EXPECT_EQ(c.state_dir, expected.state_dir);
  EXPECT_EQ(c.log_level, expected.log_level);
  EXPECT_EQ(c.shutdown_timeout_ms, expected.shutdown_timeout_ms);
  EXPECT_EQ(c.tail.poll_interval_ms, expected.tail.poll_interval_ms);
  EXPECT_EQ(c.tail.inotify, expected.tail.inotify);
  EXPECT_EQ(c.tail.checkpoint_interval_ms, expected.tail.checkpoint_interval_ms);
  EXPECT_EQ(c.tail.read_buffer_bytes, expected.tail.read_buffer_bytes);
  EXPECT_EQ(c.tail.fingerprint_bytes, expected.tail.fingerprint_bytes);
  EXPECT_EQ(c.tail.rotate_wait_ms, expected.tail.rotate_wait_ms);
  EXPECT_EQ(c.pipeline.queue_max_batches, expected.pipeline.queue_max_batches);
  EXPECT_EQ(c.pipeline.queue_max_bytes, expected.pipeline.queue_max_bytes);
  EXPECT_EQ(c.pipeline.source_queue_max_bytes, expected.pipeline.source_queue_max_bytes);
  EXPECT_EQ(c.pipeline.batch_max_records, expected.pipeline.batch_max_records);
  ASSERT_EQ(c.sources.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    const FileSourceConfig& got = file_source(c, i);
    const FileSourceConfig& want = expected_sources[i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.include, want.include);
    EXPECT_EQ(got.exclude, want.exclude);
    EXPECT_EQ(got.framing, want.framing);
    EXPECT_EQ(got.start_at, want.start_at);
    EXPECT_EQ(got.service, want.service);
    EXPECT_EQ(got.profile, want.profile);
    EXPECT_EQ(got.max_record_bytes, want.max_record_bytes);
    EXPECT_EQ(got.document_key, want.document_key);
    EXPECT_EQ(got.document_max_bytes, want.document_max_bytes);
    EXPECT_EQ(got.document_seen_limit, want.document_seen_limit);
    EXPECT_EQ(got.checkpoint, want.checkpoint);
    EXPECT_EQ(got.line, want.line);
  }
}

// --- extensibility -----------------------------------------------------------------------------

TEST_F(LoaderTest, RegisteredSectionParsesItsKeyWithTheSharedReaders) {
  ConfigSections sections = builtin_config_sections();
  std::vector<std::string> seen;
  sections.add("billing", [&](const YAML::Node& node, const std::string& key_path, Config&,
                              ConfigReader& in) {
    if (!in.expect_map(node, key_path)) return;
    in.check_unknown_keys(node, key_path, {"currency"});
    if (auto currency = in.read_enum<int>(
            node["currency"], ConfigReader::join(key_path, "currency"), {{"usd", 1}, {"eur", 2}})) {
      seen.push_back(std::to_string(*currency));
    }
  });
  EXPECT_THROW(sections.add("billing", nullptr), std::logic_error);

  ConfigLoadResult good =
      parse_config("billing:\n  currency: ${CUR}\n", "cfg.yaml", dir_,
                   fixed_environment({{"CUR", "eur"}, {"SPECWATCH_STATE_DIR", dir_}}), sections);
  EXPECT_EQ(texts(good), (std::vector<std::string>{}));
  EXPECT_EQ(seen, (std::vector<std::string>{"2"}));

  ConfigLoadResult bad =
      parse_config("billing:\n  currency: gbp\n  tax: 1\nextra: 1\n", "cfg.yaml", dir_,
                   fixed_environment({{"SPECWATCH_STATE_DIR", dir_}}), sections);
  EXPECT_EQ(texts(bad),
            (std::vector<std::string>{
                "cfg.yaml:2:13: billing.currency: must be one of: usd, eur (got \"gbp\")",
                "cfg.yaml:3:3: billing.tax: unknown key; allowed keys: currency",
                "cfg.yaml:4:1: extra: unknown key; allowed keys: http, state_dir, log_level, "
                "shutdown_timeout_ms, tail, pipeline, sources, profiles, pricing, cardinality, "
                "redaction, billing",
            }));
}

TEST_F(LoaderTest, SectionParserThatThrowsIsReportedNotFatal) {
  ConfigSections sections = builtin_config_sections();
  sections.add("otlp", [](const YAML::Node& node, const std::string&, Config&, ConfigReader&) {
    (void)node.as<int>();  // wrong use of yaml-cpp: the value is a mapping
  });
  ConfigLoadResult result =
      parse_config("otlp:\n  endpoint: x\n", "cfg.yaml", dir_,
                   fixed_environment({{"SPECWATCH_STATE_DIR", dir_}}), sections);
  EXPECT_EQ(
      texts(result),
      (std::vector<std::string>{"cfg.yaml:2:3: otlp: cannot read this section: bad conversion"}));
}

}  // namespace
}  // namespace specwatch

namespace specwatch {
namespace {

TEST_F(LoaderTest, RedactionPatternsTurnedOnAndOffByName) {
  ConfigLoadResult result = parse(
      "redaction:\n  disabled_patterns: [bearer_token, url_password]\n"
      "  enabled_patterns: [email_address]\n");
  ASSERT_TRUE(result.config.has_value()) << texts(result)[0];
  PatternSet expected = PatternSet::defaults();
  expected.set(BuiltinPattern::kBearerToken, false);
  expected.set(BuiltinPattern::kUrlPassword, false);
  expected.set(BuiltinPattern::kEmailAddress, true);
  EXPECT_EQ(result.config->redaction.patterns, expected);
  EXPECT_EQ(parse("log_level: info\n").config->redaction.patterns, PatternSet::defaults());
}

TEST_F(LoaderTest, RedactionProblemsNameTheElement) {
  ConfigLoadResult result = parse(
      "redaction:\n  disabled_patterns: [openai, github_token]\n"
      "  enabled_patterns: [github_token]\n  marker: x\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:2:23: redaction.disabled_patterns[0]: unknown pattern \"openai\"; known "
                "patterns: anthropic_api_key, openai_api_key, groq_api_key, google_api_key, "
                "aws_access_key_id, aws_secret_access_key, github_token, bearer_token, "
                "url_password, private_key, email_address, phone_number",
                "cfg.yaml:3:21: redaction.enabled_patterns: pattern \"github_token\" is also in "
                "disabled_patterns",
                "cfg.yaml:4:3: redaction.marker: unknown key; allowed keys: patterns, "
                "disabled_patterns, enabled_patterns",
            }));
}

}  // namespace
}  // namespace specwatch
