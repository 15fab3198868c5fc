// Recurrent ops: LSTM, GRU and simple (Elman) RNN over a batch-first sequence, possibly stacked
// and bidirectional, plus `select` (one index of one axis), the op that reads their results
// (h_n[-1], out[:, -1]).
#include "pivot/ops/catalog.h"

#include <string>

namespace nnport::pivot {
namespace {

int64_t gates(OpKind kind) { return kind == OpKind::Lstm ? 4 : kind == OpKind::Gru ? 3 : 1; }

// Gate and candidate activations of LSTM / GRU (Keras 3 names). Each is one fixed function in
// both frameworks; Keras' "hard_sigmoid" is Keras 3's relu6(x + 3) / 6 (tf.keras <= 2.15 used
// another formula: its reader reports that one).
constexpr std::string_view kActivations[] = {
    "tanh", "sigmoid", "relu",     "linear",   "hard_sigmoid", "elu",        "selu",
    "silu", "gelu",    "softsign", "softplus", "relu6",        "exponential"};

bool known_activation(const std::string& name) {
  for (std::string_view a : kActivations)
    if (a == name) return true;
  return false;
}

bool recurrent_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (ctx.node.kind != OpKind::Rnn)
    for (const char* attr : {"activation", "recurrent_activation"})
      if (!known_activation(ctx.get_string(attr)))
        return ctx.fail(std::string(attr) + " '" + ctx.get_string(attr) +
                        "' is not one of the recurrent activations of the catalog");
  const int64_t hidden = ctx.get_int("hidden_size");
  const int64_t dirs = ctx.get_bool("bidirectional") ? 2 : 1;
  const int64_t states = ctx.get_int("num_layers") * dirs;
  int64_t batch = kBatch;
  int64_t steps = kUnknown;
  if (in.rank_known) {
    if (in.rank() != 3)
      return ctx.fail("expects a batch-first (N, T, F) sequence, got " + shape_to_string(in.shape));
    if (in.shape[2] >= 0 && in.shape[2] != ctx.get_int("input_size"))
      return ctx.fail("input " + shape_to_string(in.shape) + " has " + std::to_string(in.shape[2]) +
                      " features but input_size is " + std::to_string(ctx.get_int("input_size")));
    batch = in.shape[0];
    steps = in.shape[1];
  }
  // Initial states: batch-first (N, layers*dirs, H), row l*dirs+d for layer l, direction d.
  const std::vector<int64_t> state_shape = {batch, states, hidden};
  size_t state_end = ctx.inputs.size();
  if (ctx.get_bool("lengths_input")) {
    if (ctx.inputs.size() < 2)
      return ctx.fail("lengths_input is set but there is no lengths input");
    const TensorType& lengths = ctx.inputs.back();
    if (lengths.rank_known && lengths.rank() != 1)
      return ctx.fail("lengths " + shape_to_string(lengths.shape) +
                      " is not one length per sequence (N,)");
    --state_end;
  }
  if (ctx.get_bool("mask_input")) {
    if (ctx.get_bool("lengths_input") || ctx.inputs.size() < 2)
      return ctx.fail("mask_input needs the mask as the last input, without lengths_input");
    const TensorType& mask = ctx.inputs.back();
    if (mask.rank_known && (mask.rank() != 2 || mask.dtype != DType::Bool))
      return ctx.fail("mask " + shape_to_string(mask.shape) + " is not a bool (N, T) mask");
    const std::string& outputs = ctx.get_string("masked_outputs");
    if (outputs != "carry" && outputs != "zero")
      return ctx.fail("masked_outputs '" + outputs + "' is neither 'carry' nor 'zero'");
    if (outputs == "carry" && ctx.get_bool("bidirectional"))
      return ctx.fail("masked_outputs 'carry' is one direction's (Keras Bidirectional zeroes)");
    --state_end;
  }
  for (size_t i = 1; i < state_end; ++i) {
    const TensorType& s = ctx.inputs[i];
    if (!s.rank_known) continue;
    bool fits = s.rank() == 3;
    for (size_t a = 0; fits && a < 3; ++a)
      fits = s.shape[a] == state_shape[a] || s.shape[a] == kUnknown || state_shape[a] == kUnknown;
    if (!fits)
      return ctx.fail("initial state " + shape_to_string(s.shape) +
                      " is not (N, num_layers*dirs, hidden) = " + shape_to_string(state_shape));
  }
  TensorType seq;
  seq.shape = {batch, steps, dirs * hidden};
  seq.layout = "NTF";
  ctx.outputs[0] = seq;
  TensorType state;
  state.shape = {states, batch, hidden};
  for (size_t i = 1; i < ctx.outputs.size(); ++i) ctx.outputs[i] = state;
  return true;
}

// Parameter roles are the PyTorch state_dict suffixes: weight_ih_l0, bias_hh_l1_reverse, ...
std::vector<int64_t> recurrent_param_shape(const Node& n, const std::string& role) {
  const int64_t hidden = attr_int(n, "hidden_size");
  const int64_t rows = gates(n.kind) * hidden;
  const int64_t dirs = attr_bool(n, "bidirectional") ? 2 : 1;
  const bool first_layer = role.find("_l0") != std::string::npos;
  if (role.rfind("weight_ih", 0) == 0)
    return {rows, first_layer ? attr_int(n, "input_size") : dirs * hidden};
  if (role.rfind("weight_hh", 0) == 0) return {rows, hidden};
  return {rows};
}

OpSchema recurrent(OpKind kind, std::string summary, std::string doc, int outputs) {
  SchemaBuilder b(kind, std::move(summary));
  b.doc(std::move(doc))
      .inputs(1, outputs + 1)  // x, then h0 (and c0 for LSTM), then lengths or mask
      .outputs(outputs)
      .required_attr("input_size", AttrType::Int, "features of each input step")
      .required_attr("hidden_size", AttrType::Int, "units of each direction")
      .attr("num_layers", AttrType::Int, int64_t{1},
            "stacked layers; layer k>0 reads layer k-1's output")
      .attr(
          "bidirectional", AttrType::Bool, false,
          "a second direction reads the sequence reversed; outputs concatenate [forward, backward]")
      .attr("bias", AttrType::Bool, true, "whether the bias_ih/bias_hh parameters exist")
      .attr("dropout", AttrType::Float, 0.0,
            "dropout between stacked layers in training (conventions row 12); inference no-op")
      .attr("lengths_input", AttrType::Bool, false,
            "the last input is lengths (N,) (PyTorch pack_padded_sequence): sequence n has "
            "lengths[n] "
            "valid steps; the others do not update its state, so h_n holds the state at its last "
            "valid "
            "step and the backward direction starts at step lengths[n]-1; its outputs there are "
            "zero")
      .attr("mask_input", AttrType::Bool, false,
            "the last input is a bool (N, T) padding mask, True = a masked step (Keras "
            "Embedding(mask_zero=True): ids == 0). Each direction reads only the unmasked steps, "
            "in its own order, wherever the masked ones are (pre- or post-padding): a masked step "
            "leaves the state as it was, and h_n is the state after the last unmasked step read")
      .attr("masked_outputs", AttrType::String, std::string("carry"),
            "the sequence output at a masked step (with mask_input): 'carry' repeats the output "
            "of the previous unmasked step (zero before the first; a Keras RNN layer, "
            "zero_output_for_mask=False), 'zero' is zero (Keras Bidirectional, which forces "
            "zero_output_for_mask=True when returning sequences)");
  if (kind == OpKind::Rnn)
    b.attr("nonlinearity", AttrType::String, std::string("tanh"), "'tanh' or 'relu'");
  if (kind != OpKind::Rnn) {
    b.attr("activation", AttrType::String, std::string("tanh"),
           std::string("activation of the candidate ") +
               (kind == OpKind::Lstm ? "g and of c'" : "n") +
               " (Keras `activation`): tanh, sigmoid, relu, linear, hard_sigmoid (relu6(x+3)/6), "
               "elu, selu, silu, gelu (exact), softsign, softplus, relu6 or exponential; "
               "nn." +
               (kind == OpKind::Lstm ? "LSTM" : "GRU") + " has tanh only (conventions row 9)")
        .attr("recurrent_activation", AttrType::String, std::string("sigmoid"),
              "activation of the gates (Keras `recurrent_activation`), from the same list; "
              "nn.LSTM / nn.GRU have sigmoid only");
  }
  if (kind == OpKind::Gru)
    b.attr("reset_after", AttrType::Bool, true,
           "true: n = act(W_in x + b_in + r*(W_hn h + b_hn)) (nn.GRU, Keras reset_after=True); "
           "false: n = act(W_in x + b_in + W_hn (r*h) + b_hn), the reset gate scales the state "
           "before the recurrent matmul (Keras reset_after=False, one bias: b_hn absent or zero; "
           "conventions row 10)");
  b.param("weight_ih_l{k}[_reverse]", "gates*hidden, in",
          "input weights of layer k (in = input_size for k = 0, else dirs*hidden); gate blocks in "
          "PyTorch order")
      .param("weight_hh_l{k}[_reverse]", "gates*hidden, hidden", "recurrent weights of layer k")
      .optional_param("bias_ih_l{k}[_reverse]", "gates*hidden",
                      "input bias, present when bias=True")
      .optional_param("bias_hh_l{k}[_reverse]", "gates*hidden",
                      "recurrent bias, present when bias=True")
      .shape(recurrent_shape)
      .param_shape(recurrent_param_shape);
  return b.build();
}

bool select_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  auto axis = normalize_axis(ctx.get_int("axis"), in.rank());
  if (!axis) return ctx.fail("select axis out of range for " + shape_to_string(in.shape));
  const int64_t size = in.shape[*axis];
  const int64_t index = ctx.get_int("index");
  if (size >= 0 && (index >= size || index < -size))
    return ctx.fail("index " + std::to_string(index) + " out of range for axis of size " +
                    std::to_string(size));
  TensorType out = in;
  out.shape.erase(out.shape.begin() + static_cast<long>(*axis));
  if (in.layout.size() == in.rank())
    out.layout.erase(*axis, 1);
  else
    out.layout.clear();
  ctx.outputs[0] = out;
  return true;
}

}  // namespace

