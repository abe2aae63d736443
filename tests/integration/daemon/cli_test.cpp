// The command line of the real binary: version, help, validate, and run refusing bad configs.
#include <gtest/gtest.h>

#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"

namespace specwatch::testing {
namespace {

TEST(Cli, VersionAndHelp) {
  auto v = run_specwatch({"version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.output, std::string("specwatch ") + SPECWATCH_VERSION + "\n");
  auto h = run_specwatch({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.output.find("specwatch validate --config FILE"), std::string::npos);
  auto bad = run_specwatch({"frobnicate"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.output.rfind("specwatch: unknown command 'frobnicate'\n", 0), 0u) << bad.output;
}

TEST(Cli, ValidateAcceptsAGoodConfig) {
  TempDir dir;
  std::string config = dir.file("specwatch.yaml");
  write_file(config, test_config(dir.file("state"), ndjson_source("app", dir.file("*.log"))));
  auto r = run_specwatch({"validate", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, config + ": configuration OK (1 sources)\n");
}

TEST(Cli, ValidateListsEveryProblemWithFileLineColumnAndKey) {
  TempDir dir;
  std::string config = dir.file("bad.yaml");
  write_file(config,
             "http:\n"
             "  listen: \"127.0.0.1:99999\"\n"
             "state_dir: \"" +
                 dir.file("state") +
                 "\"\n"
                 "log_level: loud\n"
                 "sources:\n"
                 "  - name: app\n"
                 "    include: [\"" +
                 dir.file("*.log") +
                 "\"]\n"
                 "    framing: xml\n"
                 "    colour: blue\n");
  auto r = run_specwatch({"validate", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  // One line per problem, each naming file, line, column and key.
  EXPECT_NE(r.output.find(config + ":2:11: http.listen: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(config + ":4:12: log_level: must be one of: debug, info, warn, error"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(config + ":8:14: sources[0].framing: must be one of: ndjson, "
                                   "json-stream, json-document, lines"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(config + ":9:5: sources[0].colour: unknown key"), std::string::npos)
      << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 4) << r.output;
}

TEST(Cli, RunRefusesToStartOnAnInvalidConfig) {
  TempDir dir;
  std::string config = dir.file("bad.yaml");
  write_file(config, "sources:\n  - include: [\"/tmp/x.log\"]\n");
  auto r = run_specwatch({"run", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(config + ":2:5: sources[0].name: required key is missing"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("not starting: 1 problem(s) in the configuration"), std::string::npos);
}

}  // namespace
}  // namespace specwatch::testing

namespace specwatch::testing {
namespace {

TEST(Cli, PricingCheckListsModelsWithoutAPrice) {
  TempDir dir;
  std::string calls = dir.file("calls.ndjson");
  write_file(calls,
             "{\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-4o\","
             "\"gen_ai.usage.input_tokens\":10}\n"
             "{\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-9-mega\","
             "\"gen_ai.usage.input_tokens\":10}\n"
             "{\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-9-mega\"}\n"
             "{\"gen_ai.provider.name\":\"anthropic\","
             "\"gen_ai.response.model\":\"claude-sonnet-4-5-20250929\"}\n");
  std::string config = dir.file("specwatch.yaml");
  write_file(config, test_config(dir.file("state"), ndjson_source("calls", dir.file("*.ndjson"),
                                                                  "    profile: genai\n")));
  auto r = run_specwatch({"pricing", "check", "--config", config, calls});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output,
            "1 model(s) without a price:\n"
            "  provider=openai model=gpt-9-mega calls=2 first_seen_in=" +
                calls +
                "\n"
                "Add them to a pricing file (pricing.file) or map them with pricing.rules; see "
                "docs/METRICS.md.\n");

  write_file(calls,
             "{\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"openai/gpt-4o\"}\n");
  auto ok = run_specwatch({"pricing", "check", "--config", config, calls});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(ok.output, "every model in the inputs has a price (1 model(s) seen)\n");

  // The daemon's record path: a last line without its newline is not read yet, and says so.
  write_file(calls,
             "{\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-9-mega\"}\n"
             "{\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-9-ultra\"}");
  auto partial = run_specwatch({"pricing", "check", "--config", config, calls});
  EXPECT_EQ(partial.exit_code, 1) << partial.output;
  EXPECT_EQ(partial.output,
            calls +
                ": the last record has no newline yet, so it was not read (the sidecar reads it "
                "once the line ends)\n"
                "1 model(s) without a price:\n"
                "  provider=openai model=gpt-9-mega calls=1 first_seen_in=" +
                calls +
                "\n"
                "Add them to a pricing file (pricing.file) or map them with pricing.rules; see "
                "docs/METRICS.md.\n");

  auto unwatched = run_specwatch({"pricing", "check", "--config", config, dir.file("x.log")});
  EXPECT_EQ(unwatched.exit_code, 2);
  EXPECT_EQ(unwatched.output, dir.file("x.log") + ": no source of " + config +
                                  " watches this file; name one that does with --config\n");
}

}  // namespace
}  // namespace specwatch::testing
