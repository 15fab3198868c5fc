// Test helper for the Keras writer tests: builds a one-module pivot model node by node, with
// explicit output shapes (as after layout planning) and parameters from the catalog.
#pragma once

#include <string>
#include <vector>

#include "pivot/graph.h"
#include "pivot/ops/catalog.h"

namespace nnport::testing {

using namespace nnport::pivot;

// Builds a one-module model node by node.
struct ModelBuilder {
  Model model;
  ModelBuilder(const std::string& name = "Net") {
    model.source_framework = "pytorch";
    model.source_file = "net.py";
    model.modules.push_back({});
    model.modules[0].name = name;
    model.modules[0].class_name = name;
  }
  Graph& g() { return model.modules[0].graph; }
  ValueId input(const std::string& name, std::vector<int64_t> shape, DType dtype = DType::Float32) {
    ValueId v = g().add_value(name, {dtype, std::move(shape), true, ""});
    g().inputs.push_back({name, v, {}});
    return v;
  }
  ValueId node(OpKind kind, const std::string& path, std::vector<ValueId> inputs,
               std::vector<int64_t> out_shape, Attrs attrs = {}) {
    // "@name": a pure function node (no module instance).
    const bool function = !path.empty() && path[0] == '@';
    Node n;
    n.kind = kind;
    n.name = function ? path.substr(1) : path;
    n.module_path = function ? "" : path;
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    ValueId out = g().add_value(g().unique_value_name(n.name + "_out"),
                                {DType::Float32, std::move(out_shape), true, ""});
    n.outputs = {out};
    for (const auto& spec : schema(kind).params) {
      if (spec.optional && spec.role == "bias" && n.attrs.count("bias") &&
          !std::get<bool>(n.attrs.at("bias")))
        continue;
      if (kind == OpKind::BatchNorm && (spec.role == "weight" || spec.role == "bias") &&
          n.attrs.count("affine") && !std::get<bool>(n.attrs.at("affine")))
        continue;
      Param p;
      p.name = n.name + "." + spec.role;
      p.shape = schema(kind).param_shape(n, spec.role);
      n.params[spec.role] = g().add_param(p);
    }
    g().nodes.push_back(std::move(n));
    return out;
  }
  void output(ValueId v) { g().outputs.push_back({"out", v, {}}); }
};

}  // namespace nnport::testing
