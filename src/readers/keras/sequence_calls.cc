// Sequence layers of the Keras reader: LSTM / GRU / SimpleRNN, Bidirectional, TimeDistributed
// and MultiHeadAttention calls -> pivot nodes (see emitter.h).
#include <algorithm>
#include <tuple>

#include "readers/keras/emitter.h"

namespace nnport::readers::keras {

using frameworks::keras::ReadRule;

std::vector<ValueId> Emitter::recurrent(OpKind kind, const Layer& config, bool bidirectional,
                                        const std::string& merge_mode) {
  LayerArgs a(in_, config);
  if (!require_rank(3)) return {};
  check_mask("makes the recurrence skip masked steps");
  const int64_t units = a.integer(0, {"units"}, 0);
  const int64_t in = in_type().shape[2];
  const bool bias = a.boolean(-1, {"use_bias"}, true);
  const bool return_sequences = a.boolean(-1, {"return_sequences"}, false);
  const bool return_state = a.boolean(-1, {"return_state"}, false);
  const std::string activation = a.string(-1, {"activation"}, "tanh");
  std::string nonlinearity = "tanh";
  if (kind == OpKind::Rnn && activation == "relu")
    nonlinearity = "relu";
  else if (activation != "tanh")
    a.reject("activation",
             "only tanh" + std::string(kind == OpKind::Rnn ? " or relu" : "") + " is supported");
  if (kind != OpKind::Rnn && a.string(-1, {"recurrent_activation"}, "sigmoid") != "sigmoid")
    a.reject("recurrent_activation", "only sigmoid is supported");
  if (kind == OpKind::Gru && !a.boolean(-1, {"reset_after"}, true))
    a.reject("reset_after",
             "GRU(reset_after=False) applies the reset gate before the recurrent matmul, which the "
             "pivot gru op (reset_after=True) cannot express");
  if (a.boolean(-1, {"go_backwards"}, false))
    a.reject("go_backwards", "reversed recurrences are not supported");
  if (a.boolean(-1, {"stateful"}, false))
    a.reject("stateful", "stateful recurrences are not supported");
  if (a.boolean(-1, {"time_major"}, false))
    a.reject("time_major", "time-major inputs are not supported");
  if (inputs_.size() > 1)
    in_.ctx().diags->error(Code::UnsupportedArgument, in_.loc(site_))
        << config.cls
        << " takes initial_state and mask as keyword arguments here; the extra positional tensors "
        << "are not supported";
  const int64_t gates = kind == OpKind::Lstm ? 4 : kind == OpKind::Gru ? 3 : 1;
  const int64_t dirs = bidirectional ? 2 : 1;
  // initial_state=[h, c] per direction, each (N, H) -> the pivot's batch-first (N, dirs, H).
  std::vector<ValueId> state_inputs;
  for (const auto& [k, v] : call_kwargs_) {
    if (k == "initial_state" && v.kind == Value::Kind::List) {
      const size_t per_dir = kind == OpKind::Lstm ? 2 : 1;
      if (v.items.size() != per_dir * static_cast<size_t>(dirs) ||
          std::any_of(v.items.begin(), v.items.end(),
                      [](const Value& s) { return !s.is_tensor(); })) {
        in_.ctx().diags->error(Code::UnsupportedArgument, in_.loc(site_))
            << config.cls << " initial_state must list " << per_dir * static_cast<size_t>(dirs)
            << " tensors";
        continue;
      }
      for (size_t s = 0; s < per_dir; ++s) {
        if (dirs == 1) {
          state_inputs.push_back(node(OpKind::Unsqueeze, {{"axes", std::vector<int64_t>{1}}},
                                      {v.items[s].tensor}, "_state" + std::to_string(s)));
        } else {
          state_inputs.push_back(node(OpKind::Stack, {{"axis", int64_t{1}}},
                                      {v.items[s].tensor, v.items[per_dir + s].tensor},
                                      "_state" + std::to_string(s)));
        }
      }
    } else if (k == "initial_state" || k == "mask") {
      in_.ctx().diags->error(Code::UnsupportedArgument, in_.loc(site_))
          << config.cls << " call argument '" << k << "' is not supported";
    }
  }
  std::map<std::string, pivot::ParamId> params;
  for (int64_t d = 0; d < dirs; ++d) {
    const std::string suffix = d == 0 ? "_l0" : "_l0_reverse";
    const std::string sub = !bidirectional ? "cell"
                            : d == 0       ? "forward_layer/cell"
                                           : "backward_layer/cell";
    // Keras GRU gates are z, r, h; PyTorch's (canonical) r, z, n: swap the first two blocks.
    const std::vector<int64_t> gate_order =
        kind == OpKind::Gru ? std::vector<int64_t>{1, 0, 2} : std::vector<int64_t>{};
    auto& g = in_.ctx().graph;
    params["weight_ih" + suffix] =
        param("weight_ih" + suffix, {gates * units, in}, {1, 0}, "kernel", sub);
    params["weight_hh" + suffix] = param("weight_hh" + suffix, {gates * units, units}, {1, 0},
                                         "recurrent_kernel", sub);
    g.params[params["weight_ih" + suffix]].block_order = gate_order;
    g.params[params["weight_hh" + suffix]].block_order = gate_order;
    if (bias) {
      if (kind == OpKind::Gru) {
        // Keras GRU(reset_after=True) bias (2, 3H) = [input bias; recurrent bias]: each is one
        // row, reshaped to (3H,).
        const auto ih = param("bias_ih" + suffix, {gates * units}, {}, "bias", sub);
        g.params[ih].block_order = gate_order;
        g.params[ih].source_slice = pivot::SourceSlice{0, 0, 1, 2};
        g.params[ih].stored_shape = {2, gates * units};
        pivot::Param hh = g.params[ih];
        hh.source_slice = pivot::SourceSlice{0, 1, 1, 2};
        if (!layer_.params.count("bias_hh" + suffix))
          layer_.params["bias_hh" + suffix] = g.add_param(std::move(hh));
        params["bias_ih" + suffix] = ih;
        params["bias_hh" + suffix] = layer_.params["bias_hh" + suffix];
      } else {
        params["bias_ih" + suffix] = param("bias_ih" + suffix, {gates * units}, {}, "bias", sub);
      }
    }
  }
  pivot::Attrs attrs{
      {"input_size", in}, {"hidden_size", units}, {"bidirectional", bidirectional}, {"bias", bias}};
  if (kind == OpKind::Rnn) attrs["nonlinearity"] = nonlinearity;
  std::vector<ValueId> op_inputs{inputs_[0]};
  op_inputs.insert(op_inputs.end(), state_inputs.begin(), state_inputs.end());
  // nnport's SequenceMask([x, lengths]): the recurrence follows each sequence's length.
  if (auto it = in_.ctx().lengths_of.find(inputs_[0]); it != in_.ctx().lengths_of.end()) {
    op_inputs.push_back(it->second);
    attrs["lengths_input"] = true;
  }
  const size_t n_out = kind == OpKind::Lstm ? 3 : 2;
  auto outs = in_.add_node(kind, std::move(attrs), op_inputs, site_, layer_.name, path_, n_out);
  in_.ctx().graph.nodes.back().params = params;
  // The final state of direction d: row d of h_n (one layer).
  auto state = [&](size_t output, int64_t d) {
    return node(OpKind::Select, {{"axis", int64_t{0}}, {"index", d}}, {outs[output]},
                output == 1 ? "_h" + std::to_string(d) : "_c" + std::to_string(d));
  };
  auto merge = [&](ValueId fw, ValueId bw, int64_t axis) -> std::vector<ValueId> {
    if (merge_mode == "concat")
      return {node(OpKind::Concat, {{"axis", axis}}, {fw, bw}, "_concat")};
    if (merge_mode == "sum") return {node(OpKind::Add, {}, {fw, bw}, "_sum")};
    if (merge_mode == "mul") return {node(OpKind::Mul, {}, {fw, bw}, "_mul")};
    if (merge_mode == "ave")
      return {
          node(OpKind::Mul, {{"scalar", 0.5}}, {node(OpKind::Add, {}, {fw, bw}, "_sum")}, "_ave")};
    return {fw, bw};  // merge_mode=None: both outputs
  };
  std::vector<ValueId> result;
  // The sequence output keeps the lengths mask for the next recurrent layer.
  if (auto it = in_.ctx().lengths_of.find(inputs_[0]);
      it != in_.ctx().lengths_of.end() && return_sequences)
    in_.ctx().lengths_of[outs[0]] = it->second;
  if (return_sequences) {
    if (!bidirectional || merge_mode == "concat")
      result.push_back(outs[0]);
    else {
      auto half = [&](int64_t d) {
        return node(OpKind::Slice,
                    {{"axes", std::vector<int64_t>{2}},
                     {"starts", std::vector<int64_t>{d * units}},
                     {"stops", std::vector<int64_t>{(d + 1) * units}},
                     {"steps", std::vector<int64_t>{1}}},
                    {outs[0]}, d == 0 ? "_forward" : "_backward");
      };
      auto merged = merge(half(0), half(1), 2);
      result.insert(result.end(), merged.begin(), merged.end());
    }
  } else {
    // The last output of each direction is its final state (conventions row 11).
    if (!bidirectional)
      result.push_back(state(1, 0));
    else {
      auto merged = merge(state(1, 0), state(1, 1), 1);
      result.insert(result.end(), merged.begin(), merged.end());
    }
  }
  if (return_state)
    for (int64_t d = 0; d < dirs; ++d) {
      result.push_back(state(1, d));
      if (kind == OpKind::Lstm) result.push_back(state(2, d));
    }
  return result;
}

std::vector<ValueId> Emitter::bidirectional() {
  const Value* inner = layer_.kwarg("layer");
  if (!inner && !layer_.args.empty()) inner = &layer_.args[0];
  if (!inner || inner->kind != Value::Kind::Layer || inner->layer->kind != Layer::Kind::Builtin) {
    args_.reject("layer", "the wrapped layer must be a recurrent Keras layer");
    return {};
  }
  const auto* row = frameworks::keras::find_reader_row(inner->layer->cls);
  if (!row || row->rule != ReadRule::Recurrent) {
    args_.reject("layer", "only LSTM, GRU and SimpleRNN can be wrapped");
    return {};
  }
  if (args_.has(-1, {"backward_layer"}))
    args_.reject("backward_layer", "a separate backward layer is not supported");
  const std::string merge_mode = args_.has(1, {"merge_mode"})
                                     ? args_.string(1, {"merge_mode"}, "concat")
                                 : layer_.kwarg("merge_mode") ? "none"
                                                              : "concat";
  return recurrent(row->kind, *inner->layer, true, merge_mode);
}

std::vector<ValueId> Emitter::time_distributed() {
  const Value* inner = layer_.kwarg("layer");
  if (!inner && !layer_.args.empty()) inner = &layer_.args[0];
  if (!inner || inner->kind != Value::Kind::Layer || inner->layer->kind != Layer::Kind::Builtin) {
    args_.reject("layer", "the wrapped layer must be a Keras layer");
    return {};
  }
  // Dense contracts the last axis and pointwise layers ignore the leading ones, so applying
  // them to (N, T, ...) is what TimeDistributed computes.
  const auto* row = frameworks::keras::find_reader_row(inner->layer->cls);
  static const ReadRule kPointwise[] = {
      ReadRule::Dense, ReadRule::Dropout,   ReadRule::Identity, ReadRule::Activation,
      ReadRule::ReLU,  ReadRule::LeakyReLU, ReadRule::ELU};
  if (!row ||
      std::find(std::begin(kPointwise), std::end(kPointwise), row->rule) == std::end(kPointwise)) {
    args_.reject("layer",
                 "only Dense, Dropout and activation layers can be wrapped (no batch folding)");
    return {};
  }
  Layer& wrapped = *inner->layer;
  Emitter sub(in_, wrapped, inputs_, call_kwargs_, site_, path_);
  auto outs = sub.run(*row);
  // Keras 3 saves the wrapped layer under the wrapper's `layer` attribute.
  for (auto& var : wrapped.vars) {
    if (std::none_of(layer_.vars.begin(), layer_.vars.end(),
                     [&](const VarRef& v) { return v.param == var.param; }))
      layer_.vars.push_back(VarRef{var.param, "layer", var.variable});
  }
  return outs;
}

std::vector<ValueId> Emitter::attention() {
  if (inputs_.size() < 2) {
    in_.ctx().diags->error(Code::UnsupportedSyntax, in_.loc(site_))
        << "MultiHeadAttention needs query and value";
    return {};
  }
  bool causal = false;
  std::optional<ValueId> key_padding;
  for (const auto& [k, v] : call_kwargs_) {
    const auto c = v.as_constant();
    if (k == "use_causal_mask" && c)
      causal = c->truthy();
    else if (k == "attention_mask" && v.is_tensor() && (key_padding = padding_mask(v.tensor)))
      continue;
    else if ((k == "attention_mask" && !(c && c->is_none())) ||
             (k == "return_attention_scores" && !(c && !c->truthy())))
      in_.ctx().diags->error(Code::UnsupportedArgument, in_.loc(site_))
          << "MultiHeadAttention call argument '" << k << "' is not supported";
  }
  for (auto input : inputs_)
    if (in_.type_of(input).rank() != 3) {
      in_.ctx().diags->error(Code::ShapeMismatch, in_.loc(site_))
          << "MultiHeadAttention expects (N, T, features) inputs";
      return {};
    }
  check_mask("masks attention keys");
  const ValueId q = inputs_[0], v = inputs_[1], k = inputs_.size() > 2 ? inputs_[2] : inputs_[1];
  const int64_t heads = args_.integer(0, {"num_heads"}, 1);
  const int64_t key_dim = args_.integer(1, {"key_dim"}, 0);
  const int64_t value_dim = args_.integer(2, {"value_dim"}, key_dim);
  const bool bias = args_.boolean(-1, {"use_bias"}, true);
  const int64_t e = in_.type_of(q).shape.back();
  if (value_dim != key_dim || heads * key_dim != e || args_.has(-1, {"output_shape"}) ||
      args_.has(-1, {"attention_axes"}))
    args_.reject("key_dim",
                 "the pivot op needs num_heads * key_dim == value_dim * num_heads == query width");
  const int64_t kdim = in_.type_of(k).shape.back(), vdim = in_.type_of(v).shape.back();
  // Keras 3 saves the EinsumDense sublayers in sorted attribute order (layer_table.cc):
  // key_dense, output_dense, query_dense, value_dense; kernels (in, heads, head_dim).
  std::map<std::string, pivot::ParamId> params;
  for (const auto& [role, sub, shape] :
       {std::tuple{"key", "key_dense", std::vector<int64_t>{e, kdim}},
        std::tuple{"output", "output_dense", std::vector<int64_t>{e, e}},
        std::tuple{"query", "query_dense", std::vector<int64_t>{e, e}},
        std::tuple{"value", "value_dense", std::vector<int64_t>{e, vdim}}}) {
    // EinsumDense variables keep the heads as their own axis: kernels (in, heads, head_dim)
    // and biases (heads, head_dim); the output projection's kernel is (heads, head_dim, out).
    const bool output = std::string_view(role) == "output";
    const int64_t head_dim = heads > 0 ? e / heads : e;
    auto& graph = in_.ctx().graph;
    const auto weight = param(std::string(role) + "_weight", shape, {1, 0}, "kernel", sub);
    graph.params[weight].stored_shape = output ? std::vector<int64_t>{heads, head_dim, e}
                                               : std::vector<int64_t>{shape[1], heads, head_dim};
    params[std::string(role) + "_weight"] = weight;
    if (bias) {
      const auto b = param(std::string(role) + "_bias", {e}, {}, "bias", sub);
      if (!output) graph.params[b].stored_shape = {heads, head_dim};
      params[std::string(role) + "_bias"] = b;
    }
  }
  return {node(
      OpKind::MultiHeadAttention,
      {{"embed_dim", e},
       {"num_heads", heads},
       {"kdim", kdim},
       {"vdim", vdim},
       {"bias", bias},
       {"causal", causal},
       {"dropout", args_.real(-1, {"dropout"}, 0.0)}},
      key_padding ? std::vector<ValueId>{q, k, v, *key_padding} : std::vector<ValueId>{q, k, v}, "",
      params)};
}

}  // namespace nnport::readers::keras
