// Structural ops: calls of other module definitions, and identity.
#include "pivot/ops/catalog.h"

namespace nnport::pivot {

void register_structure_ops(std::vector<OpSchema>& out) {
  out.push_back(
      SchemaBuilder(OpKind::Call, "Applies another module definition of the model")
          .doc("Inputs and outputs are those of the callee's graph, in order. Parameters of the "
               "callee are named relative to the instance (`module_path` is the prefix).")
          .inputs(0, -1)
          .outputs(1)
          .required_attr("callee", AttrType::String, "name of the ModuleDef applied")
          .shape([](ShapeContext&) { return true; })  // resolved by the inliner
          .build());
  out.push_back(SchemaBuilder(OpKind::Identity, "Returns its input unchanged").build());
  out.push_back(
      SchemaBuilder(OpKind::Unsupported, "A source construct nnport could not migrate")
          .doc("Keeps the graph connected where a reader met something it does not understand. "
               "Its output is assumed to have the first input's type (unknown when there is no "
               "input). Writers emit a TODO(nnport) marker carrying the reason code; the "
               "migration is then partial (exit status 3).")
          .inputs(0, -1)
          .required_attr("code", AttrType::String, "the diagnostic reason code")
          .required_attr("text", AttrType::String, "the source text of the construct")
          .attr("message", AttrType::String, std::string(), "what the reader reported")
          .shape([](ShapeContext& ctx) {
            if (ctx.inputs.empty())
              ctx.outputs[0] = TensorType{DType::Float32, {}, false, {}};
            else
              ctx.outputs[0] = ctx.inputs[0];
            return true;
          })
          .build());
}

}  // namespace nnport::pivot
