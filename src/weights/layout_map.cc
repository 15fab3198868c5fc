// Composition of layout steps into one gather, and the gather itself (see layout_map.h).
#include "weights/layout_map.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace nnport::weights {
namespace {

bool is_permutation_of(std::span<const int64_t> perm, size_t rank) {
  if (perm.size() != rank) return false;
  std::vector<bool> seen(rank, false);
  for (int64_t axis : perm) {
    if (axis < 0 || static_cast<uint64_t>(axis) >= rank || seen[static_cast<size_t>(axis)])
      return false;
    seen[static_cast<size_t>(axis)] = true;
  }
  return true;
}

size_t to_size(int64_t value) { return static_cast<size_t>(value); }

// Square tiles for transposes: both the rows read and the columns written stay in L1.
constexpr int64_t kTile = 32;

}  // namespace

LayoutMap::LayoutMap(const TensorView& input, std::string& error)
    : dtype_(input.dtype), element_size_(pivot::dtype_size(input.dtype)), input_(input.bytes) {
  auto count = weights::element_count(input.shape, element_size_);
  if (!count || *count * element_size_ != input.bytes.size() ||
      *count > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    error = "tensor bytes do not match its shape";
    input_ = {};
    return;
  }
  int64_t stride = 1;
  axes_.resize(input.shape.size());
  for (size_t i = input.shape.size(); i-- > 0;) {
    axes_[i] = {Segment{input.shape[i], stride, {}}};
    stride *= input.shape[i];
  }
}

std::vector<int64_t> LayoutMap::shape() const {
  std::vector<int64_t> out;
  for (const auto& axis : axes_) {
    int64_t n = 1;
    for (const auto& s : axis) n *= s.size;
    out.push_back(n);
  }
  return out;
}

uint64_t LayoutMap::element_count() const {
  uint64_t n = 1;
  for (int64_t d : shape()) n *= static_cast<uint64_t>(d);
  return n;
}

bool LayoutMap::split_axis(const Axis& axis, std::span<const int64_t> sizes,
                           std::vector<Axis>& out) {
  out.clear();
  int64_t total = 1;
  for (const auto& s : axis) total *= s.size;
  if (total == 0) {
    // Nothing is ever read: any cut is fine.
    for (int64_t want : sizes) out.push_back({Segment{want, 0, {}}});
    return true;
  }
  std::vector<Segment> segments;
  for (const auto& s : axis)
    if (s.size != 1) segments.push_back(s);
  size_t next = 0;
  Segment current;
  bool holding = false;
  for (int64_t want : sizes) {
    Axis part;
    int64_t need = want;
    while (need > 1) {
      if (!holding) {
        if (next == segments.size()) return false;
        current = segments[next++];
        holding = true;
      }
      if (current.size <= need) {
        if (need % current.size != 0) return false;
        need /= current.size;
        part.push_back(std::move(current));
        holding = false;
      } else {
        // The outer `need` indices of the segment go to this part, the rest to the next.
        if (current.size % need != 0 || !current.order.empty()) return false;
        const int64_t inner = current.size / need;
        part.push_back(Segment{need, current.stride * inner, {}});
        current.size = inner;
        need = 1;
      }
    }
    if (need != 1) return false;  // a zero size where the axis is not empty
    if (part.empty()) part.push_back(Segment{1, 1, {}});
    out.push_back(std::move(part));
  }
  return !holding && next == segments.size();
}

bool LayoutMap::slice(int64_t axis, int64_t start, int64_t length, std::string& error) {
  auto a = pivot::normalize_axis(axis, axes_.size());
  const auto dims = shape();
  if (!a || start < 0 || length < 0 || start > dims[*a] || length > dims[*a] - start) {
    error = fmt::format("cannot take [{}, {}) of axis {} of shape {}", start, start + length, axis,
                        pivot::shape_to_string(dims));
    return false;
  }
  Axis& target = axes_[*a];
  Segment* only = nullptr;
  for (auto& s : target) {
    if (s.size == 1) continue;
    if (only != nullptr || !s.order.empty()) {
      error = fmt::format("cannot slice axis {} after it was rearranged", axis);
      return false;
    }
    only = &s;
  }
  if (only == nullptr) return true;  // size-1 axis, start 0 and length 1 (or 0)
  base_ += start * only->stride;
  only->size = length;
  return true;
}

