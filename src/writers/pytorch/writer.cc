// PyTorch writer (see writer.h). Nodes of a source module instance (module_path) become one
// layer attribute named after it; pure functions become expressions in forward(). Values flow
// through Python variables named after the graph's values; a value with one user hands its
// name on ("x = self.conv1(x)"), as people write forward().
#include "writers/pytorch/writer.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "frameworks/pytorch/spelling.h"
#include "pivot/ops/catalog.h"
#include "writers/keras/python_literal.h"
#include "writers/pytorch/custom_cells.h"
#include "writers/pytorch/expressions.h"
#include "writers/pytorch/init_method.h"
#include "writers/pytorch/layer_params.h"
#include "writers/pytorch/module_tree.h"
#include "writers/pytorch/sequential_model.h"
#include "writers/pytorch/weight_penalty.h"

namespace nnport::writers::pytorch {
namespace {

using pivot::Graph;
using pivot::Node;
using pivot::OpKind;
using pivot::ValueId;
using writers::keras::python_identifier;
using writers::keras::python_tuple;

struct Layer {
  std::string attr;  // index in its nn.Sequential
  std::string ref;   // "self.conv1", "self.layer1.conv1"
  std::string key;   // state_dict prefix: "conv1", "layer1.conv1"
  const Node* node = nullptr;
  std::string callee;
  std::vector<std::string> args;
  std::vector<int64_t> pre_pad;
  std::string pre_pad_value;
  std::string post_crop;  // subscript cropping the layer's result ("[..., :-1]")
  int uses = 0;
  int group = -1;  // index into Writer::groups_
};

// Consecutive items P.0, P.1, ... of a source container that form a chain: one nn.Sequential.
struct Group {
  std::string path;            // the container's module path
  std::vector<size_t> layers;  // in order
  std::string key, ref;        // state_dict prefix and Python reference
};

bool same_layer(const Node& a, const Node& b) { return a.kind == b.kind && a.attrs == b.attrs; }

class Writer {
 public:
  Writer(const pivot::Model& model, const WriteOptions& options, DiagnosticEngine& diags)
      : model_(model), g_(model.entry_module().graph), options_(options), diags_(diags) {}

  std::optional<PytorchOutput> run() {
    for (const auto& n : g_.nodes) {
      if (n.kind == OpKind::Call) {
        diags_.error(Code::VerifierFailure, n.location) << "the PyTorch writer needs a flat graph";
        return std::nullopt;
      }
    }
    // A chain of numbered items (a top-level nn.Sequential of the source) is one again.
    if (auto sequential = write_sequential_model(g_, class_name())) {
      PytorchOutput out;
      out.entry_name = class_name();
      std::string source = sequential->class_source;
      const auto reset = init_method(g_, sequential->weights, sequential->modules,
                                     model_.source_framework, diags_);
      if (!reset.empty()) source += "        self.reset_parameters()\n\n" + lines(reset);
      if (auto penalty = penalty_method(g_, sequential->weights); !penalty.empty())
        source += "\n" + lines(penalty);
      out.python = header() + "import torch\nimport torch.nn as nn\n\n\n" + source;
      out.weights = std::move(sequential->weights);
      return out;
    }
    for (const Node& n : g_.nodes) plan_layer(n);
    find_sequentials();
    find_cancelling_transposes();
    emit_layers();
    name_inputs();
    for (const Node& n : g_.nodes) write_node(n);
    write_return();
    reset_ = init_method(g_, plan_, init_modules(), model_.source_framework, diags_);
    penalty_ = penalty_method(g_, plan_);
    PytorchOutput out;
    out.entry_name = class_name();
    out.python = render();
    out.weights = std::move(plan_);
    out.partial = partial_;
    return out;
  }

