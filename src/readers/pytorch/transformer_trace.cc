// forward() of nn.TransformerEncoder(Layer) / nn.TransformerDecoder(Layer), expanded into the
// exact PyTorch computation over the composite's submodules (transformer_modules.cc):
//   encoder, post-norm: x = norm1(x + dropout1(sa(x)));  x = norm2(x + dropout2(ff(x)))
//   encoder, pre-norm:  x = x + dropout1(sa(norm1(x)));  x = x + dropout2(ff(norm2(x)))
//   decoder, post-norm: x = norm1(x + dropout1(sa(x)));  x = norm2(x + dropout2(ca(x, memory)));
//                       x = norm3(x + dropout3(ff(x)))
//   decoder, pre-norm:  the same blocks as x = x + block(norm_k(x))
// with sa(x) = self_attn(x, x, x)[0], ca(x, m) = multihead_attn(x, m, m)[0] and
// ff(x) = linear2(dropout(activation(linear1(x)))). Sequence-first (batch_first=False) inputs
// are transposed to batch-first once for the whole stack and back at the end. The masks go to
// every layer's attention blocks, which migrate a causal mask and a bool key padding mask and
// report the others.
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

bool is_none(const TValue* v) {
  return v == nullptr || (v->kind == TValue::Kind::Const && v->constant.is_none());
}

bool is_false(const TValue* v) {
  return v == nullptr || (v->kind == TValue::Kind::Const && !v->constant.truthy());
}

}  // namespace

pivot::ValueId Tracer::trace_encoder_layer(const InstancePtr& layer, pivot::ValueId x,
                                           std::optional<pivot::ValueId> memory,
                                           const std::array<TValue, 4>& masks, Node call) {
  const bool norm_first = std::get<bool>(layer->attrs.at("norm_first"));
  const std::string activation = std::get<std::string>(layer->attrs.at("activation"));
  auto run = [&](const char* name, pivot::ValueId in) {
    return apply_layer(child(*layer, name), in, call).tensor;
  };
  auto attention = [&](const char* block, pivot::ValueId q, pivot::ValueId kv, size_t first_mask,
                       const char* dropout) {
    CallArgs qkv;
    for (pivot::ValueId v : {q, kv, kv}) {
      qkv.positional.push_back(TValue::of_tensor(v));
      qkv.positional_nodes.push_back(call);
    }
    const char* mask_names[] = {"attn_mask", "key_padding_mask"};
    for (size_t i = 0; i < 2; ++i) {
      qkv.keywords.emplace_back(mask_names[i], masks[first_mask + i]);
      qkv.keyword_nodes.push_back(call);
    }
    TValue out = trace_attention(child(*layer, block), qkv, call);
    auto t = as_tensor(out.kind == TValue::Kind::Tuple ? out.items[0] : out, call);
    return run(dropout, t ? *t : q);
  };
  auto self_attention = [&](pivot::ValueId in) {
    return attention("self_attn", in, in, 0, "dropout1");
  };
  auto cross_attention = [&](pivot::ValueId in) {
    return attention("multihead_attn", in, *memory, 2, "dropout2");
  };
  const char* ff_dropout = memory ? "dropout3" : "dropout2";
  auto feed_forward = [&](pivot::ValueId in) {
    pivot::ValueId h = run("linear1", in);
    const std::string name = layer->path.empty() ? "activation" : layer->path + ".activation";
    if (activation == "gelu")
      h = add_node(OpKind::Gelu, name, {}, {h}, {{"approximate", std::string("none")}}, call)
              .tensor;
    else
      h = add_node(OpKind::Relu, name, {}, {h}, {}, call).tensor;
    h = run("dropout", h);
    return run(ff_dropout, run("linear2", h));
  };
  auto add = [&](pivot::ValueId a, pivot::ValueId b) {
    return binary(OpKind::Add, TValue::of_tensor(a), TValue::of_tensor(b), call).tensor;
  };
  const char* ff_norm = memory ? "norm3" : "norm2";
  if (norm_first) {
    x = add(x, self_attention(run("norm1", x)));
    if (memory) x = add(x, cross_attention(run("norm2", x)));
    return add(x, feed_forward(run(ff_norm, x)));
  }
  x = run("norm1", add(x, self_attention(x)));
  if (memory) x = run("norm2", add(x, cross_attention(x)));
  return run(ff_norm, add(x, feed_forward(x)));
}