bool LayoutMap::permute(std::span<const int64_t> perm, std::string& error) {
  if (perm.empty()) return true;
  if (!is_permutation_of(perm, axes_.size())) {
    error = fmt::format("permutation [{}] does not fit a tensor of rank {}", fmt::join(perm, ", "),
                        axes_.size());
    return false;
  }
  std::vector<Axis> permuted;
  for (int64_t p : perm) permuted.push_back(std::move(axes_[to_size(p)]));
  axes_ = std::move(permuted);
  return true;
}

bool LayoutMap::transform(const pivot::WeightTransform& t, std::string& error) {
  const auto dims = shape();
  auto axis = pivot::normalize_axis(t.axis, dims.size());
  if (!axis) {
    error = fmt::format("transform axis {} is out of range for shape {}", t.axis,
                        pivot::shape_to_string(dims));
    return false;
  }
  auto split_count = weights::element_count(t.split);
  if (t.split.empty() || !split_count || *split_count != static_cast<uint64_t>(dims[*axis])) {
    error = fmt::format("transform splits axis {} of size {} into [{}]", *axis, dims[*axis],
                        fmt::join(t.split, ", "));
    return false;
  }
  if (!is_permutation_of(t.perm, t.split.size())) {
    error = fmt::format("transform permutation [{}] does not fit the split [{}]",
                        fmt::join(t.perm, ", "), fmt::join(t.split, ", "));
    return false;
  }
  std::vector<Axis> parts;
  if (!split_axis(axes_[*axis], t.split, parts)) {
    error = fmt::format("cannot split axis {} into [{}] after earlier rearrangements", *axis,
                        fmt::join(t.split, ", "));
    return false;
  }
  // Split, permute the sub-axes, merge: the merged axis walks the sub-axes in permuted order.
  Axis merged;
  for (int64_t p : t.perm)
    merged.insert(merged.end(), parts[to_size(p)].begin(), parts[to_size(p)].end());
  axes_[*axis] = std::move(merged);
  return true;
}

bool LayoutMap::reorder_blocks(std::span<const int64_t> order, std::string& error) {
  if (order.empty()) return true;
  const auto dims = shape();
  const int64_t blocks = static_cast<int64_t>(order.size());
  if (dims.empty() || dims[0] % blocks != 0 || !is_permutation_of(order, order.size())) {
    error =
        fmt::format("cannot reorder {} blocks of shape {}", blocks, pivot::shape_to_string(dims));
    return false;
  }
  std::vector<Axis> parts;
  const int64_t sizes[] = {blocks, dims[0] / blocks};
  if (!split_axis(axes_[0], sizes, parts) || parts[0].size() != 1 || !parts[0][0].order.empty()) {
    error = "cannot reorder the blocks of an axis after earlier rearrangements";
    return false;
  }
  if (blocks > 1) parts[0][0].order.assign(order.begin(), order.end());
  Axis merged = std::move(parts[0]);
  merged.insert(merged.end(), parts[1].begin(), parts[1].end());
  axes_[0] = std::move(merged);
  return true;
}

bool LayoutMap::reshape(std::span<const int64_t> target, std::string& error) {
  auto wanted = weights::element_count(target);
  if (!wanted || *wanted != element_count()) {
    error = "cannot reshape " + pivot::shape_to_string(shape()) + " to " +
            pivot::shape_to_string(std::vector<int64_t>(target.begin(), target.end()));
    return false;
  }
  Axis all;
  for (const auto& axis : axes_) all.insert(all.end(), axis.begin(), axis.end());
  std::vector<Axis> parts;
  if (!split_axis(all, target, parts)) {
    error = "cannot reshape " + pivot::shape_to_string(shape()) + " after earlier rearrangements";
    return false;
  }
  axes_ = std::move(parts);
  return true;
}