 private:
  const pivot::Model& model_;
  const Graph& g_;
  const WriteOptions& options_;
  DiagnosticEngine& diags_;
  std::vector<std::string> init_;
  std::vector<std::string> forward_;
  pivot::WeightPlan plan_;
  std::vector<std::string> penalty_;  // regularization_loss() (weight_penalty.h)
  bool partial_ = false;
  std::map<const Node*, size_t> layer_of_node_;
  std::vector<Layer> layers_;
  std::vector<Group> groups_;
  std::set<const Node*> skipped_;
  std::set<std::string> attrs_used_ = {"training", "forward", "reset_parameters"};
  std::map<pivot::ParamId, std::string> stored_;  // functional parameters: Python reference
  std::vector<std::string> var_;
  std::string batch_var_;
  std::string pending_unpack_;  // total_length of a packed sequence to unpack after the call
  // A recurrence reading a Keras padding mask (mask_input), to finish after its call.
  struct PendingMask {
    std::string padding_mask, order, lengths;
    bool carry = false;
  };
  std::optional<PendingMask> pending_mask_;
  std::set<std::string> vars_used_ = {"self", "torch", "nn", "F"};
  std::set<std::string> custom_classes_;    // custom_cells.h classes the layers use
  std::vector<InitModule> stored_modules_;  // functional parameters, for reset_parameters()
  std::vector<std::string> reset_;          // reset_parameters() (init_method.h)

  static std::string lines(const std::vector<std::string>& text) {
    std::string out;
    for (const auto& l : text) out += l + "\n";
    return out;
  }

  std::vector<InitModule> init_modules() const {
    std::vector<InitModule> modules;
    for (const Layer& layer : layers_) {
      std::string ref = layer.ref;
      if (ref.empty() && layer.group >= 0)
        ref = groups_[static_cast<size_t>(layer.group)].ref + "[" + layer.attr + "]";
      modules.push_back(InitModule{layer.key, ref, layer.callee});
    }
    modules.insert(modules.end(), stored_modules_.begin(), stored_modules_.end());
    return modules;
  }

  // The source's class, or for a Keras Sequential / functional model its variable or builder
  // name in CamelCase ("build_model" -> "BuildModel").
  std::string class_name() const {
    const auto& m = model_.entry_module();
    static const std::set<std::string> kGeneric = {"", "Sequential", "Model", "Functional"};
    if (!kGeneric.count(m.class_name)) return python_identifier(m.class_name);
    std::string out;
    bool upper = true;
    for (char c : m.name) {
      if (c == '_' || c == '.') {
        upper = true;
        continue;
      }
      out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
      upper = false;
    }
    if (out.empty() || kGeneric.count(out)) out = "Net";
    return python_identifier(out);
  }

  std::string unique(std::set<std::string>& used, const std::string& base) {
    std::string name = base;
    for (int i = 1; used.count(name); ++i) name = base + "_" + std::to_string(i);
    used.insert(name);
    return name;
  }

  const pivot::TensorType& input_type(const Node& n) const {
    static const pivot::TensorType kNone{};
    return n.inputs.empty() ? kNone : g_.values[n.inputs[0]].type;
  }

  void todo(const Node& n, const std::string& why, bool report) {
    if (report) diags_.error(Code::NoTargetMapping, n.location) << why;
    std::string line = "        # TODO(nnport): " + why;
    if (line.size() > 100) line = line.substr(0, 96) + " ...";
    forward_.push_back(line);
    partial_ = true;
  }

