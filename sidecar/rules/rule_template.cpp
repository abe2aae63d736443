#include "sidecar/rules/rule_template.h"

#include <cmath>
#include <stdexcept>
#include <variant>

#include "sidecar/core/ascii.h"
#include "sidecar/rules/go_format.h"
#include "sidecar/rules/humanize.h"
#include "sidecar/rules/promql_lexer.h"

namespace specwatch::rules {

struct Operand {
  enum class Kind { kFunction, kVariable, kDot, kString, kNumber } kind = Kind::kString;
  std::string name;                 // function or variable name ($value)
  std::vector<std::string> fields;  // .x.y after the variable or dot
  std::string text;
  double number = 0.0;
};
using Command = std::vector<Operand>;
struct TemplateNode {
  bool is_text = true;
  std::string text;
  std::vector<Command> pipeline;
  int line = 1;
};

namespace {

constexpr std::string_view kFunctions[] = {
    "humanize", "humanize1024", "humanizePercentage", "humanizeDuration", "printf", "or", "and",
    "toUpper",  "toLower"};
constexpr std::string_view kVariables[] = {"$", "$value", "$labels", "$externalLabels",
                                           "$externalURL"};
constexpr std::string_view kUnsupported[] = {"if",     "else",     "end",   "range", "with",
                                             "define", "template", "block", "break", "continue"};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

using Value = std::variant<std::monostate, double, std::string, const Labels*>;

class ExpandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string print(const Value& v) {
  if (const double* d = std::get_if<double>(&v)) return go_format_float(*d);
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* labels = std::get_if<const Labels*>(&v)) {
    std::string out = "map[";
    bool first = true;
    for (const auto& l : (*labels)->items()) {
      if (!first) out += ' ';
      first = false;
      out += l.name + ":" + l.value;
    }
    return out + "]";
  }
  return "<no value>";
}

bool truthy(const Value& v) {
  if (const double* d = std::get_if<double>(&v)) return *d != 0;
  if (const std::string* s = std::get_if<std::string>(&v)) return !s->empty();
  if (const auto* labels = std::get_if<const Labels*>(&v)) return !(*labels)->empty();
  return false;
}

double to_float(const Value& v) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  if (const std::string* s = std::get_if<std::string>(&v)) {
    char* end = nullptr;
    double d = std::strtod(s->c_str(), &end);
    if (s->empty() || end != s->c_str() + s->size()) {
      throw ExpandError("strconv.ParseFloat: parsing " + quote_go_string(*s) + ": invalid syntax");
    }
    return d;
  }
  throw ExpandError("can't convert " + print(v) + " to float");
}

Value call(const std::string& name, const std::vector<Value>& args) {
  auto want = [&](size_t n) {
    if (args.size() != n) {
      throw ExpandError("wrong number of args for " + name + ": want " + std::to_string(n) +
                        " got " + std::to_string(args.size()));
    }
  };
  if (name == "humanize") return want(1), Value(humanize(to_float(args[0])));
  if (name == "humanize1024") return want(1), Value(humanize1024(to_float(args[0])));
  if (name == "humanizePercentage") return want(1), Value(humanize_percentage(to_float(args[0])));
  if (name == "humanizeDuration") return want(1), Value(humanize_duration(to_float(args[0])));
  if (name == "toUpper" || name == "toLower") {
    want(1);
    std::string s = print(args[0]);
    for (char& c : s) c = name == "toUpper" ? ascii_upper(c) : ascii_lower(c);
    return s;
  }
  if (name == "or" || name == "and") {
    if (args.empty())
      throw ExpandError("wrong number of args for " + name + ": want at least 1 got 0");
    for (const auto& a : args) {
      if (truthy(a) == (name == "or")) return a;
    }
    return args.back();
  }
  // printf
  if (args.empty()) throw ExpandError("wrong number of args for printf: want at least 1 got 0");
  std::vector<FormatArg> rest;
  for (size_t i = 1; i < args.size(); ++i) {
    if (const double* d = std::get_if<double>(&args[i])) {
      rest.emplace_back(*d);
    } else {
      rest.emplace_back(print(args[i]));
    }
  }
  return go_sprintf(print(args[0]), rest);
}

class ActionParser {
 public:
  ActionParser(std::string_view text, const std::string& name, int line)
      : text_(text), name_(name), line_(line) {}

