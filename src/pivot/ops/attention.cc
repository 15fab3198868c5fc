// Attention ops: multi-head attention, layer normalisation, and stored tensors (positional
// encodings, class tokens) that a model adds to or prepends to its sequence.
#include <algorithm>

#include "pivot/ops/catalog.h"

namespace nnport::pivot {
namespace {

// Per-head widths and the output width, with their defaults (PyTorch's single head_dim =
// embed_dim / num_heads and output width embed_dim).
int64_t head_width(const Node& n, const char* attr) {
  if (attr_is_set(n, attr)) return attr_int(n, attr);
  const int64_t heads = attr_int(n, "num_heads");
  return heads > 0 ? attr_int(n, "embed_dim") / heads : 0;
}
int64_t output_width(const Node& n) {
  return attr_is_set(n, "output_dim") ? attr_int(n, "output_dim") : attr_int(n, "embed_dim");
}

// Canonical layouts keep PyTorch's (out, in) Linear layout per projection: the q/k/v weights
// are the three row blocks of PyTorch's in_proj_weight when kdim == vdim == embed_dim and the
// per-head widths are embed_dim / num_heads.
OpSchema multi_head_attention() {
  return SchemaBuilder(OpKind::MultiHeadAttention,
                       "Scaled dot-product attention over several heads")
      .doc(
          "Inputs (query, key, value), each batch-first (N, T, features). q = query W_q^T + b_q "
          "split into num_heads heads of key_dim, k likewise (key_dim), v into heads of "
          "value_dim; per head softmax(q k^T / sqrt(key_dim)) v over the key axis; heads "
          "concatenated and projected by W_o, b_o to output_dim. key_dim and value_dim default "
          "to embed_dim / num_heads and output_dim to embed_dim (PyTorch's nn.MultiheadAttention "
          "knows only these; Keras MultiHeadAttention sets key_dim, value_dim and output_shape "
          "freely, conventions row 14). Output (N, T_query, output_dim). PyTorch calls (q, k, v), "
          "Keras "
          "(query, value, key) (conventions row 14). Masks: `causal` hides key j from query i "
          "when j > i (PyTorch's triu(ones(T, T), 1) bool mask or -inf float mask; Keras "
          "use_causal_mask=True); an optional 4th input, key_padding_mask (N, S) bool, hides the "
          "keys where it is True (PyTorch's polarity; Keras attention_mask is True where a key "
          "is attended, so the writer inverts it). Other masks are reported by the reader.")
      .inputs(3, 4)
      .attr("causal", AttrType::Bool, false, "query i attends to keys j <= i only")
      .required_attr("embed_dim", AttrType::Int, "query width (and output width unless output_dim)")
      .required_attr("num_heads", AttrType::Int, "number of heads")
      .required_attr("kdim", AttrType::Int, "width of the key input")
      .required_attr("vdim", AttrType::Int, "width of the value input")
      .optional_attr("key_dim", AttrType::Int,
                     "query/key width of each head; unset: embed_dim / num_heads")
      .optional_attr("value_dim", AttrType::Int,
                     "value width of each head; unset: embed_dim / num_heads")
      .optional_attr("output_dim", AttrType::Int, "output width; unset: embed_dim")
      .attr("bias", AttrType::Bool, true, "whether the projections have biases")
      .attr("dropout", AttrType::Float, 0.0, "dropout on the attention weights (training only)")
      .param("query_weight", "num_heads*key_dim, embed_dim", "query projection (out, in)")
      .param("key_weight", "num_heads*key_dim, kdim", "key projection (out, in)")
      .param("value_weight", "num_heads*value_dim, vdim", "value projection (out, in)")
      .optional_param("query_bias", "num_heads*key_dim", "query projection bias, when bias=True")
      .optional_param("key_bias", "num_heads*key_dim", "key projection bias, when bias=True")
      .optional_param("value_bias", "num_heads*value_dim", "value projection bias, when bias=True")
      .param("output_weight", "output_dim, num_heads*value_dim", "output projection (out, in)")
      .optional_param("output_bias", "output_dim", "output projection bias, when bias=True")
      .shape([](ShapeContext& ctx) {
        const int64_t e = ctx.get_int("embed_dim");
        const int64_t heads = ctx.get_int("num_heads");
        const bool explicit_heads =
            attr_is_set(ctx.node, "key_dim") && attr_is_set(ctx.node, "value_dim");
        if (heads <= 0 || (!explicit_heads && e % heads != 0))
          return ctx.fail("embed_dim " + std::to_string(e) + " is not divisible by num_heads " +
                          std::to_string(heads));
        for (const char* attr : {"key_dim", "value_dim", "output_dim"})
          if (attr_is_set(ctx.node, attr) && ctx.get_int(attr) <= 0)
            return ctx.fail(std::string(attr) + " must be positive");
        const std::string widths[] = {"embed_dim", "kdim", "vdim"};
        if (ctx.inputs.size() == 4) {
          const TensorType& m = ctx.inputs[3];
          if (m.dtype != DType::Bool) return ctx.fail("key_padding_mask must be bool");
          if (m.rank_known && m.rank() != 2)
            return ctx.fail("key_padding_mask must be (N, S), got " + shape_to_string(m.shape));
          const TensorType& key = ctx.inputs[1];
          if (m.rank_known && key.rank_known && key.rank() == 3 && m.shape[1] >= 0 &&
              key.shape[1] >= 0 && m.shape[1] != key.shape[1])
            return ctx.fail("key_padding_mask covers " + std::to_string(m.shape[1]) +
                            " keys but the key sequence has " + std::to_string(key.shape[1]));
        }
        if (ctx.get_bool("causal") && ctx.inputs[0].rank_known && ctx.inputs[1].rank_known &&
            ctx.inputs[0].rank() == 3 && ctx.inputs[1].rank() == 3 && ctx.inputs[0].shape[1] >= 0 &&
            ctx.inputs[1].shape[1] >= 0 && ctx.inputs[0].shape[1] != ctx.inputs[1].shape[1])
          return ctx.fail("a causal mask needs as many queries as keys");
        for (size_t i = 0; i < 3; ++i) {
          const TensorType& t = ctx.inputs[i];
          if (!t.rank_known) continue;
          if (t.rank() != 3)
            return ctx.fail("attention inputs must be (N, T, features), got " +
                            shape_to_string(t.shape));
          const int64_t want = ctx.get_int(widths[i]);
          if (t.shape.back() >= 0 && t.shape.back() != want)
            return ctx.fail("input " + std::to_string(i) + " has width " +
                            std::to_string(t.shape.back()) + " but " + widths[i] + " is " +
                            std::to_string(want));
        }
        TensorType out = ctx.inputs[0];
        if (out.rank_known && out.rank() == 3) out.shape[2] = output_width(ctx.node);
        ctx.outputs[0] = out;
        return true;
      })
      .param_shape([](const Node& n, const std::string& role) -> std::vector<int64_t> {
        const int64_t e = attr_int(n, "embed_dim");
        const int64_t heads = attr_int(n, "num_heads");
        const int64_t qk = heads * head_width(n, "key_dim");
        const int64_t v = heads * head_width(n, "value_dim");
        const int64_t out = output_width(n);
        if (role == "query_weight") return {qk, e};
        if (role == "key_weight") return {qk, attr_int(n, "kdim")};
        if (role == "value_weight") return {v, attr_int(n, "vdim")};
        if (role == "output_weight") return {out, v};
        if (role == "query_bias" || role == "key_bias") return {qk};
        if (role == "value_bias") return {v};
        return {out};
      })
      .build();
}

OpSchema layer_norm() {
  return SchemaBuilder(OpKind::LayerNorm, "Normalisation over the trailing axes of each sample")
      .doc(
          "y = (x - mean) / sqrt(var + epsilon) * weight + bias, mean and biased variance over "
          "the last len(normalized_shape) axes. PyTorch eps defaults to 1e-5, Keras "
          "LayerNormalization's to 1e-3: always written (conventions row 6).")
      .required_attr("normalized_shape", AttrType::Ints, "sizes of the trailing axes normalised")
      .attr("epsilon", AttrType::Float, 1e-5, "added to the variance")
      .attr("elementwise_affine", AttrType::Bool, true, "whether weight (and bias) exist")
      .attr("bias", AttrType::Bool, true, "whether the bias exists (with elementwise_affine)")
      .optional_param("weight", "*normalized_shape", "scale (gamma)")
      .optional_param("bias", "*normalized_shape", "shift (beta)")
      .shape([](ShapeContext& ctx) {
        const TensorType& in = ctx.inputs[0];
        const auto& norm = ctx.get_ints("normalized_shape");
        if (in.rank_known) {
          if (norm.size() > in.rank())
            return ctx.fail("normalized_shape has more axes than the input " +
                            shape_to_string(in.shape));
          for (size_t i = 0; i < norm.size(); ++i) {
            const int64_t d = in.shape[in.rank() - norm.size() + i];
            if (d >= 0 && d != norm[i])
              return ctx.fail("input " + shape_to_string(in.shape) +
                              " does not end with normalized_shape " + shape_to_string(norm));
          }
        }
        ctx.outputs[0] = in;
        return true;
      })
      .param_shape([](const Node& n, const std::string&) -> std::vector<int64_t> {
        return attr_ints(n, "normalized_shape");
      })
      .build();
}

// A stored tensor (register_buffer / nn.Parameter) whose value comes from the checkpoint.
OpSchema add_param() {
  return SchemaBuilder(OpKind::AddParam, "Adds a stored tensor: y = x + value[slice]")
      .doc(
          "`value` (a buffer or parameter of the source model, loaded from the checkpoint) is "
          "sliced to its first n entries along `slice_axis` when slice_axis >= 0, then its axes "
          "are permuted by `perm` (permuted axis i = stored axis perm[i]) and it is added with "
          "broadcasting, aligned with the trailing axes of x; n is the size of the input axis "
          "the sliced axis lands on. Used for positional encodings (`x + self.pe[:, "
          ":x.size(1)]`); `perm` keeps a stored tensor in its source layout where the input's "
          "layout changed (a sequence-first (T, 1, E) buffer added to batch-first (N, T, E) "
          "data: perm [1, 0, 2]).")
      .required_attr("shape", AttrType::Ints, "shape of the stored tensor")
      .attr("slice_axis", AttrType::Int, int64_t{-1},
            "axis of the stored tensor sliced to the input's length; -1: none")
      .attr("perm", AttrType::Ints, std::vector<int64_t>{},
            "permutation of the stored tensor's axes before the addition; [] means none")
      .param("value", "*shape", "the stored tensor")
      .shape([](ShapeContext& ctx) {
        const TensorType& in = ctx.inputs[0];
        auto value = ctx.get_ints("shape");
        const int64_t axis = ctx.get_int("slice_axis");
        auto perm = ctx.get_ints("perm");
        if (perm.empty())
          for (size_t i = 0; i < value.size(); ++i) perm.push_back(static_cast<int64_t>(i));
        std::vector<int64_t> sorted = perm;
        std::sort(sorted.begin(), sorted.end());
        bool permutation = sorted.size() == value.size();
        for (size_t i = 0; permutation && i < sorted.size(); ++i)
          permutation = sorted[i] == static_cast<int64_t>(i);
        if (!permutation) return ctx.fail("perm is not a permutation of the stored tensor's axes");
        if (!in.rank_known) {
          ctx.outputs[0] = in;
          return true;
        }
        if (value.size() > in.rank()) return ctx.fail("stored tensor has more axes than the input");
        const size_t offset = in.rank() - value.size();
        if (axis >= 0) {
          if (static_cast<size_t>(axis) >= value.size()) return ctx.fail("slice_axis out of range");
          const auto lands = std::find(perm.begin(), perm.end(), axis) - perm.begin();
          const int64_t n = in.shape[offset + static_cast<size_t>(lands)];
          if (n < 0) return ctx.fail("the sliced axis needs a static input size");
          if (n > value[static_cast<size_t>(axis)])
            return ctx.fail("input length " + std::to_string(n) + " exceeds the stored tensor's " +
                            std::to_string(value[static_cast<size_t>(axis)]));
          value[static_cast<size_t>(axis)] = n;
        }
        const std::vector<int64_t> stored = value;
        for (size_t i = 0; i < value.size(); ++i) value[i] = stored[static_cast<size_t>(perm[i])];
        for (size_t i = 0; i < value.size(); ++i) {
          const int64_t d = in.shape[offset + i];
          if (value[i] != 1 && d >= 0 && d != value[i])
            return ctx.fail("cannot broadcast " + shape_to_string(value) + " onto " +
                            shape_to_string(in.shape));
          if (value[i] != 1 && d == 1) return ctx.fail("the stored tensor would widen the input");
        }
        ctx.outputs[0] = in;
        return true;
      })
      .param_shape([](const Node& n, const std::string&) -> std::vector<int64_t> {
        return attr_ints(n, "shape");
      })
      .build();
}

// ViT class token: concat([value broadcast over the batch, x], axis=1).
OpSchema prepend_param() {
  return SchemaBuilder(OpKind::PrependParam, "Prepends a stored (1, K, E) tensor to every sample")
      .doc(
          "y = concat([broadcast(value, (N, K, E)), x], axis=1) for x of shape (N, T, E); the "
          "`cls_token.expand(N, -1, -1)` + `torch.cat(..., dim=1)` idiom of ViT models.")
      .required_attr("shape", AttrType::Ints, "shape of the stored tensor, (1, K, E)")
      .param("value", "*shape", "the stored tensor")
      .shape([](ShapeContext& ctx) {
        const TensorType& in = ctx.inputs[0];
        const auto& value = ctx.get_ints("shape");
        if (value.size() != 3 || value[0] != 1)
          return ctx.fail("the stored tensor must be (1, K, E)");
        TensorType out = in;
        if (in.rank_known) {
          if (in.rank() != 3) return ctx.fail("input must be (N, T, E)");
          if (in.shape[2] >= 0 && in.shape[2] != value[2]) return ctx.fail("widths differ");
          out.shape[1] = in.shape[1] >= 0 ? in.shape[1] + value[1] : kUnknown;
        }
        ctx.outputs[0] = out;
        return true;
      })
      .param_shape([](const Node& n, const std::string&) -> std::vector<int64_t> {
        return attr_ints(n, "shape");
      })
      .build();
}

// A layer's own weight used as a matrix (Keras `ops.matmul(x, self.w)` with w made by add_weight).
OpSchema matmul_param() {
  return SchemaBuilder(OpKind::MatMulParam, "Product with a stored matrix: y = x @ value")
      .doc(
          "`value` (k, m) is a trained weight of the source model that is not part of a built-in "
          "layer (Keras `self.add_weight` in a custom layer's build()), loaded from the "
          "checkpoint as it is stored; x (..., k) -> (..., m). Written as "
          "`x @ self.w` with `self.w` an nn.Parameter.")
      .required_attr("shape", AttrType::Ints, "shape (k, m) of the stored matrix")
      .param("value", "*shape", "the stored matrix")
      .shape([](ShapeContext& ctx) {
        const TensorType& in = ctx.inputs[0];
        const auto value = ctx.get_ints("shape");
        if (value.size() != 2) return ctx.fail("the stored matrix must have rank 2");
        ctx.outputs[0] = in;
        ctx.outputs[0].layout.clear();
        if (!in.rank_known) return true;
        if (in.rank() < 1) return ctx.fail("matmul_param needs an input of rank >= 1");
        const int64_t k = in.shape.back();
        if (k >= 0 && k != value[0])
          return ctx.fail("input size " + std::to_string(k) + " does not match the stored matrix " +
                          shape_to_string(value));
        ctx.outputs[0].shape.back() = value[1];
        return true;
      })
      .param_shape([](const Node& n, const std::string&) -> std::vector<int64_t> {
        return attr_ints(n, "shape");
      })
      .build();
}

// Hand-written attention: scores = q @ k.transpose(-2, -1); out = softmax(scores) @ v.
OpSchema matmul() {
  return SchemaBuilder(OpKind::MatMul, "Batched matrix product: y = a @ b")
      .doc(
          "Both inputs have rank >= 2: (..., n, k) @ (..., k, m) -> (..., n, m), the leading "
          "(batch) axes broadcast as in NumPy (torch.matmul, torch.bmm, `@`; keras.ops.matmul, "
          "tf.linalg.matmul). 1-D operands (vector products) are not part of this op.")
      .inputs(2, 2)
      .shape([](ShapeContext& ctx) {
        const TensorType& a = ctx.inputs[0];
        const TensorType& b = ctx.inputs[1];
        if (!a.rank_known || !b.rank_known) {
          ctx.outputs[0] = a.rank_known ? b : a;
          ctx.outputs[0].dtype = a.dtype;
          return true;
        }
        if (a.rank() < 2 || b.rank() < 2)
          return ctx.fail("matmul operands must have rank >= 2, got " + shape_to_string(a.shape) +
                          " and " + shape_to_string(b.shape));
        const int64_t ka = a.shape[a.rank() - 1], kb = b.shape[b.rank() - 2];
        if (ka >= 0 && kb >= 0 && ka != kb)
          return ctx.fail("matmul inner sizes differ: " + shape_to_string(a.shape) + " @ " +
                          shape_to_string(b.shape));
        const size_t batch = std::max(a.rank(), b.rank()) - 2;
        TensorType out = a;
        out.shape.assign(batch + 2, kUnknown);
        out.layout.clear();
        for (size_t i = 0; i < batch; ++i) {
          // Right-aligned broadcasting of the leading axes; 1 stretches, the batch wins.
          const size_t from_end = batch - i;
          const int64_t da = from_end <= a.rank() - 2 ? a.shape[a.rank() - 2 - from_end] : 1;
          const int64_t db = from_end <= b.rank() - 2 ? b.shape[b.rank() - 2 - from_end] : 1;
          if (da == 1)
            out.shape[i] = db;
          else if (db == 1)
            out.shape[i] = da;
          else if (da >= 0 && db >= 0 && da != db)
            return ctx.fail("matmul batch axes do not broadcast: " + shape_to_string(a.shape) +
                            " @ " + shape_to_string(b.shape));
          else
            out.shape[i] = da == kBatch || db == kBatch ? kBatch : (da >= 0 ? da : db);
        }
        out.shape[batch] = a.shape[a.rank() - 2];
        out.shape[batch + 1] = b.shape[b.rank() - 1];
        ctx.outputs[0] = out;
        return true;
      })
      .build();
}

// keras.ops.tensordot(a, b, 2) of two (N, d) embeddings: one scalar for the whole batch.
OpSchema tensordot() {
  return SchemaBuilder(OpKind::Tensordot, "Tensor contraction: y = tensordot(a, b, axes)")
      .doc(
          "Sums the products over the axes `axes_a` of a paired with `axes_b` of b (same sizes); "
          "the output has a's other axes in order, then b's (numpy.tensordot, torch.tensordot, "
          "keras.ops.tensordot, tf.tensordot). An integer `axes` n is a's last n axes against "
          "b's first n. A contracted batch axis sums over the batch: the result has none.")
      .inputs(2, 2)
      .required_attr("axes_a", AttrType::Ints, "contracted axes of a (non-negative)")
      .required_attr("axes_b", AttrType::Ints, "contracted axes of b, paired with axes_a")
      .shape([](ShapeContext& ctx) {
        const TensorType& a = ctx.inputs[0];
        const TensorType& b = ctx.inputs[1];
        const auto axes_a = ctx.get_ints("axes_a");
        const auto axes_b = ctx.get_ints("axes_b");
        if (axes_a.size() != axes_b.size())
          return ctx.fail("tensordot needs as many axes of a as of b");
        if (!a.rank_known || !b.rank_known) {
          ctx.outputs[0] = a;
          ctx.outputs[0].rank_known = false;
          ctx.outputs[0].shape.clear();
          ctx.outputs[0].layout.clear();
          return true;
        }
        std::vector<bool> contracted_a(a.rank(), false), contracted_b(b.rank(), false);
        for (size_t i = 0; i < axes_a.size(); ++i) {
          const int64_t ia = axes_a[i], ib = axes_b[i];
          if (ia < 0 || ib < 0 || ia >= static_cast<int64_t>(a.rank()) ||
              ib >= static_cast<int64_t>(b.rank()))
            return ctx.fail("tensordot axes out of range for " + shape_to_string(a.shape) +
                            " and " + shape_to_string(b.shape));
          const int64_t da = a.shape[static_cast<size_t>(ia)];
          const int64_t db = b.shape[static_cast<size_t>(ib)];
          if (da >= 0 && db >= 0 && da != db)
            return ctx.fail("tensordot contracted sizes differ: " + shape_to_string(a.shape) +
                            " and " + shape_to_string(b.shape));
          contracted_a[static_cast<size_t>(ia)] = true;
          contracted_b[static_cast<size_t>(ib)] = true;
        }
        TensorType out = a;
        out.shape.clear();
        out.layout.clear();
        for (size_t i = 0; i < a.rank(); ++i)
          if (!contracted_a[i]) out.shape.push_back(a.shape[i]);
        for (size_t i = 0; i < b.rank(); ++i)
          if (!contracted_b[i]) out.shape.push_back(b.shape[i]);
        ctx.outputs[0] = out;
        return true;
      })
      .build();
}

// Padding masks: `ids == pad_idx` (True = a padded key, PyTorch's key_padding_mask polarity).
OpSchema equal() {
  return SchemaBuilder(OpKind::Equal, "Elementwise equality: y = (a == b), a bool tensor")
      .doc(
          "Two tensor inputs (NumPy broadcasting), or one tensor input and the `scalar` "
          "attribute (`ids == pad_idx`). The output dtype is bool; its use is attention masks.")
      .inputs(1, 2)
      .optional_attr("scalar", AttrType::Float, "constant operand when there is one input")
      .shape([](ShapeContext& ctx) {
        if (!shape_rules::broadcast(ctx)) return false;
        ctx.outputs[0].dtype = DType::Bool;
        return true;
      })
      .build();
}

}  // namespace

void register_attention_ops(std::vector<OpSchema>& out) {
  out.push_back(multi_head_attention());
  out.push_back(layer_norm());
  out.push_back(add_param());
  out.push_back(matmul_param());
  out.push_back(prepend_param());
  out.push_back(matmul());
  out.push_back(equal());
  out.push_back(tensordot());
}

}  // namespace nnport::pivot
