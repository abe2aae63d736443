// The profile compiler's field references: paths split into segments and joins, roots that
// prefix them, captures and the regexes that fill them.
#include <algorithm>
#include <regex>

#include "sidecar/normalize/profile_compiler.h"
#include "sidecar/normalize/text_util.h"

namespace specwatch {

CompiledRegex ProfileCompiler::regex(const YAML::Node& at, const std::string& pattern, bool icase,
                                     std::string_view key) {
  CompiledRegex r;
  std::vector<std::string> names;
  std::string plain;
  try {
    plain = strip_named_groups(pattern, names);
    auto flags = std::regex::ECMAScript | std::regex::optimize;
    if (icase) flags |= std::regex::icase;
    r.re = std::regex(plain, flags);
  } catch (const std::exception& e) {
    fail(at, key, "invalid regex: " + std::string(e.what()));
  }
  for (const auto& n : names) r.group_slots.push_back(n.empty() ? -1 : slot(at, n, key));
  if (!icase) r.literal = required_literal(plain);
  return r;
}

int ProfileCompiler::slot(const YAML::Node& at, const std::string& name, std::string_view key) {
  for (std::size_t i = 0; i < out_.capture_names.size(); ++i) {
    if (out_.capture_names[i] == name) return static_cast<int>(i);
  }
  if (out_.capture_names.size() >= static_cast<std::size_t>(kMaxCaptures)) {
    fail(at, key, "more than 32 distinct capture names");
  }
  out_.capture_names.push_back(name);
  return static_cast<int>(out_.capture_names.size() - 1);
}

std::vector<PathSegment> ProfileCompiler::split_path(const YAML::Node& at, std::string_view path,
                                                     std::string_view key) {
  std::vector<PathSegment> segs;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t dot = path.find('.', pos);
    if (dot == std::string_view::npos) dot = path.size();
    std::string_view part = path.substr(pos, dot - pos);
    const std::size_t bracket = part.find('[');
    const std::string_view name = part.substr(0, bracket);
    if (name.empty()) fail(at, key, "empty segment in path \"" + std::string(path) + "\"");
    segs.push_back({std::string(name), -1});
    std::size_t b = bracket;
    while (b != std::string_view::npos) {
      const std::size_t close = part.find(']', b);
      int index = 0;
      if (close == std::string_view::npos || close == b + 1) {
        fail(at, key, "bad array index in path \"" + std::string(path) + "\"");
      }
      for (std::size_t i = b + 1; i < close; ++i) {
        if (part[i] < '0' || part[i] > '9') {
          fail(at, key, "bad array index in path \"" + std::string(path) + "\"");
        }
        index = index * 10 + (part[i] - '0');
      }
      segs.push_back({"", index});
      b = close + 1 < part.size() ? close + 1 : std::string_view::npos;
      if (b != std::string_view::npos && part[b] != '[') {
        fail(at, key, "bad array index in path \"" + std::string(path) + "\"");
      }
    }
    pos = dot + 1;
  }
  return segs;
}

PathAlternative ProfileCompiler::alternative(PathAlternative::Base base,
                                             std::vector<PathSegment> segs) {
  PathAlternative alt;
  alt.base = base;
  alt.segments = std::move(segs);
  alt.joins.resize(alt.segments.size());
  for (std::size_t i = 0; i < alt.segments.size(); ++i) {
    if (alt.segments[i].index >= 0) continue;
    std::string joined = alt.segments[i].key;
    for (std::size_t j = i + 1; j < alt.segments.size() && alt.segments[j].index < 0; ++j) {
      joined += '.';
      joined += alt.segments[j].key;
      alt.joins[i].push_back(joined);
    }
  }
  return alt;
}

void ProfileCompiler::add_alternative(FieldRef& ref, const YAML::Node& at, std::string_view text,
                                      std::string_view key) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) fail(at, key, "empty field name");
  PathAlternative alt;
  if (text.front() == '$' || out_.text) {
    if (text.front() == '$') text.remove_prefix(1);
    const std::string name(text);
    const auto it = std::find(out_.capture_names.begin(), out_.capture_names.end(), name);
    if (it == out_.capture_names.end()) fail(at, key, "unknown capture \"" + name + "\"");
    alt.base = PathAlternative::Base::kCapture;
    alt.capture = static_cast<int>(it - out_.capture_names.begin());
    ref.alternatives.push_back(std::move(alt));
    return;
  }
  if (text == "item" || text.starts_with("item.") || text.starts_with("item[")) {
    if (!in_for_each_) fail(at, key, "\"item\" is only known inside a for_each rule");
    text.remove_prefix(4);
    if (!text.empty() && text.front() == '.') text.remove_prefix(1);
    std::vector<PathSegment> segs;
    if (!text.empty()) {
      if (text.front() == '[') {
        fail(at, key, "index the item's fields, not the item");
      }
      segs = split_path(at, text, key);
    }
    ref.alternatives.push_back(alternative(PathAlternative::Base::kItem, std::move(segs)));
    return;
  }
  std::vector<PathSegment> segs = split_path(at, text, key);
  ref.alternatives.push_back(alternative(PathAlternative::Base::kRecord, segs));
  for (const auto& root : roots_) {
    std::vector<PathSegment> rooted = root.segments;
    rooted.insert(rooted.end(), segs.begin(), segs.end());
    PathAlternative alt = alternative(PathAlternative::Base::kRecord, std::move(rooted));
    alt.root = root.id;
    alt.rest = root.segments.size();
    ref.alternatives.push_back(std::move(alt));
  }
}

FieldRef ProfileCompiler::field_ref(const YAML::Node& node, std::string_view key) {
  FieldRef ref;
  if (node.IsSequence()) {
    for (const auto& n : node) add_alternative(ref, n, scalar(n, key), key);
  } else {
    const std::string text = scalar(node, key);
    std::size_t pos = 0;
    while (true) {
      const std::size_t bar = text.find('|', pos);
      add_alternative(ref, node, std::string_view(text).substr(pos, bar - pos), key);
      if (bar == std::string::npos) break;
      pos = bar + 1;
    }
  }
  if (ref.empty()) fail(node, key, "no field given");
  return ref;
}

}  // namespace specwatch