  // A layer object for nodes of a source module instance; shared instances stay shared.
  void plan_layer(const Node& n) {
    if (n.module_path.empty() || n.kind == OpKind::Unsupported || n.kind == OpKind::Identity)
      return;
    for (size_t i = 0; i < layers_.size(); ++i) {
      const Node& first = *layers_[i].node;
      if (first.module_path != n.module_path) continue;
      if (same_layer(first, n)) {
        layer_of_node_[&n] = i;
        return;
      }
      // A parameterless step inside another layer (Keras Conv2D(activation="relu")) is a
      // function call after it, not a second layer of the same name.
      if (n.params.empty()) return;
    }
    std::string error;
    // torch.nn has no layer for some Keras layers: a class written into the file stands in.
    auto spelling = custom_layer(n, error);
    if (spelling) custom_classes_.insert(spelling->callee);
    if (!spelling && error.empty())
      spelling = frameworks::pytorch::spell(n, input_type(n), false, error);
    else if (!spelling)
      diags_.error(Code::NoTargetMapping, n.location) << error;
    if (!spelling) return;  // written as a function, or reported when it has parameters
    Layer layer;
    layer.node = &n;
    layer.callee = spelling->callee;
    for (const auto& a : spelling->args)
      layer.args.push_back(a.name.empty() ? a.value : a.name + "=" + a.value);
    layer.pre_pad = spelling->pre_pad;
    layer.pre_pad_value = spelling->pre_pad_value;
    layer.post_crop = frameworks::pytorch::crop_subscript(spelling->post_crop);
    layer_of_node_[&n] = layers_.size();
    layers_.push_back(std::move(layer));
  }

  // Whether layer `b` takes layer `a`'s output and nothing else reads it.
  bool chained(const Layer& a, const Layer& b) const {
    const Node& x = *a.node;
    const Node& y = *b.node;
    if (x.outputs.size() != 1 || y.inputs.size() != 1 || y.inputs[0] != x.outputs[0]) return false;
    return g_.users(x.outputs[0]).size() == 1 && !is_output(x.outputs[0]);
  }

  static bool sequential_item(const Layer& l) {
    const OpKind k = l.node->kind;
    return l.uses == 1 && l.pre_pad.empty() && l.post_crop.empty() && l.node->inputs.size() == 1 &&
           l.node->outputs.size() == 1 && k != OpKind::Lstm && k != OpKind::Gru &&
           k != OpKind::Rnn && k != OpKind::MultiHeadAttention;
  }

  void find_sequentials() {
    for (const auto& [node, index] : layer_of_node_) ++layers_[index].uses;
    std::map<std::string, std::map<int64_t, size_t>> items;  // container path -> index -> layer
    for (size_t i = 0; i < layers_.size(); ++i) {
      const std::string& path = layers_[i].node->module_path;
      const size_t dot = path.rfind('.');
      if (dot == std::string::npos || dot + 1 == path.size()) continue;
      const std::string index = path.substr(dot + 1);
      if (index.size() > 6 || index.find_first_not_of("0123456789") != std::string::npos) continue;
      items[path.substr(0, dot)][std::stoll(index)] = i;
    }
    for (const auto& [prefix, members] : items) {
      if (members.size() < 2 || members.rbegin()->first != static_cast<int64_t>(members.size()) - 1)
        continue;
      // Every node of the container must be one of these layers (no nested blocks, no functions).
      size_t nodes = 0;
      for (const auto& n : g_.nodes)
        if (n.module_path.starts_with(prefix + ".")) ++nodes;
      if (nodes != members.size()) continue;
      std::vector<size_t> order;
      for (const auto& [index, layer] : members) order.push_back(layer);
      bool ok = sequential_item(layers_[order[0]]);
      for (size_t k = 1; ok && k < order.size(); ++k)
        ok =
            sequential_item(layers_[order[k]]) && chained(layers_[order[k - 1]], layers_[order[k]]);
      if (!ok) continue;
      for (size_t k = 0; k < order.size(); ++k) {
        layers_[order[k]].group = static_cast<int>(groups_.size());
        layers_[order[k]].attr = std::to_string(k);
      }
      groups_.push_back(Group{prefix, order, {}, {}});
    }
  }

