// PyTorch rows for the wider layer set: transposed convolutions, GroupNorm / InstanceNorm,
// channel dropout, upsampling, explicit padding (modules and F.pad) and the extra activations,
// with the converters only these rows use.
#include <cmath>

#include "frameworks/pytorch/rows.h"

namespace nnport::frameworks::pytorch {

using namespace rows;
using pivot::OpKind;

namespace {

std::string expected(const ArgContext& ctx, const char* what) {
  return "argument '" + std::string(ctx.name) + "' = " + ctx.value.repr().substr(0, 60) +
         ": expected " + what;
}

// output_padding: like to_ints_per_axis but 0 is the normal value.
std::string non_negative_per_axis(const ArgContext& ctx, pivot::Attrs& attrs) {
  auto v = ctx.value.as_ints(ctx.rank == 0 ? 1 : ctx.rank);
  if (!v) return expected(ctx, "an int or a tuple with one int per spatial axis");
  for (int64_t x : *v)
    if (x < 0) return expected(ctx, "non-negative sizes");
  attrs[std::string(ctx.attr)] = *v;
  return {};
}

// InstanceNorm is GroupNorm with one group per channel.
std::string instance_features(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (!ctx.value.is_int() || ctx.value.i <= 0) return expected(ctx, "a positive int");
  attrs["num_groups"] = ctx.value.i;
  attrs["num_channels"] = ctx.value.i;
  return {};
}

std::string instance_running_stats(const ArgContext& ctx, pivot::Attrs&) {
  if (!ctx.value.truthy()) return {};
  return "track_running_stats=True normalises with running statistics in eval mode (a "
         "BatchNorm), which nnport does not migrate for InstanceNorm yet";
}

// Whole-number factors only: UpSampling layers repeat by integers.
std::string scale_factor(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (ctx.value.is_none()) {
    auto size = ctx.args.find("size");
    if (size != ctx.args.end() && !size->second.is_none())
      return "Upsample/interpolate with size= is not supported yet; use scale_factor";
    return "Upsample/interpolate needs scale_factor";
  }
  std::vector<Constant> items =
      ctx.value.is_sequence() ? ctx.value.items : std::vector<Constant>{ctx.value};
  std::vector<int64_t> scale;
  for (const auto& item : items) {
    auto d = item.as_double();
    if (!d || item.is_bool() || *d < 1.0 || std::floor(*d) != *d || *d > 1e6)
      return expected(ctx, "whole-number factors >= 1 (Keras UpSampling repeats by integers)");
    scale.push_back(static_cast<int64_t>(*d));
  }
  attrs["scale"] = scale;
  return {};
}

std::string size_none(const ArgContext& ctx, pivot::Attrs&) {
  return ctx.value.is_none() ? std::string() : std::string();  // checked by scale_factor
}

std::string interpolation_mode(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (!ctx.value.is_string()) return expected(ctx, "a string");
  if (ctx.value.s != "nearest" && ctx.value.s != "bilinear")
    return "mode='" + ctx.value.s + "' is not supported (only 'nearest' and 'bilinear')";
  attrs["mode"] = ctx.value.s;
  return {};
}

std::string align_corners(const ArgContext& ctx, pivot::Attrs&) {
  if (ctx.value.is_none() || !ctx.value.truthy()) return {};
  return "align_corners=True samples corner-aligned; Keras UpSampling/Resizing use half-pixel "
         "centres (conventions row 20)";
}

std::string padding_mode(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (!ctx.value.is_string()) return expected(ctx, "a string");
  const std::string& m = ctx.value.s;
  if (m == "circular")
    return "padding_mode='circular' (wrap-around) has no keras.ops.pad / tf.pad mode on TensorFlow";
  if (m != "zeros" && m != "reflect" && m != "replicate")
    return expected(ctx, "'zeros', 'reflect', 'replicate' or 'circular'");
  if (m != "zeros") attrs["padding_mode"] = m;
  return {};
}

// F.pad's `pad` lists (before, after) pairs from the LAST axis backwards; the pivot lists
// them from the first padded axis forwards.
std::string torch_pad_list(const ArgContext& ctx, pivot::Attrs& attrs) {
  auto v = ctx.value.as_ints();
  if (!v || v->empty() || v->size() % 2 != 0) return expected(ctx, "an even-length tuple of ints");
  std::vector<int64_t> pads;
  for (size_t i = v->size(); i >= 2; i -= 2) {
    if ((*v)[i - 2] < 0 || (*v)[i - 1] < 0) return expected(ctx, "non-negative padding");
    pads.push_back((*v)[i - 2]);
    pads.push_back((*v)[i - 1]);
  }
  attrs["pads"] = pads;
  return {};
}

// nn.ReflectionPad2d(p): an int pads every one of the `rank` trailing axes on both sides; a
// tuple is in F.pad order.
std::string module_pad(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (ctx.value.is_int()) {
    if (ctx.value.i < 0) return expected(ctx, "non-negative padding");
    attrs["pads"] = std::vector<int64_t>(2 * ctx.rank, ctx.value.i);
    return {};
  }
  auto v = ctx.value.as_ints();
  if (!v || v->size() != 2 * ctx.rank) return expected(ctx, "an int or a 2*rank tuple");
  return torch_pad_list(ctx, attrs);
}

std::string pad_mode(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (!ctx.value.is_string()) return expected(ctx, "a string");
  const std::string& m = ctx.value.s;
  if (m != "constant" && m != "reflect" && m != "replicate" && m != "circular")
    return expected(ctx, "'constant', 'reflect', 'replicate' or 'circular'");
  attrs["mode"] = m;
  return {};
}

std::string pad_value(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (ctx.value.is_none()) return {};
  auto d = ctx.value.as_double();
  if (!d || ctx.value.is_bool()) return expected(ctx, "a number or None");
  attrs["value"] = *d;
  return {};
}

std::string softplus_beta(const ArgContext& ctx, pivot::Attrs& attrs) {
  auto d = ctx.value.as_double();
  if (!d || ctx.value.is_bool() || *d <= 0.0) return expected(ctx, "a positive number");
  attrs["beta"] = *d;
  return {};
}

OpRow conv_transpose(std::string symbol, size_t rank) {
  return OpRow{std::move(symbol),
               OpKind::ConvTranspose,
               rank,
               {required("in_channels", convert::to_int, "in_channels"),
                required("out_channels", convert::to_int, "out_channels"),
                required("kernel_size", convert::to_ints_per_axis, "kernel_size"),
                optional("stride", I(1), convert::to_ints_per_axis, "stride"),
                optional("padding", I(0), convert::pool_padding),
                optional("output_padding", I(0), non_negative_per_axis, "output_padding"),
                optional("groups", I(1), convert::to_int, "groups"),
                optional("bias", B(true), convert::to_bool, "bias"),
                optional("dilation", I(1), convert::to_ints_per_axis, "dilation"),
                default_only("padding_mode", S("zeros")), ignored("device"), ignored("dtype")},
               {{"data_format", std::string("channels_first")}}};
}

OpRow instance_norm(std::string symbol) {
  return OpRow{std::move(symbol),
               OpKind::GroupNorm,
               0,
               {required("num_features", instance_features),
                optional("eps", F(1e-5), convert::to_float, "epsilon"),
                ignored("momentum", F(0.1)),  // only updates running statistics
                optional("affine", B(false), convert::to_bool, "affine"),
                optional("track_running_stats", B(false), instance_running_stats),
                ignored("device"), ignored("dtype")},
               {{"axis", int64_t{1}}}};
}

OpRow spatial_dropout(std::string symbol) {
  return OpRow{std::move(symbol),
               OpKind::Dropout,
               0,
               {optional("p", F(0.5), convert::dropout_rate), ignored("inplace", B(false))},
               {{"spatial", true}}};
}

std::vector<ArgRow> upsample_args(Constant mode) {
  return {optional("size", None(), size_none), optional("scale_factor", None(), scale_factor),
          optional("mode", std::move(mode), interpolation_mode),
          optional("align_corners", None(), align_corners),
          ignored("recompute_scale_factor", None())};
}

OpRow reflection_pad(std::string symbol, size_t rank, const char* mode) {
  return OpRow{std::move(symbol),
               OpKind::Pad,
               rank,
               {required("padding", module_pad)},
               {{"mode", std::string(mode)}}};
}

OpRow simple(std::string symbol, OpKind kind, std::vector<ArgRow> args = {}) {
  return OpRow{std::move(symbol), kind, 0, std::move(args), {}};
}

std::vector<ArgRow> inplace() { return {ignored("inplace", B(false))}; }

std::vector<ArgRow> hardtanh_args() {
  return {optional("min_val", F(-1.0), convert::to_float, "min_value"),
          optional("max_val", F(1.0), convert::to_float, "max_value"),
          ignored("inplace", B(false))};
}

std::vector<ArgRow> threshold_args() {
  return {required("threshold", convert::to_float, "threshold"),
          required("value", convert::to_float, "value"), ignored("inplace", B(false))};
}

std::vector<ArgRow> softplus_args() {
  return {optional("beta", F(1.0), softplus_beta),
          optional("threshold", F(20.0), convert::to_float, "threshold")};
}

}  // namespace

namespace convert {
std::string padding_mode(const ArgContext& ctx, pivot::Attrs& attrs) {
  return pytorch::padding_mode(ctx, attrs);
}
}  // namespace convert

std::vector<OpRow> layer_breadth_rows() {
  std::vector<OpRow> t;
  t.push_back(conv_transpose("torch.nn.ConvTranspose1d", 1));
  t.push_back(conv_transpose("torch.nn.ConvTranspose2d", 2));
  t.push_back(conv_transpose("torch.nn.ConvTranspose3d", 3));
  t.push_back(simple("torch.nn.GroupNorm", OpKind::GroupNorm,
                     {required("num_groups", convert::to_int, "num_groups"),
                      required("num_channels", convert::to_int, "num_channels"),
                      optional("eps", F(1e-5), convert::to_float, "epsilon"),
                      optional("affine", B(true), convert::to_bool, "affine"), ignored("device"),
                      ignored("dtype")}));
  t.back().fixed = {{"axis", int64_t{1}}};
  t.push_back(instance_norm("torch.nn.InstanceNorm1d"));
  t.push_back(instance_norm("torch.nn.InstanceNorm2d"));
  t.push_back(instance_norm("torch.nn.InstanceNorm3d"));
  t.push_back(spatial_dropout("torch.nn.Dropout1d"));
  t.push_back(spatial_dropout("torch.nn.Dropout2d"));
  t.push_back(spatial_dropout("torch.nn.Dropout3d"));
  t.push_back(simple("torch.nn.Upsample", OpKind::Resize, upsample_args(S("nearest"))));
  t.push_back(simple(
      "torch.nn.UpsamplingNearest2d", OpKind::Resize,
      {optional("size", None(), size_none), optional("scale_factor", None(), scale_factor)}));
  for (size_t r = 1; r <= 3; ++r) {
    const std::string n = std::to_string(r);
    t.push_back(reflection_pad("torch.nn.ReflectionPad" + n + "d", r, "reflect"));
    t.push_back(reflection_pad("torch.nn.ReplicationPad" + n + "d", r, "replicate"));
    OpRow zero = reflection_pad("torch.nn.ZeroPad" + n + "d", r, "constant");
    zero.read_only = r != 2;
    t.push_back(std::move(zero));
    OpRow constant = reflection_pad("torch.nn.ConstantPad" + n + "d", r, "constant");
    constant.args.push_back(required("value", convert::to_float, "value"));
    t.push_back(std::move(constant));
  }
  t.push_back(simple("torch.nn.PReLU", OpKind::PRelu,
                     {optional("num_parameters", I(1), convert::to_int, "num_parameters"),
                      ignored("init", F(0.25)),  // initial value; the checkpoint holds the slope
                      ignored("device"), ignored("dtype")}));
  t.back().fixed = {{"axis", int64_t{1}}};
  t.push_back(simple("torch.nn.ReLU6", OpKind::Relu6, inplace()));
  t.push_back(simple("torch.nn.Hardtanh", OpKind::Clip, hardtanh_args()));
  t.push_back(simple("torch.nn.Hardswish", OpKind::Hardswish, inplace()));
  t.push_back(simple("torch.nn.Hardsigmoid", OpKind::Hardsigmoid, inplace()));
  t.push_back(simple("torch.nn.Mish", OpKind::Mish, inplace()));
  t.push_back(simple("torch.nn.SELU", OpKind::Selu, inplace()));
  t.push_back(simple("torch.nn.Softplus", OpKind::Softplus, softplus_args()));
  t.push_back(simple("torch.nn.Softsign", OpKind::Softsign));
  t.push_back(simple("torch.nn.Threshold", OpKind::Threshold, threshold_args()));
  return t;
}

std::vector<OpRow> function_breadth_rows() {
  std::vector<OpRow> t;
  auto add = [&](std::initializer_list<const char*> symbols, OpKind kind, std::vector<ArgRow> args,
                 pivot::Attrs fixed = {}) {
    for (const char* s : symbols) t.push_back(OpRow{s, kind, 0, args, fixed});
  };
  add({"torch.nn.functional.relu6"}, OpKind::Relu6, inplace());
  add({"torch.nn.functional.hardtanh"}, OpKind::Clip, hardtanh_args());
  add({"torch.nn.functional.hardswish"}, OpKind::Hardswish, inplace());
  add({"torch.nn.functional.hardsigmoid"}, OpKind::Hardsigmoid, inplace());
  add({"torch.nn.functional.mish"}, OpKind::Mish, inplace());
  add({"torch.nn.functional.selu", "torch.selu", "Tensor.selu"}, OpKind::Selu, inplace());
  add({"torch.nn.functional.softplus"}, OpKind::Softplus, softplus_args());
  add({"torch.nn.functional.softsign"}, OpKind::Softsign, {});
  add({"torch.nn.functional.threshold"}, OpKind::Threshold, threshold_args());
  add({"torch.square", "Tensor.square"}, OpKind::Square, {});
  add({"torch.sqrt", "Tensor.sqrt"}, OpKind::Sqrt, {});
  add({"torch.abs", "Tensor.abs"}, OpKind::Abs, {});
  add({"torch.exp", "Tensor.exp"}, OpKind::Exp, {});
  add({"torch.log", "Tensor.log"}, OpKind::Log, {});
  add({"torch.nn.functional.interpolate", "torch.nn.functional.upsample"}, OpKind::Resize,
      {optional("size", None(), size_none), optional("scale_factor", None(), scale_factor),
       optional("mode", S("nearest"), interpolation_mode),
       optional("align_corners", None(), align_corners), ignored("recompute_scale_factor", None()),
       default_only("antialias", B(false))});
  add({"torch.nn.functional.pad"}, OpKind::Pad,
      {required("pad", torch_pad_list), optional("mode", S("constant"), pad_mode),
       optional("value", None(), pad_value)});
  for (const char* s : {"torch.nn.functional.dropout1d", "torch.nn.functional.dropout2d",
                        "torch.nn.functional.dropout3d"})
    t.push_back(OpRow{s,
                      OpKind::Dropout,
                      0,
                      {optional("p", F(0.5), convert::dropout_rate), ignored("training", B(true)),
                       ignored("inplace", B(false))},
                      {{"spatial", true}}});
  return t;
}

}  // namespace nnport::frameworks::pytorch