TValue Tracer::trace_transformer(const InstancePtr& module, const CallArgs& args, Node call) {
  const std::string& composite = module->composite;
  const bool is_decoder = composite.rfind("TransformerDecoder", 0) == 0;
  const bool is_stack = composite == "TransformerEncoder" || composite == "TransformerDecoder";
  const std::string what = "nn." + composite;
  // forward() signatures (PyTorch 1.13; the *_is_causal flags are PyTorch 2's).
  const std::vector<std::string> names =
      is_decoder ? std::vector<std::string>{"tgt",
                                            "memory",
                                            "tgt_mask",
                                            "memory_mask",
                                            "tgt_key_padding_mask",
                                            "memory_key_padding_mask",
                                            "tgt_is_causal",
                                            "memory_is_causal"}
                 : std::vector<std::string>{"src", is_stack ? "mask" : "src_mask",
                                            "src_key_padding_mask", "is_causal"};
  for (const auto& [name, value] : args.keywords) {
    bool known = false;
    for (const auto& n : names) known = known || name == n;
    if (!known) {
      diags_.error(Code::UnsupportedArgument, call.location())
          << what << " has no argument '" << name << "'";
      return TValue::invalid();
    }
  }
  const size_t tensors = is_decoder ? 2 : 1;
  const TValue* src = args.get(0, names[0]);
  const TValue* mem = is_decoder ? args.get(1, "memory") : nullptr;
  if (src == nullptr || (is_decoder && mem == nullptr) || args.positional.size() > names.size()) {
    diags_.error(Code::UnsupportedSyntax, call.location())
        << what << " needs " << (is_decoder ? "tgt and memory tensors" : "one input tensor");
    return TValue::invalid();
  }
  auto x = as_tensor(*src, call);
  if (!x) return TValue::invalid();
  std::optional<pivot::ValueId> memory;
  if (is_decoder) {
    memory = as_tensor(*mem, call);
    if (!memory) return TValue::invalid();
  }
  // Self-attention masks, then cross-attention masks (decoder).
  std::array<TValue, 4> masks;
  masks.fill(TValue::of_const(Constant::none()));
  const std::vector<std::pair<size_t, size_t>> mask_args =
      is_decoder ? std::vector<std::pair<size_t, size_t>>{{2, 0}, {4, 1}, {3, 2}, {5, 3}}
                 : std::vector<std::pair<size_t, size_t>>{{1, 0}, {2, 1}};
  for (const auto& [arg, slot] : mask_args)
    if (const TValue* m = args.get(arg, names[arg]); !is_none(m)) masks[slot] = *m;
  for (size_t i = is_decoder ? 6 : 3; i < names.size(); ++i)
    if (!is_false(args.get(i, names[i])))
      return unsupported(call, Code::UnsupportedArgument,
                         what + " " + names[i] + " is not migrated; pass the causal mask itself",
                         {*x});
  std::vector<InstancePtr> layers;
  if (is_stack) {
    for (const auto& [key, layer] : child(*module, "layers")->children) layers.push_back(layer);
  } else {
    layers.push_back(module);
  }
  const bool batch_first = std::get<bool>(layers.front()->attrs.at("batch_first"));
  const std::vector<int64_t> swap = {1, 0, 2};
  std::vector<pivot::ValueId> ins = {*x};
  if (memory) ins.push_back(*memory);
  for (size_t i = 0; i < tensors; ++i) {
    if (!need_rank(ins[i], call)) return TValue::invalid();
    if (type_of(ins[i]).rank() != 3)
      return unsupported(
          call, Code::ShapeMismatch,
          what + " " + names[i] + " must be 3-D (" + (batch_first ? "N, T, E" : "T, N, E") + ")",
          {ins[i]});
    if (!batch_first)
      ins[i] =
          add_node(OpKind::Transpose, "transpose", {}, {ins[i]}, {{"perm", swap}}, call).tensor;
  }
  pivot::ValueId h = ins[0];
  if (memory) memory = ins[1];
  for (const auto& layer : layers) h = trace_encoder_layer(layer, h, memory, masks, call);
  if (is_stack)
    if (const InstancePtr& norm = child(*module, "norm")) h = apply_layer(norm, h, call).tensor;
  if (!batch_first)
    h = add_node(OpKind::Transpose, "transpose", {}, {h}, {{"perm", swap}}, call).tensor;
  return TValue::of_tensor(h);
}

}  // namespace nnport::readers::pytorch
