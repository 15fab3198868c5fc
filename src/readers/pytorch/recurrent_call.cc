// Calls of nn.LSTM / nn.GRU / nn.RNN in forward(), their initial states, and integer indexing of
// their results (h_n[-1], out[:, -1]) as pivot `select` nodes.
//
// The pivot recurrent ops are batch-first; a batch_first=False layer gets transposes around it
// here, so its time-major results keep their PyTorch meaning for the rest of forward().
#include "readers/pytorch/tracer_impl.h"

#include <algorithm>

#include "passes/shape_inference.h"
#include "pivot/ops/catalog.h"

namespace nnport::readers::pytorch {

using pivot::OpKind;
using syntax::Kind;

namespace {

bool is_recurrent(OpKind kind) {
  return kind == OpKind::Lstm || kind == OpKind::Gru || kind == OpKind::Rnn;
}

// Whether an initial state is all zeros (torch.zeros(...), or a tuple of them for LSTM): PyTorch
// uses zeros when no state is passed, so such a state is the same as none.
bool all_zeros(const TValue& v) {
  if (v.kind == TValue::Kind::Zeros) return true;
  if (v.kind != TValue::Kind::Tuple || v.items.empty()) return false;
  for (const auto& item : v.items)
    if (item.kind != TValue::Kind::Zeros) return false;
  return true;
}

template <typename T>
T attr_or(const pivot::Attrs& attrs, const std::string& name, T fallback) {
  auto it = attrs.find(name);
  if (it == attrs.end()) return fallback;
  const T* v = std::get_if<T>(&it->second);
  return v ? *v : fallback;
}

}  // namespace

std::optional<TValue> Tracer::recurrent_torch_function(const std::string& q, const CallArgs& args,
                                                       Node call) {
  if (q == "torch.nn.utils.rnn.pack_padded_sequence") return pack_padded(args, call);
  if (q == "torch.nn.utils.rnn.pad_packed_sequence") return pad_packed(args, call);
  // Variable(t) (deprecated autograd wrapper, common around initial states) is t itself.
  if (q == "torch.autograd.Variable" || q == "torch.autograd.variable.Variable") {
    const TValue* data = args.get(0, "data");
    if (data) return *data;
    return std::nullopt;
  }
  if (q != "torch.zeros") return std::nullopt;
  TValue zeros;
  zeros.kind = TValue::Kind::Zeros;
  // torch.zeros(a, b, c) or torch.zeros((a, b, c)); dtype/device/requires_grad do not matter.
  std::vector<TValue> sizes = args.positional;
  if (sizes.size() == 1 && sizes[0].kind == TValue::Kind::Tuple) sizes = sizes[0].items;
  if (sizes.size() == 1 && sizes[0].kind == TValue::Kind::Const &&
      sizes[0].constant.is_sequence()) {
    std::vector<TValue> items;
    for (const auto& c : sizes[0].constant.items) items.push_back(TValue::of_const(c));
    sizes = items;
  }
  for (const auto& s : sizes) {
    if (s.kind != TValue::Kind::Dim && !(s.kind == TValue::Kind::Const && s.constant.is_int())) {
      diags_.error(Code::NotConstant, call.location())
          << "torch.zeros size is not a constant or x.size(k)";
      return TValue::invalid();
    }
  }
  zeros.items = std::move(sizes);
  return zeros;
}

// pack_padded_sequence(x, lengths, batch_first=False, enforce_sorted=True). With lengths that
// are statically the full length for every sequence the packed sequence holds exactly x, and the
// recurrent layer then runs as on x. With a lengths tensor (N,) (a model input or computed in
// forward) the layer skips each sequence's padded steps: the recurrent op gets the lengths as its
// last input (pivot attribute `lengths_input`). enforce_sorted only decides whether PyTorch sorts
// the batch internally; results come back in input order either way, so it does not matter here.
TValue Tracer::pack_padded(const CallArgs& args, Node call) {
  const TValue* input = args.get(0, "input");
  const TValue* lengths = args.get(1, "lengths");
  const TValue* batch_first = args.get(2, "batch_first");
  if (!input || !lengths) {
    diags_.error(Code::UnsupportedSyntax, call.location())
        << "pack_padded_sequence needs input and lengths";
    return TValue::invalid();
  }
  auto x = as_tensor(*input, call);
  if (!x) return TValue::invalid();
  if (!need_rank(*x, call) || type_of(*x).rank() != 3)
    return unsupported(call, Code::VariableLengthSequence,
                       "pack_padded_sequence of a tensor that is not 3-D", {*x});
  bool bf = false;
  if (batch_first && batch_first->kind == TValue::Kind::Const && batch_first->constant.is_bool())
    bf = batch_first->constant.b;
  const int64_t steps = type_of(*x).shape[bf ? 1 : 0];
  bool full = steps >= 0 && lengths->kind == TValue::Kind::Const &&
              lengths->constant.is_sequence() && !lengths->constant.items.empty();
  if (full)
    for (const auto& c : lengths->constant.items) full = full && c.is_int() && c.i == steps;
  std::optional<pivot::ValueId> run_time_lengths;
  if (!full && lengths->is_tensor() && need_rank(lengths->tensor, call)) {
    const auto& t = type_of(lengths->tensor);
    if (t.rank() != 1 ||
        (t.shape[0] != pivot::kBatch && t.shape[0] != type_of(*x).shape[bf ? 0 : 1]))
      return unsupported(call, Code::VariableLengthSequence,
                         "pack_padded_sequence lengths of shape " +
                             pivot::shape_to_string(t.shape) +
                             " are not one length per sequence of the batch",
                         {*x});
    run_time_lengths = lengths->tensor;
  }
  if (!full && !run_time_lengths)
    return unsupported(
        call, Code::VariableLengthSequence,
        lengths->kind == TValue::Kind::Invalid
            ? "pack_padded_sequence lengths that nnport could not trace (reported above)"
            : "pack_padded_sequence with lengths that are neither a tensor nor statically "
              "the full sequence length (a Python list of lengths shorter than the sequence)",
        {*x});
  pivot::ValueId packed = *x;
  if (!bf)
    packed = add_node(OpKind::Transpose, "packed_batch_first", {}, {*x},
                      {{"perm", std::vector<int64_t>{1, 0, 2}}}, call)
                 .tensor;
  packed_.insert(packed);
  if (run_time_lengths) packed_lengths_[packed] = *run_time_lengths;
  return TValue::of_tensor(packed);
}

// pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None) ->
// (padded, lengths): the padded tensor in the asked layout (zero past each length: the recurrent
// op's sequence output already is), and the lengths tensor when it is a run-time one. PyTorch
// cuts the padded tensor to max(lengths) steps; nnport keeps all T steps of the input, which is
// the same when the longest sequence fills the tensor, or with total_length=T. Otherwise the
// difference shows wherever the step count matters (a mean over time, out[:, -1], returned
// sequences): a warning says so.
TValue Tracer::pad_packed(const CallArgs& args, Node call) {
  const TValue* input = args.get(0, "sequence");
  const TValue* batch_first = args.get(1, "batch_first");
  if (!input || !input->is_tensor() || !packed_.count(input->tensor)) {
    std::vector<pivot::ValueId> ins;
    if (input && input->is_tensor()) ins.push_back(input->tensor);
    return unsupported(
        call, Code::VariableLengthSequence,
        "pad_packed_sequence of a sequence nnport did not see packed with full lengths", ins);
  }
  bool bf = false;
  if (batch_first && batch_first->kind == TValue::Kind::Const && batch_first->constant.is_bool())
    bf = batch_first->constant.b;
  const TValue* padding_value = args.get(2, "padding_value");
  if (padding_value && !(padding_value->kind == TValue::Kind::Const &&
                         ((padding_value->constant.is_int() && padding_value->constant.i == 0) ||
                          (padding_value->constant.kind == Constant::Kind::Float &&
                           padding_value->constant.f == 0.0))))
    return unsupported(call, Code::UnsupportedArgument,
                       "pad_packed_sequence with a padding_value other than 0 is not supported",
                       {input->tensor});
  auto lengths = packed_lengths_.find(input->tensor);
  if (lengths != packed_lengths_.end()) {
    const TValue* total_length = args.get(3, "total_length");
    const int64_t steps = type_of(input->tensor).shape[1];
    const bool total_is_steps = total_length && total_length->kind == TValue::Kind::Const &&
                                total_length->constant.is_int() &&
                                total_length->constant.i == steps;
    if (!total_is_steps)
      diags_.warning(Code::VariableLengthSequence, call.location())
          << "pad_packed_sequence returns max(lengths) steps in PyTorch; the migrated model "
             "returns all "
          << steps << " steps of its input (the same when the longest sequence has " << steps
          << " steps; pass total_length=" << steps << " to make that explicit)";
  }
  TValue padded = *input;
  if (!bf)
    padded = add_node(OpKind::Transpose, "padded_time_major", {}, {input->tensor},
                      {{"perm", std::vector<int64_t>{1, 0, 2}}}, call);
  TValue out_lengths =
      lengths != packed_lengths_.end() ? TValue::of_tensor(lengths->second) : TValue::invalid();
  return TValue::of_tuple({padded, out_lengths});
}

TValue Tracer::apply_recurrent(const InstancePtr& module, const CallArgs& args, Node call) {
  const OpKind kind = module->row->kind;
  // A result that could not be traced keeps the (out, h_n[, c_n]) structure so that the
  // caller's unpacking still works; the states are invalid (already reported here).
  auto failed = [&](TValue marker) {
    TValue states = kind == OpKind::Lstm ? TValue::of_tuple({TValue::invalid(), TValue::invalid()})
                                         : TValue::invalid();
    return TValue::of_tuple({std::move(marker), std::move(states)});
  };
  const TValue* input = args.get(0, "input");
  if (!input) {
    diags_.error(Code::UnsupportedSyntax, call.location())
        << "recurrent layer called without an input";
    return TValue::invalid();
  }
  auto x = as_tensor(*input, call);
  if (!x) return TValue::invalid();
  const TValue* state = args.get(1, "hx");
  const bool has_state = state &&
                         !(state->kind == TValue::Kind::Const && state->constant.is_none()) &&
                         !all_zeros(*state);
  pivot::Attrs attrs = module->attrs;
  bool batch_first = false;
  if (auto it = attrs.find("batch_first"); it != attrs.end()) {
    if (const bool* b = std::get_if<bool>(&it->second)) batch_first = *b;
    attrs.erase(it);
  }
  // A PackedSequence carries no layout: the layer reads it whatever its batch_first, and returns
  // its output packed (here: batch-first, to be laid out by pad_packed_sequence).
  const bool packed = packed_.count(*x) > 0;
  if (packed) batch_first = true;
  if (!need_rank(*x, call))
    return failed(
        unsupported(call, Code::NeedsInputShape, "recurrent input rank unknown", {*x}, false));
  if (type_of(*x).rank() != 3)
    return failed(unsupported(call, Code::UnsupportedOperation,
                              "an unbatched (2-D) input to '" + module->path + "' is not supported",
                              {*x}));
  {
    // Keras recurrent layers run over axis 1 of a batch-first input. When the model's batch is
    // the time axis here (`lstm(x.view(len(x), 1, -1))`, the recurrence runs ACROSS samples),
    // no Keras layer computes that: refuse instead of writing a model that cannot load.
    const auto& dims = type_of(*x).shape;
    const size_t time_axis = batch_first ? 1 : 0;
    if (dims[time_axis] == pivot::kBatch)
      return failed(unsupported(
          call, Code::UnsupportedOperation,
          "the recurrence of '" + module->path +
              "' runs over the model's batch axis (its input is " + pivot::shape_to_string(dims) +
              "); Keras recurrent layers iterate over time within each sample",
          {*x}));
  }
  const std::string path = module->path.empty() ? std::string(pivot::op_name(kind)) : module->path;
  const std::vector<int64_t> swap = {1, 0, 2};
  pivot::ValueId seq_in = *x;
  if (!batch_first)
    seq_in =
        add_node(OpKind::Transpose, path + "_batch_first", {}, {*x}, {{"perm", swap}}, call).tensor;

  std::vector<pivot::ValueId> inputs = {seq_in};
  if (has_state) {
    std::string problem;
    auto states = initial_states(*module, *state, call, problem);
    if (!states) return failed(unsupported(call, Code::UnsupportedArgument, problem, {*x}));
    inputs.insert(inputs.end(), states->begin(), states->end());
  }
  const auto lengths = packed ? packed_lengths_.find(*x) : packed_lengths_.end();
  if (lengths != packed_lengths_.end()) {
    inputs.push_back(lengths->second);
    attrs["lengths_input"] = true;
  }
  TValue out = add_node(kind, path, module->path, std::move(inputs), std::move(attrs), call);
  const size_t node_index = g_.nodes.size() - 1;
  const int state_count = pivot::schema(kind).num_outputs - 1;
  for (int i = 0; i < state_count; ++i) {
    const std::string name = g_.nodes[node_index].name + (i == 0 ? "_h_n" : "_c_n");
    g_.nodes[node_index].outputs.push_back(g_.add_value(name, pivot::TensorType{}));
  }
  std::string error;
  if (!passes::infer_node(g_, node_index, error))
    diags_.error(Code::ShapeMismatch, call.location())
        << pivot::op_name(kind) << " '" << path << "': " << error;

  // Parameters: weight_ih_l{k}[_reverse], weight_hh_..., bias_ih_..., bias_hh_... per layer and
  // direction, in PyTorch's state_dict order.
  pivot::Node& node = g_.nodes[node_index];
  auto& params = params_[module.get()];
  if (params.empty()) {
    const int64_t layers = pivot::attr_int(node, "num_layers");
    const bool bidirectional = pivot::attr_bool(node, "bidirectional");
    const auto& op = pivot::schema(kind);
    for (int64_t l = 0; l < layers; ++l)
      for (int d = 0; d < (bidirectional ? 2 : 1); ++d)
        for (const auto& spec : op.params) {
          const std::string role = spec.role.substr(0, spec.role.find("{k}")) + std::to_string(l) +
                                   (d == 1 ? "_reverse" : "");
          if (!frameworks::pytorch::param_present(node, role)) continue;
          pivot::Param p;
          p.name = module->path.empty() ? role : module->path + "." + role;
          p.shape = op.param_shape(node, role);
          params[role] = g_.add_param(std::move(p));
        }
  }
  node.params = params;

  std::vector<TValue> results;
  TValue seq = TValue::of_tensor(node.outputs[0]);
  if (!batch_first)
    seq =
        add_node(OpKind::Transpose, path + "_time_major", {}, {seq.tensor}, {{"perm", swap}}, call);
  if (packed) packed_.insert(seq.tensor);
  if (lengths != packed_lengths_.end()) packed_lengths_[seq.tensor] = lengths->second;
  results.push_back(seq);
  const pivot::Node& done = g_.nodes[node_index];
  if (kind == OpKind::Lstm)
    results.push_back(
        TValue::of_tuple({TValue::of_tensor(done.outputs[1]), TValue::of_tensor(done.outputs[2])}));
  else
    results.push_back(TValue::of_tensor(done.outputs[1]));
  (void)out;
  return TValue::of_tuple(std::move(results));
}

// The initial states given to a recurrent call, `lstm(x, (h0, c0))` / `gru(x, h0)`: tensors of
// PyTorch's (num_layers*dirs, N, H) layout, whatever batch_first, handed to the pivot op
// batch-first (N, num_layers*dirs, H) like its sequence (a transpose the layout planner absorbs
// when the state is a model input). On failure: nullopt and `problem` says why.
std::optional<std::vector<pivot::ValueId>> Tracer::initial_states(const Instance& module,
                                                                  const TValue& state, Node call,
                                                                  std::string& problem) {
  const OpKind kind = module.row->kind;
  std::vector<TValue> parts = {state};
  if (kind == OpKind::Lstm) {
    if (state.kind != TValue::Kind::Tuple || state.items.size() != 2) {
      problem = "the initial state of LSTM '" + module.path + "' is not a pair (h0, c0)";
      return std::nullopt;
    }
    parts = state.items;
  }
  const int64_t layers = attr_or(module.attrs, "num_layers", int64_t{1});
  const int64_t dirs = attr_or(module.attrs, "bidirectional", false) ? 2 : 1;
  const int64_t hidden = attr_or(module.attrs, "hidden_size", int64_t{-1});
  const std::vector<int64_t> want = {layers * dirs, pivot::kBatch, hidden};
  std::vector<pivot::ValueId> out;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string role = i == 0 ? "h0" : "c0";
    if (parts[i].kind == TValue::Kind::Zeros) {
      // Keras takes all of a layer's states or none: a zero h0 beside a given c0 would need a
      // zeros tensor of run-time batch size in the Keras model.
      problem = "the initial state of '" + module.path +
                "' mixes torch.zeros(...) and a tensor; Keras needs both h0 and c0 as tensors, or "
                "neither";
      return std::nullopt;
    }
    if (!parts[i].is_tensor()) {
      problem = "the initial state " + role + " of '" + module.path +
                "' is not a tensor nnport can trace (a model input or a value computed from one)";
      return std::nullopt;
    }
    const pivot::ValueId v = parts[i].tensor;
    if (!need_rank(v, call)) {
      problem = "the initial state " + role + " of '" + module.path + "' has an unknown rank";
      return std::nullopt;
    }
    const auto& shape = type_of(v).shape;
    // The batch axis must be the model's batch: a state built for a fixed batch size
    // (torch.randn(1, 4, H) as a constant) cannot be fed per sample in Keras.
    bool fits = shape.size() == 3;
    for (size_t a = 0; fits && a < 3; ++a) fits = shape[a] == want[a];
    if (!fits) {
      problem = "the initial state " + role + " of '" + module.path + "' has shape " +
                pivot::shape_to_string(shape) + "; nnport maps only PyTorch's " +
                pivot::shape_to_string(want) +
                " (num_layers*num_directions, batch, hidden_size) with the model's batch";
      return std::nullopt;
    }
    out.push_back(add_node(OpKind::Transpose, role + "_batch_first", {}, {v},
                           {{"perm", std::vector<int64_t>{1, 0, 2}}}, call)
                      .tensor);
  }
  return out;
}

