// Argument converters of the PyTorch tables: PyTorch argument values -> pivot attributes.
#include "frameworks/pytorch/table.h"

namespace nnport::frameworks::pytorch::convert {

namespace {

std::string expected(const ArgContext& ctx, const char* what) {
  return "argument '" + std::string(ctx.name) + "' = " + ctx.value.repr().substr(0, 60) +
         ": expected " + what;
}

std::optional<std::vector<int64_t>> per_axis(const Constant& value, size_t rank) {
  return value.as_ints(rank == 0 ? 1 : rank);
}

std::optional<std::vector<int64_t>> arg_per_axis(const ArgContext& ctx, const char* name) {
  auto it = ctx.args.find(name);
  if (it == ctx.args.end()) return std::nullopt;
  return per_axis(it->second, ctx.rank);
}

}  // namespace

std::string ignore(const ArgContext&, pivot::Attrs&) { return {}; }

std::string only_default(const ArgContext& ctx, pivot::Attrs&) {
  if (ctx.default_value && ctx.value == *ctx.default_value &&
      ctx.value.kind == ctx.default_value->kind)
    return {};
  return "argument '" + std::string(ctx.name) + "' = " + ctx.value.repr().substr(0, 60) +
         " is not supported (only " + (ctx.default_value ? ctx.default_value->repr() : "?") + ")";
}

std::string to_int(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (!ctx.value.is_int()) return expected(ctx, "an int");
  attrs[std::string(ctx.attr)] = ctx.value.i;
  return {};
}

std::string to_bool(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (!ctx.value.is_bool() && !ctx.value.is_int()) return expected(ctx, "a bool");
  attrs[std::string(ctx.attr)] = ctx.value.truthy();
  return {};
}

std::string to_float(const ArgContext& ctx, pivot::Attrs& attrs) {
  auto v = ctx.value.as_double();
  if (!v || ctx.value.is_bool()) return expected(ctx, "a number");
  attrs[std::string(ctx.attr)] = *v;
  return {};
}

std::string to_string(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (!ctx.value.is_string()) return expected(ctx, "a string");
  attrs[std::string(ctx.attr)] = ctx.value.s;
  return {};
}

std::string to_ints_per_axis(const ArgContext& ctx, pivot::Attrs& attrs) {
  auto v = per_axis(ctx.value, ctx.rank);
  if (!v) return expected(ctx, "an int or a tuple with one int per spatial axis");
  for (int64_t x : *v)
    if (x <= 0) return expected(ctx, "positive sizes");
  attrs[std::string(ctx.attr)] = *v;
  return {};
}

std::string pool_stride(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (ctx.value.is_none()) return {};  // pivot default: the kernel size
  if (ctx.value.is_sequence() && ctx.value.items.empty()) return {};  // F.max_pool2d(stride=[])
  return to_ints_per_axis(ctx, attrs);
}

std::string conv_padding(const ArgContext& ctx, pivot::Attrs& attrs) {
  std::vector<int64_t> pads;
  if (ctx.value.is_string()) {
    if (ctx.value.s == "valid") {
      attrs["pads"] = std::vector<int64_t>(2 * ctx.rank, 0);
      return {};
    }
    if (ctx.value.s != "same") return expected(ctx, "'same', 'valid', an int or a tuple");
    auto kernel = arg_per_axis(ctx, "kernel_size");
    auto dilation = arg_per_axis(ctx, "dilation");
    auto stride = arg_per_axis(ctx, "stride");
    if (!kernel || !dilation) return "padding='same' needs constant kernel_size and dilation";
    if (stride)
      for (int64_t s : *stride)
        if (s != 1) return "padding='same' is only valid with stride 1 in PyTorch";
    for (size_t i = 0; i < kernel->size(); ++i) {
      int64_t total = 0;
      if (__builtin_mul_overflow((*dilation)[i], (*kernel)[i] - 1, &total) || total < 0)
        return "padding='same' with an out-of-range kernel";
      pads.push_back(total / 2);
      pads.push_back(total - total / 2);
    }
    attrs["pads"] = pads;
    return {};
  }
  auto v = per_axis(ctx.value, ctx.rank);
  if (!v) return expected(ctx, "'same', 'valid', an int or a tuple with one int per axis");
  for (int64_t p : *v) {
    if (p < 0) return expected(ctx, "non-negative padding");
    pads.push_back(p);
    pads.push_back(p);
  }
  attrs["pads"] = pads;
  return {};
}

std::string pool_padding(const ArgContext& ctx, pivot::Attrs& attrs) {
  auto v = per_axis(ctx.value, ctx.rank);
  if (!v) return expected(ctx, "an int or a tuple with one int per axis");
  std::vector<int64_t> pads;
  for (int64_t p : *v) {
    if (p < 0) return expected(ctx, "non-negative padding");
    pads.push_back(p);
    pads.push_back(p);
  }
  attrs["pads"] = pads;
  return {};
}

std::string adaptive_output_size(const ArgContext& ctx, pivot::Attrs& attrs) {
  // One size per spatial axis; None keeps the input size (-1 here). Sizes of 1 and None only
  // are a reduction over the axes of size 1 (the row's reduce op with its keepdims); any other
  // size keeps "output_size" for the reader to expand into exact pooling (adaptive_pool.cc).
  const size_t rank = ctx.rank == 0 ? 1 : ctx.rank;
  std::vector<int64_t> sizes;
  auto take = [&](const Constant& c) {
    if (c.is_none())
      sizes.push_back(-1);
    else if (c.is_int() && !c.is_bool() && c.i > 0)
      sizes.push_back(c.i);
    else
      return false;
    return true;
  };
  bool ok = true;
  if (ctx.value.is_sequence()) {
    for (const auto& item : ctx.value.items) ok = ok && take(item);
    ok = ok && sizes.size() == rank;
  } else {
    ok = take(ctx.value) && !ctx.value.is_none();
    sizes.assign(rank, sizes.empty() ? 0 : sizes[0]);
  }
  if (!ok)
    return expected(ctx,
                    "a positive int, None, or a tuple of those with one entry per spatial axis");
  std::vector<int64_t> axes;
  bool reduction = true;
  for (size_t i = 0; i < rank; ++i) {
    if (sizes[i] == 1) axes.push_back(static_cast<int64_t>(i + 2));
    reduction = reduction && (sizes[i] == 1 || sizes[i] == -1);
  }
  if (reduction && !axes.empty())
    attrs["axes"] = axes;
  else
    attrs["output_size"] = sizes;
  return {};
}

std::string softmax_dim(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (ctx.value.is_none()) return {};  // the reader applies PyTorch's implicit-dim rule
  if (!ctx.value.is_int()) return expected(ctx, "an int or None");
  attrs["axis"] = ctx.value.i;
  return {};
}

std::string dropout_rate(const ArgContext& ctx, pivot::Attrs& attrs) {
  auto v = ctx.value.as_double();
  if (!v || ctx.value.is_bool() || *v < 0.0 || *v > 1.0) return expected(ctx, "a probability");
  attrs["rate"] = *v;
  return {};
}

std::string padding_idx(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (ctx.value.is_none()) return {};
  if (!ctx.value.is_int()) return expected(ctx, "an int or None");
  int64_t idx = ctx.value.i;
  auto rows = ctx.args.find("num_embeddings");
  if (idx < 0 && rows != ctx.args.end() && rows->second.is_int()) idx += rows->second.i;
  if (idx < 0) return expected(ctx, "an index within num_embeddings");
  attrs["padding_idx"] = idx;
  return {};
}

std::string bn_momentum(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (ctx.value.is_none())
    return "momentum=None (cumulative moving average) has no Keras equivalent";
  return to_float(ctx, attrs);
}

std::string gelu_approximate(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (!ctx.value.is_string() || (ctx.value.s != "none" && ctx.value.s != "tanh"))
    return expected(ctx, "'none' or 'tanh'");
  attrs["approximate"] = ctx.value.s;
  return {};
}

}  // namespace nnport::frameworks::pytorch::convert
