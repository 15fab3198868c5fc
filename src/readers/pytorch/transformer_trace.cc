// forward() of nn.TransformerEncoder / nn.TransformerEncoderLayer, expanded into the exact PyTorch
// computation over the composite's submodules (transformer_modules.cc):
//   post-norm: x = norm1(x + dropout1(sa(x)));  x = norm2(x + dropout2(ff(x)))
//   pre-norm:  x = x + dropout1(sa(norm1(x)));  x = x + dropout2(ff(norm2(x)))
// with sa(x) = self_attn(x, x, x)[0] and ff(x) = linear2(dropout(activation(linear1(x)))).
// Sequence-first (batch_first=False) inputs are transposed to batch-first once for the whole
// stack and back at the end.
#include "pivot/ops/catalog.h"
#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

using pivot::OpKind;

namespace {

const InstancePtr& child(const Instance& m, const std::string& name) {
  for (const auto& [key, c] : m.children)
    if (key == name) return c;
  static const InstancePtr kNone;
  return kNone;
}

// forward(src, mask / src_mask, src_key_padding_mask, is_causal): masks must be None.
bool is_none(const TValue* v) {
  return v == nullptr || (v->kind == TValue::Kind::Const && v->constant.is_none());
}

}  // namespace

pivot::ValueId Tracer::trace_encoder_layer(const InstancePtr& layer, pivot::ValueId x, Node call) {
  const bool norm_first = std::get<bool>(layer->attrs.at("norm_first"));
  const std::string activation = std::get<std::string>(layer->attrs.at("activation"));
  auto run = [&](const char* name, pivot::ValueId in) { return apply_layer(child(*layer, name), in, call).tensor; };
  auto self_attention = [&](pivot::ValueId in) {
    CallArgs qkv;
    for (int i = 0; i < 3; ++i) {
      qkv.positional.push_back(TValue::of_tensor(in));
      qkv.positional_nodes.push_back(call);
    }
    TValue out = trace_attention(child(*layer, "self_attn"), qkv, call);
    auto t = as_tensor(out.kind == TValue::Kind::Tuple ? out.items[0] : out, call);
    return run("dropout1", t ? *t : in);
  };
  auto feed_forward = [&](pivot::ValueId in) {
    pivot::ValueId h = run("linear1", in);
    const std::string name = layer->path.empty() ? "activation" : layer->path + ".activation";
    if (activation == "gelu")
      h = add_node(OpKind::Gelu, name, {}, {h}, {{"approximate", std::string("none")}}, call).tensor;
    else
      h = add_node(OpKind::Relu, name, {}, {h}, {}, call).tensor;
    h = run("dropout", h);
    return run("dropout2", run("linear2", h));
  };
  auto add = [&](pivot::ValueId a, pivot::ValueId b) {
    return binary(OpKind::Add, TValue::of_tensor(a), TValue::of_tensor(b), call).tensor;
  };
  if (norm_first) {
    x = add(x, self_attention(run("norm1", x)));
    return add(x, feed_forward(run("norm2", x)));
  }
  x = run("norm1", add(x, self_attention(x)));
  return run("norm2", add(x, feed_forward(x)));
}

TValue Tracer::trace_transformer(const InstancePtr& module, const CallArgs& args, Node call) {
  const bool is_encoder = module->composite == "TransformerEncoder";
  const std::string what = is_encoder ? "nn.TransformerEncoder" : "nn.TransformerEncoderLayer";
  const char* names[] = {"src", is_encoder ? "mask" : "src_mask", "src_key_padding_mask", "is_causal"};
  for (const auto& [name, value] : args.keywords) {
    bool known = false;
    for (const char* n : names) known = known || name == n;
    if (!known) {
      diags_.error(Code::UnsupportedArgument, call.location()) << what << " has no argument '" << name << "'";
      return TValue::invalid();
    }
  }
  const TValue* src = args.get(0, "src");
  if (src == nullptr || args.positional.size() > 4) {
    diags_.error(Code::UnsupportedSyntax, call.location()) << what << " needs one input tensor";
    return TValue::invalid();
  }
  auto x = as_tensor(*src, call);
  if (!x) return TValue::invalid();
  for (size_t i = 1; i < 3; ++i)
    if (!is_none(args.get(i, names[i])))
      return unsupported(call, Code::UnsupportedArgument,
                         what + " " + names[i] + " is not migrated (only None is); pass it as a Keras "
                         "attention_mask by hand",
                         {*x});
  if (const TValue* causal = args.get(3, "is_causal");
      causal && !(causal->kind == TValue::Kind::Const && !causal->constant.truthy()))
    return unsupported(call, Code::UnsupportedArgument, what + " is_causal is not migrated", {*x});
  std::vector<InstancePtr> layers;
  if (is_encoder) {
    for (const auto& [key, layer] : child(*module, "layers")->children) layers.push_back(layer);
  } else {
    layers.push_back(module);
  }
  const bool batch_first = std::get<bool>(layers.front()->attrs.at("batch_first"));
  if (!need_rank(*x, call)) return TValue::invalid();
  if (type_of(*x).rank() != 3)
    return unsupported(call, Code::ShapeMismatch,
                       what + " input must be 3-D (" + (batch_first ? "N, T, E" : "T, N, E") + ")", {*x});
  const std::vector<int64_t> swap = {1, 0, 2};
  pivot::ValueId h = *x;
  if (!batch_first) h = add_node(OpKind::Transpose, "transpose", {}, {h}, {{"perm", swap}}, call).tensor;
  for (const auto& layer : layers) h = trace_encoder_layer(layer, h, call);
  if (is_encoder)
    if (const InstancePtr& norm = child(*module, "norm")) h = apply_layer(norm, h, call).tensor;
  if (!batch_first) h = add_node(OpKind::Transpose, "transpose", {}, {h}, {{"perm", swap}}, call).tensor;
  return TValue::of_tensor(h);
}

}  // namespace nnport::readers::pytorch
