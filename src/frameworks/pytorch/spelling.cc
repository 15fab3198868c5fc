// Pivot node -> PyTorch constructor or function call, read back from the reader's tables (see
// spelling.h). Each argument converter of the tables has a renderer here that undoes it; the
// few converters private to one row file are matched by argument name instead.
#include "frameworks/pytorch/spelling.h"

#include <algorithm>
#include <functional>

#include "frameworks/pytorch/table.h"
#include "pivot/ops/catalog.h"
#include "writers/keras/python_literal.h"

namespace nnport::frameworks::pytorch {
namespace {

using pivot::Node;
using pivot::OpKind;
using writers::keras::python_float;
using writers::keras::python_string;
using writers::keras::python_tuple;
using writers::keras::tidy_float;

struct RenderContext {
  const Node& node;
  const ArgRow& arg;
  const pivot::TensorType& input;
  size_t rank;  // spatial rank
  Spelling& spelling;
};

// nullopt: leave the argument out (its PyTorch default says the same); error: inexpressible.
using Renderer = std::function<std::optional<std::string>(RenderContext&, std::string& error)>;

std::string ints_text(const std::vector<int64_t>& values) {
  if (!values.empty() &&
      std::all_of(values.begin(), values.end(), [&](int64_t v) { return v == values[0]; }))
    return std::to_string(values[0]);
  return python_tuple(values);
}

std::string attr_text(const pivot::AttrValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "None"; }
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return python_float(tidy_float(d)); }
    std::string operator()(const std::string& s) const { return python_string(s); }
    std::string operator()(const std::vector<int64_t>& v) const { return ints_text(v); }
    std::string operator()(const std::vector<double>& v) const {
      std::string out = "(";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + python_float(v[i]);
      return out + (v.size() == 1 ? ",)" : ")");
    }
  };
  return std::visit(Visitor{}, value);
}

std::string constant_text(const Constant& c) {
  switch (c.kind) {
    case Constant::Kind::None: return "None";
    case Constant::Kind::Bool: return c.b ? "True" : "False";
    case Constant::Kind::Int: return std::to_string(c.i);
    case Constant::Kind::Float: return python_float(c.f);
    case Constant::Kind::String: return python_string(c.s);
    case Constant::Kind::Tuple:
    case Constant::Kind::List: {
      if (auto ints = c.as_ints()) return ints_text(*ints);
      return c.repr();
    }
  }
  return c.repr();
}

std::optional<std::string> generic(RenderContext& ctx, std::string&) {
  if (ctx.arg.attr.empty()) return std::nullopt;
  if (!pivot::schema(ctx.node.kind).find_attr(ctx.arg.attr)) return std::nullopt;
  const auto& value = pivot::get_attr(ctx.node, ctx.arg.attr);
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  if (const auto* ints = std::get_if<std::vector<int64_t>>(&value); ints && ints->empty())
    return std::nullopt;  // [] is the catalog's "all 1" / "none"
  return attr_text(value);
}

bool symmetric(const std::vector<int64_t>& pads) {
  for (size_t i = 0; i + 1 < pads.size(); i += 2)
    if (pads[i] != pads[i + 1]) return false;
  return true;
}

// Pivot pads (first spatial axis first) -> F.pad order (last axis first).
std::vector<int64_t> torch_pad_order(const std::vector<int64_t>& pads) {
  std::vector<int64_t> out;
  for (size_t i = pads.size(); i >= 2; i -= 2) {
    out.push_back(pads[i - 2]);
    out.push_back(pads[i - 1]);
  }
  return out;
}

// F.pad order without the all-zero pairs of the leading (batch, channel) axes, keeping at least
// `min_axes` pairs: `F.pad(x, (1, 1, 1, 1), mode="reflect")`, not 8 values for a 4-D input.
std::vector<int64_t> spatial_pad_order(const Node& node, size_t min_axes) {
  std::vector<int64_t> out = torch_pad_order(pivot::attr_ints(node, "pads"));
  while (out.size() > 2 * std::max<size_t>(min_axes, 1) && out[out.size() - 1] == 0 &&
         out[out.size() - 2] == 0)
    out.resize(out.size() - 2);
  return out;
}

