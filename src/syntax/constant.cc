// Python constant values: construction, conversions, repr and equality.
#include "syntax/constant.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nnport::syntax {

Constant Constant::boolean(bool v) {
  Constant c;
  c.kind = Kind::Bool;
  c.b = v;
  return c;
}
Constant Constant::integer(int64_t v) {
  Constant c;
  c.kind = Kind::Int;
  c.i = v;
  return c;
}
Constant Constant::floating(double v) {
  Constant c;
  c.kind = Kind::Float;
  c.f = v;
  return c;
}
Constant Constant::string(std::string v) {
  Constant c;
  c.kind = Kind::String;
  c.s = std::move(v);
  return c;
}
Constant Constant::tuple(std::vector<Constant> v) {
  Constant c;
  c.kind = Kind::Tuple;
  c.items = std::move(v);
  return c;
}
Constant Constant::list(std::vector<Constant> v) {
  Constant c;
  c.kind = Kind::List;
  c.items = std::move(v);
  return c;
}

std::optional<int64_t> Constant::as_int() const {
  if (kind == Kind::Int) return i;
  if (kind == Kind::Bool) return b ? 1 : 0;
  return std::nullopt;
}

std::optional<double> Constant::as_double() const {
  if (kind == Kind::Float) return f;
  if (auto v = as_int()) return static_cast<double>(*v);
  return std::nullopt;
}

std::optional<std::vector<int64_t>> Constant::as_ints(size_t fill) const {
  if (kind == Kind::Int && fill > 0) return std::vector<int64_t>(fill, i);
  if (!is_ordered_sequence()) return std::nullopt;
  std::vector<int64_t> out;
  for (const auto& item : items) {
    if (item.kind != Kind::Int) return std::nullopt;
    out.push_back(item.i);
  }
  if (fill > 0 && out.size() != fill) return std::nullopt;
  return out;
}

bool Constant::truthy() const {
  switch (kind) {
    case Kind::None: return false;
    case Kind::Bool: return b;
    case Kind::Int: return i != 0;
    case Kind::Float: return f != 0.0;
    case Kind::String: return !s.empty();
    case Kind::Tuple:
    case Kind::List: return !items.empty();
  }
  return false;
}

std::string Constant::repr() const {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return b ? "True" : "False";
    case Kind::Int: return std::to_string(i);
    case Kind::Float: {
      if (std::isnan(f)) return "nan";
      if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", f);
      // Shortest form that reads back the same value, like Python's repr.
      for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, f);
        if (std::strtod(buf, nullptr) == f) break;
      }
      std::string text = buf;
      if (text.find_first_of(".einn") == std::string::npos) text += ".0";
      return text;
    }
    case Kind::String: {
      std::string out = "'";
      for (char ch : s) {
        if (ch == '\'' || ch == '\\') out += '\\';
        out += ch;
      }
      return out + "'";
    }
    case Kind::Tuple:
    case Kind::List: {
      if (unordered && !items.empty()) {
        std::string out = "{";
        for (size_t k = 0; k < items.size(); ++k) out += (k ? ", " : "") + items[k].repr();
        return out + "}";
      }
      std::string out = kind == Kind::Tuple ? "(" : "[";
      for (size_t k = 0; k < items.size(); ++k) {
        if (k) out += ", ";
        out += items[k].repr();
      }
      if (kind == Kind::Tuple && items.size() == 1) out += ",";
      return out + (kind == Kind::Tuple ? ")" : "]");
    }
  }
  return "?";
}

bool operator==(const Constant& a, const Constant& b) {
  if (a.is_number() && b.is_number()) {
    if (a.kind == Constant::Kind::Float || b.kind == Constant::Kind::Float)
      return a.as_double() == b.as_double();
    return a.as_int() == b.as_int();
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Constant::Kind::None: return true;
    case Constant::Kind::String: return a.s == b.s;
    case Constant::Kind::Tuple:
    case Constant::Kind::List: return a.items == b.items;
    default: return false;
  }
}

}  // namespace nnport::syntax
