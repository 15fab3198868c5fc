// Sequence layers of the Keras reader: LSTM / GRU / SimpleRNN, Bidirectional, TimeDistributed
// and MultiHeadAttention calls -> pivot nodes (see emitter.h).
#include <algorithm>
#include <tuple>

#include "readers/keras/emitter.h"

namespace nnport::readers::keras {

using frameworks::keras::ReadRule;

namespace {

// A recurrent activation= / recurrent_activation= keyword as a catalog name (pivot
// ops/recurrent.cc): a Keras 3 name or keras.activations function, None meaning "linear",
// "swish" read as "silu". tf.keras <= 2.15's hard_sigmoid (clip(0.2x + 0.5)) is not Keras 3's
// and is reported.
std::string recurrent_activation(const Layer& config, const LayerArgs& a, const char* key,
                                 const char* fallback, bool tf_keras) {
  const Value* v = config.kwarg(key);
  if (!v) return fallback;
  std::string name;
  if (v->kind == Value::Kind::Name) {
    const auto dot = v->qualified.rfind('.');
    name = dot == std::string::npos ? v->qualified : v->qualified.substr(dot + 1);
  } else if (auto c = v->as_constant(); c && c->is_none()) {
    name = "linear";
  } else if (c && c->is_string()) {
    name = c->s;
  } else {
    a.reject(key, "only activation names are supported");
    return fallback;
  }
  if (name == "swish") name = "silu";
  static const char* kKnown[] = {"tanh",     "sigmoid", "relu",       "linear", "hard_sigmoid",
                                 "elu",      "selu",    "silu",       "gelu",   "softsign",
                                 "softplus", "relu6",   "exponential"};
  const bool known =
      std::any_of(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return name == k; });
  if (!known || (tf_keras && name == "hard_sigmoid")) {
    a.reject(key,
             "'" + name + "' is not a supported recurrent activation" +
                 (known ? " (tf.keras' hard_sigmoid is clip(0.2x + 0.5), not Keras 3's)" : ""));
    return fallback;
  }
  return name;
}

}  // namespace

