#include "sidecar/rules/labels.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace specwatch::rules {

Labels::Labels(std::vector<Label> labels) {
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  for (auto& label : labels) {
    if (!items_.empty() && items_.back().name == label.name) {
      items_.back().value = std::move(label.value);
    } else {
      items_.push_back(std::move(label));
    }
  }
  std::erase_if(items_, [](const Label& l) { return l.value.empty(); });
}

std::string_view Labels::get(std::string_view name) const {
  auto it = std::lower_bound(items_.begin(), items_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != items_.end() && it->name == name) return it->value;
  return {};
}

bool Labels::has(std::string_view name) const {
  return !get(name).empty();
}

void Labels::set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(items_.begin(), items_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != items_.end() && it->name == name) {
    if (value.empty()) {
      items_.erase(it);
    } else {
      it->value = std::string(value);
    }
  } else if (!value.empty()) {
    items_.insert(it, Label{std::string(name), std::string(value)});
  }
}

void Labels::erase(std::string_view name) {
  set(name, {});
}

Labels Labels::without_metric_name(size_t spare_capacity) const {
  // Copying only the kept labels avoids copying (and allocating) the name only to erase it.
  Labels out;
  out.items_.reserve(items_.size() + spare_capacity);
  for (const auto& label : items_) {
    if (label.name != kMetricNameLabel) out.items_.push_back(label);
  }
  return out;
}

Labels Labels::copy_with_room(size_t spare_capacity) const {
  Labels out;
  out.items_.reserve(items_.size() + spare_capacity);
  out.items_.insert(out.items_.end(), items_.begin(), items_.end());
  return out;
}

Labels Labels::keep_only(const std::vector<std::string>& names) const {
  Labels out;
  out.items_.reserve(std::min(items_.size(), names.size()));
  for (const auto& label : items_) {
    if (std::find(names.begin(), names.end(), label.name) != names.end()) {
      out.items_.push_back(label);
    }
  }
  return out;
}

Labels Labels::drop(const std::vector<std::string>& names) const {
  Labels out;
  for (const auto& label : items_) {
    if (label.name != kMetricNameLabel &&
        std::find(names.begin(), names.end(), label.name) == names.end()) {
      out.items_.push_back(label);
    }
  }
  return out;
}

std::string Labels::to_string() const {
  std::string out = "{";
  bool first = true;
  for (const auto& label : items_) {
    if (!first) out += ", ";
    first = false;
    out += label.name;
    out += '=';
    out += quote_go_string(label.value);
  }
  out += '}';
  return out;
}

size_t LabelsHash::operator()(const Labels& labels) const {
  size_t hash = 0;
  for (const auto& label : labels.items()) hash = hash_label(label, hash);
  return hash;
}

std::string matching_signature(const Labels& labels, bool on,
                               const std::vector<std::string>& names) {
  std::string key;
  for (const auto& label : labels.items()) {
    bool listed = std::find(names.begin(), names.end(), label.name) != names.end();
    bool keep = on ? listed : (!listed && label.name != kMetricNameLabel);
    if (!keep) continue;
    key += label.name;
    key += '\xff';
    key += label.value;
    key += '\xfe';
  }
  return key;
}

LabelMatcher::LabelMatcher(MatchType type, std::string name, std::string value)
    : type_(type), name_(std::move(name)), value_(std::move(value)) {
  if (type_ == MatchType::kRegexMatch || type_ == MatchType::kRegexNoMatch) {
    try {
      // Prometheus anchors every matcher regex: ^(?:value)$.
      regex_ = std::make_shared<const std::regex>("^(?:" + value_ + ")$",
                                                  std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      throw std::invalid_argument("invalid regular expression " + quote_go_string(value_) + ": " +
                                  e.what());
    }
  }
}

bool LabelMatcher::matches(std::string_view value) const {
  switch (type_) {
    case MatchType::kEqual:
      return value == value_;
    case MatchType::kNotEqual:
      return value != value_;
    case MatchType::kRegexMatch:
      return std::regex_match(value.begin(), value.end(), *regex_);
    case MatchType::kRegexNoMatch:
      return !std::regex_match(value.begin(), value.end(), *regex_);
  }
  return false;
}

std::string LabelMatcher::to_string() const {
  static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
  return name_ + kOps[static_cast<int>(type_)] + quote_go_string(value_);
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool is_valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string quote_go_string(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace specwatch::rules