  std::vector<Command> parse() {
    std::vector<Command> pipeline(1);
    while (true) {
      skip_space();
      if (pos_ >= text_.size()) break;
      char c = text_[pos_];
      if (c == '|') {
        if (pipeline.back().empty()) fail("missing value for command");
        pipeline.emplace_back();
        ++pos_;
        continue;
      }
      pipeline.back().push_back(operand());
    }
    if (pipeline.back().empty())
      fail(pipeline.size() == 1 ? "missing value for command" : "missing value for command");
    for (size_t i = 0; i < pipeline.size(); ++i) {
      const Command& cmd = pipeline[i];
      if (cmd[0].kind != Operand::Kind::kFunction && cmd.size() > 1) {
        fail("can't give argument to non-function " + cmd[0].text);
      }
    }
    return pipeline;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw std::invalid_argument("template: " + name_ + ":" + std::to_string(line_) + ": " +
                                message);
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  std::vector<std::string> fields() {
    std::vector<std::string> out;
    while (pos_ < text_.size() && text_[pos_] == '.') {
      size_t start = ++pos_;
      while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
      out.emplace_back(text_.substr(start, pos_ - start));
    }
    return out;
  }
  Operand operand() {
    Operand op;
    size_t start = pos_;
    char c = text_[pos_];
    if (c == '"' || c == '`') {
      size_t end = pos_ + 1;
      while (end < text_.size() && text_[end] != c) end += (c == '"' && text_[end] == '\\') ? 2 : 1;
      if (end >= text_.size()) fail("unterminated quoted string");
      std::string_view body = text_.substr(pos_ + 1, end - pos_ - 1);
      try {
        op.text = c == '`' ? std::string(body) : unquote_go_escapes(body, '"');
      } catch (const std::invalid_argument& e) {
        fail(e.what());
      }
      op.kind = Operand::Kind::kString;
      pos_ = end + 1;
      return op;
    }
    if (c == '$') {
      ++pos_;
      while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
      op.kind = Operand::Kind::kVariable;
      op.name = std::string(text_.substr(start, pos_ - start));
      op.text = op.name;
      bool known = false;
      for (auto v : kVariables) known = known || v == op.name;
      if (!known) fail("undefined variable \"" + op.name + "\"");
      op.fields = fields();
      return op;
    }
    if (c == '.') {
      op.kind = Operand::Kind::kDot;
      op.fields = fields();
      op.text = ".";
      return op;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
      char* end = nullptr;
      std::string rest(text_.substr(pos_));
      op.number = std::strtod(rest.c_str(), &end);
      if (end == rest.c_str()) fail("bad number syntax");
      pos_ += static_cast<size_t>(end - rest.c_str());
      op.kind = Operand::Kind::kNumber;
      return op;
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
      op.name = std::string(text_.substr(start, pos_ - start));
      op.text = op.name;
      for (auto word : kUnsupported) {
        if (word == op.name)
          fail("unsupported action \"" + op.name +
               "\" (control actions are not in the supported template subset)");
      }
      bool known = false;
      for (auto f : kFunctions) known = known || f == op.name;
      if (!known) fail("function \"" + op.name + "\" not defined");
      op.kind = Operand::Kind::kFunction;
      return op;
    }
    fail(std::string("unexpected \"") + c + "\" in command");
  }

  std::string_view text_;
  const std::string& name_;
  int line_;
  size_t pos_ = 0;
};

Value field_of(Value v, const std::vector<std::string>& fields, const std::string& what) {
  for (const auto& f : fields) {
    const auto* labels = std::get_if<const Labels*>(&v);
    if (labels == nullptr) throw ExpandError("can't evaluate field " + f + " in " + what);
    // missingkey=zero: an absent label reads as "".
    v = std::string((*labels)->get(f));
  }
  return v;
}

Value evaluate(const Operand& op, const TemplateData& data) {
  static const Labels kEmpty;
  const Labels* labels = data.labels ? data.labels : &kEmpty;
  const Labels* external = data.external_labels ? data.external_labels : &kEmpty;
  switch (op.kind) {
    case Operand::Kind::kString:
      return op.text;
    case Operand::Kind::kNumber:
      return op.number;
    case Operand::Kind::kVariable: {
      Value root;
      if (op.name == "$value")
        root = data.value;
      else if (op.name == "$labels")
        root = labels;
      else if (op.name == "$externalLabels")
        root = external;
      else if (op.name == "$externalURL")
        root = data.external_url;
      else
        throw ExpandError("the root data $ has no printable form");
      return field_of(root, op.fields, op.name);
    }
    case Operand::Kind::kDot: {
      if (op.fields.empty()) throw ExpandError("the root data . has no printable form");
      const std::string& f = op.fields[0];
      std::vector<std::string> rest(op.fields.begin() + 1, op.fields.end());
      if (f == "Value") return field_of(data.value, rest, ".Value");
      if (f == "Labels") return field_of(labels, rest, ".Labels");
      if (f == "ExternalLabels") return field_of(external, rest, ".ExternalLabels");
      if (f == "ExternalURL") return field_of(data.external_url, rest, ".ExternalURL");
      throw ExpandError("can't evaluate field " + f);
    }
    case Operand::Kind::kFunction:
      break;
  }
  return std::monostate{};
}

}  // namespace

