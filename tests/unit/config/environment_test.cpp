#include "sidecar/config/environment.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

const Environment kEnv =
    fixed_environment({{"USER", "ada"}, {"EMPTY", ""}, {"HOME", "/home/ada/"}});

TEST(ExpandVariables, ReplacesADefinedVariable) {
  Expansion out = expand_variables("/data/${USER}/logs", kEnv);
  EXPECT_EQ(out.text, "/data/ada/logs");
  EXPECT_EQ(out.errors.size(), 0u);
}

TEST(ExpandVariables, DefaultIsUsedWhenUnsetOrEmpty) {
  EXPECT_EQ(expand_variables("${MISSING:-9464}", kEnv).text, "9464");
  EXPECT_EQ(expand_variables("${EMPTY:-x}", kEnv).text, "x");
  EXPECT_EQ(expand_variables("${USER:-x}", kEnv).text, "ada");
  EXPECT_EQ(expand_variables("${MISSING:-}", kEnv).text, "");
}

TEST(ExpandVariables, DoubleDollarIsALiteralDollar) {
  Expansion out = expand_variables("cost$$ and $${USER} and $x", kEnv);
  EXPECT_EQ(out.text, "cost$ and ${USER} and $x");
  EXPECT_EQ(out.errors.size(), 0u);
}

TEST(ExpandVariables, EveryUndefinedVariableIsAnError) {
  Expansion out = expand_variables("${A}/${USER}/${B}", kEnv);
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0], "environment variable A is not set");
  EXPECT_EQ(out.errors[1], "environment variable B is not set");
}

TEST(ExpandVariables, MalformedReferencesAreErrors) {
  Expansion unterminated = expand_variables("a${USER", kEnv);
  ASSERT_EQ(unterminated.errors.size(), 1u);
  EXPECT_EQ(unterminated.errors[0], "unterminated \"${\" (write \"$$\" for a literal \"$\")");
  Expansion bad_name = expand_variables("${1X}", kEnv);
  ASSERT_EQ(bad_name.errors.size(), 1u);
  EXPECT_EQ(bad_name.errors[0], "invalid environment variable name \"1X\"");
}

TEST(ExpandHome, LeadingTildeIsHome) {
  EXPECT_EQ(expand_home("~/logs/*.json", kEnv).text, "/home/ada/logs/*.json");
  EXPECT_EQ(expand_home("~", kEnv).text, "/home/ada");
  EXPECT_EQ(expand_home("a/~/b", kEnv).text, "a/~/b");
  EXPECT_EQ(expand_home("~other/x", kEnv).text, "~other/x");
}

TEST(ExpandHome, UnsetHomeIsAnError) {
  Expansion out = expand_home("~/x", fixed_environment({}));
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0], "environment variable HOME is not set");
}

TEST(ProcessEnvironment, ReadsTheProcessEnvironment) {
  ASSERT_EQ(::setenv("SPECWATCH_CONFIG_TEST_VAR", "v1", 1), 0);
  Environment env = process_environment();
  EXPECT_EQ(env("SPECWATCH_CONFIG_TEST_VAR"), std::optional<std::string>("v1"));
  ASSERT_EQ(::unsetenv("SPECWATCH_CONFIG_TEST_VAR"), 0);
  EXPECT_EQ(env("SPECWATCH_CONFIG_TEST_VAR"), std::nullopt);
}

}  // namespace
}  // namespace specwatch
