// One built-in Keras layer call -> pivot nodes. Each ReadRule of reader_rows.h has one emitter;
// Keras defaults are made explicit as pivot attribute values (conventions rows 2-6, 9-11, 18),
// and parameters are created once per layer object (a layer called twice shares them) in the
// canonical layout, with the permutation from the Keras variable (layer_table.h, in reverse).
#include <algorithm>
#include <cmath>
#include <functional>

#include "frameworks/keras/layer_table.h"
#include "frameworks/keras/reader_rows.h"
#include "pivot/ops/catalog.h"
#include "readers/keras/emitter.h"
#include "readers/keras/initializers.h"

namespace nnport::readers::keras {

using frameworks::keras::ReadRule;

namespace {

// Keras 'same' padding: total = max((ceil(n/s) - 1) * s + (k - 1) * d + 1 - n, 0), extra after.
std::optional<std::pair<int64_t, int64_t>> same_pads(int64_t n, int64_t k, int64_t s, int64_t d) {
  const int64_t effective = (k - 1) * d + 1;
  if (s == 1) return std::pair{(effective - 1) / 2, effective - 1 - (effective - 1) / 2};
  if (n < 0) return std::nullopt;
  const int64_t total = std::max((n + s - 1) / s * s - s + effective - n, int64_t{0});
  return std::pair{total / 2, total - total / 2};
}

bool any_not(const std::vector<int64_t>& values, int64_t usual) {
  return std::any_of(values.begin(), values.end(), [usual](int64_t v) { return v != usual; });
}

// Stride, dilation and pads of a convolution window, each only when it is not the default.
void set_window(pivot::Attrs& attrs, const std::vector<int64_t>& s, const std::vector<int64_t>& d,
                const std::vector<int64_t>& pads) {
  if (any_not(s, 1)) attrs["stride"] = s;
  if (any_not(d, 1)) attrs["dilation"] = d;
  if (any_not(pads, 0)) attrs["pads"] = pads;
}

// Keras 3 (keras/src/backend/common/backend_utils.py, the JAX padding it derives the other
// backends from): the full transposed conv has (n-1)*s + k_eff cells; 'same' pads
// pad_len = s + k_eff - 2 (output n*s) or k_eff + k_eff % 2 - 2 + output_padding, the larger
// half first, at most k_eff - 1; 'valid' pads k_eff - 1 first and k_eff - 1 + output_padding
// last (default max(k_eff, s) - k_eff). The cells cropped are k_eff - 1 minus the padding;
// negative crops at the end are the pivot's output_padding (`extra`). Returns the crops.
std::vector<int64_t> transposed_crop(const std::string& padding, const std::vector<int64_t>& k,
                                     const std::vector<int64_t>& s, const std::vector<int64_t>& d,
                                     const std::optional<std::vector<int64_t>>& output_padding,
                                     std::vector<int64_t>& extra) {
  std::vector<int64_t> pads;
  for (size_t i = 0; i < k.size(); ++i) {
    const int64_t ke = (k[i] - 1) * d[i] + 1;
    int64_t left = ke - 1, right = ke - 1;
    if (padding == "same") {
      const int64_t pad_len =
          output_padding ? ke + ke % 2 - 2 + (*output_padding)[i] : s[i] + ke - 2;
      left = std::min(pad_len / 2 + pad_len % 2, ke - 1);
      right = pad_len - left;
    } else {
      right += output_padding ? (*output_padding)[i] : std::max(ke, s[i]) - ke;
    }
    const int64_t crop_right = ke - 1 - right;
    pads.insert(pads.end(), {ke - 1 - left, std::max<int64_t>(crop_right, 0)});
    extra.push_back(std::max<int64_t>(-crop_right, 0));
  }
  return pads;
}

}  // namespace

ValueId Emitter::with_activation(ValueId x, const std::string& name) {
  bool identity = false;
  auto meaning = frameworks::keras::activation_meaning(name, in_.ctx().tf_keras, identity);
  if (identity) return x;
  if (!meaning) {
    args_.reject("activation", "activation '" + name + "' is not supported");
    return x;
  }
  return node(meaning->kind, meaning->attrs, {x}, "_" + name);
}

std::vector<int64_t> Emitter::spatial_pads(const std::string& padding,
                                           const std::vector<int64_t>& k,
                                           const std::vector<int64_t>& s,
                                           const std::vector<int64_t>& d, bool cf) {
  std::vector<int64_t> pads;
  const auto& t = in_type();
  for (size_t i = 0; i < k.size(); ++i) {
    const size_t axis = cf ? i + 2 : i + 1;
    const int64_t n = t.rank_known && axis < t.rank() ? t.shape[axis] : pivot::kUnknown;
    if (padding == "valid") {
      pads.insert(pads.end(), {0, 0});
    } else if (padding == "same") {
      auto p = same_pads(n, k[i], s[i], d[i]);
      if (!p) {
        in_.ctx().diags->error(Code::DynamicShape, in_.loc(site_))
            << layer_.cls << "(padding='same', strides>1) needs the static size of spatial axis "
            << i << "; pass --input-shape";
        p = std::pair{int64_t{0}, int64_t{0}};
      }
      pads.insert(pads.end(), {p->first, p->second});
    } else if (padding == "causal" && k.size() == 1) {
      pads.insert(pads.end(), {(k[i] - 1) * d[i], 0});
    } else {
      args_.reject("padding", "'" + padding + "' is not supported");
      pads.insert(pads.end(), {0, 0});
    }
  }
  if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; })) return {};
  return pads;
}