// Symmetric pads become the op's `padding`; others an explicit F.pad before it.
std::optional<std::string> window_padding(RenderContext& ctx, std::string& error,
                                          const char* fill) {
  const auto& pads = pivot::attr_ints(ctx.node, "pads");
  if (pads.empty() || std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; }))
    return std::nullopt;
  if (symmetric(pads)) {
    std::vector<int64_t> per_axis;
    for (size_t i = 0; i < pads.size(); i += 2) per_axis.push_back(pads[i]);
    return ints_text(per_axis);
  }
  if (fill == nullptr) {
    error = "asymmetric padding " + python_tuple(pads) + " has no PyTorch spelling for this op";
    return std::nullopt;
  }
  ctx.spelling.pre_pad = torch_pad_order(pads);
  ctx.spelling.pre_pad_value = fill;
  return std::nullopt;
}

std::optional<std::string> render_conv_padding(RenderContext& ctx, std::string& error) {
  const bool zeros = pivot::attr_string(ctx.node, "padding_mode") == "zeros";
  return window_padding(ctx, error, zeros ? "0.0" : nullptr);
}

// ConvTranspose crops `padding` from both ends of its full output; uneven pivot pads (Keras
// 'same': the extra cell is cut at the end) crop the smaller amount there and the rest after.
std::optional<std::string> conv_transpose_padding(RenderContext& ctx) {
  const auto& pads = pivot::attr_ints(ctx.node, "pads");
  std::vector<int64_t> per_axis, crop;
  for (size_t i = 0; i + 1 < pads.size(); i += 2) {
    const int64_t common = std::min(pads[i], pads[i + 1]);
    per_axis.push_back(common);
    crop.insert(crop.end(), {pads[i] - common, pads[i + 1] - common});
  }
  if (std::any_of(crop.begin(), crop.end(), [](int64_t c) { return c != 0; }))
    ctx.spelling.post_crop = crop;
  if (std::all_of(per_axis.begin(), per_axis.end(), [](int64_t p) { return p == 0; }))
    return std::nullopt;
  return ints_text(per_axis);
}

std::optional<std::string> render_pool_padding(RenderContext& ctx, std::string& error) {
  switch (ctx.node.kind) {
    case OpKind::MaxPool: return window_padding(ctx, error, "float(\"-inf\")");
    case OpKind::AvgPool:
      return window_padding(ctx, error,
                            pivot::attr_bool(ctx.node, "count_include_pad") ? "0.0" : nullptr);
    case OpKind::ConvTranspose: return conv_transpose_padding(ctx);
    default: return window_padding(ctx, error, nullptr);
  }
}

// PyTorch's pooled length: windows start at -pad + i * stride; in ceil mode the last one may
// hang over the end but must start inside the input or its left padding.
int64_t torch_pool_length(int64_t n, int64_t k, int64_t s, int64_t pad, bool ceil) {
  const int64_t span = n + 2 * pad - k;
  if (span < 0) return 0;
  int64_t out = (ceil ? span + s - 1 : span) / s + 1;
  if (ceil && (out - 1) * s >= n + pad) --out;
  return out;
}

