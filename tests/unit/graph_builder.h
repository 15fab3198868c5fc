// Test helper: builds small pivot graphs by hand, inferring types as nodes are added.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "passes/shape_inference.h"
#include "pivot/graph.h"
#include "pivot/ops/catalog.h"

namespace nnport::testing {

class GraphBuilder {
 public:
  GraphBuilder() {
    model.source_framework = "pytorch";
    model.source_file = "test.py";
    model.modules.push_back(pivot::ModuleDef{"Net", "Net", {}, {}, {}});
  }

  pivot::Graph& graph() { return model.modules[0].graph; }

  pivot::ValueId input(const std::string& name, std::vector<int64_t> shape,
                       pivot::DType dtype = pivot::DType::Float32) {
    auto id = graph().add_value(name, pivot::TensorType{dtype, std::move(shape), true, {}});
    graph().inputs.push_back({name, id, {}});
    return id;
  }

  pivot::ValueId op(pivot::OpKind kind, const std::string& name, std::vector<pivot::ValueId> inputs,
                    pivot::Attrs attrs = {}, std::vector<std::string> params = {}) {
    pivot::Node n;
    n.kind = kind;
    n.name = name;
    n.module_path = params.empty() ? "" : name;
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    auto out = graph().add_value(name + "_out", pivot::TensorType{});
    n.outputs = {out};
    graph().nodes.push_back(n);
    const auto& op_schema = pivot::schema(kind);
    for (const auto& role : params) {
      pivot::Param p;
      p.name = name + "." + role;
      p.shape = op_schema.param_shape(graph().nodes.back(), role);
      graph().nodes.back().params[role] = graph().add_param(p);
    }
    std::string error;
    EXPECT_TRUE(passes::infer_node(graph(), graph().nodes.size() - 1, error))
        << name << ": " << error;
    return out;
  }

  void output(pivot::ValueId v, const std::string& name = "output_0") {
    graph().outputs.push_back({name, v, {}});
  }

  pivot::Model model;
};

inline pivot::Attrs conv_attrs(int64_t in, int64_t out, std::vector<int64_t> kernel,
                               std::vector<int64_t> pads = {}) {
  return {{"in_channels", in}, {"out_channels", out}, {"kernel_size", kernel}, {"pads", pads}};
}

inline size_t count_kind(const pivot::Graph& g, pivot::OpKind kind) {
  size_t n = 0;
  for (const auto& node : g.nodes) n += node.kind == kind;
  return n;
}

}  // namespace nnport::testing