std::vector<ValueId> Emitter::dense() {
  const auto& t = in_type();
  const int64_t units = args_.integer(0, {"units"}, 0);
  const bool bias = args_.boolean(-1, {"use_bias"}, true);
  if (!t.rank_known || t.rank() < 2 || t.shape.back() < 0) {
    in_.ctx().diags->error(Code::DynamicShape, in_.loc(site_))
        << "Dense needs the static size of its input's last axis";
    return {};
  }
  const int64_t in = t.shape.back();
  std::map<std::string, pivot::ParamId> params{
      {"weight", param("weight", {units, in}, perm_of(OpKind::Linear, "weight", 2), "kernel")}};
  if (bias) params["bias"] = param("bias", {units}, {}, "bias");
  ValueId y = node(OpKind::Linear, {{"in_features", in}, {"out_features", units}, {"bias", bias}},
                   {inputs_[0]}, "", params);
  return {with_activation(y, args_.activation())};
}

std::vector<ValueId> Emitter::conv(int rank, bool transpose) {
  const auto r = static_cast<size_t>(rank);
  if (!require_rank(r + 2)) return {};
  const bool cf = channels_first();
  const int64_t filters = args_.integer(0, {"filters"}, 0);
  const auto k = args_.ints(1, {"kernel_size"}, 1, r);
  const auto s = args_.ints(-1, {"strides"}, 1, r);
  const auto d = args_.ints(-1, {"dilation_rate"}, 1, r);
  const int64_t groups = args_.integer(-1, {"groups"}, 1);
  const bool bias = args_.boolean(-1, {"use_bias"}, true);
  const std::string padding = args_.padding(-1);
  const int64_t in = in_type().shape[*channel_axis(in_type(), cf)];
  if (in < 0) {
    in_.ctx().diags->error(Code::DynamicShape, in_.loc(site_))
        << layer_.cls << " needs the static channel count";
    return {};
  }
  const std::string format = cf ? "channels_first" : "channels_last";
  std::map<std::string, pivot::ParamId> params;
  std::vector<int64_t> wshape =
      transpose ? std::vector<int64_t>{in, filters / std::max<int64_t>(groups, 1)}
                : std::vector<int64_t>{filters, in / std::max<int64_t>(groups, 1)};
  wshape.insert(wshape.end(), k.begin(), k.end());
  const OpKind kind = transpose ? OpKind::ConvTranspose : OpKind::Conv;
  params["weight"] = param("weight", wshape, perm_of(kind, "weight", r + 2), "kernel");
  if (bias) params["bias"] = param("bias", {filters}, {}, "bias");
  pivot::Attrs attrs{{"in_channels", in}, {"out_channels", filters}, {"kernel_size", k},
                     {"bias", bias},      {"data_format", format},   {"groups", groups}};
  if (!transpose) {
    set_window(attrs, s, d, spatial_pads(padding, k, s, d, cf));
  } else {
    if (padding != "same" && padding != "valid")
      args_.reject("padding", "'" + padding + "' is not supported");
    std::optional<std::vector<int64_t>> output_padding;
    if (args_.has(-1, {"output_padding"}))
      output_padding = args_.ints(-1, {"output_padding"}, 0, r);
    std::vector<int64_t> extra;
    set_window(attrs, s, d, transposed_crop(padding, k, s, d, output_padding, extra));
    if (any_not(extra, 0)) attrs["output_padding"] = extra;
  }
  ValueId y = node(kind, std::move(attrs), {inputs_[0]}, "", params);
  return {with_activation(y, args_.activation())};
}

std::vector<ValueId> Emitter::depthwise(int rank) {
  const auto r = static_cast<size_t>(rank);
  if (!require_rank(r + 2)) return {};
  const bool cf = channels_first();
  const auto k = args_.ints(0, {"kernel_size"}, 1, r);
  const auto s = args_.ints(-1, {"strides"}, 1, r);
  const auto d = args_.ints(-1, {"dilation_rate"}, 1, r);
  const int64_t mult = args_.integer(-1, {"depth_multiplier"}, 1);
  const bool bias = args_.boolean(-1, {"use_bias"}, true);
  const int64_t in = in_type().shape[*channel_axis(in_type(), cf)];
  // Keras (*k, in, mult), read as (*k, in * mult, 1) (output channel c * mult + m, PyTorch's
  // grouped order) -> canonical (in * mult, 1, *k).
  std::vector<int64_t> perm{static_cast<int64_t>(r), static_cast<int64_t>(r) + 1};
  for (size_t i = 0; i < r; ++i) perm.push_back(static_cast<int64_t>(i));
  std::vector<int64_t> wshape{in * mult, 1};
  wshape.insert(wshape.end(), k.begin(), k.end());
  const auto weight = param("weight", wshape, perm, "kernel");
  if (mult != 1) {
    std::vector<int64_t> stored(k.begin(), k.end());
    stored.push_back(in);
    stored.push_back(mult);
    in_.ctx().graph.params[weight].stored_shape = stored;
  }
  std::map<std::string, pivot::ParamId> params{{"weight", weight}};
  if (bias) params["bias"] = param("bias", {in * mult}, {}, "bias");
  pivot::Attrs attrs{
      {"in_channels", in}, {"out_channels", in * mult},
      {"kernel_size", k},  {"groups", in},
      {"bias", bias},      {"data_format", std::string(cf ? "channels_first" : "channels_last")}};
  set_window(attrs, s, d, spatial_pads(args_.padding(-1), k, s, d, cf));
  ValueId y = node(OpKind::Conv, std::move(attrs), {inputs_[0]}, "", params);
  return {with_activation(y, args_.activation())};
}

