// forward() expressions of non-layer pivot ops (see expressions.h): one entry per op kind in a
// table; kinds without an entry are spelled from the PyTorch function tables.
#include "writers/pytorch/expressions.h"

#include <algorithm>
#include <map>

#include "frameworks/pytorch/spelling.h"
#include "pivot/ops/catalog.h"
#include "writers/keras/python_literal.h"

namespace nnport::writers::pytorch {
namespace {

using pivot::OpKind;
using writers::keras::python_float;
using writers::keras::python_tuple;
using writers::keras::tidy_float;

using Expression = std::optional<std::string> (*)(ExpressionContext&);

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

std::string ints_args(const std::vector<int64_t>& values) {
  std::vector<std::string> items;
  for (int64_t v : values) items.push_back(std::to_string(v));
  return join(items);
}

size_t input_rank(const ExpressionContext& ctx, size_t i = 0) {
  const auto& t = ctx.graph.values[ctx.node.inputs[i]].type;
  return t.rank_known ? t.rank() : 0;
}

const std::string& x(const ExpressionContext& ctx) { return ctx.args.at(0); }

std::optional<std::string> identity(ExpressionContext& ctx) { return x(ctx); }

std::optional<std::string> flatten(ExpressionContext& ctx) {
  const int64_t start = pivot::attr_int(ctx.node, "start_dim");
  const int64_t end = pivot::attr_int(ctx.node, "end_dim");
  const bool to_last = end == -1 || end == static_cast<int64_t>(input_rank(ctx)) - 1;
  if (to_last) return "torch.flatten(" + x(ctx) + ", " + std::to_string(start) + ")";
  return "torch.flatten(" + x(ctx) + ", " + std::to_string(start) + ", " + std::to_string(end) +
         ")";
}

// The batch is spelled -1 when nothing else is inferred, else read from the input when the
// input is batch-major, else from the model's input.
std::optional<std::string> reshape(ExpressionContext& ctx) {
  const auto& shape = pivot::attr_ints(ctx.node, "shape");
  const auto count = [&](int64_t d) { return std::count(shape.begin(), shape.end(), d); };
  const auto& in = ctx.graph.values[ctx.node.inputs[0]].type;
  const bool batch_major = in.rank_known && in.rank() > 0 && in.shape[0] == pivot::kBatch;
  std::vector<std::string> dims;
  for (int64_t d : shape) {
    if (d != pivot::kBatch)
      dims.push_back(std::to_string(d));
    else if (count(pivot::kBatch) == 1 && count(pivot::kUnknown) == 0)
      dims.push_back("-1");
    else
      dims.push_back(batch_major ? x(ctx) + ".size(0)" : ctx.batch_size());
  }
  return x(ctx) + ".reshape(" + join(dims) + ")";
}

std::optional<std::string> transpose(ExpressionContext& ctx) {
  return x(ctx) + ".permute(" + ints_args(pivot::attr_ints(ctx.node, "perm")) + ")";
}

std::optional<std::string> squeeze(ExpressionContext& ctx) {
  // One axis per call (torch 1.x); from the last so earlier indices stay valid.
  std::vector<int64_t> axes;
  for (int64_t a : pivot::attr_ints(ctx.node, "axes"))
    axes.push_back(static_cast<int64_t>(pivot::normalize_axis(a, input_rank(ctx)).value_or(0)));
  std::sort(axes.rbegin(), axes.rend());
  std::string out = x(ctx);
  for (int64_t a : axes) out += ".squeeze(" + std::to_string(a) + ")";
  return out;
}

std::optional<std::string> unsqueeze(ExpressionContext& ctx) {
  std::vector<int64_t> axes = pivot::attr_ints(ctx.node, "axes");
  const size_t out_rank = input_rank(ctx) + axes.size();
  for (auto& a : axes) a = static_cast<int64_t>(pivot::normalize_axis(a, out_rank).value_or(0));
  std::sort(axes.begin(), axes.end());
  std::string out = x(ctx);
  for (int64_t a : axes) out += ".unsqueeze(" + std::to_string(a) + ")";
  return out;
}

std::optional<std::string> concat(ExpressionContext& ctx) {
  return "torch.cat([" + join(ctx.args) +
         "], dim=" + std::to_string(pivot::attr_int(ctx.node, "axis")) + ")";
}

std::optional<std::string> stack(ExpressionContext& ctx) {
  return "torch.stack([" + join(ctx.args) +
         "], dim=" + std::to_string(pivot::attr_int(ctx.node, "axis")) + ")";
}

std::optional<std::string> binary(ExpressionContext& ctx, const char* op) {
  std::string a = x(ctx);
  std::string b;
  if (ctx.args.size() > 1) {
    b = ctx.args[1];
  } else {
    const auto& scalar = pivot::get_attr(ctx.node, "scalar");
    const double* v = std::get_if<double>(&scalar);
    if (!v) {
      ctx.error = std::string(pivot::op_name(ctx.node.kind)) + " without a second operand";
      return std::nullopt;
    }
    b = python_float(tidy_float(*v));
    const bool has_order = pivot::schema(ctx.node.kind).find_attr("scalar_first") != nullptr;
    if (has_order && pivot::attr_bool(ctx.node, "scalar_first")) std::swap(a, b);
  }
  return a + " " + op + " " + b;
}

std::optional<std::string> add(ExpressionContext& ctx) { return binary(ctx, "+"); }
std::optional<std::string> matmul(ExpressionContext& ctx) { return binary(ctx, "@"); }
std::optional<std::string> equal(ExpressionContext& ctx) {
  auto out = binary(ctx, "==");
  // `ids == 0` reads better than `ids == 0.0` for integer ids (same result).
  if (out && out->ends_with(".0") &&
      !pivot::is_floating(ctx.graph.values[ctx.node.inputs[0]].type.dtype))
    out->resize(out->size() - 2);
  return out;
}
std::optional<std::string> sub(ExpressionContext& ctx) { return binary(ctx, "-"); }
std::optional<std::string> mul(ExpressionContext& ctx) { return binary(ctx, "*"); }
std::optional<std::string> div(ExpressionContext& ctx) { return binary(ctx, "/"); }

std::optional<std::string> reduce(ExpressionContext& ctx, const char* method) {
  const auto& axes = pivot::attr_ints(ctx.node, "axes");
  std::string dims = axes.size() == 1 ? std::to_string(axes[0]) : python_tuple(axes);
  std::string out = x(ctx) + "." + method + "(dim=" + dims;
  if (pivot::attr_bool(ctx.node, "keepdims")) out += ", keepdim=True";
  return out + ")";
}

std::optional<std::string> reduce_mean(ExpressionContext& ctx) { return reduce(ctx, "mean"); }
std::optional<std::string> reduce_sum(ExpressionContext& ctx) { return reduce(ctx, "sum"); }
std::optional<std::string> reduce_max(ExpressionContext& ctx) { return reduce(ctx, "amax"); }

std::optional<std::string> select(ExpressionContext& ctx) {
  return x(ctx) + ".select(" + std::to_string(pivot::attr_int(ctx.node, "axis")) + ", " +
         std::to_string(pivot::attr_int(ctx.node, "index")) + ")";
}

// x[:, 2:5, -1]: one entry per axis up to the last indexed one.
std::optional<std::string> slice(ExpressionContext& ctx) {
  const size_t rank = input_rank(ctx);
  std::vector<std::string> index(rank, ":");
  const auto& axes = pivot::attr_ints(ctx.node, "axes");
  const auto& starts = pivot::attr_ints(ctx.node, "starts");
  const auto& stops = pivot::attr_ints(ctx.node, "stops");
  const auto& steps = pivot::attr_ints(ctx.node, "steps");
  size_t last = 0;
  for (size_t i = 0; i < axes.size(); ++i) {
    auto a = pivot::normalize_axis(axes[i], rank);
    if (!a) {
      ctx.error = "slice axis out of range";
      return std::nullopt;
    }
    std::string text = starts[i] == 0 ? "" : std::to_string(starts[i]);
    text += ":";
    const int64_t size = ctx.graph.values[ctx.node.inputs[0]].type.shape[*a];
    const bool to_end = stops[i] == pivot::kSliceEnd || (size >= 0 && stops[i] >= size);
    if (!to_end) text += std::to_string(stops[i]);
    if (steps[i] != 1) text += ":" + std::to_string(steps[i]);
    index[*a] = text;
    last = std::max(last, *a + 1);
  }
  for (int64_t s : pivot::attr_ints(ctx.node, "squeeze_axes")) {
    auto a = pivot::normalize_axis(s, rank);
    if (!a) {
      ctx.error = "slice axis out of range";
      return std::nullopt;
    }
    for (size_t i = 0; i < axes.size(); ++i)
      if (pivot::normalize_axis(axes[i], rank) == a) index[*a] = std::to_string(starts[i]);
    last = std::max(last, *a + 1);
  }
  index.resize(std::max<size_t>(last, 1));
  return x(ctx) + "[" + join(index) + "]";
}

std::optional<std::string> tile(ExpressionContext& ctx) {
  return x(ctx) + ".repeat(" + ints_args(pivot::attr_ints(ctx.node, "repeats")) + ")";
}

// With a constant operand: clamp gives max(x, c) / min(x, c) exactly (torch.maximum needs a
// tensor on both sides).
std::optional<std::string> extremum(ExpressionContext& ctx, const char* function,
                                    const char* bound) {
  if (ctx.args.size() > 1) return std::string(function) + "(" + join(ctx.args) + ")";
  const double* c = std::get_if<double>(&pivot::get_attr(ctx.node, "scalar"));
  if (!c) {
    ctx.error = std::string(pivot::op_name(ctx.node.kind)) + " without a second operand";
    return std::nullopt;
  }
  return x(ctx) + ".clamp(" + bound + "=" + python_float(tidy_float(*c)) + ")";
}
std::optional<std::string> maximum(ExpressionContext& ctx) {
  return extremum(ctx, "torch.maximum", "min");
}
std::optional<std::string> minimum(ExpressionContext& ctx) {
  return extremum(ctx, "torch.minimum", "max");
}

std::optional<std::string> flip(ExpressionContext& ctx) {
  return "torch.flip(" + x(ctx) + ", dims=" + python_tuple(pivot::attr_ints(ctx.node, "axes")) +
         ")";
}

std::optional<std::string> l2_normalize(ExpressionContext& ctx) {
  std::string out =
      "F.normalize(" + x(ctx) + ", dim=" + std::to_string(pivot::attr_int(ctx.node, "axis"));
  const double eps = pivot::attr_float(ctx.node, "epsilon");
  if (eps != 1e-12) out += ", eps=" + python_float(tidy_float(eps));
  return out + ")";
}

std::optional<std::string> param_ref(ExpressionContext& ctx) {
  auto it = ctx.node.params.find("value");
  if (it == ctx.node.params.end()) {
    ctx.error = "stored tensor missing";
    return std::nullopt;
  }
  return ctx.param_ref(it->second);
}

// x + self.pe[:, : x.size(1)]
std::optional<std::string> add_param(ExpressionContext& ctx) {
  auto value = param_ref(ctx);
  if (!value) return std::nullopt;
  const int64_t axis = pivot::attr_int(ctx.node, "slice_axis");
  const auto& perm = pivot::attr_ints(ctx.node, "perm");
  std::string term = *value;
  if (axis >= 0) {
    // The input axis the sliced axis lands on once the tensor is permuted.
    const auto lands = static_cast<size_t>(
        perm.empty() ? axis : std::find(perm.begin(), perm.end(), axis) - perm.begin());
    const size_t offset = input_rank(ctx) - pivot::attr_ints(ctx.node, "shape").size();
    std::vector<std::string> index(static_cast<size_t>(axis), ":");
    index.push_back(":" + x(ctx) + ".size(" + std::to_string(lands + offset) + ")");
    term += "[" + join(index) + "]";
  }
  if (!perm.empty()) {
    // Kept in the layout it is stored in (a sequence-first buffer), permuted where it is used;
    // a swap of two axes reads as .transpose(a, b).
    std::vector<size_t> moved;
    for (size_t i = 0; i < perm.size(); ++i)
      if (perm[i] != static_cast<int64_t>(i)) moved.push_back(i);
    if (moved.size() == 2)
      term += ".transpose(" + std::to_string(moved[0]) + ", " + std::to_string(moved[1]) + ")";
    else
      term += ".permute(" + ints_args(perm) + ")";
  }
  return x(ctx) + " + " + term;
}

// dims=n when the axes are a's last n against b's first n (the common spelling), else the lists.
std::optional<std::string> tensordot(ExpressionContext& ctx) {
  const auto& axes_a = pivot::attr_ints(ctx.node, "axes_a");
  const auto& axes_b = pivot::attr_ints(ctx.node, "axes_b");
  const auto n = static_cast<int64_t>(axes_a.size());
  bool trailing_leading = true;
  for (int64_t i = 0; i < n; ++i) {
    const size_t k = static_cast<size_t>(i);
    trailing_leading = trailing_leading &&
                       axes_a[k] == static_cast<int64_t>(input_rank(ctx, 0)) - n + i &&
                       axes_b[k] == i;
  }
  const std::string dims = trailing_leading
                               ? std::to_string(n)
                               : "([" + ints_args(axes_a) + "], [" + ints_args(axes_b) + "])";
  return "torch.tensordot(" + x(ctx) + ", " + ctx.args.at(1) + ", dims=" + dims + ")";
}

// x @ self.w: a custom layer's own weight matrix, kept as an nn.Parameter.
std::optional<std::string> matmul_param(ExpressionContext& ctx) {
  auto value = param_ref(ctx);
  if (!value) return std::nullopt;
  return x(ctx) + " @ " + *value;
}

std::optional<std::string> prepend_param(ExpressionContext& ctx) {
  auto value = param_ref(ctx);
  if (!value) return std::nullopt;
  return "torch.cat([" + *value + ".expand(" + x(ctx) + ".size(0), -1, -1), " + x(ctx) +
         "], dim=1)";
}

// Keras Normalization: (x - mean) / max(sqrt(variance), epsilon) with constant statistics
// along `axis`, kept as buffers shaped to broadcast there.
std::optional<std::string> standardize(ExpressionContext& ctx) {
  const size_t rank = input_rank(ctx);
  auto axis = pivot::normalize_axis(pivot::attr_int(ctx.node, "axis"), rank);
  if (!axis || !ctx.constant_buffer) {
    ctx.error = "feature axis out of range";
    return std::nullopt;
  }
  // One 1 per axis after the feature axis, so the statistics broadcast along it.
  std::string reshape;
  if (*axis + 1 < rank) {
    reshape = ".reshape(-1";
    for (size_t i = *axis + 1; i < rank; ++i) reshape += ", 1";
    reshape += ")";
  }
  const auto values = [&](const char* attr) {
    std::vector<std::string> items;
    if (const auto* v = std::get_if<std::vector<double>>(&pivot::get_attr(ctx.node, attr)))
      for (double d : *v) items.push_back(python_float(d));
    return "torch.tensor([" + join(items) + "])" + reshape;
  };
  const std::string mean = ctx.constant_buffer(ctx.node.name + "_mean", values("mean"));
  // The divisor, computed once in float32 as Keras does on every call.
  const std::string epsilon = python_float(tidy_float(pivot::attr_float(ctx.node, "epsilon")));
  const std::string std_dev = ctx.constant_buffer(
      ctx.node.name + "_std", values("variance") + ".sqrt().clamp(min=" + epsilon + ")");
  if (pivot::attr_bool(ctx.node, "invert")) return mean + " + " + x(ctx) + " * " + std_dev;
  return "(" + x(ctx) + " - " + mean + ") / " + std_dev;
}

// PyTorch's own shuffles order a block's channels as mode 'CRD' (F.pixel_shuffle); TensorFlow's
// 'DCR' order is spelled out on the channels-first tensor, sizes left to PyTorch so any image
// size runs: depth_to_space splits the channels into (i, j, c) and interleaves i with the rows
// and j with the columns (ONNX DepthToSpace's reshape / transpose [0, 3, 4, 1, 5, 2]).
std::optional<std::string> block_shuffle(ExpressionContext& ctx) {
  if (pivot::attr_string(ctx.node, "data_format") != "channels_first") {
    ctx.error = "a channels_last shuffle; the PyTorch writer expects a layout-planned graph";
    return std::nullopt;
  }
  if (pivot::attr_string(ctx.node, "mode") == "CRD") return spelled_function(ctx);
  const std::string r = std::to_string(pivot::attr_int(ctx.node, "blocksize"));
  if (ctx.node.kind == OpKind::DepthToSpace)
    return x(ctx) + ".unflatten(1, (" + r + ", " + r +
           ", -1)).permute(0, 3, 4, 1, 5, 2).flatten(4, 5).flatten(2, 3)";
  return x(ctx) + ".unflatten(3, (-1, " + r + ")).unflatten(2, (-1, " + r +
         ")).permute(0, 3, 5, 1, 2, 4).flatten(1, 3)";
}

const std::map<OpKind, Expression>& table() {
  static const std::map<OpKind, Expression> t = {
      {OpKind::Identity, identity},
      {OpKind::Flatten, flatten},
      {OpKind::Reshape, reshape},
      {OpKind::Transpose, transpose},
      {OpKind::Squeeze, squeeze},
      {OpKind::Unsqueeze, unsqueeze},
      {OpKind::Concat, concat},
      {OpKind::Stack, stack},
      {OpKind::Add, add},
      {OpKind::Sub, sub},
      {OpKind::Mul, mul},
      {OpKind::Div, div},
      {OpKind::ReduceMean, reduce_mean},
      {OpKind::ReduceSum, reduce_sum},
      {OpKind::ReduceMax, reduce_max},
      {OpKind::Select, select},
      {OpKind::Slice, slice},
      {OpKind::Tile, tile},
      {OpKind::Maximum, maximum},
      {OpKind::Minimum, minimum},
      {OpKind::Flip, flip},
      {OpKind::L2Normalize, l2_normalize},
      {OpKind::AddParam, add_param},
      {OpKind::PrependParam, prepend_param},
      {OpKind::MatMulParam, matmul_param},
      {OpKind::MatMul, matmul},
      {OpKind::Tensordot, tensordot},
      {OpKind::Equal, equal},
      {OpKind::Standardize, standardize},
      {OpKind::DepthToSpace, block_shuffle},
      {OpKind::SpaceToDepth, block_shuffle},
  };
  return t;
}

}  // namespace

std::optional<std::string> functional_expression(ExpressionContext& ctx) {
  if (auto it = table().find(ctx.node.kind); it != table().end()) return it->second(ctx);
  return spelled_function(ctx);
}

std::optional<std::string> spelled_function(ExpressionContext& ctx) {
  if (!ctx.node.params.empty()) {
    ctx.error = std::string(pivot::op_name(ctx.node.kind)) + " with parameters but no layer";
    return std::nullopt;
  }
  const auto& input = ctx.graph.values[ctx.node.inputs.at(0)].type;
  auto spelling = frameworks::pytorch::spell(ctx.node, input, true, ctx.error);
  if (!spelling) return std::nullopt;
  std::string arg0 = x(ctx);
  if (!spelling->pre_pad.empty())
    arg0 = "F.pad(" + arg0 + ", " + python_tuple(spelling->pre_pad) +
           ", value=" + spelling->pre_pad_value + ")";
  std::vector<std::string> args = {arg0};
  for (const auto& a : spelling->args)
    args.push_back(a.name.empty() ? a.value : a.name + "=" + a.value);
  return spelling->callee + "(" + join(args) + ")" +
         frameworks::pytorch::crop_subscript(spelling->post_crop);
}

namespace {

// Splits "head(a, [b, c], d)" into head and top-level arguments; false when `text` is not one
// call (or list display) ending the expression.
bool split_call(const std::string& text, std::string& head, std::vector<std::string>& args,
                char open = '(') {
  const char close = open == '(' ? ')' : ']';
  if (text.empty() || text.back() != close) return false;
  int depth = 0;
  bool quoted = false;
  size_t start = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '(' || c == '[' || c == '{') {
      if (depth == 0 && c == open) {
        if (start != std::string::npos) return false;  // "f(a)(b)": not one call
        start = i;
      }
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
      if (depth == 0 && i + 1 != text.size() && start != std::string::npos) return false;
    }
  }
  if (start == std::string::npos) return false;
  head = text.substr(0, start);
  args.clear();
  std::string current;
  depth = 0;
  for (size_t i = start + 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '(' || c == '[' || c == '{')) ++depth;
    if (!quoted && (c == ')' || c == ']' || c == '}')) --depth;
    if (!quoted && depth == 0 && c == ',') {
      args.push_back(current);
      current.clear();
      while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
      continue;
    }
    current.push_back(c);
  }
  if (!current.empty()) args.push_back(current);
  return true;
}

