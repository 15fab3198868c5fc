// torch.nn attention-family layer rows (LayerNorm, MultiheadAttention) and their converters.
// The reader traces MultiheadAttention calls itself (readers/pytorch/attention_trace.cc): the
// row only binds the constructor.
#include "frameworks/pytorch/rows.h"
#include "pivot/ops/catalog.h"

namespace nnport::frameworks::pytorch {

using namespace rows;
using pivot::OpKind;

namespace convert {

std::string trailing_shape(const ArgContext& ctx, pivot::Attrs& attrs) {
  std::vector<int64_t> shape;
  if (ctx.value.is_int())
    shape.push_back(ctx.value.i);
  else if (ctx.value.is_sequence())
    for (const auto& item : ctx.value.items) {
      if (!item.is_int())
        return "argument '" + std::string(ctx.name) + "' must be an int or a tuple of ints";
      shape.push_back(item.i);
    }
  else
    return "argument '" + std::string(ctx.name) + "' must be an int or a tuple of ints";
  attrs[std::string(ctx.attr)] = shape;
  return {};
}

// kdim / vdim: None means embed_dim.
std::string width_or_embed_dim(const ArgContext& ctx, pivot::Attrs& attrs) {
  const Constant* value = &ctx.value;
  if (value->is_none()) {
    auto it = ctx.args.find("embed_dim");
    if (it == ctx.args.end()) return "embed_dim is missing";
    value = &it->second;
  }
  if (!value->is_int()) return "argument '" + std::string(ctx.name) + "' must be an int or None";
  attrs[std::string(ctx.attr)] = value->i;
  return {};
}

}  // namespace convert

void append_attention_layers(std::vector<OpRow>& t) {
  t.push_back(OpRow{
      "torch.nn.LayerNorm",
      OpKind::LayerNorm,
      0,
      {required("normalized_shape", convert::trailing_shape, "normalized_shape"),
       optional("eps", F(1e-5), convert::to_float, "epsilon"),
       optional("elementwise_affine", B(true), convert::to_bool, "elementwise_affine"),
       optional("bias", B(true), convert::to_bool, "bias"), ignored("device"), ignored("dtype")},
      {}});
  // batch_first is read by the tracer (it transposes (T, N, E) inputs) and is not an attribute.
  t.push_back(OpRow{"torch.nn.MultiheadAttention",
                    OpKind::MultiHeadAttention,
                    0,
                    {required("embed_dim", convert::to_int, "embed_dim"),
                     required("num_heads", convert::to_int, "num_heads"),
                     optional("dropout", F(0.0), convert::to_float, "dropout"),
                     optional("bias", B(true), convert::to_bool, "bias"),
                     default_only("add_bias_kv", B(false)), default_only("add_zero_attn", B(false)),
                     optional("kdim", None(), convert::width_or_embed_dim, "kdim"),
                     optional("vdim", None(), convert::width_or_embed_dim, "vdim"),
                     optional("batch_first", B(false), convert::to_bool, "batch_first"),
                     ignored("device"), ignored("dtype")},
                    {}});
}

}  // namespace nnport::frameworks::pytorch
