// Lowering of sliding-window ops (conv, max/avg pooling) to Keras layers. Keras pads only as
// 'valid' or 'same' (total = max((ceil(n/s)-1)*s + (k-1)*d + 1 - n, 0), before = total//2);
// any other zero padding becomes an explicit ZeroPadding layer (conventions row 2).
#include <optional>

#include "pivot/ops/catalog.h"
#include "pivot/ops/spatial.h"
#include "writers/keras/lowerer.h"

namespace nnport::writers::keras {
namespace {

// Keras 'same' (before, after) for one axis; nullopt when the input size is unknown and the
// amount depends on it (stride > 1).
std::optional<std::pair<int64_t, int64_t>> same_pads(int64_t n, int64_t k, int64_t s, int64_t d) {
  int64_t total = 0;
  if (n < 0) {
    if (s != 1) return std::nullopt;
    total = (k - 1) * d;
  } else {
    const int64_t out = (n + s - 1) / s;
    total = std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - n, 0);
  }
  return std::make_pair(total / 2, total - total / 2);
}

bool all_zero(const std::vector<int64_t>& values) {
  for (int64_t v : values)
    if (v != 0) return false;
  return true;
}

bool matches_same(const std::vector<int64_t>& pads, const std::vector<int64_t>& sizes,
                  const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride,
                  const std::vector<int64_t>& dilation) {
  for (size_t i = 0; i < kernel.size(); ++i) {
    auto same = same_pads(sizes[i], kernel[i], stride[i], dilation[i]);
    if (!same || same->first != pads[2 * i] || same->second != pads[2 * i + 1]) return false;
  }
  return true;
}

std::vector<int64_t> spatial_sizes(const pivot::TensorType& t, size_t rank) {
  std::vector<int64_t> sizes(rank, pivot::kUnknown);
  if (t.rank_known && t.rank() == rank + 2)
    for (size_t i = 0; i < rank; ++i) sizes[i] = t.shape[1 + i];
  return sizes;
}

}  // namespace

std::string Lowerer::zero_pad(const pivot::Node& node, const std::vector<int64_t>& pads,
                              size_t rank) {
  const std::string in = key(node.inputs[0]);
  if (all_zero(pads)) return in;
  Arg padding = kw("padding", ArgValue::pairs(pads));
  bool symmetric = true;
  for (size_t i = 0; i < rank; ++i) symmetric = symmetric && pads[2 * i] == pads[2 * i + 1];
  if (rank == 1) {
    padding.value = ArgValue::tuple({pads[0], pads[1]});
    padding.py_value = symmetric ? ArgValue::integer(pads[0]) : ArgValue::tuple({pads[0], pads[1]});
  } else if (symmetric) {
    std::vector<int64_t> per_axis;
    for (size_t i = 0; i < rank; ++i) per_axis.push_back(pads[2 * i]);
    bool uniform = true;
    for (int64_t p : per_axis) uniform = uniform && p == per_axis[0];
    padding.py_value = uniform ? ArgValue::integer(per_axis[0]) : ArgValue::tuple(per_axis);
  }
  padding.py_name.clear();  // layers.ZeroPadding2D(1)
  std::vector<Arg> args = {padding};
  if (rank > 1) args.push_back(json_only("data_format", ArgValue::string("channels_last")));
  const std::string out = key(node.outputs[0]) + "_pad";
  out_.name_hints[out] = out_.name_hints[key(node.outputs[0])] + "_padded";
  add_layer(node, cls("ZeroPadding{r}D", rank), std::move(args), {in}, out, "pad", "_pad");
  return out;
}

