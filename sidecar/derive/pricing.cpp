#include "sidecar/derive/pricing.h"

#include <algorithm>
#include <array>
#include <set>

#include "sidecar/core/ascii.h"
#include "sidecar/core/byte_hash.h"

namespace specwatch {
namespace {

bool is_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool remove_prefix(std::string& text, std::string_view prefix) {
  if (text.size() > prefix.size() && text.compare(0, prefix.size(), prefix) == 0) {
    text.erase(0, prefix.size());
    return true;
  }
  return false;
}

std::int64_t non_negative(const std::optional<std::int64_t>& value) {
  return value && *value > 0 ? *value : 0;
}

}  // namespace

std::string normalize_model_name(std::string_view model) {
  std::string name = ascii_lowercase(model);
  if (auto slash = name.rfind('/'); slash != std::string::npos && slash + 1 < name.size()) {
    name.erase(0, slash + 1);
  }
  // Bedrock inference profiles and model ids: [region.]vendor.model[-vN[:M]]
  static constexpr std::array<std::string_view, 5> kRegions = {"us.", "eu.", "apac.", "global.",
                                                               "us-gov."};
  for (auto region : kRegions) {
    if (remove_prefix(name, region)) break;
  }
  static constexpr std::array<std::string_view, 6> kVendors = {"anthropic.", "meta.",   "amazon.",
                                                               "mistral.",   "cohere.", "ai21."};
  bool bedrock = false;
  for (auto vendor : kVendors) {
    if (remove_prefix(name, vendor)) {
      bedrock = true;
      break;
    }
  }
  if (bedrock) {
    // "-v1:0", "-v2:0", "-v1"
    auto dash = name.rfind("-v");
    if (dash != std::string::npos) {
      std::string_view rest = std::string_view(name).substr(dash + 2);
      auto colon = rest.find(':');
      std::string_view major = rest.substr(0, colon);
      bool version = is_digits(major) &&
                     (colon == std::string_view::npos || is_digits(rest.substr(colon + 1)));
      if (version) name.erase(dash);
    }
  }
  // Vertex AI: "claude-3-5-sonnet-v2@20241022" keeps its family name before '@'.
  if (auto at = name.find('@'); at != std::string::npos && at > 0) name.erase(at);
  return name;
}

std::string strip_date_suffix(std::string_view model) {
  std::string name(model);
  auto strip_once = [&name]() {
    if (name.size() > 7 && name.compare(name.size() - 7, 7, "-latest") == 0) {
      name.erase(name.size() - 7);
      return true;
    }
    // -YYYYMMDD
    if (name.size() > 9 && name[name.size() - 9] == '-' &&
        is_digits(std::string_view(name).substr(name.size() - 8))) {
      name.erase(name.size() - 9);
      return true;
    }
    // -YYYY-MM-DD
    if (name.size() > 11) {
      std::string_view tail = std::string_view(name).substr(name.size() - 11);
      if (tail[0] == '-' && is_digits(tail.substr(1, 4)) && tail[5] == '-' &&
          is_digits(tail.substr(6, 2)) && tail[8] == '-' && is_digits(tail.substr(9, 2))) {
        name.erase(name.size() - 11);
        return true;
      }
    }
    return false;
  };
  strip_once();
  return name;
}

std::int64_t prompt_tokens_per_request(const LlmCall& call) {
  const std::int64_t input = non_negative(call.input_tokens);
  const std::int64_t cache_read = non_negative(call.cache_read_tokens);
  const std::int64_t cache_creation = non_negative(call.cache_creation_tokens);
  const std::int64_t prompt = call.input_includes_cache
                                  ? std::max(input, cache_read + cache_creation)
                                  : input + cache_read + cache_creation;
  return call.count > 1 ? prompt / call.count : prompt;
}

std::optional<double> compute_cost(const ModelPrice& price, const LlmCall& call) {
  if (!call.input_tokens && !call.output_tokens && !call.cache_read_tokens &&
      !call.cache_creation_tokens) {
    return std::nullopt;
  }
  const std::int64_t input = non_negative(call.input_tokens);
  const std::int64_t cache_read = non_negative(call.cache_read_tokens);
  const std::int64_t cache_creation = non_negative(call.cache_creation_tokens);
  const std::int64_t output = non_negative(call.output_tokens);
  const std::int64_t uncached = call.input_includes_cache
                                    ? std::max<std::int64_t>(0, input - cache_read - cache_creation)
                                    : input;
  const TokenRates& rates =
      price.tier && prompt_tokens_per_request(call) > price.tier->above_input_tokens
          ? price.tier->rates
          : price.rates;
  double cost = static_cast<double>(uncached) * rates.input +
                static_cast<double>(cache_read) * rates.cache_read +
                static_cast<double>(cache_creation) * rates.cache_creation +
                static_cast<double>(output) * rates.output;
  if (!price.output_includes_reasoning) {
    cost += static_cast<double>(non_negative(call.reasoning_tokens)) * rates.reasoning;
  }
  return cost;
}

struct PricingTable::Impl {
  struct CompiledRule {
    std::regex pattern;
    std::string provider;
    std::string model;
  };

  std::vector<ModelPrice> entries;
  std::unordered_map<std::string, std::vector<std::size_t>, ByteHash, std::equal_to<>> by_model;
  std::unordered_map<std::string, std::size_t, ByteHash, std::equal_to<>> provider_wide;
  std::vector<CompiledRule> rules;
  std::unordered_map<std::string, const ModelPrice*, ByteHash, std::equal_to<>> cache;
  std::string key_buffer;

