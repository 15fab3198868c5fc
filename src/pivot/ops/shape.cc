// Ops that only rearrange elements: flatten, reshape, transpose, squeeze, unsqueeze, concat.
#include "pivot/ops/catalog.h"

#include <algorithm>
#include <numeric>

namespace nnport::pivot {
namespace {

int64_t product(const std::vector<int64_t>& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) {
    if (dims[i] < 0) return kUnknown;
    p *= dims[i];
  }
  return p;
}

bool flatten_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  auto start = normalize_axis(ctx.get_int("start_dim"), in.rank());
  auto end = normalize_axis(ctx.get_int("end_dim"), in.rank());
  if (!start || !end || *start > *end)
    return ctx.fail("flatten dims out of range for shape " + shape_to_string(in.shape));
  TensorType out = in;
  out.shape.assign(in.shape.begin(), in.shape.begin() + static_cast<long>(*start));
  const bool has_batch = std::find(in.shape.begin() + static_cast<long>(*start),
                                   in.shape.begin() + static_cast<long>(*end) + 1,
                                   kBatch) != in.shape.begin() + static_cast<long>(*end) + 1;
  out.shape.push_back(has_batch ? kUnknown : product(in.shape, *start, *end + 1));
  out.shape.insert(out.shape.end(), in.shape.begin() + static_cast<long>(*end) + 1, in.shape.end());
  out.layout.clear();
  if (in.layout.size() == in.rank()) {
    out.layout = in.layout.substr(0, *start) +
                 (*start == *end ? in.layout.substr(*start, 1) : "F") + in.layout.substr(*end + 1);
  }
  ctx.outputs[0] = out;
  return true;
}

bool reshape_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  const auto& target = ctx.get_ints("shape");
  TensorType out = in;
  out.rank_known = true;
  out.shape = target;
  out.layout.clear();
  int infer_at = -1;
  int64_t known = 1;
  bool all_known = true;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == kUnknown) {
      if (infer_at >= 0) return ctx.fail("reshape has more than one -1");
      infer_at = static_cast<int>(i);
    } else if (target[i] == kBatch) {
      // the batch size: cancels with the input's batch dimension
    } else if (target[i] < 0) {
      return ctx.fail("invalid reshape size " + std::to_string(target[i]));
    } else {
      known *= target[i];
    }
  }
  if (infer_at >= 0 && in.rank_known) {
    int64_t total = 1;
    int batch_in = 0;
    for (int64_t d : in.shape) {
      if (d == kBatch)
        ++batch_in;
      else if (d < 0)
        all_known = false;
      else
        total *= d;
    }
    const auto batch_out = std::count(target.begin(), target.end(), kBatch);
    if (all_known && batch_in == batch_out) {
      if (known == 0 || total % known != 0)
        return ctx.fail("cannot reshape " + shape_to_string(in.shape) + " into " +
                        shape_to_string(target));
      out.shape[static_cast<size_t>(infer_at)] = total / known;
    }
  }
  ctx.outputs[0] = out;
  return true;
}

bool transpose_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  const auto& perm = ctx.get_ints("perm");
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  if (perm.size() != in.rank())
    return ctx.fail("perm has the wrong length for " + shape_to_string(in.shape));
  std::vector<bool> seen(perm.size(), false);
  TensorType out = in;
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] < 0 || static_cast<size_t>(perm[i]) >= perm.size() ||
        seen[static_cast<size_t>(perm[i])])
      return ctx.fail("perm is not a permutation");
    seen[static_cast<size_t>(perm[i])] = true;
    out.shape[i] = in.shape[static_cast<size_t>(perm[i])];
    if (in.layout.size() == in.rank()) out.layout[i] = in.layout[static_cast<size_t>(perm[i])];
  }
  ctx.outputs[0] = out;
  return true;
}

bool squeeze_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  std::vector<bool> drop(in.rank(), false);
  for (int64_t a : ctx.get_ints("axes")) {
    auto axis = normalize_axis(a, in.rank());
    if (!axis) return ctx.fail("squeeze axis out of range");
    if (in.shape[*axis] >= 0 && in.shape[*axis] != 1) continue;  // PyTorch: no-op on size != 1
    drop[*axis] = true;
  }
  TensorType out = in;
  out.shape.clear();
  out.layout.clear();
  for (size_t i = 0; i < in.rank(); ++i) {
    if (drop[i]) continue;
    out.shape.push_back(in.shape[i]);
    if (in.layout.size() == in.rank()) out.layout.push_back(in.layout[i]);
  }
  ctx.outputs[0] = out;
  return true;
}

