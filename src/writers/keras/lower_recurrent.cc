// Lowering of the recurrent ops (lstm, gru, rnn) to stacked Keras LSTM / GRU / SimpleRNN layers,
// and of `select`. Which results the graph reads decides return_sequences: when only the last
// layer's final state is read (h_n[-1], or out[:, -1] of a unidirectional layer, which is the
// same value) the last Keras layer returns that state directly (return_sequences=False) and the
// selects reading it are absorbed.
//
// Weights (conventions rows 9, 10 and "SimpleRNN"): Keras kernels are the transposed PyTorch
// weight_ih / weight_hh; LSTM gates i, f, g(c), o have the same order in both; GRU gates are
// reordered r, z, n -> z, r, h; Keras keeps one bias (b_ih + b_hh) for LSTM and SimpleRNN and a
// (2, 3H) bias [b_ih; b_hh] for GRU(reset_after=True), which is PyTorch's GRU formula.
//
// Initial states (inputs h0[, c0], batch-first (N, layers*dirs, H)) are cut per layer and
// direction and passed as `initial_state=[h_f, c_f, h_b, c_b]`. Reads of c_n (which no output
// sequence holds) make that layer return its states (return_state=True).
//
// Masking notes (lengths_input, from pack_padded_sequence): a SequenceMask layer puts the mask
// steps < lengths on the input; Keras recurrent layers then skip masked steps keeping their state
// (keras/src/backend/tensorflow/rnn.py), the backward direction of Bidirectional reverses the
// mask with the input, so it starts at each sequence's last valid step, as PyTorch's packed
// backward pass does; stacked layers inherit the mask. What Keras returns AT masked steps differs
// (the previous output, or zeros inside Bidirectional), so the returned sequence goes through
// ZeroPaddedSteps, which zeroes them as pad_packed_sequence does and ends the mask. Final states
// are taken from return_state (the state at the last valid step), never cut from the sequence.
//
// Keras 3 saves an RNN layer's variables under its `cell` attribute
// (keras/src/layers/rnn/rnn.py: RNN.__init__ sets self.cell; saving_lib._save_state recurses into
// attributes that are KerasSaveable with inner_path join(inner_path, attr)), so the weights file
// keys are layers/<lstm>/cell/vars/{0 kernel, 1 recurrent_kernel, 2 bias}.
#include <algorithm>
#include <memory>

#include "pivot/ops/catalog.h"
#include "writers/keras/lowerer.h"