std::vector<ValueId> Emitter::separable(int rank) {
  const auto r = static_cast<size_t>(rank);
  if (!require_rank(r + 2)) return {};
  const bool cf = channels_first();
  const int64_t filters = args_.integer(0, {"filters"}, 0);
  const auto k = args_.ints(1, {"kernel_size"}, 1, r);
  const auto s = args_.ints(-1, {"strides"}, 1, r);
  const auto d = args_.ints(-1, {"dilation_rate"}, 1, r);
  const int64_t mult = args_.integer(-1, {"depth_multiplier"}, 1);
  const bool bias = args_.boolean(-1, {"use_bias"}, true);
  const int64_t in = in_type().shape[*channel_axis(in_type(), cf)];
  if (mult != 1)
    args_.reject("depth_multiplier", "only 1 is supported (the kernel would need a reshape)");
  const std::string format = cf ? "channels_first" : "channels_last";
  // Keras variables: depthwise_kernel (*k, in, 1), pointwise_kernel (1.., in, filters), bias.
  std::vector<int64_t> dperm{static_cast<int64_t>(r), static_cast<int64_t>(r) + 1};
  for (size_t i = 0; i < r; ++i) dperm.push_back(static_cast<int64_t>(i));
  std::vector<int64_t> dshape{in, 1};
  dshape.insert(dshape.end(), k.begin(), k.end());
  const auto dw = param("depthwise_weight", dshape, dperm, "depthwise_kernel");
  std::vector<int64_t> pshape{filters, in};
  pshape.insert(pshape.end(), r, 1);
  const auto pw =
      param("pointwise_weight", pshape, perm_of(OpKind::Conv, "weight", r + 2), "pointwise_kernel");
  std::map<std::string, pivot::ParamId> pparams{{"weight", pw}};
  if (bias) pparams["bias"] = param("bias", {filters}, {}, "bias");
  pivot::Attrs dattrs{{"in_channels", in}, {"out_channels", in}, {"kernel_size", k},
                      {"groups", in},      {"bias", false},      {"data_format", format}};
  set_window(dattrs, s, d, spatial_pads(args_.padding(-1), k, s, d, cf));
  ValueId mid = node(OpKind::Conv, std::move(dattrs), {inputs_[0]}, "_depthwise", {{"weight", dw}});
  ValueId y = node(OpKind::Conv,
                   {{"in_channels", in},
                    {"out_channels", filters},
                    {"kernel_size", std::vector<int64_t>(r, 1)},
                    {"bias", bias},
                    {"data_format", format}},
                   {mid}, "_pointwise", pparams);
  return {with_activation(y, args_.activation())};
}

std::vector<ValueId> Emitter::pool(OpKind kind, int rank) {
  const auto r = static_cast<size_t>(rank);
  if (!require_rank(r + 2)) return {};
  const bool cf = channels_first();
  const auto k = args_.ints(0, {"pool_size"}, 2, r);
  const auto s = args_.has(1, {"strides"}) ? args_.ints(1, {"strides"}, 1, r) : k;
  pivot::Attrs attrs{{"kernel_size", k},
                     {"data_format", std::string(cf ? "channels_first" : "channels_last")}};
  if (s != k) attrs["stride"] = s;
  auto pads = spatial_pads(args_.padding(2), k, s, std::vector<int64_t>(r, 1), cf);
  if (!pads.empty()) attrs["pads"] = pads;
  // Keras 'same' average pooling excludes padded cells (conventions row 3).
  if (kind == OpKind::AvgPool) attrs["count_include_pad"] = false;
  return {node(kind, std::move(attrs), {inputs_[0]})};
}

// Keras Normalization(axis=-1, mean=None, variance=None, invert=False): with constructor
// statistics, (x - mean) / max(sqrt(variance), epsilon), epsilon = backend.epsilon() = 1e-7.
std::vector<ValueId> Emitter::normalization() {
  auto mean = args_.get(1, {"mean"});
  auto variance = args_.get(2, {"variance"});
  int64_t axis = -1;
  if (auto a = args_.get(0, {"axis"}); a && a->is_int())
    axis = a->i;
  else if (a) {
    args_.reject("axis", "only one feature axis is supported");
    return {};
  }
  const bool invert = args_.boolean(3, {"invert"}, false);
  if ((!mean || mean->is_none()) && (!variance || variance->is_none()))
    return adapted_normalization(axis, invert);
  if (!mean || !variance || mean->is_none() || variance->is_none()) {
    args_.reject("mean", "mean and variance must be given together");
    return {};
  }
  const auto values = [](const syntax::Constant& c) -> std::optional<std::vector<double>> {
    if (auto one = c.as_double(); one && !c.is_bool()) return std::vector<double>{*one};
    if (!c.is_sequence()) return std::nullopt;
    std::vector<double> out;
    for (const auto& item : c.items) {
      auto v = item.as_double();
      if (!v || item.is_bool()) return std::nullopt;
      out.push_back(*v);
    }
    return out;
  };
  auto m = values(*mean);
  auto v = values(*variance);
  if (!m || !v || m->empty() || m->size() != v->size()) {
    args_.reject("mean", "mean and variance must be numbers or flat lists of the same length");
    return {};
  }
  const ValueId x = inputs_[0];
  if (m->size() == 1 && !invert) {
    // One value for all features: plain arithmetic.
    ValueId y = node(OpKind::Sub, {{"scalar", (*m)[0]}}, {x}, "_center");
    return {node(OpKind::Div, {{"scalar", std::max(std::sqrt((*v)[0]), 1e-7)}}, {y}, "_scale")};
  }
  return {node(OpKind::Standardize,
               {{"mean", *m}, {"variance", *v}, {"axis", axis}, {"invert", invert}}, {x})};
}

