// layers.Dot(axes=...) (keras/src/layers/merging/dot.py): batch_dot of two inputs over one axis
// of each. Read for the forms models use:
//   rank 3 x rank 3, axes (2, 1) / (2, 2) / (1, 1) / (1, 2): a batched matrix product, the
//     contracted axis of x moved last and that of y first (PointNet's feature transform
//     Dot(axes=(2, 1))([points, transform]));
//   rank 2 x rank 2, axes 1: the row-wise dot product, shape (batch, 1).
// normalize=True (cosine proximity) and other ranks are reported.
#include "readers/keras/emitter.h"

namespace nnport::readers::keras {

std::vector<ValueId> Emitter::dot() {
  if (inputs_.size() != 2) {
    in_.ctx().diags->error(Code::UnsupportedSyntax, in_.loc(site_))
        << "Dot needs exactly two inputs";
    return {};
  }
  if (args_.boolean(-1, {"normalize"}, false)) {
    args_.reject("normalize", "normalize=True is not supported");
    return {};
  }
  const auto& tx = in_type(0);
  const auto& ty = in_type(1);
  const size_t rank = tx.rank();
  auto axes = args_.get(0, {"axes"});
  auto pair = axes ? axes->as_ints(2) : std::nullopt;
  if (!pair || pair->size() != 2 || ty.rank() != rank || (rank != 2 && rank != 3)) {
    args_.reject("axes", "only axes of two rank-2 or two rank-3 inputs are supported");
    return {};
  }
  // Keras normalises negative axes by each input's rank.
  int64_t ax = (*pair)[0] < 0 ? (*pair)[0] + static_cast<int64_t>(rank) : (*pair)[0];
  int64_t ay = (*pair)[1] < 0 ? (*pair)[1] + static_cast<int64_t>(rank) : (*pair)[1];
  if (ax < 1 || ay < 1 || ax >= static_cast<int64_t>(rank) || ay >= static_cast<int64_t>(rank)) {
    args_.reject("axes", "the batch axis cannot be contracted");
    return {};
  }
  const auto sx = tx.shape[static_cast<size_t>(ax)];
  const auto sy = ty.shape[static_cast<size_t>(ay)];
  if (sx >= 0 && sy >= 0 && sx != sy) {
    in_.ctx().diags->error(Code::ShapeMismatch, in_.loc(site_))
        << "Dot: the contracted axes have sizes " << sx << " and " << sy;
    return {};
  }
  ValueId x = inputs_[0], y = inputs_[1];
  if (rank == 2) {
    ValueId p = node(OpKind::Mul, {}, {x, y}, "_mul");
    return {node(OpKind::ReduceSum, {{"axes", std::vector<int64_t>{1}}, {"keepdims", true}}, {p})};
  }
  const std::vector<int64_t> swap{0, 2, 1};
  if (ax == 1) x = node(OpKind::Transpose, {{"perm", swap}}, {x}, "_transpose_x");
  if (ay == 2) y = node(OpKind::Transpose, {{"perm", swap}}, {y}, "_transpose_y");
  return {node(OpKind::MatMul, {}, {x, y})};
}

}  // namespace nnport::readers::keras
