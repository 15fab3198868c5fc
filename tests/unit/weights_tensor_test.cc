// Tests of weight tensor layout operations: permutation, WeightTransform, float32 conversion.
#include <cmath>
#include <cstring>
#include <limits>

#include <gtest/gtest.h>

#include "weights/tensor.h"

namespace nnport::weights {
namespace {

using pivot::DType;

template <typename T>
Tensor make(DType dtype, std::vector<int64_t> shape, const std::vector<T>& values) {
  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

template <typename T>
std::vector<T> values_of(const Tensor& t) {
  std::vector<T> out(t.bytes.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), t.bytes.data(), t.bytes.size());
  return out;
}

TEST(WeightsTensor, TransposesAMatrix) {
  Tensor m = make<float>(DType::Float32, {2, 3}, {1, 2, 3, 4, 5, 6});
  std::string error;
  auto t = permute_axes(m.view(), std::vector<int64_t>{1, 0}, error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(values_of<float>(*t), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

// Reference: out[i0..i3] = in[j] with j[perm[k]] = i[k], for several element sizes.
template <typename T>
void check_rank4_permutation(DType dtype) {
  const std::vector<int64_t> shape{2, 3, 4, 5};
  const std::vector<int64_t> perm{2, 3, 1,
                                  0};  // PyTorch conv (O, I, kh, kw) -> Keras (kh, kw, I, O)
  std::vector<T> values(120);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>(i * 7 + 3);
  Tensor in = make<T>(dtype, shape, values);
  std::string error;
  auto out = permute_axes(in.view(), perm, error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(out->shape, (std::vector<int64_t>{4, 5, 3, 2}));
  auto got = values_of<T>(*out);
  size_t k = 0;
  for (int64_t a = 0; a < 4; ++a)
    for (int64_t b = 0; b < 5; ++b)
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t d = 0; d < 2; ++d) {
          // out index (a, b, c, d) = in index (d, c, a, b)
          size_t source = static_cast<size_t>(((d * 3 + c) * 4 + a) * 5 + b);
          EXPECT_EQ(got[k++], values[source]);
        }
}

TEST(WeightsTensor, PermutesAnyElementSize) {
  check_rank4_permutation<float>(DType::Float32);
  check_rank4_permutation<int64_t>(DType::Int64);
  check_rank4_permutation<uint16_t>(DType::Float16);
  check_rank4_permutation<uint8_t>(DType::UInt8);
  check_rank4_permutation<double>(DType::Float64);
}

TEST(WeightsTensor, KeepsBitPatternsExactly) {
  // NaN payloads and negative zero survive, because elements move as bytes.
  uint32_t nan_bits = 0x7fc12345u, neg_zero = 0x80000000u;
  Tensor in = make<uint32_t>(DType::Float32, {2, 1}, {nan_bits, neg_zero});
  std::string error;
  auto out = permute_axes(in.view(), std::vector<int64_t>{1, 0}, error);
  ASSERT_TRUE(out);
  EXPECT_EQ(values_of<uint32_t>(*out), (std::vector<uint32_t>{nan_bits, neg_zero}));
}

TEST(WeightsTensor, EmptyPermutationIsIdentityAndZeroSizedTensorsWork) {
  Tensor in = make<float>(DType::Float32, {0, 3}, std::vector<float>{});
  std::string error;
  auto same = permute_axes(in.view(), {}, error);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->shape, in.shape);
  auto swapped = permute_axes(in.view(), std::vector<int64_t>{1, 0}, error);
  ASSERT_TRUE(swapped);
  EXPECT_EQ(swapped->shape, (std::vector<int64_t>{3, 0}));
}

TEST(WeightsTensor, RefusesInvalidPermutations) {
  Tensor in = make<float>(DType::Float32, {2, 3}, {1, 2, 3, 4, 5, 6});
  std::string error;
  EXPECT_FALSE(permute_axes(in.view(), std::vector<int64_t>{0, 0}, error));
  EXPECT_FALSE(permute_axes(in.view(), std::vector<int64_t>{0, 2}, error));
  EXPECT_FALSE(permute_axes(in.view(), std::vector<int64_t>{0}, error));
  EXPECT_FALSE(permute_axes(in.view(), std::vector<int64_t>{-1, 0}, error));
  EXPECT_FALSE(error.empty());
}

TEST(WeightsTensor, AppliesFlattenOrderTransformToLinearInputAxis) {
  // Linear weight (out=2, in=C*H*W) with C=3, H=2, W=2, features reordered to (H, W, C).
  const int64_t O = 2, C = 3, H = 2, W = 2;
  std::vector<int32_t> values(static_cast<size_t>(O * C * H * W));
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int32_t>(i);
  Tensor in = make<int32_t>(DType::Int32, {O, C * H * W}, values);
  pivot::WeightTransform transform{1, {C, H, W}, {1, 2, 0}};
  std::string error;
  auto out = apply_transform(in.view(), transform, error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(out->shape, in.shape);
  auto got = values_of<int32_t>(*out);
  for (int64_t o = 0; o < O; ++o)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w)
        for (int64_t c = 0; c < C; ++c) {
          size_t target = static_cast<size_t>(o * (H * W * C) + (h * W + w) * C + c);
          size_t source = static_cast<size_t>(o * (C * H * W) + (c * H + h) * W + w);
          EXPECT_EQ(got[target], values[source]) << o << h << w << c;
        }
}

TEST(WeightsTensor, TransformAcceptsNegativeAxisAndRefusesBadSplits) {
  Tensor in = make<float>(DType::Float32, {2, 6}, std::vector<float>(12, 1.0f));
  std::string error;
  EXPECT_TRUE(apply_transform(in.view(), {-1, {2, 3}, {1, 0}}, error)) << error;
  EXPECT_FALSE(apply_transform(in.view(), {1, {4, 2}, {1, 0}}, error));    // 8 != 6
  EXPECT_FALSE(apply_transform(in.view(), {2, {2, 3}, {1, 0}}, error));    // axis out of range
  EXPECT_FALSE(apply_transform(in.view(), {1, {2, 3}, {1, 1}}, error));    // not a permutation
  EXPECT_FALSE(apply_transform(in.view(), {1, {2, 3}, {0}}, error));       // perm too short
  EXPECT_FALSE(apply_transform(in.view(), {1, {-2, -3}, {1, 0}}, error));  // negative sizes
}

TEST(WeightsTensor, ConvertsHalfAndBFloat16Exactly) {
  Tensor half =
      make<uint16_t>(DType::Float16, {6}, {0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x8000});
  uint64_t changed = 99;
  auto f = to_float32(half.view(), changed);
  ASSERT_TRUE(f);
  EXPECT_EQ(changed, 0u);
  auto v = values_of<float>(*f);
  EXPECT_EQ(v[0], 1.0f);
  EXPECT_EQ(v[1], -2.0f);
  EXPECT_EQ(v[2], std::ldexp(1.0f, -24));  // smallest subnormal half
  EXPECT_EQ(v[3], 65504.0f);
  EXPECT_TRUE(std::isinf(v[4]));
  EXPECT_TRUE(std::signbit(v[5]));

  // Every half value round-trips: check all finite ones against a direct formula.
  for (uint32_t h = 0; h < 0x7c00; ++h) {
    Tensor one = make<uint16_t>(DType::Float16, {1}, {static_cast<uint16_t>(h)});
    auto g = to_float32(one.view(), changed);
    uint32_t e = h >> 10, m = h & 0x3ff;
    float expected =
        e == 0 ? std::ldexp(static_cast<float>(m), -24)
               : std::ldexp(1.0f + static_cast<float>(m) / 1024.0f, static_cast<int>(e) - 15);
    ASSERT_EQ(values_of<float>(*g)[0], expected) << h;
  }

  Tensor bf = make<uint16_t>(DType::BFloat16, {2}, {0x3f80, 0xc0a0});
  auto b = to_float32(bf.view(), changed);
  ASSERT_TRUE(b);
  EXPECT_EQ(values_of<float>(*b), (std::vector<float>{1.0f, -5.0f}));
}

TEST(WeightsTensor, CountsFloat64ValuesThatRound) {
  Tensor d = make<double>(DType::Float64, {5},
                          {0.5, 0.1, 1e300, std::numeric_limits<double>::quiet_NaN(), -3.0});
  uint64_t changed = 0;
  auto f = to_float32(d.view(), changed);
  ASSERT_TRUE(f);
  EXPECT_EQ(changed, 2u);  // 0.1 rounds, 1e300 overflows
  auto v = values_of<float>(*f);
  EXPECT_EQ(v[0], 0.5f);
  EXPECT_EQ(v[1], 0.1f);
  EXPECT_TRUE(std::isinf(v[2]));
  EXPECT_TRUE(std::isnan(v[3]));
  EXPECT_EQ(v[4], -3.0f);
}

TEST(WeightsTensor, ElementCountDetectsOverflow) {
  EXPECT_EQ(element_count(std::vector<int64_t>{2, 3, 4}), 24u);
  EXPECT_EQ(element_count(std::vector<int64_t>{}), 1u);
  EXPECT_FALSE(element_count(std::vector<int64_t>{int64_t{1} << 62, int64_t{1} << 62}));
  EXPECT_FALSE(element_count(std::vector<int64_t>{int64_t{1} << 62}, 8));
  EXPECT_FALSE(element_count(std::vector<int64_t>{-1}));
}

}  // namespace
}  // namespace nnport::weights
