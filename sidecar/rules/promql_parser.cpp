#include "sidecar/rules/promql_parser.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sidecar/core/ascii.h"
#include "sidecar/rules/promql_functions.h"
#include "sidecar/rules/promql_lexer.h"

namespace specwatch::rules {
namespace {

struct OperatorInfo {
  std::string_view text;
  BinaryOp op;
  int precedence;
};
constexpr OperatorInfo kOperators[] = {
    {"or", BinaryOp::kOr, 1}, {"and", BinaryOp::kAnd, 2}, {"unless", BinaryOp::kUnless, 2},
    {"==", BinaryOp::kEq, 3}, {"!=", BinaryOp::kNe, 3},   {">", BinaryOp::kGt, 3},
    {"<", BinaryOp::kLt, 3},  {">=", BinaryOp::kGe, 3},   {"<=", BinaryOp::kLe, 3},
    {"+", BinaryOp::kAdd, 4}, {"-", BinaryOp::kSub, 4},   {"*", BinaryOp::kMul, 5},
    {"/", BinaryOp::kDiv, 5}, {"%", BinaryOp::kMod, 5},   {"^", BinaryOp::kPow, 6}};
constexpr int kPowPrecedence = 6;

struct AggregateInfo {
  std::string_view name;
  AggregateOp op;
  bool has_param;
};
constexpr AggregateInfo kAggregates[] = {
    {"sum", AggregateOp::kSum, false},         {"avg", AggregateOp::kAvg, false},
    {"min", AggregateOp::kMin, false},         {"max", AggregateOp::kMax, false},
    {"count", AggregateOp::kCount, false},     {"group", AggregateOp::kGroup, false},
    {"stddev", AggregateOp::kStddev, false},   {"stdvar", AggregateOp::kStdvar, false},
    {"topk", AggregateOp::kTopk, true},        {"bottomk", AggregateOp::kBottomk, true},
    {"quantile", AggregateOp::kQuantile, true}};

class Parser {
 public:
  explicit Parser(std::string_view source) : src_(source), tokens_(tokenize(source)) {}

  ExprPtr parse_all() {
    ExprPtr expr = parse_binary(0);
    if (peek().kind != TokenKind::kEnd) fail(peek(), "unexpected " + describe(peek()));
    return expr;
  }

  Labels parse_metric_only() {
    Labels labels;
    std::vector<Label> items;
    if (peek().kind == TokenKind::kIdentifier) {
      items.push_back({std::string(kMetricNameLabel), next().text});
    }
    if (peek().kind == TokenKind::kLeftBrace) {
      next();
      while (peek().kind != TokenKind::kRightBrace) {
        const Token& name = expect(TokenKind::kIdentifier, "label name");
        expect(TokenKind::kAssign, "\"=\"");
        const Token& value = expect(TokenKind::kString, "label value");
        items.push_back({name.text, value.text});
        if (peek().kind != TokenKind::kComma) break;
        next();
      }
      expect(TokenKind::kRightBrace, "\"}\"");
    }
    if (peek().kind != TokenKind::kEnd) fail(peek(), "unexpected " + describe(peek()));
    return Labels(std::move(items));
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  [[noreturn]] void fail(const Token& at, const std::string& message) const {
    throw ParseError(position_of(src_, at.offset), message);
  }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEnd:
        return "end of input";
      case TokenKind::kString:
        return "string \"" + t.text + "\"";
      case TokenKind::kNumber:
        return "number \"" + t.text + "\"";
      case TokenKind::kDuration:
        return "duration \"" + t.text + "\"";
      case TokenKind::kIdentifier:
        return "identifier \"" + t.text + "\"";
      default:
        return "\"" + t.text + "\"";
    }
  }
  const Token& expect(TokenKind kind, const std::string& what) {
    if (peek().kind != kind) fail(peek(), "unexpected " + describe(peek()) + ", expected " + what);
    return next();
  }
  bool is_keyword(const Token& t, std::string_view word) const {
    return t.kind == TokenKind::kIdentifier && ascii_lowercase(t.text) == word;
  }
  ExprPtr make(const Token& at, ValueType type) const {
    auto e = std::make_unique<Expr>();
    e->position = position_of(src_, at.offset);
    e->type = type;
    return e;
  }