// Average pooling that leaves padded cells out of the mean with uneven pads (Keras 'same': one
// more cell after than before). PyTorch's count_include_pad=False takes symmetric padding only,
// and counts only the cells inside the input, also for a last window that ceil_mode lets hang
// over the end. So the same windows, and divisors, come from symmetric padding `before` with
// ceil_mode=True, or (stride 1) from padding `after` with the first window dropped. Returns the
// node with those pads and ceil_mode, and the windows to drop in `crop`; nullopt with `error`
// when no such spelling gives exactly the node's windows.
std::optional<Node> symmetric_avg_pool(const Node& node, const pivot::TensorType& input,
                                       std::vector<int64_t>& crop, std::string& error) {
  const auto& pads = pivot::attr_ints(node, "pads");
  const auto& kernel = pivot::attr_ints(node, "kernel_size");
  auto stride = pivot::attr_ints(node, "stride");
  if (stride.empty()) stride = kernel;
  const size_t rank = kernel.size();
  const size_t first = pivot::attr_string(node, "data_format") == "channels_last" ? 1 : 2;
  if (pivot::attr_bool(node, "ceil_mode") || pads.size() != 2 * rank || stride.size() != rank ||
      !input.rank_known || input.rank() != rank + 2) {
    error = "average pooling with uneven padding " + python_tuple(pads) +
            " excluded from the mean has no PyTorch spelling here";
    return std::nullopt;
  }
  for (const bool ceil : {false, true}) {
    std::vector<int64_t> symmetric, cut;
    for (size_t i = 0; i < rank; ++i) {
      const int64_t n = input.shape[first + i], k = kernel[i], s = stride[i];
      const int64_t before = pads[2 * i], after = pads[2 * i + 1];
      if (n < 0) {
        error = "average pooling with uneven padding needs the static size of spatial axis " +
                std::to_string(i);
        return std::nullopt;
      }
      const int64_t want = (n + before + after - k) / s + 1;
      for (const int64_t pad : {before, after}) {
        // Window i of PyTorch starts at -pad + i * s: dropping (pad - before) / s of them
        // leaves the pivot's starts -before + i * s.
        if (pad < before || (pad - before) % s != 0 || 2 * pad > k) continue;
        const int64_t dropped = (pad - before) / s;
        if (torch_pool_length(n, k, s, pad, ceil) - dropped != want) continue;
        symmetric.insert(symmetric.end(), {pad, pad});
        cut.insert(cut.end(), {dropped, 0});
        break;
      }
      if (symmetric.size() != 2 * (i + 1)) break;
    }
    if (symmetric.size() != 2 * rank) continue;
    Node out = node;
    out.attrs["pads"] = symmetric;
    out.attrs["ceil_mode"] = ceil;
    if (std::any_of(cut.begin(), cut.end(), [](int64_t c) { return c != 0; })) crop = cut;
    return out;
  }
  error = "average pooling with uneven padding " + python_tuple(pads) +
          " excluded from the mean has no exact PyTorch spelling";
  return std::nullopt;
}

std::optional<std::string> render_pool_stride(RenderContext& ctx, std::string&) {
  const auto& stride = pivot::attr_ints(ctx.node, "stride");
  if (stride.empty() || stride == pivot::attr_ints(ctx.node, "kernel_size")) return std::nullopt;
  return ints_text(stride);
}

std::optional<std::string> attr_named(const Node& node, const char* name) {
  const auto& value = pivot::get_attr(node, name);
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  return attr_text(value);
}

const std::vector<std::pair<ArgConverter, Renderer>>& renderers_by_converter() {
  static const std::vector<std::pair<ArgConverter, Renderer>> table = {
      {convert::to_int, generic},
      {convert::to_bool, generic},
      {convert::to_float, generic},
      {convert::to_string, generic},
      {convert::to_ints_per_axis, generic},
      {convert::pool_stride, render_pool_stride},
      {convert::conv_padding, render_conv_padding},
      {convert::pool_padding, render_pool_padding},
      {convert::adaptive_output_size,
       [](RenderContext&, std::string&) { return std::optional<std::string>("1"); }},
      {convert::softmax_dim,
       [](RenderContext& c, std::string&) { return attr_named(c.node, "axis"); }},
      {convert::dropout_rate,
       [](RenderContext& c, std::string&) { return attr_named(c.node, "rate"); }},
      {convert::padding_idx,
       [](RenderContext& c, std::string&) { return attr_named(c.node, "padding_idx"); }},
      {convert::bn_momentum,
       [](RenderContext& c, std::string&) { return attr_named(c.node, "momentum"); }},
      {convert::gelu_approximate,
       [](RenderContext& c, std::string&) { return attr_named(c.node, "approximate"); }},
      {convert::trailing_shape,
       [](RenderContext& c, std::string&) -> std::optional<std::string> {
         const auto& shape = pivot::attr_ints(c.node, "normalized_shape");
         return shape.size() == 1 ? std::to_string(shape[0]) : python_tuple(shape);
       }},
      {convert::width_or_embed_dim,
       [](RenderContext& c, std::string&) -> std::optional<std::string> {
         if (pivot::attr_int(c.node, c.arg.attr) == pivot::attr_int(c.node, "embed_dim"))
           return std::nullopt;
         return attr_named(c.node, c.arg.attr.c_str());
       }},
      {convert::padding_mode,
       [](RenderContext& c, std::string&) { return attr_named(c.node, "padding_mode"); }},
      {convert::rnn_nonlinearity,
       [](RenderContext& c, std::string&) { return attr_named(c.node, "nonlinearity"); }},
  };
  return table;
}