// Statistics learned by adapt(): Keras 3 builds them as the layer's non-trainable variables
// mean and variance (shape of the kept axis) and an int64 count it no longer updates (kept for
// older files), so they are in every weights file and the script computes them before training.
std::vector<ValueId> Emitter::adapted_normalization(int64_t axis, bool invert) {
  const auto& t = in_type();
  auto kept = t.rank_known ? pivot::normalize_axis(axis, t.rank()) : std::nullopt;
  if (!kept || t.shape[*kept] < 0) {
    in_.ctx().diags->error(Code::DynamicShape, in_.loc(site_))
        << "Normalization learned by adapt() needs the static size of its axis";
    return {};
  }
  const int64_t c = t.shape[*kept];
  auto& graph = in_.ctx().graph;
  std::map<std::string, pivot::ParamId> params;
  for (const char* role : {"mean", "variance", "count"}) {
    const auto id =
        param(role, role == std::string("count") ? std::vector<int64_t>{} : std::vector<int64_t>{c},
              {}, role);
    graph.params[id].buffer = true;  // statistics, not trained
    if (role == std::string("count")) graph.params[id].dtype = pivot::DType::Int64;
    params[role] = id;
  }
  return {node(OpKind::Standardize, {{"num_features", c}, {"axis", axis}, {"invert", invert}},
               {inputs_[0]}, "", params)};
}

std::vector<ValueId> Emitter::global_pool(OpKind kind, int rank) {
  if (!require_rank(static_cast<size_t>(rank) + 2)) return {};
  const bool cf = channels_first();
  if (kind == OpKind::ReduceMean && rank == 1) check_mask("makes the mean skip masked steps");
  std::vector<int64_t> axes;
  for (int i = 0; i < rank; ++i) axes.push_back(cf ? i + 2 : i + 1);
  return {node(kind, {{"axes", axes}, {"keepdims", args_.boolean(-1, {"keepdims"}, false)}},
               {inputs_[0]})};
}

std::vector<ValueId> Emitter::batch_norm() {
  const auto& t = in_type();
  const int64_t axis_arg = args_.integer(0, {"axis"}, -1);
  auto axis = t.rank_known ? pivot::normalize_axis(axis_arg, t.rank()) : std::nullopt;
  if (!axis || t.shape[*axis] < 0) {
    in_.ctx().diags->error(Code::DynamicShape, in_.loc(site_))
        << "BatchNormalization needs the static size of its axis";
    return {};
  }
  const int64_t c = t.shape[*axis];
  const bool center = args_.boolean(-1, {"center"}, true);
  const bool scale = args_.boolean(-1, {"scale"}, true);
  if (center != scale)
    args_.reject(center ? "scale" : "center", "center and scale must agree (pivot 'affine')");
  std::map<std::string, pivot::ParamId> params;
  if (scale) params["weight"] = param("weight", {c}, {}, "gamma");
  if (center) params["bias"] = param("bias", {c}, {}, "beta");
  params["running_mean"] = param("running_mean", {c}, {}, "moving_mean");
  params["running_var"] = param("running_var", {c}, {}, "moving_variance");
  // Keras' momentum weighs the old running value; the canonical one the new (conventions row 5).
  return {node(OpKind::BatchNorm,
               {{"num_features", c},
                {"epsilon", args_.real(-1, {"epsilon"}, 1e-3)},
                {"momentum", 1.0 - args_.real(-1, {"momentum"}, 0.99)},
                {"affine", scale && center},
                {"axis", static_cast<int64_t>(*axis)}},
               {inputs_[0]}, "", params)};
}

std::vector<ValueId> Emitter::layer_norm() {
  const auto& t = in_type();
  auto axis_c = args_.get(0, {"axis"});
  std::vector<int64_t> requested{-1};
  if (axis_c && axis_c->is_int())
    requested = {axis_c->i};
  else if (axis_c)
    requested = axis_c->as_ints().value_or(std::vector<int64_t>{});
  // The normalised axes must be the trailing ones (pivot normalized_shape).
  std::vector<size_t> axes;
  for (int64_t a : requested)
    if (auto n = t.rank_known ? pivot::normalize_axis(a, t.rank()) : std::nullopt)
      axes.push_back(*n);
  std::sort(axes.begin(), axes.end());
  bool trailing = !axes.empty() && axes.size() == requested.size();
  for (size_t i = 0; trailing && i < axes.size(); ++i)
    trailing = axes[i] == t.rank() - axes.size() + i && axes[i] > 0;
  if (!trailing) {
    args_.reject("axis", "only trailing axes (the last one, or the last few) are supported");
    return {};
  }
  std::vector<int64_t> normalized;
  for (size_t a : axes) normalized.push_back(t.shape[a]);
  const bool center = args_.boolean(-1, {"center"}, true);
  const bool scale = args_.boolean(-1, {"scale"}, true);
  if (args_.boolean(-1, {"rms_scaling"}, false))
    args_.reject("rms_scaling", "RMS normalisation is not supported");
  if (center && !scale) args_.reject("scale", "a shift without a scale has no pivot form");
  std::map<std::string, pivot::ParamId> params;
  if (scale) params["weight"] = param("weight", normalized, {}, "gamma");
  if (center) params["bias"] = param("bias", normalized, {}, "beta");
  return {node(OpKind::LayerNorm,
               {{"normalized_shape", normalized},
                {"epsilon", args_.real(-1, {"epsilon"}, 1e-3)},
                {"elementwise_affine", scale},
                {"bias", center}},
               {inputs_[0]}, "", params)};
}

