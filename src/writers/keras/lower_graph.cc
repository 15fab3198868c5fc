// Lowering driver: inputs, naming, layer sharing, TODO markers, dense/normalisation/activation
// ops, activation folding and the Sequential test.
#include "writers/keras/lower_graph.h"

#include <algorithm>

#include "frameworks/keras/layer_table.h"
#include "pivot/ops/catalog.h"
#include "writers/keras/lowerer.h"
#include "writers/keras/python_literal.h"

namespace nnport::writers::keras {

namespace fk = nnport::frameworks::keras;
using pivot::OpKind;

Arg kw(const std::string& name, ArgValue value) {
  return Arg{name, name, std::move(value), true, {}, {}};
}

Arg json_only(const std::string& key, ArgValue value) {
  return Arg{key, key, std::move(value), false, {}, {}};
}

void append_center_scale(std::vector<Arg>& args, bool center, bool scale) {
  for (const auto& [name, value] : {std::pair{"center", center}, std::pair{"scale", scale}}) {
    Arg arg = kw(name, ArgValue::boolean(value));
    arg.in_python = !value;
    args.push_back(std::move(arg));
  }
}

Arg int_or_tuple(const std::string& name, const std::vector<int64_t>& values, bool in_python) {
  Arg arg = kw(name, ArgValue::list(values));
  arg.in_python = in_python;
  const bool uniform = !values.empty() && std::all_of(values.begin(), values.end(),
                                                      [&](int64_t v) { return v == values[0]; });
  arg.py_value = uniform ? ArgValue::integer(values[0]) : ArgValue::tuple(values);
  return arg;
}

Lowerer::Lowerer(const pivot::ModuleDef& module, bool tf_keras, DiagnosticEngine& diags)
    : module_(module), graph_(module.graph), tf_keras_(tf_keras), diags_(diags) {}

// A layer keeps its source module's path as its name, dots included ("layer1.conv1"): Keras
// rejects only '/' in names (tf.keras itself names op layers "tf.math.reduce_mean"), and the
// Keras reader hands the path back to the pivot, so a migration back to PyTorch nests the layer
// where the source had it.
std::string Lowerer::unique_layer_name(const std::string& base) {
  std::string name;
  for (char c : base) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.';
    name.push_back(ok ? c : '_');
  }
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
    name = "v_" + name;
  std::string candidate = name;
  for (int i = 1; used_names_.count(candidate); ++i) candidate = name + "_" + std::to_string(i);
  used_names_.insert(candidate);
  return candidate;
}

std::string Lowerer::base_name(const pivot::Node& node) const {
  std::string base = node.module_path.empty() ? node.name : node.module_path;
  if (base.empty()) return std::string(pivot::op_name(node.kind));
  // Children of a top-level nn.Sequential are called "0", "1", ...: name them by what they do.
  if (base[0] >= '0' && base[0] <= '9') return std::string(pivot::op_name(node.kind)) + "_" + base;
  return base;
}

std::string Lowerer::cls(const std::string& pattern, size_t rank) const {
  std::string out = pattern;
  if (auto at = out.find("{r}"); at != std::string::npos) out.replace(at, 3, std::to_string(rank));
  return out;
}

LayerRecord& Lowerer::add_layer(const pivot::Node& node, const std::string& class_name,
                                std::vector<Arg> args, std::vector<std::string> inputs,
                                std::string output, const std::string& share_role,
                                const std::string& name_suffix) {
  LayerRecord record;
  record.kind = RecordKind::Layer;
  record.class_name = class_name;
  record.args = std::move(args);
  record.inputs = std::move(inputs);
  record.output = std::move(output);
  record.location = node.location;
  const std::string share_key = node.module_path + "#" + share_role;
  if (!node.module_path.empty()) {
    if (auto it = shared_.find(share_key); it != shared_.end()) {
      record.owner = it->second;
      record.name = out_.records[static_cast<size_t>(it->second)].name;
      out_.records.push_back(std::move(record));
      return out_.records.back();
    }
  }
  record.name = unique_layer_name(base_name(node) + name_suffix);
  if (!node.module_path.empty()) shared_[share_key] = static_cast<int>(out_.records.size());
  out_.records.push_back(std::move(record));
  return out_.records.back();
}