// Converters private to one row file, matched by the PyTorch argument name.
const std::vector<std::pair<std::string, Renderer>>& renderers_by_name() {
  static const std::vector<std::pair<std::string, Renderer>> table = {
      {"num_features",
       [](RenderContext& c, std::string&) { return attr_named(c.node, "num_channels"); }},
      {"scale_factor", [](RenderContext& c, std::string&) { return attr_named(c.node, "scale"); }},
      {"mode", [](RenderContext& c, std::string&) { return attr_named(c.node, "mode"); }},
      {"padding",  // ZeroPad2d / ReflectionPad2d: F.pad order, its spatial axes
       [](RenderContext& c, std::string&) -> std::optional<std::string> {
         return ints_text(spatial_pad_order(c.node, c.rank));
       }},
      {"pad",  // torch 1.13 pads in a non-constant mode only the spatial axes
       [](RenderContext& c, std::string&) -> std::optional<std::string> {
         const bool constant = pivot::attr_string(c.node, "mode") == "constant";
         return python_tuple(spatial_pad_order(c.node, constant ? 1 : c.rank));
       }},
      {"value",
       [](RenderContext& c, std::string&) -> std::optional<std::string> {
         if (pivot::attr_float(c.node, "value") == 0.0) return std::nullopt;
         return attr_named(c.node, "value");
       }},
      {"beta", [](RenderContext& c, std::string&) { return attr_named(c.node, "beta"); }},
      {"output_padding", generic},
      {"align_corners", [](RenderContext&, std::string&) { return std::optional<std::string>(); }},
      {"size", [](RenderContext&, std::string&) { return std::optional<std::string>(); }},
      {"track_running_stats", generic},
  };
  return table;
}

const Renderer* find_renderer(const ArgRow& arg) {
  // The pivot's recurrent and attention ops are batch-first, whatever the source wrote.
  static const Renderer batch_first = [](RenderContext&, std::string&) {
    return std::optional<std::string>("True");
  };
  if (arg.name == "batch_first") return &batch_first;
  for (const auto& [c, r] : renderers_by_converter())
    if (c == arg.convert) return &r;
  for (const auto& [name, r] : renderers_by_name())
    if (name == arg.name) return &r;
  return nullptr;
}

size_t spatial_rank(const Node& node, const pivot::TensorType& input) {
  if (pivot::schema(node.kind).find_attr("kernel_size"))
    return pivot::attr_ints(node, "kernel_size").size();
  return input.rank_known && input.rank() >= 2 ? input.rank() - 2 : 0;
}

// "BatchNorm2d" -> 2; 0 when the name has no dimension suffix.
size_t symbol_dims(const std::string& symbol) {
  if (symbol.size() < 2 || symbol.back() != 'd') return 0;
  const char digit = symbol[symbol.size() - 2];
  return digit >= '1' && digit <= '3' ? static_cast<size_t>(digit - '0') : 0;
}