RuleTemplate::RuleTemplate(std::string name, std::string_view text) : name_(std::move(name)) {
  size_t pos = 0;
  int line = 1;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    std::string literal(
        text.substr(pos, open == std::string_view::npos ? std::string_view::npos : open - pos));
    size_t close = 0;
    bool trim_left = false, trim_right = false;
    std::string_view action;
    if (open != std::string_view::npos) {
      close = text.find("}}", open + 2);
      if (close == std::string_view::npos) {
        throw std::invalid_argument("template: " + name_ + ":" + std::to_string(line) +
                                    ": unclosed action");
      }
      action = text.substr(open + 2, close - open - 2);
      trim_left = action.size() >= 2 && action[0] == '-' &&
                  std::isspace(static_cast<unsigned char>(action[1]));
      trim_right = action.size() >= 2 && action.back() == '-' &&
                   std::isspace(static_cast<unsigned char>(action[action.size() - 2]));
      if (trim_left) action.remove_prefix(1);
      if (trim_right) action.remove_suffix(1);
    }
    if (trim_left) {
      while (!literal.empty() && std::isspace(static_cast<unsigned char>(literal.back())))
        literal.pop_back();
    }
    if (!nodes_.empty() && !nodes_.back().is_text && nodes_.back().text == "trim") {
      size_t first = 0;
      while (first < literal.size() && std::isspace(static_cast<unsigned char>(literal[first])))
        ++first;
      literal.erase(0, first);
      nodes_.back().text.clear();
    }
    for (char c : literal) line += c == '\n';
    if (!literal.empty()) nodes_.push_back(TemplateNode{true, literal, {}, line});
    if (open == std::string_view::npos) break;
    std::string_view trimmed = action;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
      trimmed.remove_prefix(1);
    if (trimmed.starts_with("/*")) {
      nodes_.push_back(TemplateNode{false, trim_right ? "trim" : "", {}, line});
    } else {
      TemplateNode node{false, trim_right ? "trim" : "", ActionParser(action, name_, line).parse(),
                        line};
      nodes_.push_back(std::move(node));
    }
    for (char c : action) line += c == '\n';
    pos = close + 2;
  }
}

RuleTemplate::~RuleTemplate() = default;
RuleTemplate::RuleTemplate(RuleTemplate&&) noexcept = default;
RuleTemplate& RuleTemplate::operator=(RuleTemplate&&) noexcept = default;

std::string RuleTemplate::expand(const TemplateData& data) const {
  std::string out;
  try {
    for (const auto& node : nodes_) {
      if (node.is_text) {
        out += node.text;
        continue;
      }
      if (node.pipeline.empty()) continue;  // comment
      Value piped;
      bool has_piped = false;
      for (const auto& command : node.pipeline) {
        if (command[0].kind == Operand::Kind::kFunction) {
          std::vector<Value> args;
          for (size_t i = 1; i < command.size(); ++i) args.push_back(evaluate(command[i], data));
          if (has_piped) args.push_back(piped);
          piped = call(command[0].name, args);
        } else {
          if (has_piped)
            throw ExpandError("can't give argument to non-function " + command[0].text);
          piped = evaluate(command[0], data);
        }
        has_piped = true;
      }
      out += print(piped);
    }
  } catch (const ExpandError& e) {
    return "<error expanding template: template: " + name_ + ": " + e.what() + ">";
  }
  return out;
}

}  // namespace specwatch::rules
