// JSON rendering of layer records (see render_json.h).
#include "writers/keras/render_json.h"

#include <map>

#include "writers/keras/layer_order.h"
#include "writers/keras/python_literal.h"

namespace nnport::writers::keras {
namespace {

using nlohmann::json;

constexpr const char* kKerasVersion = "2.15.0";

json layer_config(const LayerRecord& r) {
  json config = json::object();
  if (r.kind == RecordKind::Input) {
    json shape = json::array({nullptr});
    std::string dtype = "float32";
    for (const auto& arg : r.args) {
      if (arg.json_key == "shape")
        for (const auto& d : json_value(arg.value)) shape.push_back(d);
      if (arg.json_key == "dtype") dtype = arg.value.s;
    }
    config["batch_input_shape"] = shape;
    config["dtype"] = dtype;
    config["sparse"] = false;
    config["ragged"] = false;
    config["name"] = r.name;
    return config;
  }
  config["name"] = r.name;
  config["trainable"] = true;
  config["dtype"] = "float32";
  if (r.kind == RecordKind::Op) {
    config["function"] = r.op.tf_function;
    return config;
  }
  for (const auto& arg : r.args)
    if (!arg.json_key.empty())
      config[arg.json_key] = json_value(arg.json_value ? *arg.json_value : arg.value);
  return config;
}

class ConfigRenderer {
 public:
  explicit ConfigRenderer(const RecordList& list) : list_(list) {}

  json run() {
    json model;
    if (list_.sequential) {
      json layers = json::array();
      for (const auto& r : list_.records) {
        if (r.kind == RecordKind::Todo) continue;
        layers.push_back({{"class_name", r.class_name}, {"config", layer_config(r)}});
      }
      model["class_name"] = "Sequential";
      model["config"] = {{"name", list_.model_name}, {"layers", layers}};
    } else {
      model["class_name"] = "Functional";
      model["config"] = functional();
    }
    model["keras_version"] = kKerasVersion;
    model["backend"] = "tensorflow";
    return model;
  }

 private:
  json functional() {
    const auto& records = list_.records;
    // Node index of each call: its position among the calls of its layer object.
    std::map<int, int> calls;
    for (size_t i = 0; i < records.size(); ++i) {
      if (records[i].kind == RecordKind::Todo) continue;
      const int op = records[i].owner >= 0 ? records[i].owner : static_cast<int>(i);
      node_index_[i] = calls[op]++;
      producer_[records[i].output] = i;
      for (size_t k = 0; k < records[i].extra_outputs.size(); ++k)
        if (!records[i].extra_outputs[k].empty()) {
          producer_[records[i].extra_outputs[k]] = i;
          tensor_index_[records[i].extra_outputs[k]] = static_cast<int>(k + 1);
        }
    }
    json layers = json::array();
    for (size_t index : model_layer_order(list_, true)) {
      const auto& r = records[index];
      json inbound = json::array();
      for (size_t i = 0; i < records.size(); ++i) {
        if (records[i].kind == RecordKind::Todo || records[i].kind == RecordKind::Input) continue;
        const int op = records[i].owner >= 0 ? records[i].owner : static_cast<int>(i);
        if (op == static_cast<int>(index)) inbound.push_back(node_data(records[i]));
      }
      layers.push_back({{"class_name", r.class_name},
                        {"config", layer_config(r)},
                        {"name", r.name},
                        {"inbound_nodes", inbound}});
    }
    json inputs = json::array();
    for (const auto& k : list_.input_keys) inputs.push_back(ref(k));
    json outputs = json::array();
    for (const auto& k : list_.output_keys) outputs.push_back(ref(k));
    return {{"name", list_.model_name},
            {"trainable", true},
            {"layers", layers},
            {"input_layers", inputs},
            {"output_layers", outputs}};
  }

  // [layer name, node index, tensor index] of the call producing `key`.
  json ref(const std::string& key) const {
    auto found = producer_.find(list_.resolve(key));
    // Only partial output (a TODO(nnport) spot without inputs) has values nothing produced.
    if (found == producer_.end()) return json::array({"TODO_nnport", 0, 0});
    const size_t p = found->second;
    const auto& r = list_.records[p];
    const std::string& name =
        r.owner >= 0 ? list_.records[static_cast<size_t>(r.owner)].name : r.name;
    auto index = tensor_index_.find(list_.resolve(key));
    return json::array({name, node_index_.at(p), index == tensor_index_.end() ? 0 : index->second});
  }

  json with_kwargs(json reference, const json& kwargs) const {
    reference.push_back(kwargs);
    return reference;
  }

  json node_data(const LayerRecord& r) const {
    if (r.kind == RecordKind::Layer) {
      json node = json::array();
      if (!r.input_keywords.empty() && !r.inputs.empty()) {
        // tf.keras serializes every call argument after the first as a kwarg.
        json kwargs = json::object();
        for (size_t i = 1; i < r.inputs.size() && i - 1 < r.input_keywords.size(); ++i)
          kwargs[r.input_keywords[i - 1]] = ref(r.inputs[i]);
        for (const auto& arg : r.call_args)
          kwargs[arg.json_key] = json_value(arg.json_value ? *arg.json_value : arg.value);
        node.push_back(with_kwargs(ref(r.inputs[0]), kwargs));
        return node;
      }
      for (const auto& in : r.inputs) node.push_back(with_kwargs(ref(in), json::object()));
      return node;
    }
    // TFOpLambda: one flat entry for the first argument, the rest in kwargs.
    json kwargs = json::object();
    const OpCall& op = r.op;
    if (!op.py_operator.empty()) {
      if (op.scalar && op.scalar_first) {
        kwargs["y"] = ref(r.inputs[0]);
        kwargs["name"] = nullptr;
        return json::array({"_CONSTANT_VALUE", -1, *op.scalar, kwargs});
      }
      if (op.scalar)
        kwargs["y"] = *op.scalar;
      else
        kwargs["y"] = ref(r.inputs[1]);
    }
    for (const auto& arg : op.kwargs)
      if (!arg.json_key.empty())
        kwargs[arg.json_key] = json_value(arg.json_value ? *arg.json_value : arg.value);
    if (op.subscript) {
      // tf.keras serialises each slice object as {"start", "stop", "step"} and an index as an int.
      json spec = json::array();
      for (const auto& item : *op.subscript) {
        if (item.index) {
          spec.push_back(item.start.value_or(0));
          continue;
        }
        auto bound = [](const std::optional<int64_t>& b) { return b ? json(*b) : json(nullptr); };
        spec.push_back(
            {{"start", bound(item.start)}, {"stop", bound(item.stop)}, {"step", bound(item.step)}});
      }
      kwargs["slice_spec"] = spec;
    }
    if (op.list_input) {
      json node = json::array();
      for (const auto& in : r.inputs) node.push_back(with_kwargs(ref(in), kwargs));
      return node;
    }
    // A second tensor operand of a function (keras.ops.maximum(a, b)): tf.keras records it as y.
    if (op.py_operator.empty() && r.inputs.size() == 2) kwargs["y"] = ref(r.inputs[1]);
    return with_kwargs(ref(r.inputs[0]), kwargs);
  }

  const RecordList& list_;
  std::map<size_t, int> node_index_;
  std::map<std::string, size_t> producer_;
  std::map<std::string, int> tensor_index_;  // outputs after a layer's first (return_state)
};

}  // namespace

nlohmann::json render_config(const RecordList& list) { return ConfigRenderer(list).run(); }

}  // namespace nnport::writers::keras