std::vector<LayoutMap::Segment> LayoutMap::flattened() const {
  std::vector<Segment> all;
  for (const auto& axis : axes_) all.insert(all.end(), axis.begin(), axis.end());
  return all;
}

std::span<const std::byte> LayoutMap::input_range(const std::vector<Segment>& segments,
                                                  int64_t base) const {
  int64_t low = base;
  int64_t high = base;
  for (const auto& s : segments) {
    if (s.size == 0) return {};
    if (s.order.empty()) {
      high += (s.size - 1) * s.stride;
    } else {
      auto [min, max] = std::minmax_element(s.order.begin(), s.order.end());
      low += *min * s.stride;
      high += *max * s.stride;
    }
  }
  const size_t begin = to_size(low) * element_size_;
  const size_t end = (to_size(high) + 1) * element_size_;
  return input_.subspan(begin, end - begin);
}

std::vector<LayoutMap::Piece> LayoutMap::pieces(uint64_t budget_bytes) const {
  const auto dims = shape();
  const uint64_t total = element_count() * element_size_;
  const auto segments = flattened();
  Piece whole{
      std::vector<int64_t>(dims.size(), 0), dims, input_range(segments, base_), total, -1, 0, 0};
  if (total <= budget_bytes || total == 0) return {whole};

  // Cut along the segment with the largest input stride: a range of it reads one contiguous
  // block of the input. It must be the first non-trivial segment of its output axis for the
  // range to be a box of the output.
  int64_t best = -1;
  size_t best_axis = 0;
  int64_t inner = 1;  // output elements of the axis per index of the segment
  int64_t flat = 0;
  for (size_t a = 0; a < axes_.size(); ++a) {
    bool first = true;
    for (size_t j = 0; j < axes_[a].size(); ++j, ++flat) {
      const Segment& s = axes_[a][j];
      if (s.size == 1) continue;
      if (first && s.order.empty() && (best < 0 || s.stride > segments[to_size(best)].stride)) {
        best = flat;
        best_axis = a;
        inner = 1;
        for (size_t k = j + 1; k < axes_[a].size(); ++k) inner *= axes_[a][k].size;
      }
      first = false;
    }
  }
  if (best < 0) return {whole};
  const Segment& cut = segments[to_size(best)];
  const uint64_t per_index = total / static_cast<uint64_t>(cut.size);
  const int64_t step = static_cast<int64_t>(std::max<uint64_t>(1, budget_bytes / per_index));
  std::vector<Piece> out;
  for (int64_t from = 0; from < cut.size; from += step) {
    const int64_t to = std::min(cut.size, from + step);
    Piece piece = whole;
    piece.start[best_axis] = from * inner;
    piece.count[best_axis] = (to - from) * inner;
    piece.bytes = per_index * static_cast<uint64_t>(to - from);
    piece.segment = best;
    piece.from = from;
    piece.to = to;
    auto narrowed = segments;
    narrowed[to_size(best)].size = to - from;
    piece.input = input_range(narrowed, base_ + from * cut.stride);
    out.push_back(std::move(piece));
  }
  return out;
}

void LayoutMap::gather(const Piece& piece, std::byte* out) const {
  auto segments = flattened();
  int64_t base = base_;
  if (piece.segment >= 0) {
    Segment& cut = segments[to_size(piece.segment)];
    base += piece.from * cut.stride;
    cut.size = piece.to - piece.from;
  }
  gather_box(std::move(segments), base, out);
}

Tensor LayoutMap::materialize() const {
  Tensor out;
  out.dtype = dtype_;
  out.shape = shape();
  out.bytes.resize(to_size(static_cast<int64_t>(element_count())) * element_size_);
  if (!out.bytes.empty()) gather_box(flattened(), base_, out.bytes.data());
  return out;
}