void register_recurrent_ops(std::vector<OpSchema>& out) {
  const std::string common =
      " Input is batch-first (N, T, F) (a reader inserts transposes for time-major sources); "
      "outputs are the full sequence (N, T, dirs*H) and the final states (num_layers*dirs, N, H), "
      "row l*dirs+d for layer l, direction d (d=1: backward). Optional inputs are the initial "
      "states, batch-first (N, num_layers*dirs, H) with the same row order (absent = zeros; a "
      "reader "
      "transposes PyTorch's (num_layers*dirs, N, H)). The backward direction's output at step t "
      "is its state after reading steps T-1..t, so out[:, -1] of a bidirectional layer is NOT "
      "the concatenation of both final states (conventions row 11).";
  out.push_back(recurrent(
      OpKind::Lstm, "Long short-term memory layers (PyTorch nn.LSTM semantics)",
      "Gates i, f, g, o (PyTorch order, also Keras' i, f, c, o): i = sigmoid(W_ii x + b_ii + W_hi "
      "h + "
      "b_hi), f, o alike, g = tanh(...), c' = f*c + i*g, h' = o*tanh(c'), where sigmoid is "
      "`recurrent_activation` and tanh is `activation`. Two biases (b_ih, b_hh) "
      "where Keras has one (their sum, conventions row 9)." +
          common +
          " Outputs: sequence, h_n, c_n; "
          "inputs: x, h0, c0.",
      3));
  out.push_back(recurrent(
      OpKind::Gru, "Gated recurrent unit layers (PyTorch nn.GRU semantics)",
      "Gates r, z, n (PyTorch order; Keras orders z, r, h): r = sigmoid(W_ir x + b_ir + W_hr h + "
      "b_hr), "
      "z alike, n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h, where sigmoid is "
      "`recurrent_activation` and tanh is `activation`. With reset_after (the default) the reset "
      "gate applies after the recurrent matmul (Keras reset_after=True); reset_after=false is "
      "Keras' reset_after=False, n = tanh(W_in x + b_in + W_hn (r*h) + b_hn) (conventions row "
      "10)." +
          common + " Outputs: sequence, h_n; inputs: x, h0.",
      2));
  out.push_back(recurrent(
      OpKind::Rnn, "Simple (Elman) recurrent layers (PyTorch nn.RNN semantics)",
      "h' = act(W_ih x + b_ih + W_hh h + b_hh) with act tanh or relu; Keras SimpleRNN has one bias "
      "(the sum)." +
          common + " Outputs: sequence, h_n; inputs: x, h0.",
      2));
  out.push_back(SchemaBuilder(OpKind::Select, "One index of one axis; the axis is removed")
                    .doc("x.select(axis, index) = x[..., index, ...]; a negative index counts from "
                         "the end. Used for h_n[-1] and out[:, -1].")
                    .required_attr("axis", AttrType::Int, "the indexed axis")
                    .required_attr("index", AttrType::Int, "position along the axis")
                    .shape(select_shape)
                    .build());
}

// A parameter role pattern from the table above: "{k}" stands for a layer number and
// "[_reverse]" for an optional suffix, mirroring PyTorch's state_dict keys.
bool recurrent_role_matches(std::string_view pattern, std::string_view role) {
  const auto k = pattern.find("{k}");
  if (k == std::string_view::npos) return false;
  if (role.substr(0, k) != pattern.substr(0, k)) return false;
  size_t i = k;
  while (i < role.size() && role[i] >= '0' && role[i] <= '9') ++i;
  if (i == k) return false;
  const std::string_view rest = role.substr(i);
  return rest.empty() || rest == "_reverse";
}

}  // namespace nnport::pivot
