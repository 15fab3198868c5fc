// Python literal spellings (see python_literal.h).
#include "writers/keras/python_literal.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace nnport::writers::keras {

std::string python_float(double value) {
  if (std::isnan(value)) return "float(\"nan\")";
  if (std::isinf(value)) return value > 0 ? "float(\"inf\")" : "-float(\"inf\")";
  // Shortest round-trip digits, then Python's repr layout: positional for -4 <= exp < 16.
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, result.ptr);
  const size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  const int exponent = std::atoi(sci.c_str() + e + 1);
  std::string sign;
  if (!mantissa.empty() && mantissa[0] == '-') {
    sign = "-";
    mantissa.erase(0, 1);
  }
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits.push_back(c);
  if (exponent >= -4 && exponent < 16) {
    std::string out;
    if (exponent < 0) {
      out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else {
      const size_t point = static_cast<size_t>(exponent) + 1;
      if (digits.size() <= point) {
        out = digits + std::string(point - digits.size(), '0') + ".0";
      } else {
        out = digits.substr(0, point) + "." + digits.substr(point);
      }
    }
    return sign + out;
  }
  std::string out = digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exp_text[16];
  std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return sign + out + exp_text;
}

double tidy_float(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", value);
  return std::strtod(buf, nullptr);
}

std::string python_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

std::string python_tuple(const std::vector<int64_t>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += values[i] < 0 ? std::string("None") : std::to_string(values[i]);
  }
  if (values.size() == 1) out += ",";
  return out + ")";
}

std::string python_value(const ArgValue& value) {
  using Kind = ArgValue::Kind;
  switch (value.kind) {
    case Kind::None: return "None";
    case Kind::Bool: return value.b ? "True" : "False";
    case Kind::Int: return std::to_string(value.i);
    case Kind::Float: return python_float(value.f);
    case Kind::String: return python_string(value.s);
    case Kind::Shape: return python_tuple(value.ints);
    case Kind::Tuple: {
      std::string out = "(";
      for (size_t i = 0; i < value.ints.size(); ++i)
        out += (i ? ", " : "") + std::to_string(value.ints[i]);
      return out + (value.ints.size() == 1 ? ",)" : ")");
    }
    case Kind::List: {
      std::string out = "[";
      for (size_t i = 0; i < value.ints.size(); ++i)
        out += (i ? ", " : "") + std::to_string(value.ints[i]);
      return out + "]";
    }
    case Kind::Pairs: {
      std::string out = "(";
      for (size_t i = 0; i + 1 < value.ints.size(); i += 2) {
        if (i) out += ", ";
        out += "(" + std::to_string(value.ints[i]) + ", " + std::to_string(value.ints[i + 1]) + ")";
      }
      return out + (value.ints.size() == 2 ? ",)" : ")");
    }
    case Kind::Layer: {
      if (!value.layer) return "None";
      std::string out = "layers." + value.layer->class_name + "(";
      bool first = true;
      for (const auto& arg : value.layer->args) {
        if (!arg.in_python || arg.py_name.empty())
          continue;  // keywords only: readable and checkable
        out += (first ? "" : ", ") + arg.py_name + "=" +
               python_value(arg.py_value ? *arg.py_value : arg.value);
        first = false;
      }
      return out + ")";
    }
  }
  return "None";
}

nlohmann::json json_value(const ArgValue& value) {
  using Kind = ArgValue::Kind;
  switch (value.kind) {
    case Kind::None: return nullptr;
    case Kind::Bool: return value.b;
    case Kind::Int: return value.i;
    case Kind::Float: return value.f;
    case Kind::String: return value.s;
    case Kind::Tuple:
    case Kind::List: return value.ints;
    case Kind::Shape: {
      auto out = nlohmann::json::array();
      for (int64_t v : value.ints)
        out.push_back(v < 0 ? nlohmann::json(nullptr) : nlohmann::json(v));
      return out;
    }
    case Kind::Pairs: {
      auto out = nlohmann::json::array();
      for (size_t i = 0; i + 1 < value.ints.size(); i += 2)
        out.push_back(nlohmann::json::array({value.ints[i], value.ints[i + 1]}));
      return out;
    }
    case Kind::Layer: {
      if (!value.layer) return nullptr;
      nlohmann::json config = {{"trainable", true}, {"dtype", "float32"}};
      for (const auto& arg : value.layer->args)
        if (!arg.json_key.empty())
          config[arg.json_key] = json_value(arg.json_value ? *arg.json_value : arg.value);
      return {{"class_name", value.layer->class_name}, {"config", config}};
    }
  }
  return nullptr;
}

std::string python_identifier(const std::string& text) {
  static const std::set<std::string> kReserved = {
      "False",  "None",     "True",   "and",     "as",   "assert", "async",  "await",    "break",
      "class",  "continue", "def",    "del",     "elif", "else",   "except", "finally",  "for",
      "from",   "global",   "if",     "import",  "in",   "is",     "lambda", "nonlocal", "not",
      "or",     "pass",     "raise",  "return",  "try",  "while",  "with",   "yield",    "keras",
      "layers", "tf",       "inputs", "outputs", "model"};
  std::string out;
  for (char c : text) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out = "v_" + out;
  if (kReserved.count(out)) out += "_";
  return out;
}

}  // namespace nnport::writers::keras