  // A permute undone by the next one (a reader's detour through time-major order) is written
  // as neither; the second's output is the first's input.
  void find_cancelling_transposes() {
    for (const Node& second : g_.nodes) {
      if (second.kind != OpKind::Transpose) continue;
      const int p = g_.producer(second.inputs[0]);
      if (p < 0) continue;
      const Node& first = g_.nodes[static_cast<size_t>(p)];
      if (first.kind != OpKind::Transpose || skipped_.count(&first)) continue;
      const ValueId mid = first.outputs[0];
      if (g_.users(mid).size() != 1 || is_output(mid) || g_.users(first.inputs[0]).size() != 1)
        continue;
      const auto& a = pivot::attr_ints(first, "perm");
      const auto& b = pivot::attr_ints(second, "perm");
      bool inverse = a.size() == b.size();
      for (size_t i = 0; inverse && i < b.size(); ++i)
        inverse = b[i] >= 0 && static_cast<size_t>(b[i]) < a.size() &&
                  a[static_cast<size_t>(b[i])] == static_cast<int64_t>(i);
      if (!inverse) continue;
      skipped_.insert(&first);
      skipped_.insert(&second);
    }
  }

  static PyExpr constructor(const Layer& layer) {
    std::vector<PyExpr> args;
    for (const auto& a : layer.args) args.push_back(PyExpr::text(a));
    return PyExpr::call(layer.callee, std::move(args));
  }

  // Constructor lines in source order, nested as the source's modules (module_tree.h), and the
  // state_dict key of every layer parameter.
  void emit_layers() {
    std::vector<ModuleUnit> units;
    std::vector<int> unit_layer, unit_group;  // what each unit is
    for (size_t i = 0; i < layers_.size(); ++i) {
      const Layer& layer = layers_[i];
      if (layer.group < 0) {
        units.push_back(ModuleUnit{layer.node->module_path, constructor(layer)});
        unit_layer.push_back(static_cast<int>(i));
        unit_group.push_back(-1);
        continue;
      }
      const Group& group = groups_[static_cast<size_t>(layer.group)];
      if (group.layers.front() != i) continue;
      std::vector<PyExpr> items;
      for (size_t m : group.layers) items.push_back(constructor(layers_[m]));
      units.push_back(ModuleUnit{group.path, PyExpr::call("nn.Sequential", std::move(items))});
      unit_layer.push_back(-1);
      unit_group.push_back(layer.group);
    }
    const auto placed = place_modules(units, attrs_used_, init_);
    std::vector<std::string> keys(layers_.size());
    for (size_t u = 0; u < units.size(); ++u) {
      if (unit_layer[u] >= 0) {
        layers_[static_cast<size_t>(unit_layer[u])].ref = placed[u].ref;
        keys[static_cast<size_t>(unit_layer[u])] = placed[u].key;
        continue;
      }
      Group& group = groups_[static_cast<size_t>(unit_group[u])];
      group.key = placed[u].key;
      group.ref = placed[u].ref;
      for (size_t m : group.layers) keys[m] = group.key + "." + layers_[m].attr;
    }
    for (size_t i = 0; i < layers_.size(); ++i) layers_[i].key = keys[i];
    for (size_t i = 0; i < layers_.size(); ++i) {
      std::string plan_error;
      if (!plan_layer_params(g_, *layers_[i].node, keys[i], plan_, plan_error)) {
        diags_.error(Code::NoTargetMapping, layers_[i].node->location) << plan_error;
        partial_ = true;
      }
    }
  }

  // `batch_size = x.size(0)` as the first statement of forward(), written on first use.
  std::string batch_size() {
    if (batch_var_.empty()) {
      for (const auto& port : g_.inputs) {
        const auto& t = g_.values[port.value].type;
        if (t.rank_known && t.rank() > 0 && t.shape[0] == pivot::kBatch) {
          batch_var_ = unique(vars_used_, "batch_size");
          forward_.insert(forward_.begin(),
                          wrap_statement(batch_var_, var_[port.value] + ".size(0)", 8));
          break;
        }
      }
    }
    return batch_var_.empty() ? std::string("-1") : batch_var_;
  }

  // The Python reference of the placed container whose state_dict prefix is `key` ("encoder"
  // -> "self.encoder"), found through a layer placed in it; empty when none is.
  std::string container_ref(const std::string& key) const {
    for (const Layer& layer : layers_) {
      if (!layer.key.starts_with(key + ".")) continue;
      const std::string leaf = layer.key.substr(key.size() + 1);
      if (leaf.find('.') != std::string::npos || !layer.ref.ends_with("." + leaf)) continue;
      return layer.ref.substr(0, layer.ref.size() - leaf.size() - 1);
    }
    return {};
  }

