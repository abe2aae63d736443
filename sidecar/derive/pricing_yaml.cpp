// Reading pricing documents: every problem is reported with file, line, column and key; nothing
// throws out of here (yaml-cpp's exceptions are caught and turned into errors).
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "sidecar/core/ascii.h"
#include "sidecar/derive/pricing.h"

namespace specwatch {
namespace {

class EntryReader {
 public:
  EntryReader(const std::string& file, std::vector<DeriveError>& errors)
      : file_(file), errors_(errors) {}

  void error(const YAML::Node& node, const std::string& key, std::string message) {
    errors_.push_back(make_derive_error(file_, node.Mark(), key, std::move(message)));
  }

  std::optional<double> rate(const YAML::Node& node, const std::string& key) {
    double value = 0.0;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, value)) {
      error(node, key, "expected a number");
      return std::nullopt;
    }
    if (!std::isfinite(value) || value < 0.0) {
      error(node, key, "expected a finite number >= 0");
      return std::nullopt;
    }
    return value;
  }

  std::optional<std::string> text(const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar() || node.Scalar().empty()) {
      error(node, key, "expected a non-empty string");
      return std::nullopt;
    }
    return node.Scalar();
  }

  std::optional<bool> flag(const YAML::Node& node, const std::string& key) {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      error(node, key, "expected true or false");
      return std::nullopt;
    }
    return value;
  }

  // Reads input/output/cache_read/cache_creation(/reasoning) of `map` into `rates`. Returns false
  // when a required rate is missing or a value is malformed (errors recorded).
  bool rates(const YAML::Node& map, const std::string& path, TokenRates& out, bool& has_reasoning) {
    bool ok = true;
    bool has_input = false, has_output = false, has_cache_read = false, has_cache_creation = false;
    for (const auto& item : map) {
      const std::string name = item.first.Scalar();
      const std::string key = path + "." + name;
      double* target = nullptr;
      if (name == "input") {
        target = &out.input;
        has_input = true;
      } else if (name == "output") {
        target = &out.output;
        has_output = true;
      } else if (name == "cache_read") {
        target = &out.cache_read;
        has_cache_read = true;
      } else if (name == "cache_creation") {
        target = &out.cache_creation;
        has_cache_creation = true;
      } else if (name == "reasoning") {
        target = &out.reasoning;
        has_reasoning = true;
      }
      if (target == nullptr) continue;
      if (auto value = rate(item.second, key)) {
        *target = *value;
      } else {
        ok = false;
      }
    }
    if (!has_input) {
      error(map, path + ".input", "missing (USD per input token)");
      ok = false;
    }
    if (!has_output) {
      error(map, path + ".output", "missing (USD per output token)");
      ok = false;
    }
    // Absent cache rates are the input rate: a cached token is never free by omission.
    if (!has_cache_read) out.cache_read = out.input;
    if (!has_cache_creation) out.cache_creation = out.input;
    if (!has_reasoning) out.reasoning = out.output;
    return ok;
  }

  bool known_keys(const YAML::Node& map, const std::string& path,
                  std::initializer_list<std::string_view> allowed) {
    bool ok = true;
    for (const auto& item : map) {
      if (!item.first.IsScalar()) {
        error(item.first, path, "keys must be strings");
        ok = false;
        continue;
      }
      const std::string& name = item.first.Scalar();
      bool found = false;
      for (auto a : allowed) found = found || a == name;
      if (!found) {
        error(item.first, path + "." + name, "unknown key");
        ok = false;
      }
    }
    return ok;
  }

  std::optional<ModelPrice> entry(const YAML::Node& node, const std::string& path) {
    if (!node.IsMap()) {
      error(node, path, "expected a mapping");
      return std::nullopt;
    }
    bool ok = known_keys(node, path,
                         {"provider", "model", "input", "output", "cache_read", "cache_creation",
                          "reasoning", "output_includes_reasoning", "tier", "source", "checked"});
    ModelPrice price;
    if (auto provider = node["provider"]) {
      if (auto value = text(provider, path + ".provider"))
        price.provider = ascii_lowercase(*value);
      else
        ok = false;
    } else {
      error(node, path + ".provider", "missing");
      ok = false;
    }
    if (auto model = node["model"]) {
      if (auto value = text(model, path + ".model"))
        price.model = ascii_lowercase(*value);
      else
        ok = false;
    } else {
      error(node, path + ".model", "missing");
      ok = false;
    }
    bool has_reasoning = false;
    ok = rates(node, path, price.rates, has_reasoning) && ok;
    if (auto flag_node = node["output_includes_reasoning"]) {
      if (auto value = flag(flag_node, path + ".output_includes_reasoning")) {
        price.output_includes_reasoning = *value;
      } else {
        ok = false;
      }
    }
    if (auto tier = node["tier"]) {
      const std::string tier_path = path + ".tier";
      if (!tier.IsMap()) {
        error(tier, tier_path, "expected a mapping");
        ok = false;
      } else {
        ok = known_keys(tier, tier_path,
                        {"above_input_tokens", "input", "output", "cache_read", "cache_creation",
                         "reasoning"}) &&
             ok;
        PriceTier parsed;
        long long threshold = 0;
        if (auto above = tier["above_input_tokens"]) {
          if (!above.IsScalar() || !YAML::convert<long long>::decode(above, threshold) ||
              threshold < 0) {
            error(above, tier_path + ".above_input_tokens", "expected an integer >= 0");
            ok = false;
          }
        } else {
          error(tier, tier_path + ".above_input_tokens", "missing");
          ok = false;
        }
        parsed.above_input_tokens = threshold;
        bool tier_has_reasoning = false;
        ok = rates(tier, tier_path, parsed.rates, tier_has_reasoning) && ok;
        if (!tier_has_reasoning && has_reasoning) {
          // A separately priced reasoning rate scales with the tier's output rate.
          parsed.rates.reasoning = parsed.rates.output;
        }
        price.tier = parsed;
      }
    }
    if (auto source = node["source"]) {
      if (auto value = text(source, path + ".source"))
        price.source = *value;
      else
        ok = false;
    }
    if (auto checked = node["checked"]) {
      if (auto value = text(checked, path + ".checked"))
        price.checked = *value;
      else
        ok = false;
    }
    if (!ok) return std::nullopt;
    return price;
  }

 private:
  const std::string& file_;
  std::vector<DeriveError>& errors_;
};

}  // namespace

