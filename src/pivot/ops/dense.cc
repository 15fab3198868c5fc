// Dense ops: linear (fully connected) layers and embeddings.
#include "pivot/ops/catalog.h"

namespace nnport::pivot {

void register_dense_ops(std::vector<OpSchema>& out) {
  out.push_back(
      SchemaBuilder(OpKind::Linear, "Affine map over the last axis: y = x W^T + b")
          .doc("Contracts the LAST axis of an input of any rank >= 2 (conventions row 7). "
               "The weight is stored (out, in) as in PyTorch; Keras Dense kernels are (in, out).")
          .required_attr("in_features", AttrType::Int, "size of the contracted last axis")
          .required_attr("out_features", AttrType::Int, "size of the output's last axis")
          .attr("bias", AttrType::Bool, true, "whether a bias is added")
          .param("weight", "out, in", "weight matrix")
          .optional_param("bias", "out", "bias vector, present when bias=True")
          .shape([](ShapeContext& ctx) {
            TensorType t = ctx.inputs[0];
            if (!t.rank_known) {
              ctx.outputs[0] = t;
              return true;
            }
            if (t.rank() == 0) return ctx.fail("linear needs an input of rank >= 1");
            const int64_t in = ctx.get_int("in_features");
            if (t.shape.back() >= 0 && t.shape.back() != in)
              return ctx.fail("input " + shape_to_string(t.shape) + " has a last axis of size " +
                              std::to_string(t.shape.back()) + " but in_features is " +
                              std::to_string(in));
            t.shape.back() = ctx.get_int("out_features");
            if (!t.layout.empty()) t.layout.back() = 'F';
            ctx.outputs[0] = t;
            return true;
          })
          .param_shape([](const Node& n, const std::string& role) -> std::vector<int64_t> {
            if (role == "weight") return {attr_int(n, "out_features"), attr_int(n, "in_features")};
            return {attr_int(n, "out_features")};
          })
          .build());

  out.push_back(
      SchemaBuilder(OpKind::Embedding, "Looks up rows of a table by integer ids")
          .doc(
              "Output shape is the ids' shape plus embedding_dim. `padding_idx` (PyTorch) only "
              "affects initialisation and gradients; Keras has no equivalent (conventions row 13).")
          .required_attr("num_embeddings", AttrType::Int, "number of rows")
          .required_attr("embedding_dim", AttrType::Int, "size of each row")
          .optional_attr("padding_idx", AttrType::Int, "row that is zero and frozen in training")
          .param("weight", "num_embeddings, embedding_dim", "the table")
          .shape([](ShapeContext& ctx) {
            TensorType t = ctx.inputs[0];
            t.dtype = DType::Float32;
            t.shape.push_back(ctx.get_int("embedding_dim"));
            if (!t.layout.empty() || t.rank() == 2) t.layout = "NTE";
            if (t.layout.size() != t.shape.size()) t.layout.clear();
            ctx.outputs[0] = t;
            return true;
          })
          .param_shape([](const Node& n, const std::string&) -> std::vector<int64_t> {
            return {attr_int(n, "num_embeddings"), attr_int(n, "embedding_dim")};
          })
          .build());
}

}  // namespace nnport::pivot