  // Whether a layer of the container `key` already uses the name `leaf`.
  bool container_has(const std::string& key, const std::string& leaf) const {
    return std::any_of(layers_.begin(), layers_.end(), [&](const Layer& layer) {
      return layer.key == key + "." + leaf || layer.key.starts_with(key + "." + leaf + ".");
    });
  }

  // A stored tensor is named after the module that holds it when it has one: the Keras layer
  // "pe" whose weight is "layers/add_parameter/vars/0" gives back the source's "pe". A module
  // path "pos_encoder.pe" puts it in the container "pos_encoder" when the writer placed one
  // there (state_dict key "pos_encoder.pe", as in the source).
  std::string stored_param(pivot::ParamId id, const std::string& module_path) {
    if (auto it = stored_.find(id); it != stored_.end()) return it->second;
    const pivot::Param& p = g_.params[id];
    std::string ref, key;
    if (const size_t dot = module_path.rfind('.'); dot != std::string::npos) {
      const std::string container = module_path.substr(0, dot);
      const std::string leaf = module_path.substr(dot + 1);
      const std::string owner = container_ref(container);
      // Names nn.Module / nn.ModuleDict / nn.ModuleList use themselves stay flat.
      static const std::set<std::string> kTaken = {"training", "forward", "keys",   "items",
                                                   "values",   "update",  "pop",    "clear",
                                                   "append",   "extend",  "insert", "index"};
      if (!owner.empty() && python_identifier(leaf) == leaf && !kTaken.count(leaf) &&
          !container_has(container, leaf)) {
        ref = owner + "." + leaf;
        key = container + "." + leaf;
      }
    }
    if (ref.empty()) {
      key = unique(attrs_used_, python_identifier(module_path.empty() ? p.name : module_path));
      ref = "self." + key;
    }
    stored_[id] = ref;
    stored_modules_.push_back(InitModule{key, ref, ""});
    const std::string zeros = "torch.zeros(" + python_tuple(p.shape) + ")";
    if (p.buffer) {
      // A buffer: in the state_dict, not trained (the source registered it so).
      const size_t dot = ref.rfind('.');
      init_.push_back(wrap_call("", ref.substr(0, dot) + ".register_buffer",
                                {"\"" + ref.substr(dot + 1) + "\"", zeros}, 8));
    } else {
      init_.push_back(wrap_call(ref + " = ", "nn.Parameter", {zeros}, 8));
    }
    pivot::WeightSlot slot;
    slot.target_name = key;
    slot.param = id;
    plan_.slots.push_back(slot);
    return ref;
  }

  // Constants of the source (Keras Normalization(mean=...)) stay in the code, as there; a
  // buffer follows the module to its device without entering the state_dict.
  std::string constant_buffer(const std::string& name, const std::string& value) {
    const std::string attr = unique(attrs_used_, python_identifier(name));
    init_.push_back(wrap_statement(
        "", "self.register_buffer(\"" + attr + "\", " + value + ", persistent=False)", 8));
    return "self." + attr;
  }

  void name_inputs() {
    var_.assign(g_.values.size(), std::string());
    for (const auto& port : g_.inputs)
      var_[port.value] = unique(vars_used_, python_identifier(port.name));
  }

  bool is_output(ValueId v) const {
    return std::any_of(g_.outputs.begin(), g_.outputs.end(),
                       [&](const pivot::Port& p) { return p.value == v; });
  }

  // The output variable: the first input's name when this node is its only user.
  std::string output_name(const Node& n, size_t i) {
    const ValueId out = n.outputs[i];
    if (g_.users(out).empty() && !is_output(out)) return "_";
    if (i > 0 || n.outputs.size() != 1)
      return unique(vars_used_, python_identifier(g_.values[out].name));
    return reusable_name(n.inputs, out);
  }

