// Tracing of nn.MultiheadAttention calls: binds (query, key, value) and the mask arguments
// (a constant causal attn_mask, a bool key_padding_mask),
// transposes sequence-first (T, N, E) inputs to the pivot's batch-first layout and back, and
// creates the projection parameters from PyTorch's state_dict names (in_proj_weight is sliced
// into the query/key/value blocks when kdim == vdim == embed_dim).
#include "pivot/ops/catalog.h"
#include "readers/pytorch/attention_masks.h"
#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

using pivot::OpKind;

namespace {

// forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
//         average_attn_weights=True, is_causal=False)
constexpr const char* kArgNames[] = {"query",
                                     "key",
                                     "value",
                                     "key_padding_mask",
                                     "need_weights",
                                     "attn_mask",
                                     "average_attn_weights",
                                     "is_causal"};

bool is_none_or_false(const TValue* v) {
  if (v == nullptr) return true;
  if (v->kind != TValue::Kind::Const) return false;
  return v->constant.is_none() || (v->constant.is_bool() && !v->constant.truthy());
}

}  // namespace

TValue Tracer::trace_attention(const InstancePtr& module, const CallArgs& args, Node call) {
  for (const auto& [name, value] : args.keywords) {
    bool known = false;
    for (const char* n : kArgNames) known = known || name == n;
    if (!known) {
      diags_.error(Code::UnsupportedArgument, call.location())
          << "nn.MultiheadAttention has no argument '" << name << "'";
      return TValue::invalid();
    }
  }
  pivot::Attrs attrs = module->attrs;
  std::vector<pivot::ValueId> qkv;
  for (size_t i = 0; i < 3; ++i) {
    const TValue* v = args.get(i, kArgNames[i]);
    if (v == nullptr) {
      diags_.error(Code::UnsupportedSyntax, call.location())
          << "nn.MultiheadAttention needs query, key and value";
      return TValue::invalid();
    }
    auto t = as_tensor(*v, call);
    if (!t) return TValue::invalid();
    qkv.push_back(*t);
  }
  const bool batch_first = std::get<bool>(attrs.at("batch_first"));
  attrs.erase("batch_first");
  // Masks change which keys each query sees: a causal attn_mask and a bool key_padding_mask
  // migrate; anything else is reported (attention_masks.cc builds the mask values).
  auto refuse = [&](const std::string& why, const TValue* mask = nullptr) {
    // A mask that could not be evaluated was reported where it was built.
    const bool report = mask == nullptr || mask->kind != TValue::Kind::Invalid;
    return TValue::of_tuple({unsupported(call, Code::UnsupportedArgument,
                                         "nn.MultiheadAttention " + why, {qkv[0]}, report),
                             TValue::invalid()});
  };
  std::optional<pivot::ValueId> padding;
  if (const TValue* v = args.get(3, kArgNames[3]); !is_none_or_false(v)) {
    if (!v->is_tensor() || type_of(v->tensor).dtype != pivot::DType::Bool)
      return refuse(
          "key_padding_mask is migrated only as a bool tensor (e.g. `ids == pad_idx`); "
          "a float padding mask is added to the scores",
          v);
    padding = v->tensor;
  }
  if (const TValue* v = args.get(5, kArgNames[5]); !is_none_or_false(v)) {
    if (v->kind != TValue::Kind::Mask)
      return refuse(
          "attn_mask is migrated only when it is a constant causal mask (e.g. "
          "torch.triu(torch.ones(T, T), diagonal=1).bool() or "
          "generate_square_subsequent_mask(T)); this one depends on run-time values",
          v);
    const auto& q = type_of(qkv[0]);
    const size_t time_axis = batch_first ? 1 : 0;
    const int64_t length = q.rank_known && q.rank() == 3 ? q.shape[time_axis] : pivot::kUnknown;
    const std::string problem = causal_mask_problem(*v->mask, length);
    if (!problem.empty()) return refuse("attn_mask: " + problem);
    if (qkv[1] != qkv[0] && type_of(qkv[1]).rank_known && q.rank_known &&
        type_of(qkv[1]).shape[time_axis] != q.shape[time_axis])
      return refuse("attn_mask: a causal mask needs as many keys as queries");
    attrs["causal"] = true;
  }
  if (const TValue* v = args.get(7, kArgNames[7]); !is_none_or_false(v))
    return refuse("is_causal is not migrated; pass the causal mask as attn_mask");
  const std::vector<int64_t> swap = {1, 0, 2};
  if (!batch_first) {
    // (T, N, E) -> (N, T, E); one transpose per distinct input (self-attention: one).
    std::map<pivot::ValueId, pivot::ValueId> moved;
    for (auto& v : qkv) {
      auto it = moved.find(v);
      if (it == moved.end())
        it = moved
                 .emplace(v,
                          add_node(OpKind::Transpose, "transpose", {}, {v}, {{"perm", swap}}, call)
                              .tensor)
                 .first;
      v = it->second;
    }
  }
  if (padding) qkv.push_back(*padding);  // (N, S) in both layouts
  const std::string& path = module->path;
  TValue out = add_node(OpKind::MultiHeadAttention, path.empty() ? "multi_head_attention" : path,
                        path, qkv, std::move(attrs), call);
  pivot::Node& node = g_.nodes.back();
  auto& params = params_[module.get()];
  if (params.empty()) {
    const int64_t e = pivot::attr_int(node, "embed_dim");
    const bool packed = pivot::attr_int(node, "kdim") == e && pivot::attr_int(node, "vdim") == e;
    const std::string prefix = path.empty() ? "" : path + ".";
    const auto& op = pivot::schema(OpKind::MultiHeadAttention);
    // role -> (state_dict key, block index in the packed tensor or -1)
    struct Source {
      const char* role;
      const char* packed_key;
      const char* own_key;
      int64_t block;
    };
    const Source sources[] = {{"query_weight", "in_proj_weight", "q_proj_weight", 0},
                              {"key_weight", "in_proj_weight", "k_proj_weight", 1},
                              {"value_weight", "in_proj_weight", "v_proj_weight", 2},
                              {"query_bias", "in_proj_bias", "in_proj_bias", 0},
                              {"key_bias", "in_proj_bias", "in_proj_bias", 1},
                              {"value_bias", "in_proj_bias", "in_proj_bias", 2},
                              {"output_weight", "out_proj.weight", "out_proj.weight", -1},
                              {"output_bias", "out_proj.bias", "out_proj.bias", -1}};
    for (const auto& s : sources) {
      if (!frameworks::pytorch::param_present(node, s.role)) continue;
      pivot::Param p;
      const bool bias = std::string_view(s.role).ends_with("bias");
      p.name = prefix + ((packed || bias) ? s.packed_key : s.own_key);
      p.shape = op.param_shape(node, s.role);
      // in_proj_bias is always packed (3E); in_proj_weight only when kdim == vdim == embed_dim.
      if (s.block >= 0 && (packed || bias))
        p.source_slice = pivot::SourceSlice{0, s.block * e, e, 3 * e};
      params[s.role] = g_.add_param(std::move(p));
    }
  }
  node.params = params;
  if (!batch_first)
    out = add_node(OpKind::Transpose, "transpose", {}, {out.tensor}, {{"perm", swap}}, call);
  // forward returns (attn_output, attn_weights); the weights are not migrated.
  return TValue::of_tuple({out, TValue::invalid()});
}

}  // namespace nnport::readers::pytorch
