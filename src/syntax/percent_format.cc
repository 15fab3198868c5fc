// printf-style formatting of constants (see percent_format.h), after Python's
// Objects/unicodeobject.c PyUnicode_Format: flags "-+ #0", a width, a precision, then one of
// d i u s r x X o f F e E g G or %%.
#include "syntax/percent_format.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

namespace nnport::syntax {

namespace {

// One conversion of a number through C's printf, which follows the same spec for these.
std::optional<std::string> printf_number(const std::string& spec, char conv, const Constant& v) {
  char buf[512];
  int n = 0;
  if (conv == 'd' || conv == 'i' || conv == 'u' || conv == 'x' || conv == 'X' || conv == 'o') {
    long long x = 0;
    if (auto i = v.as_int()) {
      x = *i;
    } else if (v.kind == Constant::Kind::Float && std::isfinite(v.f) && std::fabs(v.f) < 9e18 &&
               (conv == 'd' || conv == 'i' || conv == 'u')) {
      x = static_cast<long long>(v.f);  // "%d" % 2.7 == "2" (int() truncates)
    } else {
      return std::nullopt;
    }
    const char c = conv == 'i' || conv == 'u' ? 'd' : conv;
    // Python prints a negative hex/octal number with a sign, C as unsigned: not folded.
    if (x < 0 && c != 'd') return std::nullopt;
    n = std::snprintf(buf, sizeof buf, (spec + "ll" + c).c_str(), x);
  } else {
    auto d = v.as_double();
    if (!d || !std::isfinite(*d)) return std::nullopt;
    n = std::snprintf(buf, sizeof buf, (spec + conv).c_str(), *d);
  }
  if (n < 0 || static_cast<size_t>(n) >= sizeof buf) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

std::optional<Constant> percent_format(const std::string& format, const Constant& args) {
  std::vector<Constant> values;
  if (args.kind == Constant::Kind::Tuple) {
    if (args.unordered) return std::nullopt;
    values = args.items;
  } else {
    values.push_back(args);
  }
  size_t next = 0;
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (++i >= format.size()) return std::nullopt;
    if (format[i] == '%') {
      out += '%';
      continue;
    }
    std::string spec = "%";
    std::string flags;
    while (i < format.size() && std::string_view("-+ #0").find(format[i]) != std::string::npos)
      flags += format[i++];
    spec += flags;
    size_t width = 0;
    while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
      width = width * 10 + static_cast<size_t>(format[i] - '0');
      if (width > 200) return std::nullopt;
      spec += format[i++];
    }
    int precision = -1;
    if (i < format.size() && format[i] == '.') {
      spec += format[i++];
      precision = 0;
      while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
        precision = precision * 10 + (format[i] - '0');
        if (precision > 100) return std::nullopt;
        spec += format[i++];
      }
    }
    if (i >= format.size() || next >= values.size()) return std::nullopt;
    const char conv = format[i];
    const Constant& v = values[next++];
    if (conv == 's' || conv == 'r') {
      std::string text = conv == 's' && v.is_string() ? v.s : v.repr();
      if (precision >= 0 && text.size() > static_cast<size_t>(precision))
        text.resize(static_cast<size_t>(precision));
      if (text.size() < width) {
        const std::string pad(width - text.size(), ' ');
        text = flags.find('-') != std::string::npos ? text + pad : pad + text;
      }
      out += text;
      continue;
    }
    if (std::string_view("diuxXofFeEgG").find(conv) == std::string::npos) return std::nullopt;
    auto text = printf_number(spec, conv, v);
    if (!text) return std::nullopt;
    out += *text;
  }
  // Python: "not all arguments converted during string formatting".
  if (next != values.size()) return std::nullopt;
  return Constant::string(std::move(out));
}

}  // namespace nnport::syntax