namespace nnport::writers::keras {

using pivot::OpKind;

namespace {

struct RecurrentClass {
  OpKind kind;
  const char* keras_class;
  int64_t gates;
};
constexpr RecurrentClass kClasses[] = {
    {OpKind::Lstm, "LSTM", 4},
    {OpKind::Gru, "GRU", 3},
    {OpKind::Rnn, "SimpleRNN", 1},
};

const RecurrentClass& class_of(OpKind kind) {
  for (const auto& c : kClasses)
    if (c.kind == kind) return c;
  return kClasses[0];
}

}  // namespace

void Lowerer::lower_recurrent(const pivot::Node& node) {
  const RecurrentClass& rc = class_of(node.kind);
  const int64_t layers = pivot::attr_int(node, "num_layers");
  const int64_t hidden = pivot::attr_int(node, "hidden_size");
  const bool bias = pivot::attr_bool(node, "bias");
  const bool bidirectional = pivot::attr_bool(node, "bidirectional");
  const int64_t dirs = bidirectional ? 2 : 1;
  const pivot::ValueId seq = node.outputs[0];
  // pack_padded_sequence lengths (the last input): see the masking notes at the top of the file.
  const bool masked = pivot::attr_bool(node, "lengths_input");
  // Keras' reset_after=False GRU keeps one bias; the two-bias pivot form has no Keras layout.
  if (node.kind == OpKind::Gru && !pivot::attr_bool(node, "reset_after"))
    return no_mapping(node, "gru with reset_after=false is not lowered to Keras");
  if (pivot::attr_bool(node, "mask_input"))
    return no_mapping(node, "a recurrence reading a padding mask is only read from Keras so far");
  const size_t state_inputs_end = node.inputs.size() - (masked ? 1 : 0);
  const int64_t steps = type(seq).rank_known ? type(seq).shape[1] : pivot::kUnknown;
  auto is_select = [&](const pivot::Node& n, int64_t axis) {
    return n.kind == OpKind::Select && pivot::attr_int(n, "axis") == axis;
  };
  // Row of h_n a select reads (negative indices normalised); -1 when not a constant select.
  auto state_row = [&](const pivot::Node& n) {
    const int64_t index = pivot::attr_int(n, "index");
    return index < 0 ? index + layers * dirs : index;
  };

  // Classify the readers of each result. The last layer's final state can be read as the
  // Keras layer's return_sequences=False output: for one direction that is h_n[-1] (= out[:, -1]);
  // for two it is [forward final; backward final] = cat(h_n[-2], h_n[-1]) on the feature axis.
  bool sequence_used = false;
  std::vector<const pivot::Node*> reads_last_state;
  // Any other h_n[k]: cut from layer k's output sequence (see state_from_sequence).
  std::vector<const pivot::Node*> reads_other_state;
  for (size_t u : graph_.users(seq)) {
    const pivot::Node& user = graph_.nodes[u];
    const int64_t index = user.kind == OpKind::Select ? pivot::attr_int(user, "index") : 0;
    // out[:, -1] of a bidirectional layer holds the backward direction's FIRST step, not its
    // final state (conventions row 11): it stays a read of the full sequence.
    // With lengths, out[:, -1] is zero for a shorter sequence (pad_packed_sequence), not its state.
    if (!masked && !bidirectional && is_select(user, 1) &&
        (index == -1 || (steps >= 0 && index == steps - 1)))
      reads_last_state.push_back(&user);
    else
      sequence_used = true;
  }
  for (const auto& port : graph_.outputs)
    if (port.value == seq) sequence_used = true;
  // The LSTM cell state c_n has no sequence to be cut from (nor has h_n when steps are masked:
  // the sequence is zero past each length): a layer whose row is read returns its states
  // (return_state=True: [out, h, c]; Bidirectional [out, h_f, c_f, h_b, c_b]; GRU/RNN no c).
  struct StateRead {
    const pivot::Node* reader;
    size_t output;  // 1: h_n, 2: c_n
    int64_t row;
  };
  std::vector<StateRead> state_reads;
  for (size_t i = 1; i < node.outputs.size(); ++i) {
    for (const auto& port : graph_.outputs)
      if (port.value == node.outputs[i])
        return no_mapping(
            node, "the stacked final states (h_n/c_n) as a model output are not lowered to Keras");
    for (size_t u : graph_.users(node.outputs[i])) {
      const pivot::Node& user = graph_.nodes[u];
      if (i == 2 || masked) {
        const char* what = i == 2 ? "c_n" : "h_n";
        const bool squeeze_single = user.kind == OpKind::Squeeze && layers * dirs == 1 &&
                                    pivot::attr_ints(user, "axes") == std::vector<int64_t>{0};
        if (!is_select(user, 0) && !squeeze_single)
          return no_mapping(node, std::string("the final state ") + what +
                                      " is lowered to Keras only when indexed (" + what +
                                      "[k]); '" + user.name + "' reads it otherwise");
        const int64_t row = squeeze_single ? 0 : state_row(user);
        if (row < 0 || row >= layers * dirs)
          return no_mapping(user, std::string(what) + " index out of range");
        state_reads.push_back({&user, i, row});
        continue;
      }
      if (!bidirectional) {
        const bool last_layer_select = is_select(user, 0) && state_row(user) == layers - 1;
        const bool squeeze_single = user.kind == OpKind::Squeeze && layers == 1 &&
                                    pivot::attr_ints(user, "axes") == std::vector<int64_t>{0};
        if (last_layer_select || squeeze_single) {
          reads_last_state.push_back(&user);
          continue;
        }
        if (!is_select(user, 0))
          return no_mapping(
              node, "the final states h_n are lowered to Keras only when indexed (h_n[k]); '" +
                        user.name + "' reads h_n otherwise");
        reads_other_state.push_back(&user);
        continue;
      }
      // Bidirectional: only torch.cat((h_n[-2], h_n[-1]), dim=1) is the Keras output.
      const auto concat_users = graph_.users(user.outputs[0]);
      const pivot::Node* concat =
          concat_users.size() == 1 ? &graph_.nodes[concat_users[0]] : nullptr;
      const bool forward_backward_concat =
          is_select(user, 0) && concat && concat->kind == OpKind::Concat &&
          concat->inputs.size() == 2 &&
          (pivot::attr_int(*concat, "axis") == 1 || pivot::attr_int(*concat, "axis") == -1) && [&] {
            const int fwd = graph_.producer(concat->inputs[0]);
            const int bwd = graph_.producer(concat->inputs[1]);
            if (fwd < 0 || bwd < 0) return false;
            const pivot::Node& f = graph_.nodes[static_cast<size_t>(fwd)];
            const pivot::Node& b = graph_.nodes[static_cast<size_t>(bwd)];
            return is_select(f, 0) && is_select(b, 0) && f.inputs[0] == node.outputs[1] &&
                   b.inputs[0] == node.outputs[1] && state_row(f) == 2 * layers - 2 &&
                   state_row(b) == 2 * layers - 1;
          }();
      if (!forward_backward_concat) {
        if (!is_select(user, 0))
          return no_mapping(
              node, "the final states h_n are lowered to Keras only when indexed (h_n[k]); '" +
                        user.name + "' reads h_n otherwise");
        reads_other_state.push_back(&user);
        continue;
      }
      reads_last_state.push_back(&user);
      if (std::find(reads_last_state.begin(), reads_last_state.end(), concat) ==
          reads_last_state.end())
        reads_last_state.push_back(concat);
    }
  }

  // Reads the last layer only has as a sequence make it return the sequence.
  for (const pivot::Node* reader : reads_other_state)
    if (state_row(*reader) / dirs == layers - 1) sequence_used = true;

  // State row l*dirs+d of h_n / c_n is read from layer l's return_state outputs.
  auto state_key = [&](size_t output, int64_t row) {
    return key(seq) + (output == 1 ? "_h_n" : "_c_n") + std::to_string(row);
  };
  std::vector<bool> return_state(static_cast<size_t>(layers), false);
  for (const auto& read : state_reads) return_state[static_cast<size_t>(read.row / dirs)] = true;
  const size_t states_per_direction = node.kind == OpKind::Lstm ? 2 : 1;

  std::string current = key(node.inputs[0]);
  std::string lengths;
  if (masked) {
    // The mask arange(T) < lengths[:, None] rides on the input; Keras recurrent layers (and
    // Bidirectional, and the stacked layers after them) skip the masked steps.
    lengths = key(node.inputs.back());
    const std::string marked = key(seq) + "_input_masked";
    add_layer(node, "SequenceMask", {}, {current, lengths}, marked, "mask", "_mask");
    add_custom_class("SequenceMask");
    out_.name_hints[marked] = "masked";
    current = marked;
  }
  std::vector<std::string> layer_sequences;  // each layer's output before inter-layer dropout
  const double dropout = pivot::attr_float(node, "dropout");
  for (int64_t l = 0; l < layers; ++l) {
    const bool last = l + 1 == layers;
    const bool return_sequences = !last || sequence_used;
    const bool states_out = return_state[static_cast<size_t>(l)];
    // Initial states (inputs h0[, c0], batch-first (N, layers*dirs, H)): layer l, direction d
    // starts from row l*dirs+d of each, as [h_f, c_f, h_b, c_b] (Keras' Bidirectional gives the
    // first half to the forward layer).
    std::vector<std::string> layer_inputs = {current};
    for (int64_t d = 0; d < dirs; ++d)
      for (size_t s = 1; s < state_inputs_end; ++s)
        layer_inputs.push_back(initial_state_row(node, node.inputs[s], l * dirs + d));
    std::vector<Arg> args;
    Arg units = kw("units", ArgValue::integer(hidden));
    if (!bidirectional) units.py_name.clear();  // positional, except inside Bidirectional(...)
    args.push_back(units);
    // Activations are always written (PyTorch's are tanh / sigmoid; nn.RNN tanh or relu).
    const std::string activation =
        pivot::attr_string(node, node.kind == OpKind::Rnn ? "nonlinearity" : "activation");
    args.push_back(kw("activation", ArgValue::string(activation)));
    if (node.kind != OpKind::Rnn)
      args.push_back(kw("recurrent_activation",
                        ArgValue::string(pivot::attr_string(node, "recurrent_activation"))));
    args.push_back(kw("use_bias", ArgValue::boolean(bias)));
    args.push_back(kw("return_sequences", ArgValue::boolean(return_sequences)));
    Arg return_state_arg = kw("return_state", ArgValue::boolean(states_out));
    return_state_arg.in_python = states_out;
    args.push_back(return_state_arg);
    args.push_back(json_only("go_backwards", ArgValue::boolean(false)));
    if (node.kind == OpKind::Gru) args.push_back(kw("reset_after", ArgValue::boolean(true)));
    std::string class_name = rc.keras_class;
    if (bidirectional) {
      // Bidirectional(layer, merge_mode="concat"): [forward, backward] on the feature axis with
      // the backward outputs re-aligned to the input steps, as PyTorch lays them out.
      ArgValue inner;
      inner.kind = ArgValue::Kind::Layer;
      inner.layer = std::make_shared<NestedLayer>(NestedLayer{rc.keras_class, std::move(args)});
      Arg layer_arg = kw("layer", inner);
      layer_arg.py_name.clear();
      args = {layer_arg, kw("merge_mode", ArgValue::string("concat"))};
      class_name = "Bidirectional";
    }
    const bool zero_padded = masked && last && return_sequences;  // see ZeroPaddedSteps below
    const std::string output = last ? (return_sequences ? key(seq) + (zero_padded ? "_steps" : "")
                                                        : key(seq) + "_last_state")
                                    : key(seq) + "_l" + std::to_string(l);
    auto& record = add_layer(node, class_name, std::move(args), layer_inputs, output,
                             "l" + std::to_string(l), l == 0 ? "" : "_l" + std::to_string(l));
    if (layer_inputs.size() > 1) record.list_keyword = "initial_state";
    if (states_out) {
      for (int64_t d = 0; d < dirs; ++d)
        for (size_t s = 1; s <= states_per_direction; ++s) {
          const int64_t row = l * dirs + d;
          const bool read =
              std::any_of(state_reads.begin(), state_reads.end(),
                          [&](const StateRead& r) { return r.output == s && r.row == row; });
          record.extra_outputs.push_back(read ? state_key(s, row) : "");
          if (read)
            out_.name_hints[state_key(s, row)] =
                std::string(s == 1 ? "h_n" : "c_n") + (d == 1 ? "_backward" : "");
        }
    }
    if (record.owner < 0) {
      // PyTorch GRU gate blocks r, z, n -> Keras z, r, h on the gate axis of every tensor.
      const std::vector<int64_t> gate_order =
          node.kind == OpKind::Gru ? std::vector<int64_t>{1, 0, 2} : std::vector<int64_t>{};
      const auto combine = node.kind == OpKind::Gru ? pivot::WeightSlot::Combine::Stack
                                                    : pivot::WeightSlot::Combine::Sum;
      for (int64_t d = 0; d < dirs; ++d) {
        // Keras 3 saves a Bidirectional layer's weights under its forward_layer / backward_layer
        // attributes (keras/src/layers/rnn/bidirectional.py), each an RNN with a `cell`.
        const std::string sublayer = !bidirectional ? "cell"
                                     : d == 0       ? "forward_layer/cell"
                                                    : "backward_layer/cell";
        const std::string suffix = "_l" + std::to_string(l) + (d == 1 ? "_reverse" : "");
        auto param = [&](const std::string& role) -> std::optional<pivot::ParamId> {
          auto it = node.params.find(role + suffix);
          if (it == node.params.end()) return std::nullopt;
          return it->second;
        };
        const auto w_ih = param("weight_ih");
        const auto w_hh = param("weight_hh");
        if (w_ih && w_hh) {
          record.vars.push_back(
              WeightVar{"kernel", *w_ih, {1, 0}, sublayer, {}, gate_order, {}, {}});
          record.vars.push_back(
              WeightVar{"recurrent_kernel", *w_hh, {1, 0}, sublayer, {}, gate_order, {}, {}});
        }
        const auto b_ih = param("bias_ih");
        const auto b_hh = param("bias_hh");
        if (bias && b_ih && b_hh)
          record.vars.push_back(
              WeightVar{"bias", *b_ih, {}, sublayer, {}, gate_order, {*b_hh}, combine});
      }
    }
    if (zero_padded) {
      // PyTorch's pad_packed_sequence output is zero past each length; Keras recurrent layers
      // repeat (or, in Bidirectional, may zero) their outputs at masked steps. This layer zeroes
      // them and ends the mask, so later layers see plain zero-padded steps as in PyTorch.
      add_layer(node, "ZeroPaddedSteps", {}, {output, lengths}, key(seq), "zero_padded",
                "_zero_padded");
      add_custom_class("ZeroPaddedSteps");
    }
    current = output;
    layer_sequences.push_back(output);
    if (!last && dropout > 0.0) {
      // Inter-layer dropout of nn.LSTM(dropout=p): inactive at inference, kept explicit.
      Arg rate = kw("rate", ArgValue::real(dropout));
      rate.py_name.clear();
      const std::string dropped = output + "_dropout";
      add_layer(node, "Dropout", {rate}, {current}, dropped, "dropout" + std::to_string(l),
                "_dropout" + std::to_string(l));
      current = dropped;
    }
  }
  std::string final_state = current;
  if (sequence_used && !reads_last_state.empty())
    final_state = final_state_from_sequence(node, key(seq));
  for (const pivot::Node* reader : reads_other_state) {
    const int64_t row = state_row(*reader);
    if (row < 0 || row >= layers * dirs) return no_mapping(*reader, "h_n index out of range");
    const std::string& sequence = layer_sequences[static_cast<size_t>(row / dirs)];
    out_.aliases[key(reader->outputs[0])] =
        state_from_sequence(node, sequence, bidirectional ? row % dirs : -1);
    absorbed_.insert(reader);
  }
  for (const pivot::Node* reader : reads_last_state) {
    out_.aliases[key(reader->outputs[0])] = final_state;
    absorbed_.insert(reader);
  }
  for (const auto& read : state_reads) {
    out_.aliases[key(read.reader->outputs[0])] = state_key(read.output, read.row);
    absorbed_.insert(read.reader);
  }
}

// Row `row` of an initial-state input (N, layers*dirs, H): state[:, row], cut once.
std::string Lowerer::initial_state_row(const pivot::Node& node, pivot::ValueId state, int64_t row) {
  const std::string output = key(state) + "_row" + std::to_string(row);
  for (const auto& r : out_.records)
    if (r.output == output) return output;
  std::vector<SubscriptItem> items(2);
  items[1].index = true;
  items[1].start = row;
  OpCall op;
  op.tf_function = "__operators__.getitem";
  op.subscript = std::move(items);
  auto& record = add_op(node, std::move(op), {key(state)}, output);
  record.class_name = "SlicingOpLambda";
  out_.name_hints[output] = graph_.values[state].name + "_" + std::to_string(row);
  return output;
}

// A layer's final state cut from its output sequence (the layer returns sequences): one
// direction's final state is its last step, out[:, -1]; of two directions the forward final
// state is out[:, -1, :H] and the backward one, having read the sequence from the end, sits at
// the FIRST step, out[:, 0, H:] (conventions row 11). `direction` -1: the single direction.
std::string Lowerer::state_from_sequence(const pivot::Node& node, const std::string& sequence,
                                         int64_t direction) {
  const int64_t hidden = pivot::attr_int(node, "hidden_size");
  const char* role = direction < 0 ? "final" : direction == 0 ? "forward_final" : "backward_final";
  const std::string output = sequence + "_" + role;
  for (const auto& r : out_.records)
    if (r.output == output) return output;  // already cut (h_n[k] read twice)
  std::vector<SubscriptItem> items(2);
  items[1].index = true;
  items[1].start = direction == 1 ? 0 : -1;
  if (direction >= 0) {
    SubscriptItem features;
    if (direction == 0)
      features.stop = hidden;
    else
      features.start = hidden;
    items.push_back(features);
  }
  OpCall op;
  op.tf_function = "__operators__.getitem";
  op.subscript = std::move(items);
  auto& record = add_op(node, std::move(op), {sequence}, output);
  record.class_name = "SlicingOpLambda";
  out_.name_hints[output] = role;
  return output;
}

// The last layer's final state (h_n[-1], or cat(h_n[-2], h_n[-1]) for two directions) when the
// layer also has to return its sequence.
std::string Lowerer::final_state_from_sequence(const pivot::Node& node,
                                               const std::string& sequence) {
  if (!pivot::attr_bool(node, "bidirectional")) return state_from_sequence(node, sequence, -1);
  const std::string forward = state_from_sequence(node, sequence, 0);
  const std::string backward = state_from_sequence(node, sequence, 1);
  const std::string output = sequence + "_final_state";
  add_layer(node, "Concatenate", {kw("axis", ArgValue::integer(-1))}, {forward, backward}, output,
            "final_state", "_final_state");
  out_.name_hints[output] = "final_state";
  return output;
}

void Lowerer::add_custom_class(const std::string& name) {
  auto& classes = out_.custom_classes;
  if (std::find(classes.begin(), classes.end(), name) == classes.end()) classes.push_back(name);
}

// A select the recurrent lowering did not absorb (out[:, -1] of a bidirectional layer, x[:, 0]):
// the Python subscript x[:, ..., index] (SlicingOpLambda __operators__.getitem in the JSON, as
// lower_indexing.cc writes slices).
void Lowerer::lower_select(const pivot::Node& node) {
  const auto& t = type(node.inputs[0]);
  if (!t.rank_known) return no_mapping(node, "indexing a tensor of unknown rank");
  auto axis = pivot::normalize_axis(pivot::attr_int(node, "axis"), t.rank());
  if (!axis) return no_mapping(node, "index axis out of range");
  if (*axis == 0) return no_mapping(node, "indexing the batch axis has no Keras model equivalent");
  std::vector<SubscriptItem> items(*axis + 1);
  items[*axis].index = true;
  items[*axis].start = pivot::attr_int(node, "index");
  OpCall op;
  op.tf_function = "__operators__.getitem";
  op.subscript = std::move(items);
  auto& record = add_op(node, std::move(op), {key(node.inputs[0])}, key(node.outputs[0]));
  record.class_name = "SlicingOpLambda";
}

}  // namespace nnport::writers::keras
