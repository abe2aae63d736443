#include "sidecar/config/environment.h"

#include <cstdlib>

namespace specwatch {
namespace {

bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name[0])) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

std::string unset_message(std::string_view name) {
  return "environment variable " + std::string(name) + " is not set";
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Environment fixed_environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

Expansion expand_variables(std::string_view text, const Environment& env) {
  Expansion out;
  out.text.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$' || i + 1 >= text.size()) {
      out.text += c;
      ++i;
      continue;
    }
    const char next = text[i + 1];
    if (next == '$') {
      out.text += '$';
      i += 2;
      continue;
    }
    if (next != '{') {
      out.text += c;
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      out.errors.push_back("unterminated \"${\" (write \"$$\" for a literal \"$\")");
      out.text.append(text.substr(i));
      break;
    }
    const std::string_view inside = text.substr(i + 2, close - i - 2);
    const std::size_t separator = inside.find(":-");
    const std::string_view name = inside.substr(0, separator);
    i = close + 1;
    if (!is_valid_name(name)) {
      out.errors.push_back("invalid environment variable name \"" + std::string(name) + "\"");
      continue;
    }
    const std::optional<std::string> value = env ? env(std::string(name)) : std::nullopt;
    if (separator != std::string_view::npos) {
      out.text +=
          (value && !value->empty()) ? std::string_view(*value) : inside.substr(separator + 2);
    } else if (value) {
      out.text += *value;
    } else {
      out.errors.push_back(unset_message(name));
    }
  }
  return out;
}

Expansion expand_home(std::string_view path, const Environment& env) {
  Expansion out;
  if (path != "~" && !path.starts_with("~/")) {
    out.text = std::string(path);
    return out;
  }
  const std::optional<std::string> home = env ? env("HOME") : std::nullopt;
  if (!home || home->empty()) {
    out.errors.push_back(unset_message("HOME"));
    out.text = std::string(path);
    return out;
  }
  std::string base = *home;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  out.text = base + std::string(path.substr(1));
  return out;
}

}  // namespace specwatch
