// Keras rows for transposed convolutions, GroupNormalization, UpSampling, explicit pads, PReLU
// and the extra activations (see layer_table.h for the columns).
#include "frameworks/keras/layer_table.h"

namespace nnport::frameworks::keras {

using pivot::OpKind;

std::vector<LayerRow> layer_breadth_rows() {
  std::vector<LayerRow> rows;
  // Conv{r}DTranspose kernels are (*k, filters, in): the ConvKernel permutation of the
  // canonical (in, out, *k).
  rows.push_back(
      {OpKind::ConvTranspose,
       "Conv{r}DTranspose",
       "Conv{r}DTranspose",
       {{"out_channels", "filters", "filters", "filters", "positional"},
        {"kernel_size", "kernel_size", "kernel_size", "kernel_size", ""},
        {"stride", "strides", "strides", "strides", "omitted when all 1"},
        {"pads", "", "", "", "padding='valid' then Cropping{r}D(pads) (conventions row 4)"},
        {"output_padding", "output_padding", "output_padding", "output_padding",
         "written when non-zero or when k < stride"},
        {"dilation", "dilation_rate", "dilation_rate", "dilation_rate", "omitted when all 1"},
        {"bias", "use_bias", "use_bias", "use_bias", "written only when False"}},
       {{"weight", "kernel", VarPerm::ConvKernel}, {"bias", "bias", VarPerm::Identity}},
       "groups > 1: TODO (no Keras layer)"});
  rows.push_back(
      {OpKind::GroupNorm,
       "GroupNormalization",
       "GroupNormalization",
       {{"num_groups", "groups", "groups", "groups", ""},
        {"axis", "axis", "axis", "axis", "always written; -1 for the last axis"},
        {"epsilon", "epsilon", "epsilon", "epsilon", "always written (Keras default 1e-3)"},
        {"affine", "center", "center", "center", "written only when False"},
        {"affine", "scale", "scale", "scale", "written only when False"}},
       {{"weight", "gamma", VarPerm::Identity}, {"bias", "beta", VarPerm::Identity}},
       "tf.keras >= 2.11; InstanceNorm = groups == channels"});
  rows.push_back(
      {OpKind::Resize,
       "UpSampling{r}D",
       "UpSampling{r}D",
       {{"scale", "size", "size", "size", "positional"},
        {"mode", "interpolation", "interpolation", "interpolation", "2-D only; 'nearest' omitted"}},
       {},
       "half-pixel bilinear in both frameworks (align_corners=False)"});
  rows.push_back(
      {OpKind::Pad,
       "",
       "",
       {{"pads", "pad_width", "paddings", "paddings", "pairs over every axis"},
        {"mode", "mode", "mode", "mode",
         "reflect -> 'reflect' / 'REFLECT'; replicate (1 cell) -> 'symmetric'; circular: TODO"},
        {"value", "constant_values", "constant_values", "constant_values",
         "written when non-zero"}},
       {},
       "keras.ops.pad / tf.pad (TFOpLambda pad)"});
  rows.push_back({OpKind::PRelu,
                  "PReLU",
                  "PReLU",
                  {{"axis", "shared_axes", "shared_axes", "shared_axes",
                    "every non-batch axis but the channel one"}},
                  {{"weight", "alpha", VarPerm::Identity}},
                  "alpha reshaped to the input shape without batch, 1 on shared axes"});
  rows.push_back(
      {OpKind::Relu6, "ReLU", "ReLU", {}, {}, "ReLU(max_value=6.0); fused as activation='relu6'"});
  rows.push_back({OpKind::Clip,
                  "ReLU",
                  "ReLU",
                  {{"max_value", "max_value", "max_value", "max_value", "min_value must be 0"}},
                  {},
                  "ReLU(max_value=m) = clip(x, 0, m); other lower bounds: TODO"});
  rows.push_back(
      {OpKind::Hardsigmoid,
       "ReLU",
       "ReLU",
       {},
       {},
       "x + 3.0 -> ReLU(max_value=6.0) -> / 6.0: tf.keras' hard_sigmoid is 0.2x + 0.5 (row 18)"});
  rows.push_back(
      {OpKind::Hardswish, "ReLU", "ReLU", {}, {}, "x * (relu6(x + 3.0) / 6.0), written out"});
  rows.push_back({OpKind::Mish, "Activation", "Activation", {}, {}, "Activation(\"mish\")"});
  rows.push_back({OpKind::Selu, "Activation", "Activation", {}, {}, "Activation(\"selu\")"});
  rows.push_back(
      {OpKind::Softplus,
       "Activation",
       "Activation",
       {{"beta", "", "", "", "1 -> Activation(\"softplus\"); else softplus(beta * x) / beta"},
        {"threshold", "", "", "", ">= 16: below float32 resolution; else TODO"}},
       {},
       ""});
  rows.push_back(
      {OpKind::Softsign, "Activation", "Activation", {}, {}, "Activation(\"softsign\")"});
  return rows;
}

}  // namespace nnport::frameworks::keras