  // `in`'s name for `out` when `in` is the only input and nothing else reads it.
  std::string reusable_name(const std::vector<ValueId>& inputs, ValueId out) {
    if (inputs.size() == 1) {
      const ValueId in = inputs[0];
      // Ids and their embeddings are different things: a new dtype gets a new name.
      const bool same_dtype = g_.values[in].type.dtype == g_.values[out].type.dtype;
      if (g_.users(in).size() == 1 && !is_output(in) && !var_[in].empty() && same_dtype)
        return var_[in];
    }
    return unique(vars_used_, python_identifier(g_.values[out].name));
  }

  std::vector<std::string> input_names(const Node& n) {
    std::vector<std::string> names;
    for (ValueId v : n.inputs) names.push_back(var_[v].empty() ? "None" : var_[v]);
    return names;
  }

  // Recurrent layers take their initial states (layers*dirs, N, H) where the pivot keeps them
  // batch-first, and sequences of given lengths packed.
  std::string recurrent_call(const Node& n, const std::string& self,
                             std::vector<std::string> args) {
    const bool lengths = pivot::attr_bool(n, "lengths_input");
    std::string x = args[0];
    if (pivot::attr_bool(n, "mask_input")) {
      // Keras skips masked steps wherever they are: the unmasked steps of each sequence are
      // moved to the front in order (a stable gather), then packed with their count.
      PendingMask mask{args.back(), unique(vars_used_, "order"), unique(vars_used_, "lengths"),
                       pivot::attr_string(n, "masked_outputs") == "carry"};
      const std::string kept = unique(vars_used_, "kept");
      custom_classes_.insert("unmasked_steps_first");
      custom_classes_.insert("masked_steps_back");
      forward_.push_back(
          wrap_statement(kept + ", " + mask.order + ", " + mask.lengths,
                         "unmasked_steps_first(" + x + ", " + mask.padding_mask + ")", 8));
      const std::string packed = unique(vars_used_, "packed");
      // A sequence with no unmasked step is packed as one step; its results are zeroed after.
      forward_.push_back(wrap_statement(packed,
                                        "nn.utils.rnn.pack_padded_sequence(" + kept + ", " +
                                            mask.lengths +
                                            ".clamp(min=1).cpu(), batch_first=True, "
                                            "enforce_sorted=False)",
                                        8));
      args.pop_back();
      pending_unpack_ = x + ".size(1)";
      x = packed;
      pending_mask_ = mask;
    }
    if (lengths) {
      const auto& t = input_type(n);
      const std::string total =
          t.rank_known && t.rank() == 3 && t.shape[1] >= 0 ? std::to_string(t.shape[1]) : "None";
      const std::string packed = unique(vars_used_, "packed");
      forward_.push_back(wrap_statement(packed,
                                        "nn.utils.rnn.pack_padded_sequence(" + x + ", " +
                                            args.back() +
                                            ".cpu(), batch_first=True, enforce_sorted=False)",
                                        8));
      args.pop_back();
      x = packed;
      pending_unpack_ = total;
    }
    std::vector<std::string> states;
    for (size_t i = 1; i < args.size(); ++i)
      states.push_back(args[i] + ".permute(1, 0, 2).contiguous()");
    if (states.empty()) return self + "(" + x + ")";
    if (n.kind == OpKind::Lstm && states.size() == 2)
      return self + "(" + x + ", (" + states[0] + ", " + states[1] + "))";
    return self + "(" + x + ", " + states[0] + ")";
  }

  std::string attention_call(const Node& n, const std::string& self,
                             const std::vector<std::string>& args) {
    std::string call = self + "(" + args[0] + ", " + args[1] + ", " + args[2];
    if (args.size() > 3) call += ", key_padding_mask=" + args[3];
    if (pivot::attr_bool(n, "causal")) {
      const auto& q = g_.values[n.inputs[0]].type.shape;
      const auto& k = g_.values[n.inputs[1]].type.shape;
      const auto size = [&](const std::vector<int64_t>& shape, const std::string& var) {
        return shape.size() == 3 && shape[1] >= 0 ? std::to_string(shape[1]) : var + ".size(1)";
      };
      const std::string mask = unique(vars_used_, "causal_mask");
      forward_.push_back(wrap_statement(mask,
                                        "torch.ones(" + size(q, args[0]) + ", " + size(k, args[1]) +
                                            ", dtype=torch.bool).triu(1)",
                                        8));
      call += ", attn_mask=" + mask;
    }
    return call + (uses_custom_layer(n) ? ")" : ", need_weights=False)");
  }