std::vector<ValueId> Emitter::group_norm() {
  const auto& t = in_type();
  auto axis = t.rank_known ? pivot::normalize_axis(args_.integer(-1, {"axis"}, -1), t.rank())
                           : std::nullopt;
  if (!axis || t.shape[*axis] < 0) {
    in_.ctx().diags->error(Code::DynamicShape, in_.loc(site_))
        << "GroupNormalization needs the static channel count";
    return {};
  }
  const int64_t c = t.shape[*axis];
  const bool center = args_.boolean(-1, {"center"}, true);
  const bool scale = args_.boolean(-1, {"scale"}, true);
  if (center != scale)
    args_.reject(center ? "scale" : "center", "center and scale must agree (pivot 'affine')");
  std::map<std::string, pivot::ParamId> params;
  if (scale) params["weight"] = param("weight", {c}, {}, "gamma");
  if (center) params["bias"] = param("bias", {c}, {}, "beta");
  return {node(OpKind::GroupNorm,
               {{"num_groups", args_.integer(0, {"groups"}, 32)},
                {"num_channels", c},
                {"epsilon", args_.real(-1, {"epsilon"}, 1e-3)},
                {"affine", scale && center},
                {"axis", static_cast<int64_t>(*axis)}},
               {inputs_[0]}, "", params)};
}

// One Keras LSTM / GRU / SimpleRNN layer (optionally both directions of a Bidirectional).
// Keras kernels (in, gates*H) are the transposed canonical weights; GRU gate blocks z, r, h
// become r, z, n (conventions row 10); Keras' single LSTM/SimpleRNN bias becomes bias_ih (the
// canonical bias_hh is then absent, i.e. zero).
std::vector<ValueId> Emitter::merge(OpKind kind) {
  if (kind == OpKind::Concat)
    return {node(OpKind::Concat, {{"axis", args_.integer(0, {"axis"}, -1)}}, inputs_)};
  if (inputs_.size() < 2) {
    in_.ctx().diags->error(Code::UnsupportedSyntax, in_.loc(site_))
        << layer_.cls << " needs at least two inputs";
    return {};
  }
  if (layer_.cls == "Subtract" && inputs_.size() != 2) {
    in_.ctx().diags->error(Code::UnsupportedSyntax, in_.loc(site_))
        << "Subtract needs exactly two inputs";
    return {};
  }
  ValueId acc = inputs_[0];
  for (size_t i = 1; i < inputs_.size(); ++i)
    acc = node(kind, {}, {acc, inputs_[i]}, inputs_.size() > 2 ? "_" + std::to_string(i) : "");
  if (layer_.cls == "Average")
    acc =
        node(OpKind::Mul, {{"scalar", 1.0 / static_cast<double>(inputs_.size())}}, {acc}, "_mean");
  return {acc};
}

std::vector<ValueId> Emitter::zero_padding(int rank) {
  const auto r = static_cast<size_t>(rank);
  if (!require_rank(r + 2)) return {};
  const bool cf = channels_first();
  auto c = args_.get(0, {"padding"});
  std::vector<int64_t> pads;
  if (!c)
    pads.assign(2 * r, 1);
  else if (auto one = c->as_int())
    pads.assign(2 * r, *one);
  else if (c->is_sequence() && c->items.size() == r) {
    for (const auto& item : c->items) {
      if (auto v = item.as_int())
        pads.insert(pads.end(), {*v, *v});
      else if (auto pair = item.as_ints(); pair && pair->size() == 2)
        pads.insert(pads.end(), pair->begin(), pair->end());
      else
        args_.reject("padding", "unexpected value " + c->repr());
    }
  } else if (r == 1 && c->is_sequence() && c->items.size() == 2) {
    if (auto pair = c->as_ints()) pads = *pair;
  }
  if (pads.size() != 2 * r) {
    args_.reject("padding", "unexpected value");
    return {};
  }
  if (!cf) pads.insert(pads.end(), {0, 0});  // the channel axis last
  return {node(OpKind::Pad, {{"pads", pads}, {"mode", std::string("constant")}, {"value", 0.0}},
               {inputs_[0]})};
}

std::vector<ValueId> Emitter::cropping(int rank) {
  const auto r = static_cast<size_t>(rank);
  if (!require_rank(r + 2)) return {};
  const bool cf = channels_first();
  auto c = args_.get(0, {"cropping"});
  std::vector<int64_t> crops;
  if (!c)
    crops = r == 1 ? std::vector<int64_t>{1, 1} : std::vector<int64_t>(2 * r, 0);
  else if (auto one = c->as_int())
    crops.assign(2 * r, *one);
  else if (c->is_sequence() && c->items.size() == r) {
    for (const auto& item : c->items) {
      if (auto v = item.as_int())
        crops.insert(crops.end(), {*v, *v});
      else if (auto pair = item.as_ints(); pair && pair->size() == 2)
        crops.insert(crops.end(), pair->begin(), pair->end());
    }
  } else if (r == 1 && c->is_sequence() && c->items.size() == 2) {
    if (auto pair = c->as_ints()) crops = *pair;
  }
  if (crops.size() != 2 * r) {
    args_.reject("cropping", "unexpected value");
    return {};
  }
  std::vector<int64_t> axes, starts, stops, steps;
  for (size_t i = 0; i < r; ++i) {
    axes.push_back(static_cast<int64_t>(cf ? i + 2 : i + 1));
    starts.push_back(crops[2 * i]);
    stops.push_back(crops[2 * i + 1] == 0 ? pivot::kSliceEnd : -crops[2 * i + 1]);
    steps.push_back(1);
  }
  return {node(OpKind::Slice,
               {{"axes", axes}, {"starts", starts}, {"stops", stops}, {"steps", steps}},
               {inputs_[0]})};
}

