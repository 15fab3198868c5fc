// torch.nn.functional / torch.* functions and Tensor methods whose arguments map onto the
// attributes of one pivot op. Arguments are listed after the input tensor. Tensor-shaped ops
// (view, permute, cat, reductions, ...) need the input's shape and live in the reader.
#include "frameworks/pytorch/rows.h"

namespace nnport::frameworks::pytorch {

using namespace rows;
using pivot::OpKind;

namespace {

void add(std::vector<OpRow>& t, std::initializer_list<const char*> symbols, OpKind kind,
         size_t rank, std::vector<ArgRow> args, pivot::Attrs fixed = {}) {
  for (const char* symbol : symbols) t.push_back(OpRow{symbol, kind, rank, args, fixed});
}

std::vector<ArgRow> max_pool_args() {
  return {required("kernel_size", convert::to_ints_per_axis, "kernel_size"),
          optional("stride", None(), convert::pool_stride, "stride"),
          optional("padding", I(0), convert::pool_padding),
          default_only("dilation", I(1)),
          optional("ceil_mode", B(false), convert::to_bool, "ceil_mode"),
          default_only("return_indices", B(false))};
}

std::vector<ArgRow> avg_pool_args(bool divisor) {
  std::vector<ArgRow> args = {
      required("kernel_size", convert::to_ints_per_axis, "kernel_size"),
      optional("stride", None(), convert::pool_stride, "stride"),
      optional("padding", I(0), convert::pool_padding),
      optional("ceil_mode", B(false), convert::to_bool, "ceil_mode"),
      optional("count_include_pad", B(true), convert::to_bool, "count_include_pad")};
  if (divisor) args.push_back(default_only("divisor_override", None()));
  return args;
}

std::vector<OpRow> build() {
  std::vector<OpRow> t;
  const pivot::Attrs cf = {{"data_format", std::string("channels_first")}};
  add(t,
      {"torch.nn.functional.relu", "torch.relu", "Tensor.relu", "torch.nn.functional.relu_",
       "torch.relu_", "Tensor.relu_"},
      OpKind::Relu, 0, {ignored("inplace", B(false))});
  add(t, {"torch.nn.functional.leaky_relu", "Tensor.leaky_relu"}, OpKind::LeakyRelu, 0,
      {optional("negative_slope", F(0.01), convert::to_float, "negative_slope"),
       ignored("inplace", B(false))});
  add(t, {"torch.sigmoid", "torch.nn.functional.sigmoid", "Tensor.sigmoid"}, OpKind::Sigmoid, 0,
      {});
  add(t, {"torch.tanh", "torch.nn.functional.tanh", "Tensor.tanh"}, OpKind::Tanh, 0, {});
  add(t, {"torch.nn.functional.softmax", "torch.softmax", "Tensor.softmax"}, OpKind::Softmax, 0,
      {optional("dim", None(), convert::softmax_dim), ignored("_stacklevel", I(3)),
       default_only("dtype", None())});
  add(t, {"torch.nn.functional.log_softmax", "torch.log_softmax", "Tensor.log_softmax"},
      OpKind::LogSoftmax, 0,
      {optional("dim", None(), convert::softmax_dim), ignored("_stacklevel", I(3)),
       default_only("dtype", None())});
  add(t, {"torch.nn.functional.gelu"}, OpKind::Gelu, 0,
      {optional("approximate", S("none"), convert::gelu_approximate)});
  add(t, {"torch.nn.functional.elu"}, OpKind::Elu, 0,
      {optional("alpha", F(1.0), convert::to_float, "alpha"), ignored("inplace", B(false))});
  add(t, {"torch.nn.functional.silu"}, OpKind::Silu, 0, {ignored("inplace", B(false))});
  // `training` only matters in training mode, which the pivot does not model.
  add(t, {"torch.nn.functional.dropout", "torch.dropout"}, OpKind::Dropout, 0,
      {optional("p", F(0.5), convert::dropout_rate), ignored("training", B(true)),
       ignored("inplace", B(false))});
  add(t, {"torch.nn.functional.max_pool1d", "torch.max_pool1d"}, OpKind::MaxPool, 1,
      max_pool_args(), cf);
  add(t, {"torch.nn.functional.max_pool2d", "torch.max_pool2d"}, OpKind::MaxPool, 2,
      max_pool_args(), cf);
  add(t, {"torch.nn.functional.avg_pool1d", "torch.avg_pool1d"}, OpKind::AvgPool, 1,
      avg_pool_args(false), cf);
  add(t, {"torch.nn.functional.avg_pool2d"}, OpKind::AvgPool, 2, avg_pool_args(true), cf);
  add(t, {"torch.nn.functional.max_pool3d", "torch.max_pool3d"}, OpKind::MaxPool, 3,
      max_pool_args(), cf);
  add(t, {"torch.nn.functional.avg_pool3d"}, OpKind::AvgPool, 3, avg_pool_args(true), cf);
  add(t, {"torch.nn.functional.adaptive_avg_pool1d", "torch.adaptive_avg_pool1d"},
      OpKind::ReduceMean, 1, {required("output_size", convert::adaptive_output_size)},
      {{"axes", std::vector<int64_t>{2}}, {"keepdims", true}});
  add(t, {"torch.nn.functional.adaptive_avg_pool2d"}, OpKind::ReduceMean, 2,
      {required("output_size", convert::adaptive_output_size)},
      {{"axes", std::vector<int64_t>{2, 3}}, {"keepdims", true}});
  add(t, {"torch.nn.functional.adaptive_max_pool1d"}, OpKind::ReduceMax, 1,
      {required("output_size", convert::adaptive_output_size),
       default_only("return_indices", B(false))},
      {{"axes", std::vector<int64_t>{2}}, {"keepdims", true}});
  add(t, {"torch.nn.functional.adaptive_max_pool2d"}, OpKind::ReduceMax, 2,
      {required("output_size", convert::adaptive_output_size),
       default_only("return_indices", B(false))},
      {{"axes", std::vector<int64_t>{2, 3}}, {"keepdims", true}});
  add(t, {"torch.nn.functional.adaptive_avg_pool3d"}, OpKind::ReduceMean, 3,
      {required("output_size", convert::adaptive_output_size)},
      {{"axes", std::vector<int64_t>{2, 3, 4}}, {"keepdims", true}});
  add(t, {"torch.nn.functional.adaptive_max_pool3d"}, OpKind::ReduceMax, 3,
      {required("output_size", convert::adaptive_output_size),
       default_only("return_indices", B(false))},
      {{"axes", std::vector<int64_t>{2, 3, 4}}, {"keepdims", true}});
  for (auto& row : function_breadth_rows()) t.push_back(std::move(row));
  for (auto& row : block_shuffle_function_rows()) t.push_back(std::move(row));
  return t;
}

}  // namespace

const std::vector<OpRow>& function_rows() {
  static const std::vector<OpRow> table = build();
  return table;
}

const OpRow* find_function(std::string_view symbol) {
  for (const auto& row : function_rows())
    if (row.symbol == symbol) return &row;
  return nullptr;
}

}  // namespace nnport::frameworks::pytorch
