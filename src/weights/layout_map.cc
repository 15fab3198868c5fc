// Composition of layout steps into one gather, and the gather itself (see layout_map.h).
#include "weights/layout_map.h"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

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

std::vector<LayoutMap::Piece> LayoutMap::pieces(uint64_t budget_bytes) const {
  const auto dims = shape();
  const uint64_t total = element_count() * element_size_;
  Piece whole{std::vector<int64_t>(dims.size(), 0), dims, total, -1, {}, 0, 0};
  const auto segments = flattened();
  if (total <= budget_bytes || total == 0 || segments.empty()) return {whole};

  // The output is the row-major array of the flattened segments. Cutting at the outermost
  // segment one index of which fits the budget (every segment before it fixed to one index, a
  // range of it, every segment after it whole) gives pieces that are contiguous ranges of the
  // output and boxes of it, in output order.
  const size_t m = segments.size();
  std::vector<uint64_t> index_bytes(m);  // output bytes per index of segment j
  uint64_t inner = element_size_;
  for (size_t j = m; j-- > 0;) {
    index_bytes[j] = inner;
    inner *= static_cast<uint64_t>(segments[j].size);
  }
  size_t cut = 0;
  while (cut + 1 < m && index_bytes[cut] > budget_bytes) ++cut;

  // Which output axis each segment belongs to, and how many indices of that axis one index of
  // the segment spans.
  std::vector<size_t> axis_of;
  std::vector<int64_t> axis_span;
  for (size_t a = 0; a < axes_.size(); ++a) {
    int64_t span = 1;
    std::vector<int64_t> spans;
    for (size_t k = axes_[a].size(); k-- > 0;) {
      spans.push_back(span);
      span *= axes_[a][k].size;
    }
    for (size_t k = 0; k < axes_[a].size(); ++k) {
      axis_of.push_back(a);
      axis_span.push_back(spans[spans.size() - 1 - k]);
    }
  }

  // Ranges as even as possible without exceeding the budget.
  const uint64_t size = static_cast<uint64_t>(segments[cut].size);
  const uint64_t max_step = std::max<uint64_t>(1, budget_bytes / index_bytes[cut]);
  const uint64_t chunks = (size + max_step - 1) / max_step;
  const auto step = static_cast<int64_t>((size + chunks - 1) / chunks);
  std::vector<int64_t> fixed(cut, 0);
  std::vector<Piece> out;
  for (;;) {
    for (int64_t from = 0; from < segments[cut].size; from += step) {
      const int64_t to = std::min(segments[cut].size, from + step);
      Piece piece{std::vector<int64_t>(dims.size(), 0),
                  dims,
                  index_bytes[cut] * static_cast<uint64_t>(to - from),
                  static_cast<int64_t>(cut),
                  fixed,
                  from,
                  to};
      for (size_t j = 0; j < cut; ++j) piece.start[axis_of[j]] += fixed[j] * axis_span[j];
      for (size_t a = 0; a < axis_of[cut]; ++a) piece.count[a] = 1;
      piece.start[axis_of[cut]] += from * axis_span[cut];
      piece.count[axis_of[cut]] = (to - from) * axis_span[cut];
      out.push_back(std::move(piece));
    }
    // Next index of the fixed segments, row-major.
    size_t k = cut;
    while (k > 0 && ++fixed[k - 1] == segments[k - 1].size) fixed[--k] = 0;
    if (k == 0) return out;
  }
}

void LayoutMap::gather(const Piece& piece, std::byte* out, const ReleaseInput& release,
                       uint64_t band_bytes) const {
  auto segments = flattened();
  int64_t base = base_;
  if (piece.segment >= 0) {
    const size_t cut = to_size(piece.segment);
    for (size_t j = 0; j < cut; ++j) {
      Segment& s = segments[j];
      const int64_t i = piece.fixed[j];
      base += (s.order.empty() ? i : s.order[to_size(i)]) * s.stride;
      s.size = 1;
      s.order.clear();
    }
    Segment& s = segments[cut];
    if (s.order.empty())
      base += piece.from * s.stride;
    else
      s.order = std::vector<int64_t>(s.order.begin() + piece.from, s.order.begin() + piece.to);
    s.size = piece.to - piece.from;
  }
  gather_box(std::move(segments), base, out, release, band_bytes);
}

Tensor LayoutMap::materialize() const {
  Tensor out;
  out.dtype = dtype_;
  out.shape = shape();
  out.bytes.resize(to_size(static_cast<int64_t>(element_count())) * element_size_);
  if (!out.bytes.empty()) gather_box(flattened(), base_, out.bytes.data(), {}, 0);
  return out;
}