LayerRecord& Lowerer::add_op(const pivot::Node& node, OpCall op, std::vector<std::string> inputs,
                             std::string output) {
  LayerRecord record;
  record.kind = RecordKind::Op;
  record.class_name = "TFOpLambda";
  // tf.keras names TFOpLambda layers after the function: tf.math.reduce_mean, ..._1, ...
  std::string name = "tf." + op.tf_function;
  std::string candidate = name;
  for (int i = 1; used_names_.count(candidate); ++i) candidate = name + "_" + std::to_string(i);
  used_names_.insert(candidate);
  record.name = candidate;
  record.op = std::move(op);
  record.inputs = std::move(inputs);
  record.output = std::move(output);
  record.location = node.location;
  ++op_count_;
  out_.records.push_back(std::move(record));
  return out_.records.back();
}

void Lowerer::add_todo(const pivot::Node& node, Code code, const std::string& message) {
  LayerRecord record;
  record.kind = RecordKind::Todo;
  record.todo = std::string(code_info(code).name) + ": " + message;
  record.location = node.location;
  if (!node.inputs.empty()) record.inputs.push_back(key(node.inputs[0]));
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (!node.inputs.empty()) out_.aliases[key(node.outputs[i])] = key(node.inputs[0]);
  }
  out_.partial = true;
  out_.records.push_back(std::move(record));
}

void Lowerer::no_mapping(const pivot::Node& node, const std::string& message) {
  diags_.error(Code::NoTargetMapping, node.location) << message;
  add_todo(node, Code::NoTargetMapping, message);
}

void Lowerer::add_vars(LayerRecord& record, const pivot::Node& node) {
  if (record.owner >= 0) return;  // a shared layer's variables belong to its first call
  const auto* row = fk::find_row(node.kind);
  if (!row) return;
  for (const auto& var : row->vars) {
    auto it = node.params.find(std::string(var.role));
    if (it == node.params.end()) continue;
    const auto& param = graph_.params.at(it->second);
    WeightVar weight;
    weight.variable = std::string(var.variable);
    weight.param = it->second;
    weight.perm = fk::permutation(var.perm, param.shape.size());
    record.vars.push_back(std::move(weight));
  }
}

RecordList Lowerer::run() {
  out_.model_name = module_.name;
  for (const auto& port : graph_.inputs) {
    const auto& t = type(port.value);
    LayerRecord record;
    record.kind = RecordKind::Input;
    record.class_name = "InputLayer";
    record.name = unique_layer_name(port.name.empty() ? "input" : port.name);
    record.output = key(port.value);
    std::vector<int64_t> shape;
    if (!t.rank_known || t.shape.empty() || t.shape[0] != pivot::kBatch) {
      diags_.error(Code::NoTargetMapping, module_.location)
          << "input '" << port.name << "' of shape " << pivot::shape_to_string(t.shape)
          << " does not have the batch as its first axis, which keras.Input requires";
      out_.partial = true;
    }
    for (size_t i = 1; i < t.shape.size(); ++i) shape.push_back(t.shape[i] >= 0 ? t.shape[i] : -1);
    record.args.push_back(kw("shape", ArgValue::shape(shape)));
    Arg dtype = kw("dtype", ArgValue::string(std::string(pivot::dtype_name(t.dtype))));
    dtype.in_python = t.dtype != pivot::DType::Float32;
    record.args.push_back(dtype);
    out_.input_keys.push_back(record.output);
    out_.name_hints[record.output] = port.name;
    out_.records.push_back(std::move(record));
  }
  for (size_t v = 0; v < graph_.values.size(); ++v)
    if (!out_.name_hints.count(key(static_cast<pivot::ValueId>(v))))
      out_.name_hints[key(static_cast<pivot::ValueId>(v))] = graph_.values[v].name;
  for (const auto& node : graph_.nodes) lower_node(node);
  for (const auto& port : graph_.outputs) out_.output_keys.push_back(key(port.value));
  fuse_activations();
  detect_sequential();
  return std::move(out_);
}

