// Splits a PromQL expression into tokens. Keywords are not recognised here: an identifier is
// a keyword, a label name or a metric name depending on where the parser meets it.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/rules/promql_ast.h"

namespace specwatch::rules {

enum class TokenKind {
  kEnd,
  kNumber,
  kDuration,
  kString,
  kIdentifier,  // letters, digits, _ and : (metric names); label names are the subset without :
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kColon,
  kAt,
  kAssign,  // = inside braces
  kOperator,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // the source text; the unquoted value for strings
  double number = 0.0;
  int64_t duration_ms = 0;
  size_t offset = 0;
};

// A syntax error with its position, printed "line:column: parse error: message".
class ParseError : public std::runtime_error {
 public:
  ParseError(Position position, const std::string& message);
  Position position() const { return position_; }

 private:
  Position position_;
};

Position position_of(std::string_view source, size_t offset);
// Throws ParseError on a character or literal that cannot start a token.
std::vector<Token> tokenize(std::string_view source);
// Go string-literal escapes (\n, \x41, \u00e9, ...); throws std::invalid_argument.
std::string unquote_go_escapes(std::string_view body, char quote);

}  // namespace specwatch::rules