void Lowerer::lower_conv(const pivot::Node& node) {
  if (!pivot::spatial::channels_last(node))
    return no_mapping(node,
                      "conv is channels_first; the Keras writer expects a layout-planned graph");
  const size_t rank = pivot::spatial::spatial_rank(node);
  const auto kernel = pivot::attr_ints(node, "kernel_size");
  const auto stride = pivot::spatial::per_axis(node, "stride", 1);
  const auto dilation = pivot::spatial::per_axis(node, "dilation", 1);
  const auto pads = pivot::spatial::pads(node);
  const auto sizes = spatial_sizes(type(node.inputs[0]), rank);

  std::string input = key(node.inputs[0]);
  std::string padding = "valid";
  if (!all_zero(pads) && pivot::attr_string(node, "padding_mode") != "zeros") {
    input = conv_mode_pad(node, pads);  // reflect/replicate: an explicit pad, then 'valid'
    if (input.empty()) return;
  } else if (!all_zero(pads)) {
    if (matches_same(pads, sizes, kernel, stride, dilation))
      padding = "same";
    else
      input = zero_pad(node, pads, rank);
  }
  if (lower_depthwise_conv(node, input, padding)) return;
  const int64_t groups = pivot::attr_int(node, "groups");
  const bool bias = pivot::attr_bool(node, "bias");
  std::vector<Arg> args;
  Arg filters = kw("filters", ArgValue::integer(pivot::attr_int(node, "out_channels")));
  filters.py_name.clear();
  args.push_back(filters);
  args.push_back(int_or_tuple("kernel_size", kernel));
  args.push_back(int_or_tuple("strides", stride, !all_zero([&] {
                                auto v = stride;
                                for (auto& s : v) s -= 1;
                                return v;
                              }())));
  Arg pad_arg = kw("padding", ArgValue::string(padding));
  pad_arg.in_python = padding != "valid";
  args.push_back(pad_arg);
  args.push_back(json_only("data_format", ArgValue::string("channels_last")));
  args.push_back(int_or_tuple("dilation_rate", dilation, !all_zero([&] {
                                auto v = dilation;
                                for (auto& d : v) d -= 1;
                                return v;
                              }())));
  Arg groups_arg = kw("groups", ArgValue::integer(groups));
  groups_arg.in_python = groups != 1;
  args.push_back(groups_arg);
  args.push_back(json_only("activation", ArgValue::string("linear")));
  Arg bias_arg = kw("use_bias", ArgValue::boolean(bias));
  bias_arg.in_python = !bias;
  args.push_back(bias_arg);
  auto& record =
      add_layer(node, cls("Conv{r}D", rank), std::move(args), {input}, key(node.outputs[0]));
  add_vars(record, node);
}

void Lowerer::lower_pool(const pivot::Node& node) {
  if (!pivot::spatial::channels_last(node))
    return no_mapping(node,
                      "pooling is channels_first; the Keras writer expects a layout-planned graph");
  const bool is_max = node.kind == pivot::OpKind::MaxPool;
  const size_t rank = pivot::spatial::spatial_rank(node);
  const auto kernel = pivot::attr_ints(node, "kernel_size");
  const auto stride = pivot::spatial::pool_strides(node);
  const std::vector<int64_t> dilation(rank, 1);
  auto pads = pivot::spatial::pads(node);
  const auto sizes = spatial_sizes(type(node.inputs[0]), rank);
  const bool count_pad = !is_max && pivot::attr_bool(node, "count_include_pad");

  if (pivot::attr_bool(node, "ceil_mode")) {
    // ceil_mode adds windows that run past the end. When that adds no window the op equals
    // floor mode; for max pooling an added window ignores the cells past the end exactly as
    // if they were padding, so it is extra trailing padding.
    for (size_t i = 0; i < rank; ++i) {
      const int64_t n = sizes[i];
      if (n < 0) return no_mapping(node, "ceil_mode pooling over an axis of unknown size");
      using pivot::shape_rules::window_output;
      const int64_t floor_out =
          window_output(n, kernel[i], stride[i], 1, pads[2 * i], pads[2 * i + 1], false);
      const int64_t ceil_out =
          window_output(n, kernel[i], stride[i], 1, pads[2 * i], pads[2 * i + 1], true);
      if (ceil_out == floor_out) continue;
      if (!is_max)
        return no_mapping(node,
                          "avg_pool with ceil_mode=True adds partial windows whose divisor "
                          "Keras cannot reproduce");
      pads[2 * i + 1] +=
          (ceil_out - 1) * stride[i] + kernel[i] - (n + pads[2 * i] + pads[2 * i + 1]);
    }
  }

  std::string input = key(node.inputs[0]);
  std::string padding = "valid";
  if (!all_zero(pads)) {
    const bool same = matches_same(pads, sizes, kernel, stride, dilation);
    if (is_max && same)
      padding = "same";  // padded cells never win, in both frameworks
    else if (!is_max && !count_pad && same)
      padding = "same";  // both exclude padded cells
    else if (count_pad)
      input = zero_pad(node, pads, rank);  // padded zeros count: exact
    else
      return no_mapping(
          node, std::string(is_max ? "max_pool" : "avg_pool") + " padding " +
                    pivot::attr_to_string(pivot::AttrValue(pads)) +
                    " is neither Keras 'valid' nor 'same' and has no exact Keras construction");
  }
  std::vector<Arg> args;
  args.push_back(int_or_tuple("pool_size", kernel));
  args.push_back(int_or_tuple("strides", stride, stride != kernel));
  Arg pad_arg = kw("padding", ArgValue::string(padding));
  pad_arg.in_python = padding != "valid";
  args.push_back(pad_arg);
  args.push_back(json_only("data_format", ArgValue::string("channels_last")));
  add_layer(node, cls(is_max ? "MaxPooling{r}D" : "AveragePooling{r}D", rank), std::move(args),
            {input}, key(node.outputs[0]));
}

}  // namespace nnport::writers::keras
