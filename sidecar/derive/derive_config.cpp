#include "sidecar/derive/derive_config.h"

#include <regex>

namespace specwatch {
namespace {

void unknown_keys(const YAML::Node& node, const std::string& key_path, const std::string& file,
                  std::initializer_list<std::string_view> allowed,
                  std::vector<DeriveError>& errors) {
  for (const auto& item : node) {
    const std::string name = item.first.IsScalar() ? item.first.Scalar() : std::string("?");
    bool found = false;
    for (auto a : allowed) found = found || a == name;
    if (!found)
      errors.push_back(
          make_derive_error(file, item.first.Mark(), key_path + "." + name, "unknown key"));
  }
}

bool read_string(const YAML::Node& node, const std::string& key, const std::string& file,
                 std::string& out, std::vector<DeriveError>& errors) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    errors.push_back(make_derive_error(file, node.Mark(), key, "expected a non-empty string"));
    return false;
  }
  out = node.Scalar();
  return true;
}

}  // namespace

void parse_pricing_config(const YAML::Node& node, const std::string& key_path,
                          const std::string& file, PricingConfig& out,
                          std::vector<DeriveError>& errors) {
  try {
    if (!node.IsMap()) {
      errors.push_back(make_derive_error(file, node.Mark(), key_path, "expected a mapping"));
      return;
    }
    unknown_keys(node, key_path, file, {"file", "rules"}, errors);
    if (auto path = node["file"]) read_string(path, key_path + ".file", file, out.file, errors);
    auto rules = node["rules"];
    if (!rules) return;
    if (!rules.IsSequence()) {
      errors.push_back(
          make_derive_error(file, rules.Mark(), key_path + ".rules", "expected a list"));
      return;
    }
    std::size_t index = 0;
    for (const auto& item : rules) {
      const std::string path = key_path + ".rules[" + std::to_string(index++) + "]";
      if (!item.IsMap()) {
        errors.push_back(make_derive_error(file, item.Mark(), path, "expected a mapping"));
        continue;
      }
      unknown_keys(item, path, file, {"match", "provider", "model"}, errors);
      PricingRule rule;
      bool ok = true;
      if (auto match = item["match"]) {
        if (read_string(match, path + ".match", file, rule.match, errors)) {
          try {
            std::regex check(rule.match, std::regex::ECMAScript | std::regex::icase);
          } catch (const std::regex_error& e) {
            errors.push_back(
                make_derive_error(file, match.Mark(), path + ".match",
                                  std::string("invalid regular expression: ") + e.what()));
            ok = false;
          }
        } else {
          ok = false;
        }
      } else {
        errors.push_back(make_derive_error(file, item.Mark(), path + ".match", "missing"));
        ok = false;
      }
      if (auto provider = item["provider"]) {
        ok = read_string(provider, path + ".provider", file, rule.provider, errors) && ok;
      }
      if (auto model = item["model"]) {
        ok = read_string(model, path + ".model", file, rule.model, errors) && ok;
      } else {
        errors.push_back(make_derive_error(file, item.Mark(), path + ".model", "missing"));
        ok = false;
      }
      if (ok) out.rules.push_back(std::move(rule));
    }
  } catch (const YAML::Exception& e) {
    errors.push_back(make_derive_error(file, e.mark, key_path, e.msg));
  }
}

void parse_cardinality_config(const YAML::Node& node, const std::string& key_path,
                              const std::string& file, CardinalityConfig& out,
                              std::vector<DeriveError>& errors) {
  try {
    if (!node.IsMap()) {
      errors.push_back(make_derive_error(file, node.Mark(), key_path, "expected a mapping"));
      return;
    }
    unknown_keys(node, key_path, file, {"max_series_per_metric"}, errors);
    if (auto limit = node["max_series_per_metric"]) {
      long long value = 0;
      if (!limit.IsScalar() || !YAML::convert<long long>::decode(limit, value) || value < 1 ||
          value > static_cast<long long>(kMaxSeriesPerMetricCeiling)) {
        errors.push_back(make_derive_error(file, limit.Mark(), key_path + ".max_series_per_metric",
                                           "expected an integer from 1 to 1000000"));
      } else {
        out.max_series_per_metric = static_cast<std::size_t>(value);
      }
    }
  } catch (const YAML::Exception& e) {
    errors.push_back(make_derive_error(file, e.mark, key_path, e.msg));
  }
}

PricingTable build_pricing_table(const PricingConfig& config, std::vector<DeriveError>& errors) {
  std::vector<DeriveError> bundled_errors;
  PricingTable table = PricingTable::bundled(&bundled_errors);
  errors.insert(errors.end(), bundled_errors.begin(), bundled_errors.end());
  if (!config.file.empty()) {
    auto user = load_pricing_file(config.file);
    if (user.errors.empty()) {
      table.add(std::move(user.entries));
    } else {
      errors.insert(errors.end(), user.errors.begin(), user.errors.end());
    }
  }
  auto rule_errors = table.set_rules(config.rules);
  errors.insert(errors.end(), rule_errors.begin(), rule_errors.end());
  return table;
}

}  // namespace specwatch