void Lowerer::lower_node(const pivot::Node& node) {
  if (absorbed_.count(&node)) return;  // lowered together with a recurrent layer
  switch (node.kind) {
    case OpKind::Identity:
      if (!node.inputs.empty() && !node.outputs.empty())
        out_.aliases[key(node.outputs[0])] = key(node.inputs[0]);
      return;
    case OpKind::Unsupported: {
      const std::string& code_text = pivot::attr_string(node, "code");
      Code code = Code::NoTargetMapping;
      for (const auto& info : all_codes())
        if (info.name == code_text) code = info.code;
      std::string message = pivot::attr_string(node, "message");
      if (message.empty()) message = pivot::attr_string(node, "text");
      diags_.note(code, node.location)
          << "TODO(nnport) marker written for `" << pivot::attr_string(node, "text") << "`";
      add_todo(node, code, message);
      return;
    }
    case OpKind::Call:
      no_mapping(node, "call of '" + pivot::attr_string(node, "callee") +
                           "' left in the graph; the Keras writer expects a flat graph");
      return;
    case OpKind::Linear: return lower_linear(node);
    case OpKind::Embedding: return lower_embedding(node);
    case OpKind::Conv: return lower_conv(node);
    case OpKind::MaxPool:
    case OpKind::AvgPool: return lower_pool(node);
    case OpKind::BatchNorm: return lower_batch_norm(node);
    case OpKind::Dropout:
    case OpKind::Relu:
    case OpKind::LeakyRelu:
    case OpKind::Sigmoid:
    case OpKind::Tanh:
    case OpKind::Softmax:
    case OpKind::LogSoftmax:
    case OpKind::Gelu:
    case OpKind::Elu:
    case OpKind::Silu: return lower_activation(node);
    case OpKind::Flatten: return lower_flatten(node);
    case OpKind::Reshape:
    case OpKind::Squeeze:
    case OpKind::Unsqueeze: return lower_reshape_like(node);
    case OpKind::Transpose: return lower_transpose(node);
    case OpKind::Concat: return lower_concat(node);
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::Mul:
    case OpKind::Div: return lower_binary(node);
    case OpKind::ReduceMean:
    case OpKind::ReduceMax:
    case OpKind::ReduceSum: return lower_reduction(node);
    case OpKind::MatMul: return lower_matmul(node);
    case OpKind::Tensordot: return lower_tensordot(node);
    case OpKind::Equal: return lower_equal(node);
    case OpKind::MultiHeadAttention: return lower_attention(node);
    case OpKind::LayerNorm: return lower_layer_norm(node);
    case OpKind::AddParam:
    case OpKind::PrependParam: return lower_stored_tensor(node);
    case OpKind::Lstm:
    case OpKind::Gru:
    case OpKind::Rnn: return lower_recurrent(node);
    case OpKind::Select: return lower_select(node);
    case OpKind::Slice: return lower_slice(node);
    case OpKind::Stack: return lower_stack(node);
    case OpKind::Tile: return lower_tile(node);
    case OpKind::Maximum:
    case OpKind::Minimum: return lower_extremum(node);
    case OpKind::L2Normalize: return lower_l2_normalize(node);
    case OpKind::ConvTranspose: return lower_conv_transpose(node);
    case OpKind::GroupNorm: return lower_group_norm(node);
    case OpKind::Resize: return lower_resize(node);
    case OpKind::DepthToSpace:
    case OpKind::SpaceToDepth: return lower_block_shuffle(node);
    case OpKind::Pad: return lower_pad(node);
    case OpKind::PRelu: return lower_prelu(node);
    case OpKind::Relu6:
    case OpKind::Clip:
    case OpKind::Hardsigmoid:
    case OpKind::Hardswish:
    case OpKind::Mish:
    case OpKind::Selu:
    case OpKind::Softplus:
    case OpKind::Softsign: return lower_pointwise_activation(node);
    case OpKind::Standardize:
    case OpKind::MatMulParam:
    case OpKind::Square:
    case OpKind::Sqrt:
    case OpKind::Abs:
    case OpKind::Exp:
    case OpKind::Log: return lower_math(node);
    case OpKind::RandomAugment:
    case OpKind::Threshold:
    case OpKind::Flip: break;  // only read from Keras so far
  }
  no_mapping(node, "no Keras mapping for op '" + std::string(pivot::op_name(node.kind)) + "'");
}

void Lowerer::lower_linear(const pivot::Node& node) {
  std::vector<Arg> args;
  Arg units = kw("units", ArgValue::integer(pivot::attr_int(node, "out_features")));
  units.py_name.clear();  // positional: layers.Dense(10)
  args.push_back(units);
  args.push_back(json_only("activation", ArgValue::string("linear")));
  Arg bias = kw("use_bias", ArgValue::boolean(pivot::attr_bool(node, "bias")));
  bias.in_python = !pivot::attr_bool(node, "bias");
  args.push_back(bias);
  auto& record =
      add_layer(node, "Dense", std::move(args), {key(node.inputs[0])}, key(node.outputs[0]));
  add_vars(record, node);
}

void Lowerer::lower_embedding(const pivot::Node& node) {
  std::vector<Arg> args = {
      kw("input_dim", ArgValue::integer(pivot::attr_int(node, "num_embeddings"))),
      kw("output_dim", ArgValue::integer(pivot::attr_int(node, "embedding_dim")))};
  auto& record =
      add_layer(node, "Embedding", std::move(args), {key(node.inputs[0])}, key(node.outputs[0]));
  add_vars(record, node);
  // The checkpoint already holds the padding row; PyTorch also keeps its gradient at zero.
  if (record.owner < 0 && pivot::attr_is_set(node, "padding_idx"))
    diags_.warning(Code::TrainingOnly, node.location)
        << "padding_idx=" << pivot::attr_int(node, "padding_idx")
        << ": Keras Embedding has no frozen padding row; inference is exact, but in training the "
           "row receives gradients (conventions row 13)";
}