std::optional<TValue> Tracer::select_index(const TValue& obj, const std::vector<Node>& subs,
                                           Node expr) {
  // Each subscript is a constant int or a full slice `:`; anything else is left to the caller.
  std::vector<std::optional<int64_t>> picks;
  for (Node s : subs) {
    if (s.is(Kind::Slice)) {
      for (Node c : s.children())
        if (c.named()) return std::nullopt;  // a bounded slice
      picks.push_back(std::nullopt);
      continue;
    }
    TValue v = eval(s);
    if (v.kind != TValue::Kind::Const || !v.constant.is_int()) return std::nullopt;
    picks.push_back(v.constant.i);
  }
  if (!need_rank(obj.tensor, expr)) return TValue::invalid();
  if (picks.size() > type_of(obj.tensor).rank()) return std::nullopt;
  // Select from the last picked axis down, so earlier axis numbers stay valid.
  const auto count =
      std::count_if(picks.begin(), picks.end(), [](const auto& p) { return p.has_value(); });
  TValue current = obj;
  for (size_t i = picks.size(); i-- > 0;) {
    if (!picks[i]) continue;
    pivot::ValueId in = current.tensor;
    int64_t axis = static_cast<int64_t>(i);
    // out[-1] of a time-major (transposed back) recurrent output selects from the batch-first
    // sequence directly, so the writer sees the recurrent op's own output.
    const int producer = g_.producer(in);
    if (producer >= 0 && count == 1) {
      const pivot::Node& p = g_.nodes[static_cast<size_t>(producer)];
      if (p.kind == OpKind::Transpose && g_.users(in).empty()) {
        const int source = g_.producer(p.inputs[0]);
        if (source >= 0 && is_recurrent(g_.nodes[static_cast<size_t>(source)].kind)) {
          axis = pivot::attr_ints(p, "perm")[static_cast<size_t>(axis)];
          in = p.inputs[0];
        }
      }
    }
    current =
        add_node(OpKind::Select, "select", {}, {in}, {{"axis", axis}, {"index", *picks[i]}}, expr);
  }
  return current;
}

}  // namespace nnport::readers::pytorch