  const OperatorInfo* peek_operator() const {
    const Token& t = peek();
    if (t.kind != TokenKind::kOperator && t.kind != TokenKind::kIdentifier) return nullptr;
    std::string text = t.kind == TokenKind::kIdentifier ? ascii_lowercase(t.text) : t.text;
    for (const auto& info : kOperators) {
      if (info.text == text) return &info;
    }
    return nullptr;
  }

  ExprPtr parse_binary(int min_precedence) {
    ExprPtr lhs = parse_unary();
    while (const OperatorInfo* info = peek_operator()) {
      if (info->precedence < min_precedence) break;
      const Token& op_token = next();
      Binary binary;
      binary.op = info->op;
      parse_binary_modifiers(op_token, binary);
      // ^ is right-associative, every other operator left-associative.
      int next_min = info->op == BinaryOp::kPow ? info->precedence : info->precedence + 1;
      binary.lhs = std::move(lhs);
      binary.rhs = parse_binary(next_min);
      lhs = check_binary(op_token, std::move(binary));
    }
    return lhs;
  }

  void parse_binary_modifiers(const Token& op_token, Binary& binary) {
    if (is_keyword(peek(), "bool")) {
      if (!is_comparison(binary.op)) fail(peek(), "bool modifier can only be used on comparisons");
      next();
      binary.return_bool = true;
    }
    if (is_keyword(peek(), "on") || is_keyword(peek(), "ignoring")) {
      binary.matching.on = is_keyword(next(), "on");
      binary.matching.labels = parse_label_list();
      if (is_keyword(peek(), "group_left") || is_keyword(peek(), "group_right")) {
        const Token& group = next();
        if (is_set_operator(binary.op)) {
          fail(group, "no grouping allowed for \"" + std::string(binary_op_name(binary.op)) +
                          "\" operation");
        }
        binary.matching.card = ascii_lowercase(group.text) == "group_left"
                                   ? Cardinality::kManyToOne
                                   : Cardinality::kOneToMany;
        if (peek().kind == TokenKind::kLeftParen) binary.matching.include = parse_label_list();
        for (const auto& name : binary.matching.include) {
          if (binary.matching.on &&
              std::find(binary.matching.labels.begin(), binary.matching.labels.end(), name) !=
                  binary.matching.labels.end()) {
            fail(group, "label \"" + name + "\" must not occur in ON and GROUP clause at once");
          }
        }
      }
    } else if (is_keyword(peek(), "group_left") || is_keyword(peek(), "group_right")) {
      fail(peek(), "unexpected " + describe(peek()) +
                       ": group modifiers need on(...) or ignoring(...) first");
    }
    if (is_set_operator(binary.op)) binary.matching.card = Cardinality::kManyToMany;
    (void)op_token;
  }

  ExprPtr check_binary(const Token& op_token, Binary binary) {
    ValueType lt = binary.lhs->type;
    ValueType rt = binary.rhs->type;
    auto ok_operand = [](ValueType t) {
      return t == ValueType::kScalar || t == ValueType::kVector;
    };
    if (!ok_operand(lt) || !ok_operand(rt)) {
      fail(op_token, "binary expression must contain only scalar and instant vector types");
    }
    bool has_matching = binary.matching.on || !binary.matching.labels.empty() ||
                        binary.matching.card == Cardinality::kManyToOne ||
                        binary.matching.card == Cardinality::kOneToMany;
    if ((lt != ValueType::kVector || rt != ValueType::kVector) && has_matching) {
      fail(op_token, "vector matching only allowed between instant vectors");
    }
    if (is_set_operator(binary.op) && (lt != ValueType::kVector || rt != ValueType::kVector)) {
      fail(op_token, "set operator \"" + std::string(binary_op_name(binary.op)) +
                         "\" not allowed in binary scalar expression");
    }
    if (is_comparison(binary.op) && lt == ValueType::kScalar && rt == ValueType::kScalar &&
        !binary.return_bool) {
      fail(op_token, "comparisons between scalars must use BOOL modifier");
    }
    ValueType type = (lt == ValueType::kScalar && rt == ValueType::kScalar) ? ValueType::kScalar
                                                                            : ValueType::kVector;
    ExprPtr e = make(op_token, type);
    e->position = binary.lhs->position;
    e->node = std::move(binary);
    return e;
  }