void Lowerer::lower_batch_norm(const pivot::Node& node) {
  if (!pivot::attr_bool(node, "track_running_stats")) {
    return no_mapping(node,
                      "batch_norm without running statistics normalises with batch "
                      "statistics at inference; Keras BatchNormalization cannot");
  }
  const auto& t = type(node.inputs[0]);
  int64_t axis = pivot::attr_int(node, "axis");
  if (t.rank_known) {
    if (auto a = pivot::normalize_axis(axis, t.rank()))
      axis = *a + 1 == t.rank() ? -1 : static_cast<int64_t>(*a);
  }
  const bool affine = pivot::attr_bool(node, "affine");
  std::vector<Arg> args = {
      kw("axis", ArgValue::integer(axis)),
      kw("momentum", ArgValue::real(tidy_float(1.0 - pivot::attr_float(node, "momentum")))),
      kw("epsilon", ArgValue::real(pivot::attr_float(node, "epsilon"))),
  };
  append_center_scale(args, affine, affine);
  auto& record = add_layer(node, "BatchNormalization", std::move(args), {key(node.inputs[0])},
                           key(node.outputs[0]));
  add_vars(record, node);
}

void Lowerer::lower_activation(const pivot::Node& node) {
  const std::string in = key(node.inputs[0]);
  const std::string out = key(node.outputs[0]);
  const auto& t = type(node.inputs[0]);
  auto last_axis = [&](int64_t axis) -> std::optional<int64_t> {
    if (!t.rank_known) return axis == -1 ? std::optional<int64_t>(-1) : std::nullopt;
    auto a = pivot::normalize_axis(axis, t.rank());
    if (!a) return std::nullopt;
    return *a + 1 == t.rank() ? -1 : static_cast<int64_t>(*a);
  };
  auto activation_layer = [&](const fk::ActivationName& names) {
    Arg arg =
        kw("activation", ArgValue::string(std::string(tf_keras_ ? names.tf_keras : names.keras3)));
    arg.py_name.clear();
    if (names.json != (tf_keras_ ? names.tf_keras : names.keras3))
      arg.json_value = ArgValue::string(std::string(names.json));
    auto& record = add_layer(node, "Activation", {arg}, {in}, out);
    record.fuse_py = tf_keras_ ? names.tf_keras : names.keras3;
    record.fuse_json = names.json;
  };
  switch (node.kind) {
    case OpKind::Dropout: {
      Arg rate = kw("rate", ArgValue::real(pivot::attr_float(node, "rate")));
      rate.py_name.clear();
      // Dropout1d/2d/3d drop whole channels: SpatialDropout{r}D (channels-last input).
      const bool spatial =
          pivot::attr_bool(node, "spatial") && t.rank_known && t.rank() >= 3 && t.rank() <= 5;
      add_layer(node, spatial ? cls("SpatialDropout{r}D", t.rank() - 2) : "Dropout", {rate}, {in},
                out);
      return;
    }
    case OpKind::Relu: {
      auto& record = add_layer(node, "ReLU",
                               {json_only("max_value", ArgValue::none()),
                                json_only("negative_slope", ArgValue::real(0.0)),
                                json_only("threshold", ArgValue::real(0.0))},
                               {in}, out);
      record.fuse_py = record.fuse_json = "relu";
      return;
    }
    case OpKind::LeakyRelu: {
      Arg slope{std::string(fk::keyword(node.kind, "negative_slope", tf_keras_)),
                std::string(fk::json_key(node.kind, "negative_slope")),
                ArgValue::real(pivot::attr_float(node, "negative_slope")),
                true,
                {},
                {}};
      add_layer(node, "LeakyReLU", {slope}, {in}, out);
      return;
    }
    case OpKind::Elu:
      add_layer(node, "ELU", {kw("alpha", ArgValue::real(pivot::attr_float(node, "alpha")))}, {in},
                out);
      return;
    case OpKind::Softmax: {
      auto axis = last_axis(pivot::attr_int(node, "axis"));
      if (!axis) return no_mapping(node, "softmax axis out of range");
      add_layer(node, "Softmax", {kw("axis", ArgValue::integer(*axis))}, {in}, out);
      return;
    }
    case OpKind::LogSoftmax: {
      auto axis = last_axis(pivot::attr_int(node, "axis"));
      if (!axis) return no_mapping(node, "log_softmax axis out of range");
      if (!tf_keras_ && *axis == -1) {
        Arg arg = kw("activation", ArgValue::string("log_softmax"));
        arg.py_name.clear();
        add_layer(node, "Activation", {arg}, {in}, out);
        return;
      }
      OpCall op;
      op.py_function = tf_keras_ ? "tf.nn.log_softmax" : "keras.ops.log_softmax";
      op.tf_function = "nn.log_softmax";
      op.kwargs.push_back(kw("axis", ArgValue::integer(*axis)));
      add_op(node, std::move(op), {in}, out);
      return;
    }
    case OpKind::Gelu:
      if (pivot::attr_string(node, "approximate") == "tanh") {
        OpCall op;
        op.py_function = tf_keras_ ? "tf.nn.gelu" : "keras.ops.gelu";
        op.tf_function = "nn.gelu";
        op.kwargs.push_back(kw("approximate", ArgValue::boolean(true)));
        add_op(node, std::move(op), {in}, out);
        return;
      }
      return activation_layer(*fk::activation_name(node.kind));
    case OpKind::Sigmoid:
    case OpKind::Tanh:
    case OpKind::Silu: return activation_layer(*fk::activation_name(node.kind));
    default: break;
  }
  no_mapping(node, "no Keras mapping for op '" + std::string(pivot::op_name(node.kind)) + "'");
}

