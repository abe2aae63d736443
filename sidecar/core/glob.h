// Shell-style path globs for source include/exclude patterns.
//   *      any run of characters except '/'
//   ?      one character except '/'
//   [abc] [a-z] [!a-z]   one character from (or not from) a class, never '/'
//   **     as a whole path component: any number of directories (including none)
//   \x     the character x literally
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace specwatch {

bool glob_match(std::string_view pattern, std::string_view path);

// nullopt when the pattern is usable; otherwise why not ("unterminated character class '['").
std::optional<std::string> validate_glob(std::string_view pattern);

// The longest leading directory of the pattern that contains no wildcard: what a watcher watches
// and a scanner walks from. "/var/log/app/*.json" → "/var/log/app"; "/a/*/b.json" → "/a";
// "logs/x.json" → "logs"; "*.json" → ".".
std::string fixed_prefix_dir(std::string_view pattern);

// True if the pattern contains any wildcard character.
bool has_wildcard(std::string_view pattern);

}  // namespace specwatch