// Keras Masking(mask_value): a step is masked when every feature equals mask_value (the mask
// is `any(x != mask_value, axis=-1)`, True = kept) and the output is x times that mask. With
// mask_value 0 the masked steps are already zero: the output is x. The mask of a (N, T, F)
// input is the pivot's padding mask `max(|x|, axis=-1) == 0` (True = masked), as
// Embedding(mask_zero=True) gives one, which recurrences follow (mask_input); other mask
// readers report it.
std::vector<ValueId> Emitter::masking() {
  const double value = args_.real(0, {"mask_value"}, 0.0);
  if (value != 0.0) {
    args_.reject("mask_value", "only 0 is supported (Keras zeroes the masked steps of x)");
    return {};
  }
  const ValueId x = inputs_[0];
  const ValueId y = node(OpKind::Identity, {}, {x});
  in_.ctx().masked.push_back(y);
  if (in_type().rank_known && in_type().rank() == 3) {
    const ValueId size = node(OpKind::Abs, {}, {x}, "_magnitude");
    const ValueId largest =
        node(OpKind::ReduceMax, {{"axes", std::vector<int64_t>{-1}}}, {size}, "_largest");
    in_.ctx().padding_mask_of[y] = node(OpKind::Equal, {{"scalar", 0.0}}, {largest}, "_mask");
  }
  return {y};
}

std::vector<ValueId> Emitter::activation_layer(const frameworks::keras::ReaderRow& row) {
  switch (row.rule) {
    case ReadRule::Activation: {
      const std::string name = args_.activation().empty()
                                   ? args_.string(0, {"activation"}, "linear")
                                   : args_.activation();
      return {with_activation(inputs_[0], name)};
    }
    case ReadRule::ReLU: {
      // Keras 3 (activations.relu): y = x * (x > threshold) (relu(x) when threshold = 0),
      // clipped to [0, max_value] when there is one, minus
      // negative_slope * relu(threshold - x); the layer rejects negative arguments.
      auto max_arg = args_.get(0, {"max_value"});
      const bool has_max = max_arg && !max_arg->is_none();
      const double max_value = has_max ? args_.real(0, {"max_value"}, 0.0) : 0.0;
      const double slope = args_.real(1, {"negative_slope"}, 0.0);
      const double threshold = args_.real(2, {"threshold"}, 0.0);
      if (max_value < 0.0 || slope < 0.0 || threshold < 0.0) {
        args_.reject(max_value < 0.0 ? "max_value"
                     : slope < 0.0   ? "negative_slope"
                                     : "threshold",
                     "Keras rejects a negative value");
        return {inputs_[0]};
      }
      const ValueId x = inputs_[0];
      if (slope != 0.0 && threshold == 0.0 && !has_max)
        return {node(OpKind::LeakyRelu, {{"negative_slope", slope}}, {x})};
      const pivot::Attrs clip{{"min_value", 0.0}, {"max_value", max_value}};
      ValueId y;
      if (threshold != 0.0) {
        y = node(OpKind::Threshold, {{"threshold", threshold}, {"value", 0.0}}, {x});
        if (has_max) y = node(OpKind::Clip, clip, {y}, "_clip");
      } else if (!has_max) {
        y = node(OpKind::Relu, {}, {x});
      } else {
        y = max_value == 6.0 ? node(OpKind::Relu6, {}, {x}) : node(OpKind::Clip, clip, {x});
      }
      if (slope == 0.0) return {y};
      const ValueId below =
          node(OpKind::Sub, {{"scalar", threshold}, {"scalar_first", true}}, {x}, "_below");
      const ValueId negative = node(OpKind::Relu, {}, {below}, "_negative_part");
      const ValueId scaled = node(OpKind::Mul, {{"scalar", -slope}}, {negative}, "_slope");
      return {node(OpKind::Add, {}, {y, scaled}, "_sum")};
    }
    case ReadRule::LeakyReLU:
      // Keras 3 spells the slope negative_slope, tf.keras alpha; the layer default is 0.3.
      return {node(OpKind::LeakyRelu,
                   {{"negative_slope", args_.real(0, {"negative_slope", "alpha"}, 0.3)}},
                   {inputs_[0]})};
    case ReadRule::ELU:
      return {node(OpKind::Elu, {{"alpha", args_.real(0, {"alpha"}, 1.0)}}, {inputs_[0]})};
    case ReadRule::Softmax: {
      auto axis = args_.get(0, {"axis"});
      int64_t a = -1;
      if (axis && axis->is_int())
        a = axis->i;
      else if (axis)
        args_.reject("axis", "only one axis is supported");
      return {node(OpKind::Softmax, {{"axis", a}}, {inputs_[0]})};
    }
    case ReadRule::PReLU: {
      const auto& t = in_type();
      if (!t.rank_known || t.rank() < 2) return {};
      const int64_t c = t.shape.back();
      // Keras alpha has the input's shape without the batch, 1 on shared axes; the pivot keeps
      // one slope per channel (every other axis shared) or one slope for all.
      auto shared = args_.get(-1, {"shared_axes"});
      std::vector<int64_t> axes;
      if (shared && shared->is_int())
        axes = {shared->i};
      else if (shared)
        axes = shared->as_ints().value_or(std::vector<int64_t>{});
      std::sort(axes.begin(), axes.end());
      std::vector<int64_t> all_but_last, all;
      for (size_t i = 1; i < t.rank(); ++i) {
        all.push_back(static_cast<int64_t>(i));
        if (i + 1 < t.rank()) all_but_last.push_back(static_cast<int64_t>(i));
      }
      const bool one = axes == all;
      if (!one && axes != all_but_last) {
        args_.reject(
            "shared_axes",
            "only one slope per channel (every other axis shared) or one slope is supported");
        return {inputs_[0]};
      }
      const int64_t n = one ? 1 : c;
      auto w = param("weight", {n}, {}, "alpha");
      // alpha is (1, ..., 1, n): the input's rank without the batch; reshaped to (n,).
      if (t.rank() > 2) {
        std::vector<int64_t> stored(t.rank() - 1, 1);
        stored.back() = n;
        in_.ctx().graph.params[w].stored_shape = stored;
      }
      return {node(OpKind::PRelu,
                   {{"num_parameters", n}, {"axis", static_cast<int64_t>(t.rank() - 1)}},
                   {inputs_[0]}, "", {{"weight", w}})};
    }
    default: return {};
  }
}

