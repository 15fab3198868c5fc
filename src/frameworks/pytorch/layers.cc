// torch.nn layer classes -> pivot ops: PyTorch constructor signatures, defaults, converters.
#include "frameworks/pytorch/rows.h"
#include "pivot/ops/catalog.h"

namespace nnport::frameworks::pytorch {

using namespace rows;
using pivot::OpKind;

namespace {

OpRow conv(std::string symbol, size_t rank) {
  return OpRow{std::move(symbol),
               OpKind::Conv,
               rank,
               {required("in_channels", convert::to_int, "in_channels"),
                required("out_channels", convert::to_int, "out_channels"),
                required("kernel_size", convert::to_ints_per_axis, "kernel_size"),
                optional("stride", I(1), convert::to_ints_per_axis, "stride"),
                optional("padding", I(0), convert::conv_padding),
                optional("dilation", I(1), convert::to_ints_per_axis, "dilation"),
                optional("groups", I(1), convert::to_int, "groups"),
                optional("bias", B(true), convert::to_bool, "bias"),
                optional("padding_mode", S("zeros"), convert::padding_mode), ignored("device"),
                ignored("dtype")},
               {{"data_format", std::string("channels_first")}}};
}

OpRow max_pool(std::string symbol, size_t rank) {
  return OpRow{std::move(symbol),
               OpKind::MaxPool,
               rank,
               {required("kernel_size", convert::to_ints_per_axis, "kernel_size"),
                optional("stride", None(), convert::pool_stride, "stride"),
                optional("padding", I(0), convert::pool_padding), default_only("dilation", I(1)),
                default_only("return_indices", B(false)),
                optional("ceil_mode", B(false), convert::to_bool, "ceil_mode")},
               {{"data_format", std::string("channels_first")}}};
}

OpRow avg_pool(std::string symbol, size_t rank) {
  OpRow row{std::move(symbol),
            OpKind::AvgPool,
            rank,
            {required("kernel_size", convert::to_ints_per_axis, "kernel_size"),
             optional("stride", None(), convert::pool_stride, "stride"),
             optional("padding", I(0), convert::pool_padding),
             optional("ceil_mode", B(false), convert::to_bool, "ceil_mode"),
             optional("count_include_pad", B(true), convert::to_bool, "count_include_pad")},
            {{"data_format", std::string("channels_first")}}};
  if (rank > 1) row.args.push_back(default_only("divisor_override", None()));
  return row;
}

// Adaptive pooling is a reduction over the spatial axes (channels-first input) when every
// output size is 1 or None; other sizes are expanded by the reader (adaptive_pool.cc).
OpRow adaptive(std::string symbol, OpKind kind, size_t rank, bool is_max) {
  std::vector<int64_t> axes;
  for (size_t i = 0; i < rank; ++i) axes.push_back(static_cast<int64_t>(i + 2));
  OpRow row{std::move(symbol),
            kind,
            rank,
            {required("output_size", convert::adaptive_output_size)},
            {{"axes", axes}, {"keepdims", true}}};
  if (is_max) row.args.push_back(default_only("return_indices", B(false)));
  return row;
}

OpRow batch_norm(std::string symbol) {
  return OpRow{std::move(symbol),
               OpKind::BatchNorm,
               0,
               {required("num_features", convert::to_int, "num_features"),
                optional("eps", F(1e-5), convert::to_float, "epsilon"),
                optional("momentum", F(0.1), convert::bn_momentum, "momentum"),
                optional("affine", B(true), convert::to_bool, "affine"),
                optional("track_running_stats", B(true), convert::to_bool, "track_running_stats"),
                ignored("device"), ignored("dtype")},
               {{"axis", int64_t{1}}}};
}

OpRow simple(std::string symbol, OpKind kind, std::vector<ArgRow> args = {}) {
  return OpRow{std::move(symbol), kind, 0, std::move(args), {}};
}

std::vector<OpRow> build() {
  std::vector<OpRow> t;
  t.push_back(simple(
      "torch.nn.Linear", OpKind::Linear,
      {required("in_features", convert::to_int, "in_features"),
       required("out_features", convert::to_int, "out_features"),
       optional("bias", B(true), convert::to_bool, "bias"), ignored("device"), ignored("dtype")}));
  t.push_back(conv("torch.nn.Conv1d", 1));
  t.push_back(conv("torch.nn.Conv2d", 2));
  t.push_back(conv("torch.nn.Conv3d", 3));
  t.push_back(max_pool("torch.nn.MaxPool3d", 3));
  t.push_back(avg_pool("torch.nn.AvgPool3d", 3));
  t.push_back(batch_norm("torch.nn.BatchNorm3d"));
  t.push_back(max_pool("torch.nn.MaxPool1d", 1));
  t.push_back(max_pool("torch.nn.MaxPool2d", 2));
  t.push_back(avg_pool("torch.nn.AvgPool1d", 1));
  t.push_back(avg_pool("torch.nn.AvgPool2d", 2));
  t.push_back(adaptive("torch.nn.AdaptiveAvgPool1d", OpKind::ReduceMean, 1, false));
  t.push_back(adaptive("torch.nn.AdaptiveAvgPool2d", OpKind::ReduceMean, 2, false));
  t.push_back(adaptive("torch.nn.AdaptiveMaxPool1d", OpKind::ReduceMax, 1, true));
  t.push_back(adaptive("torch.nn.AdaptiveMaxPool2d", OpKind::ReduceMax, 2, true));
  t.push_back(adaptive("torch.nn.AdaptiveAvgPool3d", OpKind::ReduceMean, 3, false));
  t.push_back(adaptive("torch.nn.AdaptiveMaxPool3d", OpKind::ReduceMax, 3, true));
  t.push_back(batch_norm("torch.nn.BatchNorm1d"));
  t.push_back(batch_norm("torch.nn.BatchNorm2d"));
  t.push_back(simple("torch.nn.Dropout", OpKind::Dropout,
                     {optional("p", F(0.5), convert::dropout_rate), ignored("inplace", B(false))}));
  t.push_back(simple("torch.nn.Flatten", OpKind::Flatten,
                     {optional("start_dim", I(1), convert::to_int, "start_dim"),
                      optional("end_dim", I(-1), convert::to_int, "end_dim")}));
  t.push_back(simple(
      "torch.nn.Embedding", OpKind::Embedding,
      {required("num_embeddings", convert::to_int, "num_embeddings"),
       required("embedding_dim", convert::to_int, "embedding_dim"),
       optional("padding_idx", None(), convert::padding_idx), default_only("max_norm", None()),
       ignored("norm_type", F(2.0)), ignored("scale_grad_by_freq", B(false)),
       ignored("sparse", B(false)), default_only("_weight", None()), ignored("_freeze", B(false)),
       ignored("device"), ignored("dtype")}));
  t.push_back(simple("torch.nn.ReLU", OpKind::Relu, {ignored("inplace", B(false))}));
  t.push_back(simple("torch.nn.LeakyReLU", OpKind::LeakyRelu,
                     {optional("negative_slope", F(0.01), convert::to_float, "negative_slope"),
                      ignored("inplace", B(false))}));
  t.push_back(simple("torch.nn.Sigmoid", OpKind::Sigmoid));
  t.push_back(simple("torch.nn.Tanh", OpKind::Tanh));
  t.push_back(
      simple("torch.nn.Softmax", OpKind::Softmax, {optional("dim", None(), convert::softmax_dim)}));
  t.push_back(simple("torch.nn.LogSoftmax", OpKind::LogSoftmax,
                     {optional("dim", None(), convert::softmax_dim)}));
  t.push_back(simple("torch.nn.GELU", OpKind::Gelu,
                     {optional("approximate", S("none"), convert::gelu_approximate)}));
  t.push_back(simple(
      "torch.nn.ELU", OpKind::Elu,
      {optional("alpha", F(1.0), convert::to_float, "alpha"), ignored("inplace", B(false))}));
  t.push_back(simple("torch.nn.SiLU", OpKind::Silu, {ignored("inplace", B(false))}));
  // Recurrent layers (rows built in recurrent_rows.cc).
  for (auto& row : recurrent_rows()) t.push_back(std::move(row));
  for (auto& row : layer_breadth_rows()) t.push_back(std::move(row));
  for (auto& row : block_shuffle_layer_rows()) t.push_back(std::move(row));
  OpRow identity = simple("torch.nn.Identity", OpKind::Identity);
  identity.any_args = true;
  t.push_back(std::move(identity));
  append_attention_layers(t);
  return t;
}

}  // namespace

const std::vector<OpRow>& layer_rows() {
  static const std::vector<OpRow> table = build();
  return table;
}

const OpRow* find_layer(std::string_view symbol) {
  for (const auto& row : layer_rows())
    if (row.symbol == symbol) return &row;
  return nullptr;
}

bool param_present(const pivot::Node& node, std::string_view role) {
  const auto& op = pivot::schema(node.kind);
  const pivot::ParamSpec* spec = op.find_param(role);
  if (spec == nullptr) return false;
  if (!spec->optional) return true;
  auto flag = [&](const char* name) {
    auto it = node.attrs.find(name);
    if (it != node.attrs.end())
      if (const bool* b = std::get_if<bool>(&it->second)) return *b;
    const auto* attr = op.find_attr(name);
    if (attr)
      if (const bool* b = std::get_if<bool>(&attr->default_value)) return *b;
    return true;
  };
  switch (node.kind) {
    case OpKind::Linear:
    case OpKind::Conv:
    case OpKind::ConvTranspose: return role != "bias" || flag("bias");
    case OpKind::GroupNorm: return flag("affine");
    case OpKind::Lstm:
    case OpKind::Gru:
    case OpKind::Rnn: return role.rfind("bias", 0) != 0 || flag("bias");
    case OpKind::LayerNorm: return flag("elementwise_affine") && (role != "bias" || flag("bias"));
    case OpKind::MultiHeadAttention: return !role.ends_with("bias") || flag("bias");
    case OpKind::BatchNorm:
      if (role == "weight" || role == "bias") return flag("affine");
      return flag("track_running_stats");
    default: return true;
  }
}

}  // namespace nnport::frameworks::pytorch