// "a.f(1).g(2)" -> {"a.f(1)", "g(2)"}: split at the dots that follow a call's closing
// parenthesis outside brackets and strings; one item when there is no such chain.
std::vector<std::string> split_chain(const std::string& text) {
  std::vector<std::string> links;
  int depth = 0;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c == '.' && depth == 0 && i > 0 && text[i - 1] == ')') {
      links.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  links.push_back(text.substr(start));
  return links;
}

}  // namespace

std::string wrap_statement(const std::string& target, const std::string& expression, size_t indent,
                           size_t width) {
  const std::string prefix = target.empty() ? std::string() : target + " = ";
  const std::string pad(indent, ' ');
  std::string head;
  std::vector<std::string> args;
  if (pad.size() + prefix.size() + expression.size() <= width) return pad + prefix + expression;
  if (!split_call(expression, head, args)) {
    // A chain of method calls (x.unflatten(...).permute(...)) goes one call per line in
    // parentheses, as black writes it.
    auto links = split_chain(expression);
    if (links.size() < 2) return pad + prefix + expression;
    std::string out = pad + prefix + "(\n";
    for (size_t i = 0; i < links.size(); ++i)
      out += pad + "    " + (i ? "." : "") + links[i] + "\n";
    return out + pad + ")";
  }
  std::string text = wrap_call(prefix, head, args, indent, width);
  bool fits = true;
  for (size_t start = 0, end = 0; start < text.size(); start = end + 1) {
    end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    fits = fits && end - start <= width;
  }
  if (fits || args.empty()) return text;
  // One argument per line: explode list arguments that still do not fit.
  std::string out = pad + prefix + head + "(\n";
  for (const auto& a : args) {
    std::string list_head;
    std::vector<std::string> items;
    if (pad.size() + 4 + a.size() + 1 > width && split_call(a, list_head, items, '[') &&
        list_head.empty()) {
      out += pad + "    [\n";
      for (const auto& item : items) out += pad + "        " + item + ",\n";
      out += pad + "    ],\n";
    } else {
      out += pad + "    " + a + ",\n";
    }
  }
  return out + pad + ")";
}

std::string wrap_call(const std::string& prefix, const std::string& callee,
                      const std::vector<std::string>& args, size_t indent, size_t width) {
  const std::string pad(indent, ' ');
  std::string one_line = pad + prefix + callee + "(" + join(args) + ")";
  if (one_line.size() <= width) return one_line;
  std::string hanging =
      pad + prefix + callee + "(\n" + pad + "    " + join(args) + "\n" + pad + ")";
  if (pad.size() + 4 + join(args).size() <= width) return hanging;
  std::string out = pad + prefix + callee + "(\n";
  for (const auto& a : args) out += pad + "    " + a + ",\n";
  return out + pad + ")";
}

}  // namespace nnport::writers::pytorch
