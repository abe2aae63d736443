// Environment access for the configuration: `${VAR}` expansion in values and SPECWATCH_*
// overrides. The environment is a function so that tests (and reloads) can inject one.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace specwatch {

using Environment = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the process environment (getenv) at the time of each lookup.
Environment process_environment();

// A fixed set of variables; every other name is unset.
Environment fixed_environment(std::map<std::string, std::string> variables);

struct Expansion {
  std::string text;                 // the expanded text (undefined variables expand to nothing)
  std::vector<std::string> errors;  // one message per problem; empty when the text is usable
};

// Expands `${NAME}` (error when NAME is unset), `${NAME:-default}` (default when NAME is unset
// or empty; the default is taken literally) and `$$` (a literal `$`). A `$` followed by anything
// else is kept as it is. NAME is [A-Za-z_][A-Za-z0-9_]*.
Expansion expand_variables(std::string_view text, const Environment& env);

// Replaces a leading "~" or "~/" by $HOME. Other text is returned unchanged.
Expansion expand_home(std::string_view path, const Environment& env);

}  // namespace specwatch
