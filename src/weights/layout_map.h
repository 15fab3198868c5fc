// A lazily evaluated rearrangement of one stored tensor. Every layout step weight conversion
// needs (slice, axis permutation, recorded split-permute-merge transform, gate block reorder,
// row-major reshape) only maps output indices to input offsets, so the steps compose into one
// gather that runs piece by piece: a 2 GB checkpoint converts with a few megabytes of buffer and
// without an intermediate tensor per step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "pivot/graph.h"
#include "weights/tensor.h"

namespace nnport::weights {

class LayoutMap {
 public:
  // The identity map of `input`; `error` is set (and the map unusable) when the bytes do not
  // match the shape.
  LayoutMap(const TensorView& input, std::string& error);

  // Each step returns false and sets `error` when it does not fit the current shape (or, for
  // splits of an already rearranged axis, when the pieces do not line up; never for the layouts
  // the catalog records).
  bool slice(int64_t axis, int64_t start, int64_t length, std::string& error);
  // result = current.permute(perm); empty is the identity.
  bool permute(std::span<const int64_t> perm, std::string& error);
  bool transform(const pivot::WeightTransform& transform, std::string& error);
  // The first axis as order.size() equal blocks; block i of the result = block order[i].
  bool reorder_blocks(std::span<const int64_t> order, std::string& error);
  bool reshape(std::span<const int64_t> shape, std::string& error);

  pivot::DType dtype() const { return dtype_; }
  std::vector<int64_t> shape() const;
  uint64_t element_count() const;

  // The output splits into pieces of at most about `budget_bytes`, each a box of the output (a
  // hyperslab) that is also one contiguous range of it in row-major order, and the pieces
  // follow each other in that order: a writer appends each piece with one write, whatever
  // rearrangement the map performs. A tensor that fits the budget is one piece.
  struct Piece {
    std::vector<int64_t> start;  // box in output coordinates
    std::vector<int64_t> count;
    uint64_t bytes = 0;  // output bytes of the piece
    // Where the piece lies among the flattened segments: the indices of those before
    // `segment`, and the range [from, to) of `segment`; segment -1: the whole output.
    int64_t segment = -1;
    std::vector<int64_t> fixed;
    int64_t from = 0;
    int64_t to = 0;
  };
  std::vector<Piece> pieces(uint64_t budget_bytes) const;

  // Receives input byte ranges a gather has finished reading (to drop them from memory).
  using ReleaseInput = std::function<void(std::span<const std::byte>)>;

  // Writes the elements of `piece` in row-major order of its box to `out` (piece.bytes bytes).
  // With `release`, the input is read in bands of about `band_bytes` along its outermost axis
  // and each band is handed to `release` once read, so a piece that reads a transposed tensor
  // (a few columns of every input row) never holds more than a band of the input in memory.
  static constexpr uint64_t kReleaseBandBytes = uint64_t{16} << 20;
  void gather(const Piece& piece, std::byte* out, const ReleaseInput& release = {},
              uint64_t band_bytes = kReleaseBandBytes) const;

  // The whole output as an owning tensor.
  Tensor materialize() const;

 private:
  // One run of an axis: `size` indices `stride` input elements apart, or (with `order`) index i
  // at order[i] * stride. A logical axis is the row-major product of its segments.
  struct Segment {
    int64_t size = 1;
    int64_t stride = 1;
    std::vector<int64_t> order;
  };
  using Axis = std::vector<Segment>;

  // Re-cuts one logical axis into consecutive axes of `sizes` (row-major); false when a segment
  // would have to be cut across its gather order or not at a divisor.
  static bool split_axis(const Axis& axis, std::span<const int64_t> sizes, std::vector<Axis>& out);
  std::vector<Segment> flattened() const;
  void gather_box(std::vector<Segment> segments, int64_t base, std::byte* out,
                  const ReleaseInput& release, uint64_t band_bytes) const;

  pivot::DType dtype_ = pivot::DType::Float32;
  size_t element_size_ = 4;
  std::span<const std::byte> input_;
  int64_t base_ = 0;  // input element offset of output index 0
  std::vector<Axis> axes_;
};

}  // namespace nnport::weights