std::vector<ValueId> Emitter::run(const frameworks::keras::ReaderRow& row) {
  const ValueId x = inputs_[0];
  switch (row.rule) {
    case ReadRule::Dense: return dense();
    case ReadRule::Conv: return conv(row.rank, false);
    case ReadRule::ConvTranspose: return conv(row.rank, true);
    case ReadRule::DepthwiseConv: return depthwise(row.rank);
    case ReadRule::SeparableConv: return separable(row.rank);
    case ReadRule::Pool: return pool(row.kind, row.rank);
    case ReadRule::GlobalPool: return global_pool(row.kind, row.rank);
    case ReadRule::BatchNorm: return batch_norm();
    case ReadRule::LayerNorm: return layer_norm();
    case ReadRule::GroupNorm: return group_norm();
    case ReadRule::Dropout:
      return {node(OpKind::Dropout,
                   {{"rate", args_.real(0, {"rate"}, 0.5)}, {"spatial", row.rank > 0}}, {x})};
    case ReadRule::Identity: {
      if (layer_.cls == "Masking") return masking();
      ValueId y = node(OpKind::Identity, {}, {x});
      // GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization
      in_.ctx().diags->warning(Code::TrainingOnly, in_.loc(site_))
          << layer_.cls << " acts only in training; the migrated model passes its input "
          << "through and trains without it";
      return {y};
    }
    case ReadRule::Flatten:
      return {node(OpKind::Flatten, {{"start_dim", int64_t{1}}, {"end_dim", int64_t{-1}}}, {x})};
    case ReadRule::Reshape: {
      auto target = args_.get(0, {"target_shape"});
      auto dims = target ? target->as_ints() : std::nullopt;
      if (!dims) {
        args_.reject("target_shape", "expected a tuple of ints");
        return {};
      }
      std::vector<int64_t> shape{pivot::kBatch};
      shape.insert(shape.end(), dims->begin(), dims->end());
      return {node(OpKind::Reshape, {{"shape", shape}}, {x})};
    }
    case ReadRule::Permute: {
      auto dims = args_.get(0, {"dims"});
      auto p = dims ? dims->as_ints() : std::nullopt;
      if (!p) {
        args_.reject("dims", "expected a tuple of ints");
        return {};
      }
      std::vector<int64_t> perm{0};
      perm.insert(perm.end(), p->begin(), p->end());
      return {node(OpKind::Transpose, {{"perm", perm}}, {x})};
    }
    case ReadRule::RepeatVector: {
      const int64_t n = args_.integer(0, {"n"}, 1);
      ValueId u = node(OpKind::Unsqueeze, {{"axes", std::vector<int64_t>{1}}}, {x}, "_unsqueeze");
      return {node(OpKind::Tile, {{"repeats", std::vector<int64_t>{1, n, 1}}}, {u})};
    }
    case ReadRule::Embedding: {
      const int64_t rows = args_.integer(0, {"input_dim"}, 0);
      const int64_t dim = args_.integer(1, {"output_dim"}, 0);
      auto w = param("weight", {rows, dim}, {}, "embeddings");
      ValueId y = node(OpKind::Embedding, {{"num_embeddings", rows}, {"embedding_dim", dim}}, {x},
                       "", {{"weight", w}});
      if (args_.boolean(-1, {"mask_zero"}, false)) {
        // Id 0 is padding: the mask layers downstream read is `ids == 0` (True = masked).
        in_.ctx().masked.push_back(y);
        if (in_type().rank_known && in_type().rank() == 2)
          in_.ctx().padding_mask_of[y] = node(OpKind::Equal, {{"scalar", 0.0}}, {x}, "_mask");
      }
      return {y};
    }
    case ReadRule::Recurrent: return recurrent(row.kind, layer_, false, "concat");
    case ReadRule::Bidirectional: return bidirectional();
    case ReadRule::TimeDistributed: return time_distributed();
    case ReadRule::MultiHeadAttention: return attention();
    case ReadRule::Activation:
    case ReadRule::ReLU:
    case ReadRule::LeakyReLU:
    case ReadRule::PReLU:
    case ReadRule::ELU:
    case ReadRule::Softmax: return activation_layer(row);
    case ReadRule::UpSampling: {
      const auto r = static_cast<size_t>(row.rank);
      const std::string mode = args_.string(-1, {"interpolation"}, "nearest");
      if (mode != "nearest" && mode != "bilinear")
        args_.reject("interpolation", "'" + mode + "' is not supported");
      return {node(
          OpKind::Resize,
          {{"scale", args_.ints(0, {"size"}, 2, r)},
           {"mode", mode},
           {"data_format", std::string(channels_first() ? "channels_first" : "channels_last")}},
          {x})};
    }
    case ReadRule::ZeroPadding: return zero_padding(row.rank);
    case ReadRule::Cropping: return cropping(row.rank);
    case ReadRule::Rescaling: {
      auto scale = args_.get(0, {"scale"});
      auto offset = args_.get(1, {"offset"});
      auto s = scale ? scale->as_double() : std::nullopt;
      auto o = offset ? offset->as_double() : std::optional<double>(0.0);
      if (!s || !o) {
        args_.reject("scale", "only scalar scale and offset are supported");
        return {};
      }
      ValueId y = node(OpKind::Mul, {{"scalar", *s}}, {x}, "_scale");
      if (*o != 0.0) y = node(OpKind::Add, {{"scalar", *o}}, {y}, "_offset");
      return {y};
    }
    case ReadRule::Normalization: return normalization();
    case ReadRule::RandomAugment: return random_augment();
    case ReadRule::Merge: return merge(row.kind);
    case ReadRule::Dot: return dot();
    case ReadRule::SequenceMask: {
      // Marks steps past each length as padding; only recurrent layers read that mask.
      if (inputs_.size() != 2) {
        in_.ctx().diags->error(Code::UnsupportedSyntax, in_.loc(site_))
            << "SequenceMask takes [x, lengths]";
        return {};
      }
      ValueId y = node(OpKind::Identity, {}, {x});
      in_.ctx().lengths_of[y] = inputs_[1];
      return {y};
    }
    case ReadRule::ZeroPaddedSteps: {
      // Zeroes steps past each length: what a recurrent op with lengths_input already outputs.
      const auto& g = in_.ctx().graph;
      const int p = g.producer(x);
      const bool exact = p >= 0 &&
                         pivot::attr_is_set(g.nodes[static_cast<size_t>(p)], "lengths_input") &&
                         pivot::attr_bool(g.nodes[static_cast<size_t>(p)], "lengths_input");
      if (!exact) {
        in_.ctx().diags->error(Code::UnsupportedLayer, in_.loc(site_))
            << "ZeroPaddedSteps is only supported on the sequence output of a recurrent layer with "
               "lengths";
        return {};
      }
      return {node(OpKind::Identity, {}, {x})};
    }
    case ReadRule::AddParameter:
    case ReadRule::PrependParameter: {
      auto shape = args_.get(0, {"shape"});
      auto dims = shape ? shape->as_ints() : std::nullopt;
      if (!dims) {
        args_.reject("shape", "expected a tuple of ints");
        return {};
      }
      auto w = param("value", *dims, {}, "value");
      // trainable=False: a constant of the model (a PyTorch buffer), kept in the written shape.
      in_.ctx().graph.params[w].buffer = !args_.boolean(-1, {"trainable"}, true);
      pivot::Attrs attrs{{"shape", *dims}};
      if (row.rule == ReadRule::AddParameter) {
        attrs["slice_axis"] = args_.integer(1, {"slice_axis"}, -1);
        if (auto perm = args_.get(2, {"perm"})) {
          auto axes = perm->as_ints();
          if (!axes) {
            args_.reject("perm", "expected a tuple of ints");
            return {};
          }
          attrs["perm"] = *axes;
        }
      }
      return {node(row.kind, std::move(attrs), {x}, "", {{"value", w}})};
    }
  }
  return {};
}