namespace {

// A segment as the copy loops see it: `size` indices, `stride` input elements apart (or index i
// at order[i] * stride) and `out_stride` output elements apart.
struct Run {
  int64_t size;
  int64_t stride;
  int64_t out_stride;
  const std::vector<int64_t>* order;  // null: index i at i * stride
  int64_t offset(int64_t i) const { return (order ? (*order)[to_size(i)] : i) * stride; }
};

// The input bytes that `runs` from `base` read: [lowest, highest] element.
std::span<const std::byte> input_range(std::span<const std::byte> input, size_t element_size,
                                       const std::vector<Run>& runs, int64_t base) {
  int64_t low = base;
  int64_t high = base;
  for (const auto& r : runs) {
    if (r.size == 0) return {};
    if (r.order == nullptr) {
      high += (r.size - 1) * r.stride;
    } else {
      auto [min, max] = std::minmax_element(r.order->begin(), r.order->end());
      low += *min * r.stride;
      high += *max * r.stride;
    }
  }
  const size_t begin = to_size(low) * element_size;
  const size_t end = (to_size(high) + 1) * element_size;
  return input.subspan(begin, end - begin);
}

// Calls fn(input offset, output offset) for every index of `outer` in row-major order.
template <typename Fn>
void for_each_offset(const std::vector<Run>& outer, int64_t base, Fn&& fn) {
  std::vector<int64_t> index(outer.size(), 0);
  int64_t offset = base;
  int64_t out_offset = 0;
  for (const auto& r : outer) offset += r.offset(0);
  for (;;) {
    fn(offset, out_offset);
    size_t axis = outer.size();
    for (;;) {
      if (axis == 0) return;
      --axis;
      const Run& r = outer[axis];
      offset -= r.offset(index[axis]);
      out_offset -= index[axis] * r.out_stride;
      if (++index[axis] < r.size) {
        offset += r.offset(index[axis]);
        out_offset += index[axis] * r.out_stride;
        break;
      }
      index[axis] = 0;
      offset += r.offset(0);
    }
  }
}

// A tile of a 2-D transpose of 4-byte elements, out[r * out_stride + c] = in[r + c * in_stride]
// for r in [r0, r1), c in [c0, c1): whole 4x4 blocks go through SSE registers (4 loads, a
// shuffle network, 4 stores for 16 elements, about three times faster than element copies on
// the large Linear kernels); the ragged edges are copied element by element. Loads, shuffles and
// stores move bits unchanged, NaN payloads included, and need no alignment.
void transpose_tile_4(const std::byte* in, int64_t in_stride, std::byte* out, int64_t out_stride,
                      int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  auto copy = [&](int64_t r, int64_t c) {
    std::memcpy(out + to_size(r * out_stride + c) * 4, in + to_size(r + c * in_stride) * 4, 4);
  };
  int64_t c = c0;
#if defined(__SSE2__)
  for (; c + 4 <= c1; c += 4) {
    int64_t r = r0;
    for (; r + 4 <= r1; r += 4) {
      const auto* source = reinterpret_cast<const float*>(in + to_size(r + c * in_stride) * 4);
      __m128 a = _mm_loadu_ps(source);
      __m128 b = _mm_loadu_ps(source + in_stride);
      __m128 d = _mm_loadu_ps(source + 2 * in_stride);
      __m128 e = _mm_loadu_ps(source + 3 * in_stride);
      _MM_TRANSPOSE4_PS(a, b, d, e);
      auto* target = reinterpret_cast<float*>(out + to_size(r * out_stride + c) * 4);
      _mm_storeu_ps(target, a);
      _mm_storeu_ps(target + out_stride, b);
      _mm_storeu_ps(target + 2 * out_stride, d);
      _mm_storeu_ps(target + 3 * out_stride, e);
    }
    for (; r < r1; ++r)
      for (int64_t k = c; k < c + 4; ++k) copy(r, k);
  }
#endif
  for (; c < c1; ++c)
    for (int64_t r = r0; r < r1; ++r) copy(r, c);
}

// The element copy loops, with the element size fixed at compile time so that each copy is a
// single load and store.
template <size_t N>
void gather_runs(const std::vector<Run>& runs, int64_t base, const std::byte* in, std::byte* out) {
  const Run inner = runs.back();
  std::vector<Run> outer(runs.begin(), runs.end() - 1);
  if (inner.order == nullptr && inner.stride == 1 && inner.out_stride == 1) {
    // Contiguous rows: one memcpy each.
    const size_t row = to_size(inner.size) * N;
    for_each_offset(outer, base, [&](int64_t offset, int64_t out_offset) {
      std::memcpy(out + to_size(out_offset) * N, in + to_size(offset) * N, row);
    });
    return;
  }
  if (!outer.empty() && outer.back().order == nullptr && inner.order == nullptr) {
    // A 2-D transpose in each plane: out[r][c] = in[r * rows.stride + c * inner.stride], done
    // in tiles so that both the rows read and the columns written stay in cache.
    const Run rows = outer.back();
    outer.pop_back();
    if constexpr (N == 4) {
      if (rows.stride == 1 && inner.out_stride == 1) {
        for_each_offset(outer, base, [&](int64_t offset, int64_t out_offset) {
          for (int64_t r0 = 0; r0 < rows.size; r0 += kTile)
            for (int64_t c0 = 0; c0 < inner.size; c0 += kTile)
              transpose_tile_4(in + to_size(offset) * N, inner.stride,
                               out + to_size(out_offset) * N, rows.out_stride, r0,
                               std::min(rows.size, r0 + kTile), c0,
                               std::min(inner.size, c0 + kTile));
        });
        return;
      }
    }
    for_each_offset(outer, base, [&](int64_t offset, int64_t out_offset) {
      for (int64_t r0 = 0; r0 < rows.size; r0 += kTile) {
        const int64_t r1 = std::min(rows.size, r0 + kTile);
        for (int64_t c0 = 0; c0 < inner.size; c0 += kTile) {
          const int64_t c1 = std::min(inner.size, c0 + kTile);
          for (int64_t c = c0; c < c1; ++c) {
            const std::byte* source = in + to_size(offset + c * inner.stride) * N;
            std::byte* target = out + to_size(out_offset + c * inner.out_stride) * N;
            for (int64_t r = r0; r < r1; ++r)
              std::memcpy(target + to_size(r * rows.out_stride) * N,
                          source + to_size(r * rows.stride) * N, N);
          }
        }
      }
    });
    return;
  }
  for_each_offset(outer, base, [&](int64_t offset, int64_t out_offset) {
    for (int64_t i = 0; i < inner.size; ++i)
      std::memcpy(out + to_size(out_offset + i * inner.out_stride) * N,
                  in + to_size(offset + inner.offset(i)) * N, N);
  });
}

void gather_runs(size_t element_size, const std::vector<Run>& runs, int64_t base,
                 const std::byte* in, std::byte* out) {
  switch (element_size) {
    case 1: gather_runs<1>(runs, base, in, out); break;
    case 2: gather_runs<2>(runs, base, in, out); break;
    case 4: gather_runs<4>(runs, base, in, out); break;
    case 8: gather_runs<8>(runs, base, in, out); break;
    default: break;  // every pivot dtype has one of these sizes
  }
}

}  // namespace

