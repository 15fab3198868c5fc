// Shape evaluation of __init__ tensor expressions (see init_tensors.h).
#include "readers/pytorch/init_tensors.h"

#include <cmath>

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;

namespace {

class ShapeEval {
 public:
  ShapeEval(const ImportTable& imports, const TensorLookup& lookup, const ConstantEval& constant)
      : imports_(imports), lookup_(lookup), constant_(constant) {}

  std::optional<InitTensorOutcome> eval(Node expr, int depth = 0) {
    if (depth > 64) return fail("expression nested too deeply");
    if (expr.is(Kind::Identifier)) {
      if (const InitTensor* t = lookup_(expr.text())) return InitTensorOutcome{*t, {}};
      return std::nullopt;
    }
    if (expr.is(Kind::ParenthesizedExpression) && expr.named_children().size() == 1)
      return eval(expr.named_child(0), depth + 1);
    if (expr.is(Kind::UnaryOperator)) return eval(expr.field(Field::Argument), depth + 1);
    if (expr.is(Kind::BinaryOperator)) return binary(expr, depth);
    if (expr.is(Kind::Call)) return call(expr, depth);
    return std::nullopt;
  }

 private:
  static InitTensorOutcome fail(std::string why) {
    return InitTensorOutcome{std::nullopt, std::move(why)};
  }
  static InitTensorOutcome of(std::vector<int64_t> shape, bool parameter = false) {
    return InitTensorOutcome{InitTensor{std::move(shape), parameter}, {}};
  }

  std::optional<InitTensorOutcome> binary(Node expr, int depth) {
    auto a = eval(expr.field(Field::Left), depth + 1);
    auto b = eval(expr.field(Field::Right), depth + 1);
    if (!a && !b) return std::nullopt;
    if ((a && !a->tensor) || (b && !b->tensor)) return a && !a->tensor ? *a : *b;
    if (!a || !b) {
      // tensor (op) scalar keeps the shape; the scalar (math.log(...), often not foldable) only
      // changes values, which come from the checkpoint.
      Node other = a ? expr.field(Field::Right) : expr.field(Field::Left);
      auto c = constant_(other);
      if (c && c->is_sequence())
        return fail("operand '" + std::string(other.text().substr(0, 40)) + "' is not a scalar");
      return of((a ? a : b)->tensor->shape);
    }
    // Broadcasting of two shapes.
    const auto& x = a->tensor->shape;
    const auto& y = b->tensor->shape;
    std::vector<int64_t> out(std::max(x.size(), y.size()), 1);
    for (size_t i = 0; i < out.size(); ++i) {
      const int64_t dx = i < x.size() ? x[x.size() - 1 - i] : 1;
      const int64_t dy = i < y.size() ? y[y.size() - 1 - i] : 1;
      if (dx != dy && dx != 1 && dy != 1) return fail("shapes do not broadcast");
      out[out.size() - 1 - i] = dx == 1 ? dy : dx;
    }
    return of(out);
  }

  std::optional<std::vector<Constant>> constant_args(Node args,
                                                     std::vector<std::string>& keywords) {
    std::vector<Constant> out;
    for (Node a : args.named_children()) {
      if (a.is(Kind::KeywordArgument)) {
        keywords.emplace_back(a.field(Field::Name).text());
        continue;  // dtype / device / requires_grad do not change the shape
      }
      auto c = constant_(a);
      if (!c) return std::nullopt;
      out.push_back(*c);
    }
    return out;
  }

  // Sizes given as ints or as one tuple/list of ints.
  static std::optional<std::vector<int64_t>> sizes(const std::vector<Constant>& args) {
    if (args.size() == 1 && args[0].is_sequence()) return args[0].as_ints();
    std::vector<int64_t> out;
    for (const auto& c : args) {
      if (!c.is_int() || c.i < 0) return std::nullopt;
      out.push_back(c.i);
    }
    return out;
  }

  std::optional<InitTensorOutcome> call(Node expr, int depth) {
    Node fn = expr.field(Field::Function);
    Node args = expr.field(Field::Arguments);
    if (!args.is(Kind::ArgumentList)) return std::nullopt;
    std::optional<std::string> q = imports_.qualify(fn);
    if (q && q->rfind("torch.", 0) == 0) return torch_call(*q, args, depth);
    if (!fn.is(Kind::Attribute)) return std::nullopt;
    auto self = eval(fn.field(Field::Object), depth + 1);
    if (!self) return std::nullopt;
    if (!self->tensor) return self;
    return method(std::string(fn.field(Field::Attribute).text()), *self->tensor, args);
  }