void Lowerer::fuse_activations() {
  std::set<std::string> graph_outputs;
  for (const auto& k : out_.output_keys) graph_outputs.insert(out_.resolve(k));
  std::map<int, int> shared_calls;
  for (const auto& r : out_.records)
    if (r.owner >= 0) ++shared_calls[r.owner];
  std::vector<bool> removed(out_.records.size(), false);
  for (size_t i = 0; i < out_.records.size(); ++i) {
    auto& producer = out_.records[i];
    const bool fusable_class =
        producer.class_name == "Dense" || producer.class_name.rfind("Conv", 0) == 0;
    if (producer.kind != RecordKind::Layer || !fusable_class || producer.owner >= 0 ||
        shared_calls.count(static_cast<int>(i)) || graph_outputs.count(producer.output))
      continue;
    std::vector<size_t> consumers;
    for (size_t j = i + 1; j < out_.records.size(); ++j)
      for (const auto& in : out_.records[j].inputs)
        if (out_.resolve(in) == producer.output) consumers.push_back(j);
    if (consumers.size() != 1) continue;
    auto& act = out_.records[consumers[0]];
    if (act.kind != RecordKind::Layer || act.fuse_py.empty() || act.owner >= 0 ||
        shared_calls.count(static_cast<int>(consumers[0])))
      continue;
    // The `activation` argument already sits where Keras' signature has it.
    for (auto& arg : producer.args) {
      if (arg.json_key != "activation") continue;
      arg.value = ArgValue::string(act.fuse_py);
      arg.in_python = true;
      if (act.fuse_json != act.fuse_py) arg.json_value = ArgValue::string(act.fuse_json);
    }
    out_.aliases[act.output] = producer.output;
    used_names_.erase(act.name);
    removed[consumers[0]] = true;
  }
  std::vector<LayerRecord> kept;
  std::vector<int> new_index(out_.records.size(), -1);
  for (size_t i = 0; i < out_.records.size(); ++i) {
    if (removed[i]) continue;
    new_index[i] = static_cast<int>(kept.size());
    kept.push_back(std::move(out_.records[i]));
  }
  for (auto& r : kept)
    if (r.owner >= 0) r.owner = new_index[static_cast<size_t>(r.owner)];
  out_.records = std::move(kept);
}

void Lowerer::detect_sequential() {
  out_.sequential = false;
  if (out_.input_keys.size() != 1 || out_.output_keys.size() != 1) return;
  std::string current = out_.input_keys[0];
  for (const auto& r : out_.records) {
    if (r.kind == RecordKind::Input) continue;
    if (r.kind == RecordKind::Todo) continue;  // a comment line; its output aliases its input
    if (r.kind != RecordKind::Layer || r.owner >= 0 || r.inputs.size() != 1) return;
    if (out_.resolve(r.inputs[0]) != current) return;
    current = r.output;
  }
  // Every value is consumed exactly once by the next layer (checked above), so the chain's
  // last value must be the model output.
  out_.sequential = out_.resolve(out_.output_keys[0]) == current;
}

RecordList lower_graph(const pivot::ModuleDef& module, bool tf_keras, DiagnosticEngine& diags) {
  return Lowerer(module, tf_keras, diags).run();
}

}  // namespace nnport::writers::keras