  std::optional<std::string> layer_call(const Node& n, const Layer& layer,
                                        std::vector<std::string> args) {
    if (!layer.pre_pad.empty())
      args[0] = "F.pad(" + args[0] + ", " + python_tuple(layer.pre_pad) +
                ", value=" + layer.pre_pad_value + ")";
    const std::string& self = layer.ref;
    switch (n.kind) {
      case OpKind::Lstm:
      case OpKind::Gru:
      case OpKind::Rnn: return recurrent_call(n, self, args);
      case OpKind::MultiHeadAttention: return attention_call(n, self, args);
      default: {
        std::string joined;
        for (size_t i = 0; i < args.size(); ++i) joined += (i ? ", " : "") + args[i];
        return self + "(" + joined + ")" + layer.post_crop;
      }
    }
  }

  // Left-hand side of a layer call whose module returns a tuple.
  std::string targets(const Node& n) {
    std::vector<std::string> outs;
    for (size_t i = 0; i < n.outputs.size(); ++i) outs.push_back(output_name(n, i));
    for (size_t i = 0; i < n.outputs.size(); ++i) var_[n.outputs[i]] = outs[i];
    switch (n.kind) {
      case OpKind::Lstm: return outs[0] + ", (" + outs[1] + ", " + outs[2] + ")";
      case OpKind::Gru:
      case OpKind::Rnn: return outs[0] + ", " + outs[1];
      case OpKind::MultiHeadAttention: return outs[0] + ", _";
      default: return outs[0];
    }
  }

  void write_node(const Node& n) {
    if (skipped_.count(&n)) {
      // The second of a cancelling pair: its output is the first one's input.
      if (const int p = g_.producer(n.inputs[0]);
          p >= 0 && skipped_.count(&g_.nodes[static_cast<size_t>(p)]) &&
          g_.nodes[static_cast<size_t>(p)].outputs[0] == n.inputs[0])
        var_[n.outputs[0]] = var_[g_.nodes[static_cast<size_t>(p)].inputs[0]];
      return;
    }
    std::vector<std::string> args = input_names(n);
    std::optional<std::string> expr;
    if (n.kind == OpKind::Unsupported) {
      todo(n, pivot::attr_string(n, "code") + ": " + pivot::attr_string(n, "text"), false);
      expr = args.empty() ? std::string("None") : args[0];
    } else if (auto it = layer_of_node_.find(&n); it != layer_of_node_.end()) {
      const Layer& layer = layers_[it->second];
      if (layer.group >= 0) return write_sequential(layer, args);
      expr = layer_call(n, layer, args);
    } else {
      ExpressionContext ctx{
          g_,
          n,
          args,
          [this, &n](pivot::ParamId id) { return stored_param(id, n.module_path); },
          [this] { return batch_size(); },
          [this](const std::string& name, const std::string& value) {
            return constant_buffer(name, value);
          },
          {}};
      if (n.outputs.size() == 1)
        expr = functional_expression(ctx);
      else
        ctx.error = std::string(pivot::op_name(n.kind)) + " outside a layer";
      if (!expr) {
        todo(n,
             "no-target-mapping: " + std::string(pivot::op_name(n.kind)) + " '" + n.name +
                 "': " + ctx.error,
             true);
        expr = args.empty() ? std::string("None") : args[0];
      }
    }
    const std::string lhs = targets(n);
    if (lhs == *expr) return;  // identity on a reused name
    forward_.push_back(wrap_statement(lhs, *expr, 8));
    if (!pending_unpack_.empty()) {
      // A packed sequence comes back padded with zeros to the full length.
      const std::string& seq = var_[n.outputs[0]];
      if (seq != "_")
        forward_.push_back(
            wrap_statement(seq + ", _",
                           "nn.utils.rnn.pad_packed_sequence(" + seq +
                               ", batch_first=True, total_length=" + pending_unpack_ + ")",
                           8));
      pending_unpack_.clear();
    }
    if (pending_mask_) finish_masked(n, *pending_mask_);
    pending_mask_.reset();
  }

