// Constant evaluator (see evaluator.h). Integer arithmetic is overflow-checked and container
// sizes are capped, so hostile input cannot trigger undefined behaviour or exhaust memory.
#include "syntax/evaluator.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "syntax/builtins.h"
#include "syntax/percent_format.h"
#include "syntax/slice_bounds.h"

namespace nnport::syntax {

namespace {

constexpr int kMaxDepth = 200;
constexpr size_t kMaxItems = 1 << 16;  // largest tuple/list/string the evaluator builds

using K = Constant::Kind;

bool is_float(const Constant& c) { return c.kind == K::Float; }

std::optional<Constant> int_pow(int64_t base, int64_t exponent) {
  if (exponent < 0)
    return Constant::floating(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
  int64_t result = 1;
  int64_t b = base;
  int64_t e = exponent;
  while (e > 0) {
    if (e & 1) {
      if (__builtin_mul_overflow(result, b, &result)) return std::nullopt;
    }
    e >>= 1;
    if (e > 0 && __builtin_mul_overflow(b, b, &b)) return std::nullopt;
  }
  return Constant::integer(result);
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

std::optional<Constant> repeat(const Constant& seq, int64_t times) {
  const size_t unit = seq.kind == K::String ? seq.s.size() : seq.items.size();
  if (times <= 0 || unit == 0) {
    Constant out = seq;
    out.items.clear();
    out.s.clear();
    return out;
  }
  if (static_cast<uint64_t>(times) > kMaxItems / unit) return std::nullopt;
  Constant out = seq;
  out.items.clear();
  out.s.clear();
  for (int64_t k = 0; k < times; ++k) {
    out.s += seq.s;
    out.items.insert(out.items.end(), seq.items.begin(), seq.items.end());
  }
  return out;
}

std::optional<int> compare_values(const Constant& a, const Constant& b) {
  if (a.is_number() && b.is_number()) {
    if (is_float(a) || is_float(b)) {
      const double x = *a.as_double(), y = *b.as_double();
      if (std::isnan(x) || std::isnan(y)) return std::nullopt;
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    const int64_t x = *a.as_int(), y = *b.as_int();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.kind == K::String && b.kind == K::String)
    return a.s.compare(b.s) < 0 ? -1 : (a.s == b.s ? 0 : 1);
  if (a.kind == b.kind && a.is_sequence()) {
    for (size_t k = 0; k < a.items.size() && k < b.items.size(); ++k) {
      if (a.items[k] == b.items[k]) continue;
      return compare_values(a.items[k], b.items[k]);
    }
    return a.items.size() < b.items.size() ? -1 : (a.items.size() > b.items.size() ? 1 : 0);
  }
  return std::nullopt;
}

std::string strip_underscores(std::string_view text) {
  std::string out;
  for (char ch : text)
    if (ch != '_') out += ch;
  return out;
}

}  // namespace

const Constant* Scope::lookup(std::string_view name) const {
  for (const Scope* s = this; s != nullptr; s = s->parent_) {
    auto it = s->names_.find(name);
    if (it != s->names_.end()) return &it->second;
  }
  return nullptr;
}

std::optional<Constant> parse_integer(std::string_view raw) {
  std::string text = strip_underscores(raw);
  if (text.empty()) return std::nullopt;
  const char last = text.back();
  if (last == 'j' || last == 'J' || last == 'l' || last == 'L') return std::nullopt;
  int base = 10;
  size_t start = 0;
  if (text.size() > 1 && text[0] == '0') {
    const char p = static_cast<char>(text[1] | 0x20);
    if (p == 'x')
      base = 16;
    else if (p == 'o')
      base = 8;
    else if (p == 'b')
      base = 2;
    if (base != 10) start = 2;
  }
  if (start >= text.size()) return std::nullopt;
  uint64_t value = 0;
  for (size_t k = start; k < text.size(); ++k) {
    const char ch = text[k];
    int digit;
    if (ch >= '0' && ch <= '9')
      digit = ch - '0';
    else if (ch >= 'a' && ch <= 'f')
      digit = ch - 'a' + 10;
    else if (ch >= 'A' && ch <= 'F')
      digit = ch - 'A' + 10;
    else
      return std::nullopt;
    if (digit >= base) return std::nullopt;
    if (__builtin_mul_overflow(value, static_cast<uint64_t>(base), &value) ||
        __builtin_add_overflow(value, static_cast<uint64_t>(digit), &value))
      return std::nullopt;
  }
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return Constant::integer(static_cast<int64_t>(value));
}

std::optional<Constant> parse_float(std::string_view raw) {
  std::string text = strip_underscores(raw);
  if (text.empty() || text.back() == 'j' || text.back() == 'J') return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return Constant::floating(v);
}

std::optional<std::string> parse_string(Node node) {
  if (node.is(Kind::ConcatenatedString)) {
    std::string out;
    for (Node part : node.named_children()) {
      auto s = parse_string(part);
      if (!s) return std::nullopt;
      out += *s;
    }
    return out;
  }
  if (!node.is(Kind::String)) return std::nullopt;
  std::string prefix;
  std::string out;
  for (Node c : node.named_children()) {
    if (c.is(Kind::StringStart)) {
      for (char ch : c.text())
        if (ch != '"' && ch != '\'') prefix += static_cast<char>(ch | 0x20);
    } else if (c.is(Kind::Interpolation)) {
      return std::nullopt;  // f-string with a replacement field
    } else if (c.is(Kind::StringContent)) {
      const bool raw = prefix.find('r') != std::string::npos;
      std::string_view text = c.text();
      for (size_t k = 0; k < text.size(); ++k) {
        if (text[k] != '\\' || raw || k + 1 >= text.size()) {
          out += text[k];
          continue;
        }
        const char e = text[++k];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '0': out += '\0'; break;
          case '\\': out += '\\'; break;
          case '\'': out += '\''; break;
          case '"': out += '"'; break;
          case '\n': break;  // line continuation
          default: out += '\\'; out += e;
        }
      }
    }
  }
  if (prefix.find('b') != std::string::npos) return std::nullopt;  // bytes are not str
  return out;
}

std::optional<Constant> apply_binary(std::string_view op, const Constant& a, const Constant& b) {
  // Concatenating or repeating a set (or a list made from one) has no defined order.
  if (a.unordered || b.unordered) return std::nullopt;
  // Sequences and strings.
  if (op == "+" && a.kind == b.kind && (a.kind == K::String || a.is_sequence())) {
    if (a.s.size() + b.s.size() > kMaxItems || a.items.size() + b.items.size() > kMaxItems)
      return std::nullopt;
    Constant out = a;
    out.s += b.s;
    out.items.insert(out.items.end(), b.items.begin(), b.items.end());
    return out;
  }
  if (op == "%" && a.kind == K::String) return percent_format(a.s, b);
  if (op == "*" && (a.kind == K::String || a.is_sequence()) && b.as_int() && !b.is_bool())
    return repeat(a, *b.as_int());
  if (op == "*" && (b.kind == K::String || b.is_sequence()) && a.as_int() && !a.is_bool())
    return repeat(b, *a.as_int());
  if (!a.is_number() || !b.is_number()) return std::nullopt;

  if (!is_float(a) && !is_float(b)) {
    const int64_t x = *a.as_int(), y = *b.as_int();
    int64_t r = 0;
    if (op == "+") {
      if (__builtin_add_overflow(x, y, &r)) return std::nullopt;
      return Constant::integer(r);
    }
    if (op == "-") {
      if (__builtin_sub_overflow(x, y, &r)) return std::nullopt;
      return Constant::integer(r);
    }
    if (op == "*") {
      if (__builtin_mul_overflow(x, y, &r)) return std::nullopt;
      return Constant::integer(r);
    }
    if (op == "/") {
      if (y == 0) return std::nullopt;
      return Constant::floating(static_cast<double>(x) / static_cast<double>(y));
    }
    if (op == "//" || op == "%") {
      if (y == 0) return std::nullopt;
      if (x == std::numeric_limits<int64_t>::min() && y == -1)
        return op == "%" ? std::optional<Constant>(Constant::integer(0)) : std::nullopt;
      return Constant::integer(op == "//" ? floor_div(x, y) : floor_mod(x, y));
    }
    if (op == "**") return int_pow(x, y);
    if (op == "&") return Constant::integer(x & y);
    if (op == "|") return Constant::integer(x | y);
    if (op == "^") return Constant::integer(x ^ y);
    if (op == "<<") {
      if (y < 0 || y >= 63 || x < 0 || x > (std::numeric_limits<int64_t>::max() >> y))
        return std::nullopt;
      return Constant::integer(x << y);
    }
    if (op == ">>") {
      if (y < 0) return std::nullopt;
      return Constant::integer(y >= 63 ? (x < 0 ? -1 : 0) : (x >> y));
    }
    return std::nullopt;
  }
  const double x = *a.as_double(), y = *b.as_double();
  if (op == "+") return Constant::floating(x + y);
  if (op == "-") return Constant::floating(x - y);
  if (op == "*") return Constant::floating(x * y);
  if (op == "/") {
    if (y == 0.0) return std::nullopt;
    return Constant::floating(x / y);
  }
  if (op == "//") {
    if (y == 0.0) return std::nullopt;
    return Constant::floating(std::floor(x / y));
  }
  if (op == "%") {
    if (y == 0.0) return std::nullopt;
    double r = std::fmod(x, y);
    if (r != 0.0 && ((r < 0) != (y < 0))) r += y;
    return Constant::floating(r);
  }
  if (op == "**") {
    if (x == 0.0 && y < 0) return std::nullopt;
    return Constant::floating(std::pow(x, y));
  }
  return std::nullopt;
}

std::optional<bool> apply_compare(std::string_view op, const Constant& left,
                                  const Constant& right) {
  if (op == "==") return left == right;
  if (op == "!=" || op == "<>") return !(left == right);
  const bool same = left == right && left.kind == right.kind;
  if (op == "is") return left.is_none() ? right.is_none() : same;
  if (op == "is not") return left.is_none() ? !right.is_none() : !same;
  if (op == "in" || op == "not in") {
    bool found = false;
    if (right.is_sequence()) {
      for (const auto& item : right.items) found = found || item == left;
    } else if (right.is_string() && left.is_string()) {
      found = right.s.find(left.s) != std::string::npos;
    } else {
      return std::nullopt;
    }
    return op == "in" ? found : !found;
  }
  auto order = compare_values(left, right);
  if (!order) return std::nullopt;
  if (op == "<") return *order < 0;
  if (op == "<=") return *order <= 0;
  if (op == ">") return *order > 0;
  if (op == ">=") return *order >= 0;
  return std::nullopt;
}

std::optional<Constant> ConstEvaluator::eval(Node expr) {
  error_ = {};
  return eval_at(expr, 0);
}

std::optional<Constant> ConstEvaluator::fail(Node node, std::string reason) {
  if (error_.node.null()) error_ = EvalError{node, std::move(reason)};
  return std::nullopt;
}

std::optional<Constant> ConstEvaluator::eval_at(Node expr, int depth) {
  if (expr.null()) return fail(expr, "missing expression");
  if (depth > kMaxDepth) return fail(expr, "expression nested too deeply");
  switch (expr.kind()) {
    case Kind::Integer: {
      auto v = parse_integer(expr.text());
      if (!v) return fail(expr, "integer literal out of range or not an int");
      return v;
    }
    case Kind::Float: {
      auto v = parse_float(expr.text());
      if (!v) return fail(expr, "not a float literal");
      return v;
    }
    case Kind::True: return Constant::boolean(true);
    case Kind::False: return Constant::boolean(false);
    case Kind::None: return Constant::none();
    case Kind::String:
    case Kind::ConcatenatedString: {
      auto s = parse_string(expr);
      if (!s) return fail(expr, "f-strings and bytes are not constants");
      return Constant::string(std::move(*s));
    }
    case Kind::ParenthesizedExpression: {
      auto inner = expr.named_children();
      if (inner.size() != 1) return fail(expr, "unsupported parenthesised expression");
      return eval_at(inner[0], depth + 1);
    }
    case Kind::Tuple:
    case Kind::List:
    case Kind::ExpressionList: {
      std::vector<Constant> items;
      for (Node item : expr.named_children()) {
        if (item.is(Kind::ListSplat)) {
          auto inner = eval_at(item.named_child(0), depth + 1);
          if (!inner) return std::nullopt;
          if (!inner->is_sequence()) return fail(item, "only tuples and lists can be unpacked");
          items.insert(items.end(), inner->items.begin(), inner->items.end());
        } else {
          auto v = eval_at(item, depth + 1);
          if (!v) return std::nullopt;
          items.push_back(std::move(*v));
        }
        if (items.size() > kMaxItems) return fail(expr, "sequence too long");
      }
      return expr.is(Kind::List) ? Constant::list(std::move(items))
                                 : Constant::tuple(std::move(items));
    }
    case Kind::Identifier: {
      if (const Constant* c = scope_.lookup(expr.text())) return *c;
      if (resolver_)
        if (auto v = resolver_(expr)) return v;
      return fail(expr, "'" + std::string(expr.text()) + "' is not a known constant");
    }
    case Kind::Attribute: {
      if (resolver_)
        if (auto v = resolver_(expr)) return v;
      return fail(expr, "'" + std::string(expr.text()) + "' is not a known constant");
    }
    case Kind::UnaryOperator: {
      auto v = eval_at(expr.field(Field::Argument), depth + 1);
      if (!v) return std::nullopt;
      const std::string_view op = expr.field(Field::Operator).type();
      if (!v->is_number()) return fail(expr, "unary operator on a non-number");
      if (op == "+") return v->is_bool() ? Constant::integer(*v->as_int()) : *v;
      if (op == "-") {
        if (is_float(*v)) return Constant::floating(-v->f);
        const int64_t x = *v->as_int();
        if (x == std::numeric_limits<int64_t>::min()) return fail(expr, "integer overflow");
        return Constant::integer(-x);
      }
      if (op == "~" && !is_float(*v)) return Constant::integer(~*v->as_int());
      return fail(expr, "unsupported unary operator");
    }
    case Kind::NotOperator: {
      auto v = eval_at(expr.field(Field::Argument), depth + 1);
      if (!v) return std::nullopt;
      return Constant::boolean(!v->truthy());
    }
    case Kind::BooleanOperator: {
      auto left = eval_at(expr.field(Field::Left), depth + 1);
      if (!left) return std::nullopt;
      const bool is_and = expr.field(Field::Operator).type() == "and";
      if (is_and != left->truthy()) return left;  // short-circuit: the right side is not evaluated
      return eval_at(expr.field(Field::Right), depth + 1);
    }
    case Kind::BinaryOperator: return binary(expr, depth);
    case Kind::ComparisonOperator: return compare(expr, depth);
    case Kind::ConditionalExpression: {
      auto parts = expr.named_children();
      if (parts.size() != 3) return fail(expr, "malformed conditional expression");
      auto cond = eval_at(parts[1], depth + 1);
      if (!cond) return std::nullopt;
      return eval_at(cond->truthy() ? parts[0] : parts[2], depth + 1);
    }
    case Kind::Call: return call(expr, depth);
    case Kind::Subscript: return subscript(expr, depth);
    default: break;
  }
  return fail(expr,
              "'" + std::string(expr.text().substr(0, 60)) + "' is not a constant expression");
}

std::optional<Constant> ConstEvaluator::binary(Node node, int depth) {
  auto a = eval_at(node.field(Field::Left), depth + 1);
  if (!a) return std::nullopt;
  auto b = eval_at(node.field(Field::Right), depth + 1);
  if (!b) return std::nullopt;
  const std::string_view op = node.field(Field::Operator).type();
  auto result = apply_binary(op, *a, *b);
  if (!result)
    return fail(node, "cannot fold " + a->repr().substr(0, 40) + " " + std::string(op) + " " +
                          b->repr().substr(0, 40) + " (overflow, division by zero or types)");
  return result;
}

std::optional<Constant> ConstEvaluator::compare(Node node, int depth) {
  // Operands are the named children; the operators sit between them under `operators`.
  std::vector<Node> operands = node.named_children();
  std::vector<Node> ops = node.fields(Field::Operators);
  if (operands.size() != ops.size() + 1 || ops.empty()) return fail(node, "malformed comparison");
  auto left = eval_at(operands[0], depth + 1);
  if (!left) return std::nullopt;
  for (size_t k = 0; k < ops.size(); ++k) {
    auto right = eval_at(operands[k + 1], depth + 1);
    if (!right) return std::nullopt;
    auto result = apply_compare(ops[k].type(), *left, *right);
    if (!result)
      return fail(node, "values cannot be compared with '" + std::string(ops[k].type()) + "'");
    if (!*result) return Constant::boolean(false);
    left = std::move(right);
  }
  return Constant::boolean(true);
}

std::optional<Constant> ConstEvaluator::call(Node node, int depth) {
  Node fn = node.field(Field::Function);
  Node args_node = node.field(Field::Arguments);
  const bool builtin = fn.is(Kind::Identifier) && is_folded_builtin(fn.text());
  const bool method = fn.is(Kind::Attribute) && is_folded_method(fn.field(Field::Attribute).text());
  if (fn.is(Kind::Identifier) && !builtin)
    return fail(node, "call of '" + std::string(fn.text()) + "' is not a constant expression");
  if ((!builtin && !method) || !args_node.is(Kind::ArgumentList)) {
    if (resolver_)
      if (auto v = resolver_(node)) return v;  // e.g. torch.cuda.is_available()
    return fail(node,
                "'" + std::string(node.text().substr(0, 60)) + "' is not a constant expression");
  }
  if (builtin && scope_.lookup(fn.text()))
    return fail(fn, "'" + std::string(fn.text()) + "' is shadowed");
  std::vector<Constant> args;
  ConstantKwargs kwargs;
  for (Node a : args_node.named_children()) {
    if (a.is(Kind::Comment)) continue;
    if (a.is(Kind::DictionarySplat)) return fail(a, "**kwargs are not folded");
    if (a.is(Kind::KeywordArgument)) {
      auto v = eval_at(a.field(Field::Value), depth + 1);
      if (!v) return std::nullopt;
      kwargs.emplace_back(std::string(a.field(Field::Name).text()), std::move(*v));
      continue;
    }
    if (a.is(Kind::ListSplat)) {
      auto inner = eval_at(a.named_child(0), depth + 1);
      if (!inner) return std::nullopt;
      if (!inner->is_ordered_sequence()) return fail(a, "only tuples and lists can be unpacked");
      args.insert(args.end(), inner->items.begin(), inner->items.end());
      continue;
    }
    auto v = eval_at(a, depth + 1);
    if (!v) return std::nullopt;
    args.push_back(std::move(*v));
  }
  std::string why;
  if (builtin) {
    if (auto v = apply_builtin(fn.text(), args, kwargs, why)) return v;
    return fail(node, why);
  }
  // `text.lower()`: a method of a constant string or sequence; anything else (a module's
  // function such as `torch.cuda.is_available()`) is asked of the resolver.
  if (resolver_)
    if (auto v = resolver_(node)) return v;
  if (!kwargs.empty()) return fail(node, "keyword arguments to methods are not folded");
  auto self = eval_at(fn.field(Field::Object), depth + 1);
  if (!self) return std::nullopt;
  if (auto v = apply_method(*self, fn.field(Field::Attribute).text(), args, why)) return v;
  return fail(node, why);
}

std::optional<Constant> ConstEvaluator::subscript(Node node, int depth) {
  auto seq = eval_at(node.field(Field::Value), depth + 1);
  if (!seq) return std::nullopt;
  std::vector<Node> subs = node.fields(Field::Subscript);
  if (subs.size() != 1) return fail(node, "multi-dimensional indexing of a constant");
  Node index_node = subs[0];
  const int64_t size = static_cast<int64_t>(seq->is_string() ? seq->s.size() : seq->items.size());
  if (!seq->is_sequence() && !seq->is_string()) return fail(node, "value is not subscriptable");
  if (index_node.is(Kind::Slice)) {
    auto bounds = slice_bounds(index_node, [&](Node c) {
      auto v = eval_at(c, depth + 1);
      if (!v) return SliceBound{true, std::nullopt};
      if (v->is_none()) return SliceBound{};
      if (!v->as_int()) {
        fail(c, "slice bound is not an int");
        return SliceBound{true, std::nullopt};
      }
      return SliceBound{false, *v->as_int()};
    });
    if (!bounds) return std::nullopt;
    std::string why;
    if (auto out = apply_slice(*seq, *bounds, why)) return out;
    return fail(index_node, why);
  }
  if (seq->unordered) return fail(node, "the order of a set's items is not defined");
  auto index = eval_at(index_node, depth + 1);
  if (!index) return std::nullopt;
  if (!index->as_int()) return fail(index_node, "index is not an int");
  int64_t k = *index->as_int();
  if (k < 0) k += size;
  if (k < 0 || k >= size) return fail(index_node, "index out of range");
  if (seq->is_string()) return Constant::string(std::string(1, seq->s[static_cast<size_t>(k)]));
  return seq->items[static_cast<size_t>(k)];
}

void bind_module_constants(Node module, Scope& scope, const ConstEvaluator::Resolver& resolver) {
  for (Node stmt : module.named_children()) {
    if (!stmt.is(Kind::ExpressionStatement)) continue;
    Node assign = stmt.named_child(0);
    if (!assign.is(Kind::Assignment)) continue;
    Node left = assign.field(Field::Left);
    Node right = assign.field(Field::Right);
    if (!left.is(Kind::Identifier) || right.null()) continue;
    ConstEvaluator evaluator(scope, resolver);
    auto v = evaluator.eval(right);
    // A later non-constant rebinding hides an earlier constant one.
    if (v)
      scope.bind(std::string(left.text()), std::move(*v));
    else
      scope.unbind(std::string(left.text()));
  }
}

}  // namespace nnport::syntax