  ExprPtr parse_unary() {
    const Token& t = peek();
    if (t.kind == TokenKind::kOperator && (t.text == "-" || t.text == "+")) {
      next();
      // Unary operators bind like * but weaker than ^: -a^b is -(a^b).
      ExprPtr operand = parse_binary(kPowPrecedence);
      if (operand->type != ValueType::kScalar && operand->type != ValueType::kVector) {
        fail(t, "unary expression only allowed on expressions of type scalar or instant vector");
      }
      if (t.text == "+") return operand;
      if (auto* number = std::get_if<NumberLiteral>(&operand->node)) {
        number->value = -number->value;
        operand->position = position_of(src_, t.offset);
        return operand;
      }
      ExprPtr e = make(t, operand->type);
      e->node = Unary{true, std::move(operand)};
      return e;
    }
    return parse_postfix(parse_primary());
  }

  ExprPtr parse_postfix(ExprPtr expr) {
    if (peek().kind == TokenKind::kLeftBracket) {
      const Token& bracket = next();
      auto* selector = std::get_if<VectorSelector>(&expr->node);
      const Token& range = peek();
      if (range.kind != TokenKind::kDuration)
        fail(range, "unexpected " + describe(range) + " in range, expected duration");
      next();
      if (peek().kind == TokenKind::kColon)
        fail(peek(), "subqueries are not supported (expr[range:step])");
      expect(TokenKind::kRightBracket, "\"]\"");
      if (selector == nullptr) fail(bracket, "ranges only allowed for vector selectors");
      if (selector->offset_ms != 0)
        fail(bracket, "offset must come after the range: foo[5m] offset 1h");
      if (range.duration_ms <= 0) fail(range, "range duration must be greater than 0");
      ExprPtr m = make(bracket, ValueType::kMatrix);
      m->position = expr->position;
      m->node = MatrixSelector{std::move(*selector), range.duration_ms};
      expr = std::move(m);
    }
    while (true) {
      if (peek().kind == TokenKind::kAt) fail(peek(), "the @ modifier is not supported");
      if (!is_keyword(peek(), "offset")) return expr;
      const Token& offset = next();
      bool negative = false;
      if (peek().kind == TokenKind::kOperator && (peek().text == "-" || peek().text == "+")) {
        negative = next().text == "-";
      }
      const Token& d = expect(TokenKind::kDuration, "duration after offset");
      if (negative) fail(offset, "negative offsets are not supported");
      int64_t* target = nullptr;
      if (auto* vs = std::get_if<VectorSelector>(&expr->node)) target = &vs->offset_ms;
      if (auto* ms = std::get_if<MatrixSelector>(&expr->node)) target = &ms->selector.offset_ms;
      if (target == nullptr)
        fail(offset,
             "offset modifier must be preceded by an instant vector selector or range vector "
             "selector");
      if (*target != 0) fail(offset, "offset may not be set multiple times");
      *target = d.duration_ms;
    }
  }