namespace {

struct Run {
  int64_t size;
  int64_t stride;
  const std::vector<int64_t>* order;  // null: index i at i * stride
  int64_t offset(int64_t i) const { return (order ? (*order)[to_size(i)] : i) * stride; }
};

// Calls fn(input offset) for every index of `outer` in row-major order.
template <typename Fn>
void for_each_offset(const std::vector<Run>& outer, int64_t base, Fn&& fn) {
  std::vector<int64_t> index(outer.size(), 0);
  int64_t offset = base;
  for (const auto& r : outer) offset += r.offset(0);
  for (;;) {
    fn(offset);
    size_t axis = outer.size();
    for (;;) {
      if (axis == 0) return;
      --axis;
      const Run& r = outer[axis];
      offset -= r.offset(index[axis]);
      if (++index[axis] < r.size) {
        offset += r.offset(index[axis]);
        break;
      }
      index[axis] = 0;
      offset += r.offset(0);
    }
  }
}

// The element copy loops, with the element size fixed at compile time so that each copy is a
// single load and store.
template <size_t N>
void gather_runs(const std::vector<Run>& runs, int64_t base, const std::byte* in, std::byte* out) {
  const Run inner = runs.back();
  std::vector<Run> outer(runs.begin(), runs.end() - 1);
  if (inner.order == nullptr && inner.stride == 1) {
    // Contiguous rows: one memcpy each.
    const size_t row = to_size(inner.size) * N;
    for_each_offset(outer, base, [&](int64_t offset) {
      std::memcpy(out, in + to_size(offset) * N, row);
      out += row;
    });
    return;
  }
  if (!outer.empty() && outer.back().stride == 1 && outer.back().order == nullptr &&
      inner.order == nullptr) {
    // A 2-D transpose in each plane: out[r][c] = in[r + c * stride], done in tiles so that
    // both the rows read and the columns written stay in cache.
    const Run rows = outer.back();
    outer.pop_back();
    const int64_t columns = inner.size;
    for_each_offset(outer, base, [&](int64_t offset) {
      for (int64_t r0 = 0; r0 < rows.size; r0 += kTile) {
        const int64_t r1 = std::min(rows.size, r0 + kTile);
        for (int64_t c0 = 0; c0 < columns; c0 += kTile) {
          const int64_t c1 = std::min(columns, c0 + kTile);
          for (int64_t c = c0; c < c1; ++c) {
            const std::byte* source = in + to_size(offset + c * inner.stride) * N;
            for (int64_t r = r0; r < r1; ++r)
              std::memcpy(out + to_size(r * columns + c) * N, source + to_size(r) * N, N);
          }
        }
      }
      out += to_size(rows.size * columns) * N;
    });
    return;
  }
  for_each_offset(outer, base, [&](int64_t offset) {
    for (int64_t i = 0; i < inner.size; ++i) {
      std::memcpy(out, in + to_size(offset + inner.offset(i)) * N, N);
      out += N;
    }
  });
}

}  // namespace

void LayoutMap::gather_box(std::vector<Segment> segments, int64_t base, std::byte* out) const {
  // Drop unit segments and merge neighbours that walk the input as one (outer stride = inner
  // extent), so that identity layouts copy whole rows.
  std::vector<Run> runs;
  for (const auto& s : segments) {
    if (s.size == 0) return;
    if (s.size == 1) {
      base += s.order.empty() ? 0 : s.order[0] * s.stride;
      continue;
    }
    if (!runs.empty() && s.order.empty() && runs.back().order == nullptr &&
        runs.back().stride == s.size * s.stride) {
      runs.back().size *= s.size;
      runs.back().stride = s.stride;
      continue;
    }
    runs.push_back(Run{s.size, s.stride, nullptr});
    if (!s.order.empty()) runs.back().order = &s.order;
  }
  if (runs.empty()) runs.push_back(Run{1, 1, nullptr});
  const std::byte* in = input_.data();
  switch (element_size_) {
    case 1: gather_runs<1>(runs, base, in, out); break;
    case 2: gather_runs<2>(runs, base, in, out); break;
    case 4: gather_runs<4>(runs, base, in, out); break;
    case 8: gather_runs<8>(runs, base, in, out); break;
    default: break;  // every pivot dtype has one of these sizes
  }
}

}  // namespace nnport::weights