  void reindex() {
    by_model.clear();
    provider_wide.clear();
    cache.clear();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].model == "*") {
        provider_wide[entries[i].provider] = i;
      } else {
        by_model[entries[i].model].push_back(i);
      }
    }
  }

  const ModelPrice* pick(std::string_view name, std::string_view provider) const {
    auto found = by_model.find(name);
    if (found == by_model.end()) return nullptr;
    const auto& candidates = found->second;
    for (std::size_t index : candidates) {
      if (entries[index].provider == provider) return &entries[index];
    }
    return &entries[candidates.front()];
  }

  const ModelPrice* pick_stripped(const std::string& name, std::string_view provider) const {
    if (const ModelPrice* price = pick(name, provider)) return price;
    const std::string undated = strip_date_suffix(name);
    if (undated != name) {
      if (const ModelPrice* price = pick(undated, provider)) return price;
    }
    return nullptr;
  }

  const ModelPrice* resolve(std::string_view provider_raw, std::string_view model) const {
    const std::string provider = ascii_lowercase(provider_raw);
    if (const ModelPrice* price = pick(model, provider)) return price;
    const std::string normalized = normalize_model_name(model);
    if (const ModelPrice* price = pick_stripped(normalized, provider)) return price;
    // Ollama-style tags: "llama3:8b" → "llama3".
    if (auto colon = normalized.find(':'); colon != std::string::npos && colon > 0) {
      if (const ModelPrice* price = pick_stripped(normalized.substr(0, colon), provider)) {
        return price;
      }
    }
    const std::string model_text(model);
    for (const auto& rule : rules) {
      if (!rule.provider.empty() && rule.provider != provider) continue;
      if (std::regex_match(model_text, rule.pattern)) {
        if (const ModelPrice* price = pick_stripped(rule.model, provider)) return price;
      }
    }
    if (auto found = provider_wide.find(provider); found != provider_wide.end()) {
      return &entries[found->second];
    }
    // "ollama/llama3" with no provider field: the prefix names the provider.
    const std::string lowered = ascii_lowercase(model);
    if (auto slash = lowered.find('/'); slash != std::string::npos) {
      if (auto found = provider_wide.find(std::string_view(lowered).substr(0, slash));
          found != provider_wide.end()) {
        return &entries[found->second];
      }
    }
    return nullptr;
  }
};

PricingTable::PricingTable() : impl_(std::make_unique<Impl>()) {}
PricingTable::~PricingTable() = default;
PricingTable::PricingTable(PricingTable&&) noexcept = default;
PricingTable& PricingTable::operator=(PricingTable&&) noexcept = default;

PricingTable PricingTable::bundled(std::vector<DeriveError>* errors) {
  PricingTable table;
  auto parsed = parse_pricing_yaml(bundled_pricing_yaml(), "bundled:pricing/models.yaml");
  if (errors != nullptr) *errors = parsed.errors;
  if (parsed.errors.empty()) table.add(std::move(parsed.entries));
  return table;
}

void PricingTable::add(std::vector<ModelPrice> entries) {
  for (auto& entry : entries) {
    auto same = std::find_if(impl_->entries.begin(), impl_->entries.end(), [&](const auto& e) {
      return e.provider == entry.provider && e.model == entry.model;
    });
    if (same != impl_->entries.end()) {
      *same = std::move(entry);
    } else {
      impl_->entries.push_back(std::move(entry));
    }
  }
  impl_->reindex();
}

std::vector<DeriveError> PricingTable::set_rules(const std::vector<PricingRule>& rules,
                                                 const std::string& file) {
  std::vector<DeriveError> errors;
  impl_->rules.clear();
  impl_->cache.clear();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    try {
      impl_->rules.push_back(
          {std::regex(rules[i].match, std::regex::ECMAScript | std::regex::icase),
           ascii_lowercase(rules[i].provider), ascii_lowercase(rules[i].model)});
    } catch (const std::regex_error& e) {
      errors.push_back(make_derive_error(file, YAML::Mark::null_mark(),
                                         "pricing.rules[" + std::to_string(i) + "].match",
                                         std::string("invalid regular expression: ") + e.what()));
    }
  }
  return errors;
}

const ModelPrice* PricingTable::find(std::string_view provider, std::string_view model) {
  std::string& key = impl_->key_buffer;
  key.assign(provider);
  key.push_back('\x1f');
  key.append(model);
  if (auto found = impl_->cache.find(std::string_view(key)); found != impl_->cache.end()) {
    return found->second;
  }
  const ModelPrice* price = impl_->resolve(provider, model);
  if (impl_->cache.size() >= kCacheCapacity) impl_->cache.clear();
  impl_->cache.emplace(key, price);
  return price;
}

const ModelPrice* PricingTable::resolve(std::string_view provider, std::string_view model) const {
  return impl_->resolve(provider, model);
}

std::size_t PricingTable::size() const {
  return impl_->entries.size();
}
const std::vector<ModelPrice>& PricingTable::entries() const {
  return impl_->entries;
}
std::size_t PricingTable::cache_size() const {
  return impl_->cache.size();
}

std::vector<std::pair<std::string, std::string>> unpriced_models(
    const PricingTable& table, const std::vector<CanonicalEvent>& events) {
  std::set<std::pair<std::string, std::string>> missing;
  for (const auto& event : events) {
    const auto* call = std::get_if<LlmCall>(&event.body);
    if (call == nullptr || call->cost_usd) continue;
    if (table.resolve(call->provider, call->model) != nullptr) continue;
    missing.emplace(call->provider.empty() ? "unknown" : call->provider,
                    call->model.empty() ? "unknown" : call->model);
  }
  return {missing.begin(), missing.end()};
}

}  // namespace specwatch