std::vector<ValueId> Emitter::recurrent(OpKind kind, const Layer& config, bool bidirectional,
                                        const std::string& merge_mode) {
  LayerArgs a(in_, config);
  if (!require_rank(3)) return {};
  // Embedding(mask_zero=True) in front: the recurrence skips the masked steps (mask_input).
  std::optional<ValueId> padding_mask;
  if (auto it = in_.ctx().padding_mask_of.find(inputs_[0]);
      it != in_.ctx().padding_mask_of.end() && !in_.ctx().lengths_of.count(inputs_[0]))
    padding_mask = it->second;
  else
    check_mask("makes the recurrence skip masked steps");
  const int64_t units = a.integer(0, {"units"}, 0);
  const int64_t in = in_type().shape[2];
  const bool bias = a.boolean(-1, {"use_bias"}, true);
  const bool return_sequences = a.boolean(-1, {"return_sequences"}, false);
  const bool return_state = a.boolean(-1, {"return_state"}, false);
  // LSTM / GRU activations other than tanh / sigmoid, and GRU(reset_after=False), are pivot
  // attributes (nn.LSTM / nn.GRU cannot express them; the PyTorch writer emits its own cell).
  const bool tf_keras = in_.ctx().tf_keras;
  const std::string activation = recurrent_activation(config, a, "activation", "tanh", tf_keras);
  const std::string gate_activation =
      kind == OpKind::Rnn
          ? std::string("sigmoid")
          : recurrent_activation(config, a, "recurrent_activation", "sigmoid", tf_keras);
  if (kind == OpKind::Rnn && activation != "tanh" && activation != "relu")
    a.reject("activation", "SimpleRNN supports only tanh or relu");
  const bool reset_after = kind != OpKind::Gru || a.boolean(-1, {"reset_after"}, true);
  // go_backwards: Keras runs over the input reversed in time and returns the sequence in that
  // processing order (Bidirectional flips its backward half back): the pivot flips the input.
  const bool backwards = a.boolean(-1, {"go_backwards"}, false);
  if (backwards && bidirectional)
    a.reject("go_backwards", "a reversed recurrence inside Bidirectional is not supported");
  if (backwards && (in_.ctx().lengths_of.count(inputs_[0]) || padding_mask))
    a.reject("go_backwards",
             "a reversed recurrence over sequences of several lengths is not "
             "supported");
  if (a.boolean(-1, {"stateful"}, false))
    a.reject("stateful", "stateful recurrences are not supported");
  if (a.boolean(-1, {"time_major"}, false))
    a.reject("time_major", "time-major inputs are not supported");
  // dropout / recurrent_dropout draw masks on the inputs and the state at each training step;
  // torch.nn.LSTM / GRU / RNN have no such masks, so the migrated layer trains without them.
  for (const char* key : {"dropout", "recurrent_dropout"})
    if (const double rate = a.real(-1, {key}, 0.0); rate != 0.0)
      in_.ctx().diags->warning(Code::TrainingOnly, in_.loc(site_))
          << config.cls << "(" << key << "=" << rate
          << ") is active only in training; the PyTorch recurrence has no such dropout, so the "
             "migrated layer trains without it";
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
    params["weight_hh" + suffix] =
        param("weight_hh" + suffix, {gates * units, units}, {1, 0}, "recurrent_kernel", sub);
    g.params[params["weight_ih" + suffix]].block_order = gate_order;
    g.params[params["weight_hh" + suffix]].block_order = gate_order;
    if (bias) {
      if (kind == OpKind::Gru && reset_after) {
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
        // One Keras bias (LSTM, SimpleRNN, GRU(reset_after=False): the input bias).
        params["bias_ih" + suffix] = param("bias_ih" + suffix, {gates * units}, {}, "bias", sub);
        g.params[params["bias_ih" + suffix]].block_order = gate_order;
      }
    }
  }
  pivot::Attrs attrs{
      {"input_size", in}, {"hidden_size", units}, {"bidirectional", bidirectional}, {"bias", bias}};
  if (kind == OpKind::Rnn)
    attrs["nonlinearity"] = std::string(activation == "relu" ? "relu" : "tanh");
  else {
    attrs["activation"] = activation;
    attrs["recurrent_activation"] = gate_activation;
  }
  if (kind == OpKind::Gru) attrs["reset_after"] = reset_after;
  std::vector<ValueId> op_inputs{
      backwards && !bidirectional
          ? node(OpKind::Flip, {{"axes", std::vector<int64_t>{1}}}, {inputs_[0]}, "_reversed")
          : inputs_[0]};
  op_inputs.insert(op_inputs.end(), state_inputs.begin(), state_inputs.end());
  // nnport's SequenceMask([x, lengths]): the recurrence follows each sequence's length.
  if (auto it = in_.ctx().lengths_of.find(inputs_[0]); it != in_.ctx().lengths_of.end()) {
    op_inputs.push_back(it->second);
    attrs["lengths_input"] = true;
  }
  if (padding_mask) {
    op_inputs.push_back(*padding_mask);
    attrs["mask_input"] = true;
    // Bidirectional sets zero_output_for_mask = return_sequences on both of its layers.
    attrs["masked_outputs"] = std::string(bidirectional ? "zero" : "carry");
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
  // A returned sequence keeps the mask (RNN.compute_mask), for the next recurrent layer.
  if (padding_mask && return_sequences)
    for (size_t i = 0; i < result.size(); ++i) {
      in_.ctx().masked.push_back(result[i]);
      in_.ctx().padding_mask_of[result[i]] = *padding_mask;
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
  // output_shape: the width of the output's last axis (default: the query's width).
  int64_t out_width = e;
  if (auto shape = args_.get(-1, {"output_shape"})) {
    if (auto w = shape->as_int())
      out_width = *w;
    else if (auto ws = shape->as_ints(); ws && ws->size() == 1)
      out_width = (*ws)[0];
    else
      args_.reject("output_shape", "only one output width (an int or a 1-tuple) is supported");
  }
  if (heads <= 0 || key_dim <= 0 || value_dim <= 0 || out_width <= 0) {
    args_.reject("key_dim", "num_heads, key_dim, value_dim and output_shape must be positive");
    return {};
  }
  if (args_.has(-1, {"attention_axes"}))
    args_.reject("attention_axes", "only attention over the sequence axis is supported");
  const int64_t kdim = in_.type_of(k).shape.back(), vdim = in_.type_of(v).shape.back();
  // Keras 3 saves the EinsumDense sublayers in sorted attribute order (layer_table.cc):
  // key_dense, output_dense, query_dense, value_dense. Canonical (out, in) weights; the stored
  // EinsumDense kernels are (in, heads, head_dim) (output: (heads, value_dim, out)) and biases
  // (heads, head_dim) (output: (out,)).
  std::map<std::string, pivot::ParamId> params;
  struct Projection {
    const char* role;
    const char* sublayer;
    int64_t in, head_dim;  // head_dim 0: the output projection
  };
  for (const Projection& p : {Projection{"key", "key_dense", kdim, key_dim},
                              Projection{"output", "output_dense", heads * value_dim, 0},
                              Projection{"query", "query_dense", e, key_dim},
                              Projection{"value", "value_dense", vdim, value_dim}}) {
    const bool output = p.head_dim == 0;
    const int64_t out = output ? out_width : heads * p.head_dim;
    auto& graph = in_.ctx().graph;
    const std::string role(p.role);
    const auto weight = param(role + "_weight", {out, p.in}, {1, 0}, "kernel", p.sublayer);
    graph.params[weight].stored_shape = output ? std::vector<int64_t>{heads, value_dim, out_width}
                                               : std::vector<int64_t>{p.in, heads, p.head_dim};
    params[role + "_weight"] = weight;
    if (bias) {
      const auto b = param(role + "_bias", {out}, {}, "bias", p.sublayer);
      if (!output) graph.params[b].stored_shape = {heads, p.head_dim};
      params[role + "_bias"] = b;
    }
  }
  pivot::Attrs attrs{
      {"embed_dim", e}, {"num_heads", heads}, {"kdim", kdim},
      {"vdim", vdim},   {"key_dim", key_dim}, {"value_dim", value_dim},
      {"bias", bias},   {"causal", causal},   {"dropout", args_.real(-1, {"dropout"}, 0.0)}};
  if (out_width != e) attrs["output_dim"] = out_width;
  return {node(
      OpKind::MultiHeadAttention, std::move(attrs),
      key_padding ? std::vector<ValueId>{q, k, v, *key_padding} : std::vector<ValueId>{q, k, v}, "",
      params)};
}

}  // namespace nnport::readers::keras