void LayoutMap::gather_box(std::vector<Segment> segments, int64_t base, std::byte* out,
                           const ReleaseInput& release, uint64_t band_bytes) const {
  // Output strides: the box is written row-major over its segments.
  std::vector<int64_t> out_strides(segments.size());
  int64_t out_stride = 1;
  for (size_t j = segments.size(); j-- > 0;) {
    out_strides[j] = out_stride;
    out_stride *= segments[j].size;
  }
  // Drop unit segments and merge neighbours that walk input and output as one (outer stride =
  // inner extent on both sides), so that identity layouts copy whole rows.
  std::vector<Run> runs;
  for (size_t j = 0; j < segments.size(); ++j) {
    const Segment& s = segments[j];
    if (s.size == 0) return;
    if (s.size == 1) {
      base += s.order.empty() ? 0 : s.order[0] * s.stride;
      continue;
    }
    if (!runs.empty() && s.order.empty() && runs.back().order == nullptr &&
        runs.back().stride == s.size * s.stride &&
        runs.back().out_stride == s.size * out_strides[j]) {
      runs.back().size *= s.size;
      runs.back().stride = s.stride;
      runs.back().out_stride = out_strides[j];
      continue;
    }
    runs.push_back(Run{s.size, s.stride, out_strides[j], s.order.empty() ? nullptr : &s.order});
  }
  if (runs.empty()) runs.push_back(Run{1, 1, 1, nullptr});
  const std::byte* in = input_.data();
  const auto range = input_range(input_, element_size_, runs, base);
  if (!release || range.size() <= band_bytes) {
    gather_runs(element_size_, runs, base, in, out);
    if (release) release(range);
    return;
  }
  // Bands along the run with the largest input stride: each reads a compact block of input,
  // released before the next band is read.
  size_t outermost = runs.size();
  for (size_t j = 0; j < runs.size(); ++j)
    if (runs[j].order == nullptr &&
        (outermost == runs.size() || runs[j].stride > runs[outermost].stride))
      outermost = j;
  if (outermost == runs.size()) {
    gather_runs(element_size_, runs, base, in, out);
    release(range);
    return;
  }
  const Run cut = runs[outermost];
  const uint64_t index_bytes = to_size(cut.stride) * element_size_;
  const int64_t step = static_cast<int64_t>(std::max<uint64_t>(1, band_bytes / index_bytes));
  auto band = runs;
  for (int64_t from = 0; from < cut.size; from += step) {
    band[outermost].size = std::min(step, cut.size - from);
    const int64_t band_base = base + from * cut.stride;
    gather_runs(element_size_, band, band_base, in,
                out + to_size(from * cut.out_stride) * element_size_);
    release(input_range(input_, element_size_, band, band_base));
  }
}

}  // namespace nnport::weights