PricingParseResult parse_pricing_yaml(std::string_view text, const std::string& file) {
  PricingParseResult result;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    EntryReader reader(file, result.errors);
    if (!root.IsMap()) {
      reader.error(root, "", "expected a mapping with the key 'models'");
      return result;
    }
    reader.known_keys(root, "", {"models"});
    // known_keys builds ".name" paths for the top level; drop the leading dot.
    for (auto& error : result.errors) {
      if (!error.key.empty() && error.key.front() == '.') error.key.erase(0, 1);
    }
    YAML::Node models = root["models"];
    if (!models) {
      reader.error(root, "models", "missing");
      return result;
    }
    if (!models.IsSequence()) {
      reader.error(models, "models", "expected a list");
      return result;
    }
    std::size_t index = 0;
    for (const auto& item : models) {
      const std::string path = "models[" + std::to_string(index++) + "]";
      if (auto price = reader.entry(item, path)) result.entries.push_back(std::move(*price));
    }
  } catch (const YAML::Exception& e) {
    result.errors.push_back(make_derive_error(file, e.mark, "", e.msg));
  } catch (const std::exception& e) {
    result.errors.push_back(make_derive_error(file, YAML::Mark::null_mark(), "", e.what()));
  }
  return result;
}

PricingParseResult load_pricing_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    PricingParseResult result;
    result.errors.push_back(
        make_derive_error(path, YAML::Mark::null_mark(), "", "cannot open the pricing file"));
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_pricing_yaml(text.str(), path);
}

}  // namespace specwatch