bool unsqueeze_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  TensorType out = in;
  auto axes = ctx.get_ints("axes");
  const size_t new_rank = in.rank() + axes.size();
  for (auto& a : axes) {
    auto axis = normalize_axis(a, new_rank);
    if (!axis) return ctx.fail("unsqueeze axis out of range");
    a = static_cast<int64_t>(*axis);
  }
  std::sort(axes.begin(), axes.end());
  for (int64_t a : axes) {
    out.shape.insert(out.shape.begin() + a, 1);
    if (out.layout.size() + 1 == out.shape.size())
      out.layout.insert(static_cast<size_t>(a), 1, '?');
  }
  if (out.layout.size() != out.shape.size()) out.layout.clear();
  ctx.outputs[0] = out;
  return true;
}

bool concat_shape(ShapeContext& ctx) {
  TensorType out = ctx.inputs[0];
  if (!out.rank_known) {
    ctx.outputs[0] = out;
    return true;
  }
  auto axis = normalize_axis(ctx.get_int("axis"), out.rank());
  if (!axis) return ctx.fail("concat axis out of range for shape " + shape_to_string(out.shape));
  for (size_t i = 1; i < ctx.inputs.size(); ++i) {
    const TensorType& t = ctx.inputs[i];
    if (!t.rank_known) {
      ctx.outputs[0] = t;
      return true;
    }
    if (t.rank() != out.rank()) return ctx.fail("concat inputs differ in rank");
    for (size_t d = 0; d < t.rank(); ++d) {
      if (d == *axis) {
        out.shape[d] =
            (out.shape[d] >= 0 && t.shape[d] >= 0) ? out.shape[d] + t.shape[d] : kUnknown;
      } else if (out.shape[d] >= 0 && t.shape[d] >= 0 && out.shape[d] != t.shape[d]) {
        return ctx.fail("concat inputs differ on axis " + std::to_string(d) + ": " +
                        shape_to_string(out.shape) + " vs " + shape_to_string(t.shape));
      }
    }
    if (t.layout != out.layout) out.layout.clear();
  }
  ctx.outputs[0] = out;
  return true;
}

}  // namespace

void register_shape_ops(std::vector<OpSchema>& out) {
  out.push_back(
      SchemaBuilder(OpKind::Flatten, "Merges axes start_dim..end_dim into one")
          .doc("Row-major: the merged axis enumerates the LAST source axis fastest. After "
               "a layout change the order of merged elements changes (conventions row 8).")
          .attr("start_dim", AttrType::Int, int64_t{1}, "first merged axis")
          .attr("end_dim", AttrType::Int, int64_t{-1}, "last merged axis")
          .shape(flatten_shape)
          .build());
  out.push_back(
      SchemaBuilder(OpKind::Reshape, "Row-major reshape including the batch axis")
          .doc("`shape` lists every output axis: a size, -1 (inferred) or -2 (the batch size).")
          .required_attr("shape", AttrType::Ints, "target shape")
          .shape(reshape_shape)
          .build());
  out.push_back(
      SchemaBuilder(OpKind::Transpose, "Permutes axes: out.shape[i] = in.shape[perm[i]]")
          .required_attr("perm", AttrType::Ints, "a permutation of all axes, batch included")
          .shape(transpose_shape)
          .build());
  out.push_back(SchemaBuilder(OpKind::Squeeze, "Removes the listed axes of size 1")
                    .doc("As in PyTorch, an axis whose size is not 1 is left in place.")
                    .required_attr("axes", AttrType::Ints, "axes to remove")
                    .shape(squeeze_shape)
                    .build());
  out.push_back(SchemaBuilder(OpKind::Unsqueeze, "Inserts axes of size 1")
                    .required_attr("axes", AttrType::Ints, "positions in the OUTPUT")
                    .shape(unsqueeze_shape)
                    .build());
  out.push_back(SchemaBuilder(OpKind::Concat, "Joins tensors along one axis")
                    .inputs(1, -1)
                    .required_attr("axis", AttrType::Int, "the joined axis")
                    .shape(concat_shape)
                    .build());
}

}  // namespace nnport::pivot