  std::optional<InitTensorOutcome> torch_call(const std::string& q, Node args, int depth) {
    std::vector<Node> items = args.named_children();
    std::vector<std::string> keywords;
    if (q == "torch.nn.Parameter" || q == "torch.nn.parameter.Parameter") {
      if (items.empty() || items[0].is(Kind::KeywordArgument))
        return fail("nn.Parameter needs a tensor");
      auto t = eval(items[0], depth + 1);
      if (!t) return fail("the argument of nn.Parameter is not a tensor nnport can follow");
      if (t->tensor) t->tensor->parameter = true;
      return t;
    }
    static const char* kShaped[] = {"torch.zeros", "torch.ones", "torch.randn", "torch.rand",
                                    "torch.empty"};
    for (const char* name : kShaped)
      if (q == name) {
        auto cs = constant_args(args, keywords);
        auto shape = cs ? sizes(*cs) : std::nullopt;
        if (!shape) return fail(q + "() sizes are not constant ints");
        return of(*shape);
      }
    if (q == "torch.arange") {
      auto cs = constant_args(args, keywords);
      if (!cs || cs->empty() || cs->size() > 3)
        return fail("torch.arange() bounds are not constant numbers");
      double b[3] = {0, 0, 1};
      for (size_t i = 0; i < cs->size(); ++i) {
        auto v = (*cs)[i].as_double();
        if (!v) return fail("torch.arange() bounds are not constant numbers");
        b[cs->size() == 1 ? 1 : i] = *v;
      }
      if (b[2] == 0) return fail("torch.arange() step is 0");
      const double n = std::ceil((b[1] - b[0]) / b[2]);
      return of({n > 0 ? static_cast<int64_t>(n) : 0});
    }
    static const char* kElementwise[] = {"torch.exp",  "torch.sin",  "torch.cos",     "torch.log",
                                         "torch.sqrt", "torch.tanh", "torch.sigmoid", "torch.pow"};
    for (const char* name : kElementwise)
      if (q == name && !items.empty()) {
        auto t = eval(items[0], depth + 1);
        if (!t) return fail(q + "() of a value that is not a tensor");
        return t;
      }
    if (q.rfind("torch.nn.", 0) == 0) return std::nullopt;  // modules: not tensors
    return fail(q + "() in __init__ is not supported for stored tensors");
  }

  std::optional<InitTensorOutcome> method(const std::string& name, InitTensor t, Node args) {
    std::vector<std::string> keywords;
    auto cs = constant_args(args, keywords);
    if (!cs) return fail("." + name + "() arguments are not constant");
    const int64_t rank = static_cast<int64_t>(t.shape.size());
    auto axis = [&](const Constant& c, int64_t extra) -> std::optional<size_t> {
      if (!c.is_int()) return std::nullopt;
      const int64_t n = rank + extra;
      const int64_t a = c.i < 0 ? c.i + n : c.i;
      if (a < 0 || a >= n) return std::nullopt;
      return static_cast<size_t>(a);
    };
    static const char* kSame[] = {"float",          "to",     "clone", "detach", "contiguous",
                                  "requires_grad_", "double", "exp",   "sin",    "cos"};
    for (const char* s : kSame)
      if (name == s) return InitTensorOutcome{t, {}};
    if (name == "unsqueeze" && cs->size() == 1) {
      auto a = axis((*cs)[0], 1);
      if (!a) return fail(".unsqueeze() axis out of range");
      t.shape.insert(t.shape.begin() + static_cast<std::ptrdiff_t>(*a), 1);
      return InitTensorOutcome{t, {}};
    }
    if (name == "transpose" && cs->size() == 2) {
      auto a = axis((*cs)[0], 0), b = axis((*cs)[1], 0);
      if (!a || !b) return fail(".transpose() axes out of range");
      std::swap(t.shape[*a], t.shape[*b]);
      return InitTensorOutcome{t, {}};
    }
    if (name == "permute") {
      std::vector<Constant> dims = cs->size() == 1 && (*cs)[0].is_sequence() ? (*cs)[0].items : *cs;
      if (dims.size() != t.shape.size()) return fail(".permute() needs one axis per dimension");
      std::vector<int64_t> out;
      for (const auto& d : dims) {
        auto a = axis(d, 0);
        if (!a) return fail(".permute() axis out of range");
        out.push_back(t.shape[*a]);
      }
      t.shape = out;
      return InitTensorOutcome{t, {}};
    }
    return fail("tensor method ." + name + "() in __init__ is not supported for stored tensors");
  }

  const ImportTable& imports_;
  const TensorLookup& lookup_;
  const ConstantEval& constant_;
};

}  // namespace

std::optional<InitTensorOutcome> eval_init_tensor(const ImportTable& imports, Node expr,
                                                  const TensorLookup& lookup,
                                                  const ConstantEval& constant) {
  return ShapeEval(imports, lookup, constant).eval(expr);
}

}  // namespace nnport::readers::pytorch