namespace {

// The unsupported node standing for a layer whose argument `first` could not be read, with the
// reason at the argument (an error unless the argument's own diagnostic already is one).
ValueId unread_layer(Interpreter& in, const Layer& layer, const Context::UnreadArgument& first,
                     const std::vector<ValueId>& inputs, Node site) {
  const std::string message = "layer '" + layer.name + "' (" + layer.cls +
                              ") is not migrated (argument '" + first.key + "': " + first.why + ")";
  auto& diags = *in.ctx().diags;
  if (first.reported)
    diags.note(first.code, first.location) << message;
  else
    diags.error(first.code, first.location) << message;
  const std::string text =
      layer.text.empty() ? std::string(site.text().substr(0, 200)) : layer.text;
  pivot::Attrs attrs{
      {"code", std::string(code_info(first.code).name)}, {"text", text}, {"message", message}};
  return in.add_node(OpKind::Unsupported, std::move(attrs), inputs, site, "unsupported", "")[0];
}

}  // namespace

std::vector<ValueId> emit_builtin(Interpreter& in, Layer& layer, const std::vector<ValueId>& inputs,
                                  const std::vector<std::pair<std::string, Value>>& call_kwargs,
                                  Node site, const std::string& path) {
  const auto* row = frameworks::keras::find_reader_row(layer.cls);
  if (!row) return {};
  for (auto v : inputs)
    if (!in.type_of(v).rank_known) {
      in.ctx().diags->error(Code::NeedsInputShape, in.loc(site))
          << "the input shape of layer '" << layer.name << "' is unknown; pass --input-shape";
      return {};
    }
  Emitter emitter(in, layer, inputs, call_kwargs, site, path);
  const size_t unread_before = in.ctx().unread_arguments.size();
  auto outs = emitter.run(*row);
  // An argument not read (not constant, or rejected) means the nodes were built with a fallback
  // value (`units` of 0): the layer is an unsupported node instead, marked TODO in the output.
  if (in.ctx().unread_arguments.size() > unread_before)
    return {unread_layer(in, layer, in.ctx().unread_arguments[unread_before], inputs, site)};
  emitter.check_regularizers();
  layer.built = true;
  assign_initializers(in, layer, site);
  // Masks pass through single-input layers that keep the time axis (Keras' supports_masking).
  auto& masked = in.ctx().masked;
  if (inputs.size() == 1 && outs.size() == 1 && row->rule != ReadRule::GlobalPool &&
      row->rule != ReadRule::Recurrent && row->rule != ReadRule::Bidirectional &&
      std::find(masked.begin(), masked.end(), inputs[0]) != masked.end()) {
    masked.push_back(outs[0]);
    // A mask a recurrence may follow only passes the layers known to keep it step for step
    // (supports_masking); after any other one a recurrence reading it is reported.
    static const ReadRule kKeepsMask[] = {ReadRule::Dense,      ReadRule::Dropout,
                                          ReadRule::Activation, ReadRule::ReLU,
                                          ReadRule::LeakyReLU,  ReadRule::ELU};
    auto& padding = in.ctx().padding_mask_of;
    if (auto it = padding.find(inputs[0]);
        it != padding.end() &&
        std::find(std::begin(kKeepsMask), std::end(kKeepsMask), row->rule) != std::end(kKeepsMask))
      padding[outs[0]] = it->second;
  }
  if (outs.empty())
    return {in.unsupported(Code::UnsupportedLayer, site,
                           "layer '" + layer.name + "' could not be migrated", inputs)
                .tensor};
  return outs;
}

}  // namespace nnport::readers::keras