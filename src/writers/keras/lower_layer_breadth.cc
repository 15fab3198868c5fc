// Lowering of the wider layer set to Keras: depthwise convolutions, mode padding before a
// convolution (reflect/replicate), transposed convolutions (+ Cropping), GroupNormalization,
// UpSampling, explicit pads, PReLU and the extra activations. Every PyTorch default that
// differs from Keras' is written explicitly.
#include <cmath>

#include "frameworks/keras/layer_table.h"
#include "pivot/ops/catalog.h"
#include "pivot/ops/spatial.h"
#include "writers/keras/lowerer.h"
#include "writers/keras/python_literal.h"

namespace nnport::writers::keras {

namespace fk = nnport::frameworks::keras;
using pivot::OpKind;

namespace {

bool all_equal_to(const std::vector<int64_t>& values, int64_t v) {
  for (int64_t x : values)
    if (x != v) return false;
  return true;
}

// Channels-last spatial axes: the pivot pads [b0, a0, b1, a1, ...] over spatial axes become
// pairs over every axis of an (N, *spatial, C) tensor.
std::vector<int64_t> full_rank_pads(const std::vector<int64_t>& spatial_pads) {
  std::vector<int64_t> out = {0, 0};
  out.insert(out.end(), spatial_pads.begin(), spatial_pads.end());
  out.push_back(0);
  out.push_back(0);
  return out;
}

}  // namespace

std::string Lowerer::mode_pad(const pivot::Node& node, const std::string& input,
                              const std::vector<int64_t>& pads, const std::string& mode,
                              double value, const std::string& output) {
  // PyTorch 'replicate' repeats the edge (NumPy 'edge'), which the TensorFlow backend of
  // keras.ops.pad and tf.pad lack; with one cell per side it equals 'symmetric'.
  std::string keras_mode = mode;
  if (mode == "replicate") {
    for (int64_t p : pads)
      if (p > 1) {
        no_mapping(
            node,
            "padding_mode/mode 'replicate' pads more than one cell; keras.ops.pad and tf.pad "
            "have no 'edge' mode on TensorFlow (one cell equals 'symmetric')");
        return {};
      }
    keras_mode = "symmetric";
  } else if (mode == "circular") {
    no_mapping(
        node, "circular padding ('wrap') is not supported by keras.ops.pad / tf.pad on TensorFlow");
    return {};
  }
  OpCall op;
  op.py_function = tf_keras_ ? "tf.pad" : "keras.ops.pad";
  op.tf_function = "pad";
  Arg width{tf_keras_ ? "paddings" : "pad_width", "paddings", ArgValue::pairs(pads), true, {}, {}};
  op.kwargs.push_back(width);
  std::string upper = keras_mode;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Arg m{"mode",
        "mode",
        ArgValue::string(tf_keras_ ? upper : keras_mode),
        true,
        ArgValue::string(upper),
        {}};
  op.kwargs.push_back(m);
  if (keras_mode == "constant" && value != 0.0)
    op.kwargs.push_back(kw("constant_values", ArgValue::real(value)));
  add_op(node, std::move(op), {input}, output);
  return output;
}

void Lowerer::lower_pad(const pivot::Node& node) {
  const auto& t = type(node.inputs[0]);
  const auto& pads = pivot::attr_ints(node, "pads");
  if (!t.rank_known) return no_mapping(node, "pad of an input of unknown rank");
  std::vector<int64_t> full(2 * t.rank() - pads.size(), 0);
  full.insert(full.end(), pads.begin(), pads.end());
  if (full[0] != 0 || full[1] != 0) return no_mapping(node, "padding the batch axis");
  mode_pad(node, key(node.inputs[0]), full, pivot::attr_string(node, "mode"),
           pivot::attr_float(node, "value"), key(node.outputs[0]));
}

std::string Lowerer::conv_mode_pad(const pivot::Node& node, const std::vector<int64_t>& pads) {
  const std::string out = key(node.outputs[0]) + "_pad";
  out_.name_hints[out] = out_.name_hints[key(node.outputs[0])] + "_padded";
  return mode_pad(node, key(node.inputs[0]), full_rank_pads(pads),
                  pivot::attr_string(node, "padding_mode"), 0.0, out);
}

bool Lowerer::lower_depthwise_conv(const pivot::Node& node, const std::string& input,
                                   const std::string& padding) {
  // PyTorch depthwise: groups == in_channels, out = in * k, output channel i * k + m reads input
  // channel i; Keras DepthwiseConv2D(depth_multiplier=k) orders its outputs the same way, with
  // kernel (kh, kw, in, k): the canonical (in*k, 1, kh, kw) permuted to (kh, kw, 1, in*k) and
  // reshaped row-major.
  const size_t rank = pivot::spatial::spatial_rank(node);
  const int64_t in = pivot::attr_int(node, "in_channels");
  const int64_t out = pivot::attr_int(node, "out_channels");
  if (rank != 2 || pivot::attr_int(node, "groups") != in || in == 1 || out % in != 0) return false;
  const auto kernel = pivot::attr_ints(node, "kernel_size");
  const auto stride = pivot::spatial::per_axis(node, "stride", 1);
  const auto dilation = pivot::spatial::per_axis(node, "dilation", 1);
  const bool bias = pivot::attr_bool(node, "bias");
  std::vector<Arg> args;
  Arg ks = int_or_tuple("kernel_size", kernel);
  ks.py_name.clear();
  args.push_back(ks);
  args.push_back(int_or_tuple("strides", stride, !all_equal_to(stride, 1)));
  Arg pad_arg = kw("padding", ArgValue::string(padding));
  pad_arg.in_python = padding != "valid";
  args.push_back(pad_arg);
  Arg mult = kw("depth_multiplier", ArgValue::integer(out / in));
  mult.in_python = out != in;
  args.push_back(mult);
  args.push_back(json_only("data_format", ArgValue::string("channels_last")));
  args.push_back(int_or_tuple("dilation_rate", dilation, !all_equal_to(dilation, 1)));
  args.push_back(json_only("activation", ArgValue::string("linear")));
  Arg bias_arg = kw("use_bias", ArgValue::boolean(bias));
  bias_arg.in_python = !bias;
  args.push_back(bias_arg);
  auto& record = add_layer(node, "DepthwiseConv2D", std::move(args), {input}, key(node.outputs[0]));
  if (record.owner >= 0) return true;
  for (const auto& [role, variable] :
       {std::pair<std::string, std::string>{"weight", "depthwise_kernel"}, {"bias", "bias"}}) {
    auto it = node.params.find(role);
    if (it == node.params.end()) continue;
    WeightVar var;
    var.variable = variable;
    var.param = it->second;
    if (role == "weight") {
      var.perm = fk::permutation(fk::VarPerm::ConvKernel, 2 + rank);
      var.shape = {kernel[0], kernel[1], in, out / in};
    }
    record.vars.push_back(var);
  }
  return true;
}

void Lowerer::lower_conv_transpose(const pivot::Node& node) {
  if (!pivot::spatial::channels_last(node))
    return no_mapping(
        node, "conv_transpose is channels_first; the Keras writer expects a layout-planned graph");
  const size_t rank = pivot::spatial::spatial_rank(node);
  if (pivot::attr_int(node, "groups") != 1)
    return no_mapping(node, "grouped transposed convolution has no Keras layer");
  const auto kernel = pivot::attr_ints(node, "kernel_size");
  const auto stride = pivot::spatial::per_axis(node, "stride", 1);
  const auto dilation = pivot::spatial::per_axis(node, "dilation", 1);
  const auto extra = pivot::spatial::per_axis(node, "output_padding", 0);
  const auto crop = pivot::spatial::pads(node);
  const bool bias = pivot::attr_bool(node, "bias");
  // Keras 'valid' without output_padding yields n * s + max(k - s, 0); PyTorch's uncropped
  // length is (n - 1) * s + d * (k - 1) + 1 + output_padding. Keras with an explicit
  // output_padding yields (n - 1) * s + d * (k - 1) + 1 + output_padding: write it whenever
  // the two differ.
  bool need_output_padding = false;
  for (size_t i = 0; i < rank; ++i)
    need_output_padding =
        need_output_padding || extra[i] != 0 || dilation[i] * (kernel[i] - 1) + 1 < stride[i];
  std::vector<Arg> args;
  Arg filters = kw("filters", ArgValue::integer(pivot::attr_int(node, "out_channels")));
  filters.py_name.clear();
  args.push_back(filters);
  args.push_back(int_or_tuple("kernel_size", kernel));
  args.push_back(int_or_tuple("strides", stride, !all_equal_to(stride, 1)));
  Arg pad_arg = kw("padding", ArgValue::string("valid"));
  args.push_back(pad_arg);
  if (need_output_padding)
    args.push_back(int_or_tuple("output_padding", extra));
  else
    args.push_back(json_only("output_padding", ArgValue::none()));
  args.push_back(json_only("data_format", ArgValue::string("channels_last")));
  args.push_back(int_or_tuple("dilation_rate", dilation, !all_equal_to(dilation, 1)));
  args.push_back(json_only("activation", ArgValue::string("linear")));
  Arg bias_arg = kw("use_bias", ArgValue::boolean(bias));
  bias_arg.in_python = !bias;
  args.push_back(bias_arg);
  const bool cropped = !all_equal_to(crop, 0);
  std::string out = key(node.outputs[0]);
  if (cropped) {
    out += "_full";
    out_.name_hints[out] = out_.name_hints[key(node.outputs[0])] + "_uncropped";
  }
  auto& record =
      add_layer(node, cls("Conv{r}DTranspose", rank), std::move(args), {key(node.inputs[0])}, out);
  add_vars(record, node);
  if (!cropped) return;
  // PyTorch `padding` crops that many cells from both ends of every spatial axis.
  Arg cropping = kw("cropping", ArgValue::pairs(crop));
  if (rank == 1) cropping.value = ArgValue::tuple({crop[0], crop[1]});
  cropping.py_name.clear();
  std::vector<Arg> crop_args = {cropping};
  if (rank > 1) crop_args.push_back(json_only("data_format", ArgValue::string("channels_last")));
  add_layer(node, cls("Cropping{r}D", rank), std::move(crop_args), {out}, key(node.outputs[0]),
            "crop", "_crop");
}

void Lowerer::lower_group_norm(const pivot::Node& node) {
  const auto& t = type(node.inputs[0]);
  int64_t axis = pivot::attr_int(node, "axis");
  if (t.rank_known)
    if (auto a = pivot::normalize_axis(axis, t.rank()))
      axis = *a + 1 == t.rank() ? -1 : static_cast<int64_t>(*a);
  const bool affine = pivot::attr_bool(node, "affine");
  std::vector<Arg> args = {kw("groups", ArgValue::integer(pivot::attr_int(node, "num_groups"))),
                           kw("axis", ArgValue::integer(axis)),
                           kw("epsilon", ArgValue::real(pivot::attr_float(node, "epsilon")))};
  append_center_scale(args, affine, affine);
  auto& record = add_layer(node, "GroupNormalization", std::move(args), {key(node.inputs[0])},
                           key(node.outputs[0]));
  add_vars(record, node);
}

void Lowerer::lower_resize(const pivot::Node& node) {
  if (!pivot::spatial::channels_last(node))
    return no_mapping(node,
                      "resize is channels_first; the Keras writer expects a layout-planned graph");
  const auto& t = type(node.inputs[0]);
  if (!t.rank_known) return no_mapping(node, "upsampling of an input of unknown rank");
  const size_t rank = t.rank() - 2;
  auto scale = pivot::attr_ints(node, "scale");
  if (scale.size() == 1) scale.assign(rank, scale[0]);
  const std::string& mode = pivot::attr_string(node, "mode");
  if (mode == "bilinear" && rank != 2)
    return no_mapping(node, "bilinear upsampling needs 2 spatial axes");
  std::vector<Arg> args;
  Arg size = rank == 1 ? kw("size", ArgValue::integer(scale[0])) : int_or_tuple("size", scale);
  size.py_name.clear();
  args.push_back(size);
  if (rank > 1) args.push_back(json_only("data_format", ArgValue::string("channels_last")));
  if (rank == 2) {
    // Keras' and PyTorch's bilinear (align_corners=False) both use half-pixel centres.
    Arg interp = kw("interpolation", ArgValue::string(mode));
    interp.in_python = mode != "nearest";
    args.push_back(interp);
  }
  add_layer(node, cls("UpSampling{r}D", rank), std::move(args), {key(node.inputs[0])},
            key(node.outputs[0]));
}

void Lowerer::lower_prelu(const pivot::Node& node) {
  const auto& t = type(node.inputs[0]);
  if (!t.rank_known) return no_mapping(node, "PReLU of an input of unknown rank");
  const int64_t count = pivot::attr_int(node, "num_parameters");
  std::optional<size_t> channel;
  if (count != 1) {
    channel = pivot::normalize_axis(pivot::attr_int(node, "axis"), t.rank());
    if (!channel || *channel == 0) return no_mapping(node, "PReLU channel axis out of range");
  }
  // Keras' alpha has the input's shape without the batch, 1 on the shared axes.
  std::vector<int64_t> shared, alpha_shape;
  for (size_t a = 1; a < t.rank(); ++a) {
    const bool own = channel && *channel == a;
    if (!own) shared.push_back(static_cast<int64_t>(a));
    alpha_shape.push_back(own ? count : 1);
  }
  std::vector<Arg> args;
  Arg shared_arg = kw("shared_axes", shared.empty() ? ArgValue::none() : ArgValue::list(shared));
  shared_arg.in_python = !shared.empty();
  args.push_back(shared_arg);
  auto& record =
      add_layer(node, "PReLU", std::move(args), {key(node.inputs[0])}, key(node.outputs[0]));
  if (record.owner >= 0) return;
  auto it = node.params.find("weight");
  if (it == node.params.end()) return;
  WeightVar var;
  var.variable = "alpha";
  var.param = it->second;
  var.shape = alpha_shape;
  record.vars.push_back(var);
}

void Lowerer::lower_pointwise_activation(const pivot::Node& node) {
  const std::string in = key(node.inputs[0]);
  const std::string out = key(node.outputs[0]);
  auto activation = [&](const std::string& name, const std::string& input,
                        const std::string& output, const std::string& role) -> LayerRecord& {
    Arg arg = kw("activation", ArgValue::string(name));
    arg.py_name.clear();
    auto& record =
        add_layer(node, "Activation", {arg}, {input}, output, role, role.empty() ? "" : "_" + role);
    if (role.empty()) record.fuse_py = record.fuse_json = name;
    return record;
  };
  auto scalar_op = [&](const char* py_operator, const char* tf_function, double c,
                       const std::string& input, const std::string& output) {
    OpCall op;
    op.py_operator = py_operator;
    op.tf_function = tf_function;
    op.scalar = c;
    op.kwargs.push_back(json_only("name", ArgValue::none()));
    add_op(node, std::move(op), {input}, output);
  };
  auto relu6 = [&](const std::string& input, const std::string& output,
                   const std::string& role) -> LayerRecord& {
    Arg max_value = kw("max_value", ArgValue::real(6.0));
    return add_layer(node, "ReLU",
                     {max_value, json_only("negative_slope", ArgValue::real(0.0)),
                      json_only("threshold", ArgValue::real(0.0))},
                     {input}, output, role, role.empty() ? "" : "_" + role);
  };
  auto temp = [&](const std::string& suffix) {
    const std::string k = out + "_" + suffix;
    out_.name_hints[k] = out_.name_hints[out] + "_" + suffix;
    return k;
  };
  switch (node.kind) {
    case OpKind::Relu6: {
      auto& record = relu6(in, out, "");
      record.fuse_py = record.fuse_json = "relu6";
      return;
    }
    case OpKind::Clip: {
      // Keras' only clipping layer is ReLU(max_value=m): clip(x, 0, m).
      if (pivot::attr_float(node, "min_value") != 0.0)
        return no_mapping(node, "clip with a lower bound other than 0 has no Keras layer");
      add_layer(node, "ReLU",
                {kw("max_value", ArgValue::real(pivot::attr_float(node, "max_value"))),
                 json_only("negative_slope", ArgValue::real(0.0)),
                 json_only("threshold", ArgValue::real(0.0))},
                {in}, out);
      return;
    }
    case OpKind::Selu: activation("selu", in, out, ""); return;
    case OpKind::Mish: activation("mish", in, out, ""); return;
    case OpKind::Softsign: activation("softsign", in, out, ""); return;
    case OpKind::Softplus: {
      const double beta = pivot::attr_float(node, "beta");
      const double threshold = pivot::attr_float(node, "threshold");
      // Above the threshold PyTorch returns x; softplus differs from x by log1p(exp(-z)) / beta.
      if (threshold < 16.0)
        return no_mapping(node, "softplus threshold " + python_float(threshold) +
                                    " changes results visibly; Keras softplus has no threshold");
      if (beta == 1.0) {
        activation("softplus", in, out, "");
        return;
      }
      // softplus(beta * x) / beta, written out.
      const std::string scaled = temp("scaled");
      const std::string soft = temp("softplus");
      scalar_op("*", "math.multiply", beta, in, scaled);
      activation("softplus", scaled, soft, "softplus");
      scalar_op("/", "math.truediv", beta, soft, out);
      return;
    }
    case OpKind::Hardsigmoid:
    case OpKind::Hardswish: {
      // relu6(x + 3) / 6, written out: Keras 3's hard_sigmoid matches PyTorch but tf.keras
      // <= 2.15's is clip(0.2x + 0.5) and the JSON config is read with tf.keras semantics, so
      // the formula is the one spelling that is exact everywhere (conventions row 18).
      const std::string shifted = temp("shifted");
      const std::string clipped = temp("relu6");
      scalar_op("+", "__operators__.add", 3.0, in, shifted);
      relu6(shifted, clipped, "relu6");
      if (node.kind == OpKind::Hardsigmoid) {
        scalar_op("/", "math.truediv", 6.0, clipped, out);
        return;
      }
      const std::string gate = temp("gate");
      scalar_op("/", "math.truediv", 6.0, clipped, gate);
      add_layer(node, "Multiply", {}, {in, gate}, out, "mul", "_mul");
      return;
    }
    default: break;
  }
  no_mapping(node, "no Keras mapping for op '" + std::string(pivot::op_name(node.kind)) + "'");
}

}  // namespace nnport::writers::keras