  // The results of a masked recurrence in Keras' terms: outputs back at their steps (zero or
  // carried over at masked ones), final states zero where a sequence had no unmasked step.
  void finish_masked(const Node& n, const PendingMask& mask) {
    const std::string& seq = var_[n.outputs[0]];
    if (seq != "_")
      forward_.push_back(wrap_statement(seq,
                                        "masked_steps_back(" + seq + ", " + mask.order + ", " +
                                            mask.padding_mask +
                                            (mask.carry ? ", carry=True)" : ", carry=False)"),
                                        8));
    for (size_t i = 1; i < n.outputs.size(); ++i) {
      const std::string& state = var_[n.outputs[i]];
      if (state != "_")
        forward_.push_back(wrap_statement(
            state, state + ".masked_fill((" + mask.lengths + " == 0).view(1, -1, 1), 0.0)", 8));
    }
  }

  // The first item of an nn.Sequential applies all of it; the others are inside.
  void write_sequential(const Layer& layer, const std::vector<std::string>& args) {
    const Group& group = groups_[static_cast<size_t>(layer.group)];
    if (layers_[group.layers.front()].node != layer.node) return;
    const Node& last = *layers_[group.layers.back()].node;
    const std::string name = reusable_name(layer.node->inputs, last.outputs[0]);
    var_[last.outputs[0]] = name;
    forward_.push_back(wrap_statement(name, group.ref + "(" + args[0] + ")", 8));
  }

  void write_return() {
    std::vector<std::string> outs;
    for (const auto& port : g_.outputs)
      outs.push_back(var_[port.value].empty() ? "None" : var_[port.value]);
    std::string line = "return ";
    for (size_t i = 0; i < outs.size(); ++i) line += (i ? ", " : "") + outs[i];
    forward_.push_back("        " + line);
  }

  std::string header() const {
    return "# Generated by nnport from " +
           (options_.source_name.empty() ? std::string("the source model") : options_.source_name) +
           ".\n";
  }

  std::string render() const {
    std::string all;
    for (const auto& l : init_) all += l + "\n";
    for (const auto& l : forward_) all += l + "\n";
    const std::string custom_classes = custom_class_source(custom_classes_);
    all += custom_classes;
    const bool uses_f = all.find("F.") != std::string::npos;
    std::string out = header();
    if (partial_) out += "# Incomplete: see the TODO(nnport) markers below.\n";
    out += "import torch\nimport torch.nn as nn\n";
    if (uses_f) out += "import torch.nn.functional as F\n";
    out += "\n\n" + custom_classes + "class " + class_name() + "(nn.Module):\n";
    out += "    def __init__(self):\n        super().__init__()\n";
    for (const auto& l : init_) out += l + "\n";
    if (!reset_.empty()) out += "        self.reset_parameters()\n\n" + lines(reset_);
    if (!penalty_.empty()) out += "\n" + lines(penalty_);
    std::vector<std::string> params = {"self"};
    for (const auto& port : g_.inputs) params.push_back(var_[port.value]);
    out += "\n" + wrap_call("def ", "forward", params, 4, 99) + ":\n";
    for (const auto& l : forward_) out += l + "\n";
    return out;
  }
};

}  // namespace

std::optional<PytorchOutput> write_pytorch(const pivot::Model& model, const WriteOptions& options,
                                           DiagnosticEngine& diags) {
  return Writer(model, options, diags).run();
}

}  // namespace nnport::writers::pytorch
