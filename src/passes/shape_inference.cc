// Shape inference pass (see shape_inference.h).
#include "passes/shape_inference.h"

#include "pivot/ops/catalog.h"

namespace nnport::passes {

bool infer_node(pivot::Graph& graph, size_t node_index, std::string& error) {
  pivot::Node& node = graph.nodes[node_index];
  const pivot::OpSchema& op = pivot::schema(node.kind);
  std::vector<pivot::TensorType> inputs;
  inputs.reserve(node.inputs.size());
  for (pivot::ValueId in : node.inputs) inputs.push_back(graph.values[in].type);
  // Rules that cannot say anything (a `call` before inlining) leave the known types in place.
  std::vector<pivot::TensorType> outputs;
  outputs.reserve(node.outputs.size());
  for (pivot::ValueId out : node.outputs) outputs.push_back(graph.values[out].type);
  pivot::ShapeContext ctx{node, inputs, outputs, {}};
  bool ok = op.infer(ctx);
  if (!ok) {
    error = ctx.error;
    for (auto& out : outputs) out = pivot::TensorType{pivot::DType::Float32, {}, false, {}};
  }
  for (size_t i = 0; i < node.outputs.size(); ++i) graph.values[node.outputs[i]].type = outputs[i];
  return ok;
}

bool infer_shapes(pivot::Model& model, DiagnosticEngine& diags) {
  bool ok = true;
  for (auto& module : model.modules) {
    for (size_t i = 0; i < module.graph.nodes.size(); ++i) {
      std::string error;
      if (!infer_node(module.graph, i, error)) {
        const auto& node = module.graph.nodes[i];
        diags.error(Code::ShapeMismatch, node.location)
            << pivot::op_name(node.kind) << " '" << node.name << "': " << error;
        ok = false;
      }
    }
  }
  return ok;
}

}  // namespace nnport::passes
