#include "sidecar/rules/promql_lexer.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "sidecar/rules/duration.h"

namespace specwatch::rules {
namespace {

bool is_identifier_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool is_identifier_char(char c) {
  return is_identifier_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

void append_utf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xc0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xe0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    while (true) {
      skip_space_and_comments();
      Token token;
      token.offset = pos_;
      if (pos_ >= src_.size()) {
        tokens.push_back(token);
        return tokens;
      }
      char c = src_[pos_];
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          (c == '.' && pos_ + 1 < src_.size() &&
           std::isdigit(static_cast<unsigned char>(src_[pos_ + 1])))) {
        number_or_duration(token);
      } else if (c == ':' && !tokens.empty() && tokens.back().kind == TokenKind::kDuration) {
        // The step separator of a subquery, foo[5m:1m].
        token.kind = TokenKind::kColon;
        token.text = ":";
        ++pos_;
      } else if (is_identifier_start(c)) {
        size_t start = pos_;
        while (pos_ < src_.size() && is_identifier_char(src_[pos_])) ++pos_;
        token.kind = TokenKind::kIdentifier;
        token.text = std::string(src_.substr(start, pos_ - start));
        // ":" alone (a subquery step separator) is not an identifier.
        if (token.text == ":") token.kind = TokenKind::kColon;
      } else if (c == '"' || c == '\'' || c == '`') {
        string_literal(token);
      } else {
        punctuation(token);
      }
      tokens.push_back(std::move(token));
    }
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& message) {
    throw ParseError(position_of(src_, offset), message);
  }

  void skip_space_and_comments() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  void number_or_duration(Token& token) {
    size_t start = pos_;
    // A duration is digits followed by a unit letter, possibly repeated (1h30m).
    size_t probe = pos_;
    while (probe < src_.size() && std::isdigit(static_cast<unsigned char>(src_[probe]))) ++probe;
    if (probe < src_.size() &&
        std::string_view("smhdwy").find(src_[probe]) != std::string_view::npos) {
      size_t end = probe;
      while (end < src_.size() && std::isalnum(static_cast<unsigned char>(src_[end]))) ++end;
      auto ms = parse_duration_ms(src_.substr(start, end - start));
      if (!ms)
        fail(start,
             "bad duration syntax: \"" + std::string(src_.substr(start, end - start)) + "\"");
      token.kind = TokenKind::kDuration;
      token.duration_ms = *ms;
      token.text = std::string(src_.substr(start, end - start));
      pos_ = end;
      return;
    }
    char* end = nullptr;
    std::string copy(src_.substr(start, std::min<size_t>(src_.size() - start, 64)));
    double value = std::strtod(copy.c_str(), &end);
    size_t length = static_cast<size_t>(end - copy.c_str());
    if (length == 0) fail(start, "bad number syntax");
    pos_ = start + length;
    if (pos_ < src_.size() && is_identifier_char(src_[pos_])) {
      fail(start, "bad number or duration syntax: \"" +
                      std::string(src_.substr(start, pos_ - start + 1)) + "\"");
    }
    token.kind = TokenKind::kNumber;
    token.number = value;
    token.text = std::string(src_.substr(start, length));
  }

  void string_literal(Token& token) {
    char quote = src_[pos_];
    size_t start = pos_++;
    while (pos_ < src_.size() && src_[pos_] != quote) {
      if (src_[pos_] == '\\' && quote != '`') ++pos_;
      if (pos_ < src_.size() && src_[pos_] == '\n' && quote != '`')
        fail(start, "unterminated quoted string");
      ++pos_;
    }
    if (pos_ >= src_.size()) fail(start, "unterminated quoted string");
    std::string_view body = src_.substr(start + 1, pos_ - start - 1);
    ++pos_;
    token.kind = TokenKind::kString;
    if (quote == '`') {
      token.text = std::string(body);
      return;
    }
    try {
      token.text = unquote_go_escapes(body, quote);
    } catch (const std::invalid_argument& e) {
      fail(start, e.what());
    }
  }

  void punctuation(Token& token) {
    char c = src_[pos_];
    char next = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    auto single = [&](TokenKind kind) {
      token.kind = kind;
      token.text = std::string(1, c);
      ++pos_;
    };
    auto op = [&](size_t length) {
      token.kind = TokenKind::kOperator;
      token.text = std::string(src_.substr(pos_, length));
      pos_ += length;
    };
    switch (c) {
      case '(':
        return single(TokenKind::kLeftParen);
      case ')':
        return single(TokenKind::kRightParen);
      case '{':
        return single(TokenKind::kLeftBrace);
      case '}':
        return single(TokenKind::kRightBrace);
      case '[':
        return single(TokenKind::kLeftBracket);
      case ']':
        return single(TokenKind::kRightBracket);
      case ',':
        return single(TokenKind::kComma);
      case '@':
        return single(TokenKind::kAt);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '^':
        return op(1);
      case '=':
        if (next == '=' || next == '~') return op(2);
        return single(TokenKind::kAssign);
      case '!':
        if (next == '=' || next == '~') return op(2);
        break;
      case '<':
      case '>':
        return op(next == '=' ? 2 : 1);
      default:
        break;
    }
    fail(pos_, std::string("unexpected character: '") + c + "'");
  }

  std::string_view src_;
  size_t pos_ = 0;
};

}  // namespace

ParseError::ParseError(Position position, const std::string& message)
    : std::runtime_error(std::to_string(position.line) + ":" + std::to_string(position.column) +
                         ": parse error: " + message),
      position_(position) {}

Position position_of(std::string_view source, size_t offset) {
  Position p;
  for (size_t i = 0; i < offset && i < source.size(); ++i) {
    if (source[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

std::vector<Token> tokenize(std::string_view source) {
  return Lexer(source).run();
}

std::string unquote_go_escapes(std::string_view body, char quote) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      out += body[i];
      continue;
    }
    if (++i >= body.size()) throw std::invalid_argument("invalid escape sequence at end of string");
    char e = body[i];
    auto hex = [&](size_t digits) {
      uint32_t code = 0;
      for (size_t k = 1; k <= digits; ++k) {
        if (i + k >= body.size() || !std::isxdigit(static_cast<unsigned char>(body[i + k]))) {
          throw std::invalid_argument("invalid escape sequence");
        }
        code =
            code * 16 + static_cast<uint32_t>(std::stoi(std::string(1, body[i + k]), nullptr, 16));
      }
      i += digits;
      return code;
    };
    switch (e) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case 'x':
        out += static_cast<char>(hex(2));
        break;
      case 'u':
        append_utf8(out, hex(4));
        break;
      case 'U':
        append_utf8(out, hex(8));
        break;
      default:
        if (e == quote) {
          out += e;
        } else if (e >= '0' && e <= '7' && i + 2 < body.size()) {
          int code = (e - '0') * 64 + (body[i + 1] - '0') * 8 + (body[i + 2] - '0');
          out += static_cast<char>(code);
          i += 2;
        } else {
          throw std::invalid_argument(std::string("unknown escape sequence: \\") + e);
        }
    }
  }
  return out;
}

}  // namespace specwatch::rules
