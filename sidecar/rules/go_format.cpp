#include "sidecar/rules/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "sidecar/rules/labels.h"

namespace specwatch::rules {
namespace {

// The shortest digits and decimal exponent of |v| (v finite, non-zero): v = 0.d1d2... * 10^dp.
void shortest_digits(double v, std::string& digits, int& exponent) {
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
  std::string_view text(buf, static_cast<size_t>(result.ptr - buf));
  size_t e = text.find('e');
  std::string_view mantissa = text.substr(0, e);
  exponent = std::stoi(std::string(text.substr(e + 1)));
  digits.clear();
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}

std::string special(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

std::string exponent_form(const std::string& sign, const std::string& digits, int exp, char e) {
  std::string out = sign + digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  out += e;
  out += exp < 0 ? '-' : '+';
  int a = std::abs(exp);
  if (a < 10) out += '0';
  out += std::to_string(a);
  return out;
}

std::string pad(std::string text, int width, bool left, bool zero) {
  if (width <= 0 || static_cast<int>(text.size()) >= width) return text;
  size_t n = static_cast<size_t>(width) - text.size();
  if (left) return text + std::string(n, ' ');
  if (zero) {
    size_t sign = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
    return text.substr(0, sign) + std::string(n, '0') + text.substr(sign);
  }
  return std::string(n, ' ') + text;
}

std::string c_format(char verb, int precision, bool plus, double v) {
  if (!std::isfinite(v)) {
    std::string s = special(v);
    if (std::isinf(v) && v > 0 && !plus) s = "+Inf";
    return s;
  }
  std::string spec = "%";
  if (plus) spec += '+';
  if (precision >= 0) spec += "." + std::to_string(precision);
  spec += verb;
  char buf[512];
  std::snprintf(buf, sizeof(buf), spec.c_str(), v);
  return buf;
}

}  // namespace

std::string go_format_float(double v) {
  if (!std::isfinite(v)) return special(v);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  std::string digits;
  int exp = 0;
  shortest_digits(v, digits, exp);
  std::string sign = v < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) return exponent_form(sign, digits, exp, 'e');
  int dp = exp + 1;  // digits before the decimal point
  std::string out = sign;
  if (dp <= 0) {
    out += "0." + std::string(static_cast<size_t>(-dp), '0') + digits;
  } else if (static_cast<size_t>(dp) >= digits.size()) {
    out += digits + std::string(static_cast<size_t>(dp) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(dp)) + "." + digits.substr(static_cast<size_t>(dp));
  }
  return out;
}

std::string go_format_float_exponent(double v) {
  if (!std::isfinite(v)) return special(v);
  if (v == 0) return std::signbit(v) ? "-0E+00" : "0E+00";
  std::string digits;
  int exp = 0;
  shortest_digits(v, digits, exp);
  return exponent_form(v < 0 ? "-" : "", digits, exp, 'E');
}

std::string go_sprintf(std::string_view format, const std::vector<FormatArg>& args) {
  std::string out;
  size_t next_arg = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (++i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    bool left = false, zero = false, plus = false;
    for (; i < format.size(); ++i) {
      if (format[i] == '-')
        left = true;
      else if (format[i] == '0')
        zero = true;
      else if (format[i] == '+')
        plus = true;
      else if (format[i] != ' ' && format[i] != '#')
        break;
    }
    int width = 0;
    while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])))
      width = width * 10 + (format[i++] - '0');
    int precision = -1;
    if (i < format.size() && format[i] == '.') {
      precision = 0;
      ++i;
      while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])))
        precision = precision * 10 + (format[i++] - '0');
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    char verb = format[i];
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (next_arg >= args.size()) {
      out += std::string("%!") + verb + "(MISSING)";
      continue;
    }
    const FormatArg& arg = args[next_arg++];
    std::string text;
    if (const double* d = std::get_if<double>(&arg)) {
      switch (verb) {
        case 'f':
        case 'F':
          text = c_format('f', precision < 0 ? 6 : precision, plus, *d);
          break;
        case 'e':
        case 'E':
          text = c_format(verb, precision < 0 ? 6 : precision, plus, *d);
          break;
        case 'g':
        case 'G':
          text = precision < 0 ? go_format_float(*d) : c_format(verb, precision, plus, *d);
          break;
        case 'v':
          text = go_format_float(*d);
          break;
        default:
          text = std::string("%!") + verb + "(float64=" + go_format_float(*d) + ")";
      }
    } else {
      const std::string& s = std::get<std::string>(arg);
      switch (verb) {
        case 's':
        case 'v':
          text = precision >= 0 ? s.substr(0, static_cast<size_t>(precision)) : s;
          break;
        case 'q':
          text = quote_go_string(s);
          break;
        default:
          text = std::string("%!") + verb + "(string=" + s + ")";
      }
    }
    out += pad(text, width, left, zero && !left);
  }
  if (next_arg < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = next_arg; k < args.size(); ++k) {
      if (k > next_arg) out += ", ";
      if (const double* d = std::get_if<double>(&args[k])) {
        out += "float64=" + go_format_float(*d);
      } else {
        out += "string=" + std::get<std::string>(args[k]);
      }
    }
    out += ")";
  }
  return out;
}

}  // namespace specwatch::rules