  ExprPtr parse_primary() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::kNumber: {
        next();
        ExprPtr e = make(t, ValueType::kScalar);
        e->node = NumberLiteral{t.number};
        return e;
      }
      case TokenKind::kString: {
        next();
        ExprPtr e = make(t, ValueType::kString);
        e->node = StringLiteral{t.text};
        return e;
      }
      case TokenKind::kLeftParen: {
        next();
        ExprPtr inner = parse_binary(0);
        expect(TokenKind::kRightParen, "\")\"");
        ExprPtr e = make(t, inner->type);
        e->node = Paren{std::move(inner)};
        return e;
      }
      case TokenKind::kLeftBrace:
        return parse_selector(t, "");
      case TokenKind::kIdentifier:
        return parse_identifier();
      default:
        fail(t, "unexpected " + describe(t));
    }
  }

  ExprPtr parse_identifier() {
    const Token& t = next();
    std::string word = ascii_lowercase(t.text);
    if (word == "inf" || word == "nan") {
      ExprPtr e = make(t, ValueType::kScalar);
      e->node = NumberLiteral{word == "inf" ? std::numeric_limits<double>::infinity()
                                            : std::numeric_limits<double>::quiet_NaN()};
      return e;
    }
    for (const auto& agg : kAggregates) {
      if (agg.name == word && (peek().kind == TokenKind::kLeftParen || is_keyword(peek(), "by") ||
                               is_keyword(peek(), "without"))) {
        return parse_aggregation(t, agg);
      }
    }
    if (word == "count_values") fail(t, "aggregation \"count_values\" is not supported");
    if (peek().kind == TokenKind::kLeftParen) return parse_call(t);
    static constexpr std::string_view kReserved[] = {
        "and",      "or",         "unless",      "by",   "without", "on",
        "ignoring", "group_left", "group_right", "bool", "offset"};
    for (auto word_reserved : kReserved) {
      if (word == word_reserved) fail(t, "unexpected " + describe(t));
    }
    return parse_selector(t, t.text);
  }

  std::vector<std::string> parse_label_list() {
    std::vector<std::string> names;
    expect(TokenKind::kLeftParen, "\"(\"");
    while (peek().kind != TokenKind::kRightParen) {
      const Token& name = expect(TokenKind::kIdentifier, "label name");
      if (!is_valid_label_name(name.text)) fail(name, "invalid label name \"" + name.text + "\"");
      names.push_back(name.text);
      if (peek().kind != TokenKind::kComma) break;
      next();
    }
    expect(TokenKind::kRightParen, "\")\"");
    return names;
  }

  ExprPtr parse_selector(const Token& at, const std::string& name) {
    VectorSelector selector;
    selector.metric_name = name;
    if (!name.empty()) {
      if (name.find(':') != std::string::npos && !is_valid_metric_name(name))
        fail(at, "invalid metric name");
      selector.matchers.emplace_back(MatchType::kEqual, std::string(kMetricNameLabel), name);
    }
    if (peek().kind == TokenKind::kLeftBrace) {
      next();
      while (peek().kind != TokenKind::kRightBrace) {
        const Token& label = expect(TokenKind::kIdentifier, "label matching");
        if (!is_valid_label_name(label.text))
          fail(label, "invalid label name \"" + label.text + "\"");
        const Token& op = peek();
        MatchType type;
        if (op.kind == TokenKind::kAssign) {
          type = MatchType::kEqual;
        } else if (op.kind == TokenKind::kOperator && op.text == "!=") {
          type = MatchType::kNotEqual;
        } else if (op.kind == TokenKind::kOperator && op.text == "=~") {
          type = MatchType::kRegexMatch;
        } else if (op.kind == TokenKind::kOperator && op.text == "!~") {
          type = MatchType::kRegexNoMatch;
        } else {
          fail(op, "unexpected " + describe(op) +
                       " in label matching, expected label matching operator");
        }
        next();
        const Token& value = expect(TokenKind::kString, "label value");
        if (label.text == kMetricNameLabel && !name.empty()) {
          fail(label,
               "metric name must not be set twice: \"" + name + "\" or \"" + value.text + "\"");
        }
        try {
          selector.matchers.emplace_back(type, label.text, value.text);
        } catch (const std::invalid_argument& e) {
          fail(value, e.what());
        }
        if (peek().kind != TokenKind::kComma) break;
        next();
      }
      expect(TokenKind::kRightBrace, "\"}\"");
    }
    bool any_non_empty = std::any_of(selector.matchers.begin(), selector.matchers.end(),
                                     [](const LabelMatcher& m) { return !m.matches(""); });
    if (!any_non_empty) fail(at, "vector selector must contain at least one non-empty matcher");
    ExprPtr e = make(at, ValueType::kVector);
    e->node = std::move(selector);
    return e;
  }

  ExprPtr parse_aggregation(const Token& at, const AggregateInfo& info) {
    Aggregation agg;
    agg.op = info.op;
    bool grouped = false;
    auto grouping = [&]() {
      if (is_keyword(peek(), "by") || is_keyword(peek(), "without")) {
        if (grouped) fail(peek(), "aggregation may only have one by or without clause");
        agg.without = ascii_lowercase(next().text) == "without";
        agg.grouping = parse_label_list();
        grouped = true;
      }
    };
    grouping();
    expect(TokenKind::kLeftParen, "\"(\"");
    if (info.has_param) {
      agg.param = parse_binary(0);
      expect(TokenKind::kComma, "\",\" after the parameter of " + std::string(info.name));
      if (agg.param->type != ValueType::kScalar) {
        fail(at, "expected type scalar in aggregation parameter, got " +
                     std::string(value_type_name(agg.param->type)));
      }
    }
    agg.expr = parse_binary(0);
    if (peek().kind == TokenKind::kComma) next();
    expect(TokenKind::kRightParen, "\")\"");
    grouping();
    if (agg.expr->type != ValueType::kVector) {
      fail(at, "expected type instant vector in aggregation expression, got " +
                   std::string(value_type_name(agg.expr->type)));
    }
    ExprPtr e = make(at, ValueType::kVector);
    e->node = std::move(agg);
    return e;
  }

  ExprPtr parse_call(const Token& at) {
    const FunctionInfo* fn = find_function(at.text);
    if (fn == nullptr) fail(at, "unknown function with name \"" + at.text + "\"");
    Call call;
    call.function = fn;
    next();  // (
    while (peek().kind != TokenKind::kRightParen) {
      call.args.push_back(parse_binary(0));
      if (peek().kind != TokenKind::kComma) break;
      next();
    }
    expect(TokenKind::kRightParen, "\")\"");
    size_t max_args = fn->arg_types.size();
    size_t min_args = max_args - static_cast<size_t>(fn->optional_args);
    if (call.args.size() < min_args || call.args.size() > max_args) {
      std::string expected = min_args == max_args
                                 ? std::to_string(max_args)
                                 : std::to_string(min_args) + " or " + std::to_string(max_args);
      fail(at, "expected " + expected + " argument(s) in call to \"" + at.text + "\", got " +
                   std::to_string(call.args.size()));
    }
    for (size_t i = 0; i < call.args.size(); ++i) {
      if (call.args[i]->type != fn->arg_types[i]) {
        fail(at, "expected type " + std::string(value_type_name(fn->arg_types[i])) +
                     " in call to function \"" + at.text + "\", got " +
                     value_type_name(call.args[i]->type));
      }
    }
    ExprPtr e = make(at, fn->return_type);
    e->node = std::move(call);
    return e;
  }

  std::string_view src_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

ParsedExpr parse_promql(std::string_view source) {
  ParsedExpr result;
  try {
    result.expr = Parser(source).parse_all();
  } catch (const ParseError& e) {
    result.error = e.what();
  }
  return result;
}

ParsedMetric parse_metric(std::string_view source) {
  ParsedMetric result;
  try {
    result.labels = Parser(source).parse_metric_only();
  } catch (const ParseError& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace specwatch::rules