bool row_fits(const OpRow& row, const Node& node, const pivot::TensorType& input, size_t rank) {
  if (row.kind != node.kind || row.symbol.starts_with("Tensor.") || row.read_only) return false;
  if (row.rank > 0 && row.rank != rank) return false;
  for (const auto& [name, value] : row.fixed) {
    if (!pivot::schema(node.kind).find_attr(name)) continue;
    if (pivot::get_attr(node, name) != value) return false;
  }
  if (row.rank == 0 && input.rank_known) {
    const size_t dims = symbol_dims(row.symbol);
    // BatchNorm1d takes (N, C) and (N, C, L).
    if (dims > 0 && dims != rank && !(dims == 1 && input.rank() == 2)) return false;
  }
  // A row that only handles part of an op's attribute space (adaptive pooling) must cover it.
  if (row.kind == OpKind::ReduceMean || row.kind == OpKind::ReduceMax) return !row.fixed.empty();
  return true;
}

int preference(const OpRow& row, bool functional) {
  if (!functional) return 0;
  if (row.symbol.starts_with("torch.nn.functional.")) return 0;
  return 1;
}

}  // namespace

std::string short_symbol(const std::string& qualified) {
  for (const auto& [prefix, alias] :
       {std::pair<std::string, std::string>{"torch.nn.functional.", "F."}, {"torch.nn.", "nn."}})
    if (qualified.starts_with(prefix)) return alias + qualified.substr(prefix.size());
  return qualified;
}

std::string crop_subscript(const std::vector<int64_t>& post_crop) {
  if (post_crop.empty()) return "";
  std::string out = "[...";
  for (size_t i = 0; i + 1 < post_crop.size(); i += 2) {
    const int64_t begin = post_crop[i], end = post_crop[i + 1];
    out += ", " + (begin ? std::to_string(begin) : std::string()) + ":" +
           (end ? std::to_string(-end) : std::string());
  }
  return out + "]";
}

std::optional<Spelling> spell(const Node& original, const pivot::TensorType& input, bool functional,
                              std::string& error) {
  std::vector<int64_t> crop;
  std::optional<Node> rewritten;
  if (original.kind == OpKind::AvgPool && !pivot::attr_bool(original, "count_include_pad") &&
      !symmetric(pivot::attr_ints(original, "pads"))) {
    rewritten = symmetric_avg_pool(original, input, crop, error);
    if (!rewritten) return std::nullopt;
  }
  const Node& node = rewritten ? *rewritten : original;
  const size_t rank = spatial_rank(node, input);
  const OpRow* best = nullptr;
  for (const auto& row : functional ? function_rows() : layer_rows())
    if (row_fits(row, node, input, rank) &&
        (!best || preference(row, functional) < preference(*best, functional)))
      best = &row;
  if (!best) {
    error = std::string("no PyTorch ") + (functional ? "function" : "layer") + " spells " +
            std::string(pivot::op_name(node.kind)) + " with these attributes";
    return std::nullopt;
  }
  Spelling out;
  out.callee = short_symbol(best->symbol);
  out.post_crop = crop;
  bool keywords = false;
  for (const auto& arg : best->args) {
    if (arg.convert == convert::ignore || arg.convert == convert::only_default) continue;
    const Renderer* renderer = find_renderer(arg);
    RenderContext ctx{node, arg, input, rank, out};
    std::optional<std::string> text = renderer ? (*renderer)(ctx, error) : generic(ctx, error);
    if (!error.empty()) return std::nullopt;
    if (!text) {
      if (!arg.default_value) {
        error = "required argument '" + arg.name + "' of " + best->symbol + " has no value";
        return std::nullopt;
      }
      keywords = true;
      continue;
    }
    if (arg.default_value && *text == constant_text(*arg.default_value)) {
      keywords = true;
      continue;
    }
    const bool positional = !arg.default_value && !keywords;
    out.args.push_back(PyArg{positional ? std::string() : arg.name, *text});
    if (!positional) keywords = true;
  }
  return out;
}

}  // namespace nnport::frameworks::pytorch
