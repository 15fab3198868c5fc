// End-to-end tests of convert_to_keras_h5: safetensors in, Keras 3 .weights.h5 out, read back
// with the HDF5 C API and checked against layouts computed index by index.
#include <hdf5.h>

#include <cstring>

#include <gtest/gtest.h>

#include "weights/checkpoint_reader.h"
#include "weights/convert.h"
#include "weights_fixtures/test_files.h"

namespace nnport::weights {
namespace {

using testing::SafetensorsBuilder;
using testing::ScratchDir;

// Reads a float32 dataset back; fails the test if the path is missing or not float32 LE.
struct H5Read {
  bool found = false;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

H5Read read_dataset(const std::string& file_path, const std::string& dataset_path) {
  H5Read out;
  hid_t file = H5Fopen(file_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return out;
  if (H5Lexists(file, dataset_path.c_str(), H5P_DEFAULT) > 0) {
    hid_t set = H5Dopen2(file, dataset_path.c_str(), H5P_DEFAULT);
    hid_t type = H5Dget_type(set);
    hid_t space = H5Dget_space(set);
    int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    size_t count = 1;
    for (hsize_t d : dims) {
      out.shape.push_back(static_cast<int64_t>(d));
      count *= static_cast<size_t>(d);
    }
    out.found = H5Tequal(type, H5T_IEEE_F32LE) > 0;
    out.values.resize(count);
    if (count > 0) H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data());
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(set);
  }
  H5Fclose(file);
  return out;
}

// Number of links in a group, or -1 when the group does not exist.
int64_t group_size(const std::string& file_path, const std::string& group_path) {
  hid_t file = H5Fopen(file_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  int64_t result = -1;
  if (H5Lexists(file, group_path.c_str(), H5P_DEFAULT) > 0) {
    hid_t group = H5Gopen2(file, group_path.c_str(), H5P_DEFAULT);
    if (group >= 0) {
      H5G_info_t info{};
      if (H5Gget_info(group, &info) >= 0) result = static_cast<int64_t>(info.nlinks);
      H5Gclose(group);
    }
  }
  H5Fclose(file);
  return result;
}

std::vector<float> ramp(size_t n, float scale = 1.0f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i) * scale + 0.25f;
  return v;
}

pivot::Param param(std::string name, std::vector<int64_t> shape) {
  pivot::Param p;
  p.name = std::move(name);
  p.shape = std::move(shape);
  return p;
}

// A small model: Conv2d(3->2, k=2), Linear(12->4) after a (C=3, H=2, W=2) flatten, an
// Embedding stored transposed in the source, and BatchNorm statistics in other dtypes.
struct Fixture {
  pivot::Graph graph;
  pivot::WeightPlan plan;
  std::vector<float> conv_w = ramp(2 * 3 * 2 * 2);
  std::vector<float> conv_b = {-1.5f, 2.5f};
  std::vector<float> fc_w = ramp(4 * 12, 0.5f);
  std::vector<float> emb_source = ramp(3 * 5, -1.0f);         // stored (3, 5), canonical (5, 3)
  std::vector<uint16_t> mean_f16 = {0x3c00, 0xc000, 0x3800};  // 1, -2, 0.5
  std::vector<double> var_f64 = {1.0, 0.1, 4.0};

  Fixture() {
    graph.params.push_back(param("conv.weight", {2, 3, 2, 2}));
    graph.params.push_back(param("conv.bias", {2}));
    auto fc = param("fc.weight", {4, 12});
    fc.transforms.push_back({1, {3, 2, 2}, {1, 2, 0}});
    graph.params.push_back(fc);
    auto emb = param("emb.weight", {5, 3});
    emb.source_perm = {1, 0};
    graph.params.push_back(emb);
    graph.params.push_back(param("bn.running_mean", {3}));
    graph.params.push_back(param("bn.running_var", {3}));
    plan.slots = {
        {"layers/conv2d/vars/0", 0, {2, 3, 1, 0}},    {"layers/conv2d/vars/1", 1, {}},
        {"layers/dense/vars/0", 2, {1, 0}},           {"layers/embedding/vars/0", 3, {}},
        {"layers/batch_normalization/vars/2", 4, {}}, {"layers/batch_normalization/vars/3", 5, {}}};
    plan.empty_groups = {"layers/flatten/vars", "layers/re_lu"};  // both spellings
  }

  SafetensorsBuilder checkpoint(const std::string& prefix) const {
    SafetensorsBuilder b;
    b.add(prefix + "conv.weight", "F32", {2, 3, 2, 2}, conv_w)
        .add(prefix + "conv.bias", "F32", {2}, conv_b)
        .add(prefix + "fc.weight", "F32", {4, 12}, fc_w)
        .add(prefix + "emb.weight", "F32", {3, 5}, emb_source)
        .add(prefix + "bn.running_mean", "F16", {3}, mean_f16)
        .add(prefix + "bn.running_var", "F64", {3}, var_f64)
        .add<int64_t>(prefix + "bn.num_batches_tracked", "I64", {}, {7});
    return b;
  }
};

TEST(WeightsConvert, WritesKerasLayoutsAndValues) {
  ScratchDir dir;
  Fixture fx;
  std::string input = dir.file("model.safetensors");
  std::string output = dir.file("model.weights.h5");
  fx.checkpoint("module.").write(input);  // as saved from a DataParallel model

  DiagnosticEngine diags;
  ASSERT_TRUE(convert_to_keras_h5(fx.graph, fx.plan, input, output, diags));
  EXPECT_EQ(diags.error_count(), 0u);
  // float64 -> float32 changes 0.1 only; float16 is exact and not mentioned.
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].severity, Severity::Warning);
  EXPECT_EQ(diags.diagnostics()[0].code, Code::WeightsPrecision);
  EXPECT_NE(diags.diagnostics()[0].message.find("bn.running_var"), std::string::npos);
  EXPECT_NE(diags.diagnostics()[0].message.find("changes 1 of its 3"), std::string::npos);

  // Keras structure: an empty root "vars" group for the model's own variables, weightless
  // layers as empty groups, variables as numbered datasets.
  EXPECT_EQ(group_size(output, "vars"), 0);
  EXPECT_EQ(group_size(output, "layers/flatten/vars"), 0);
  EXPECT_EQ(group_size(output, "layers/re_lu/vars"), 0);
  EXPECT_EQ(group_size(output, "layers"), 6);
  EXPECT_EQ(group_size(output, "layers/conv2d/vars"), 2);

  // Conv2D kernel (kh, kw, in, out) from PyTorch (out, in, kh, kw).
  auto kernel = read_dataset(output, "layers/conv2d/vars/0");
  ASSERT_TRUE(kernel.found);
  EXPECT_EQ(kernel.shape, (std::vector<int64_t>{2, 2, 3, 2}));
  for (size_t kh = 0; kh < 2; ++kh)
    for (size_t kw = 0; kw < 2; ++kw)
      for (size_t i = 0; i < 3; ++i)
        for (size_t o = 0; o < 2; ++o)
          EXPECT_EQ(kernel.values[((kh * 2 + kw) * 3 + i) * 2 + o],
                    fx.conv_w[((o * 3 + i) * 2 + kh) * 2 + kw]);
  auto bias = read_dataset(output, "layers/conv2d/vars/1");
  EXPECT_EQ(bias.values, fx.conv_b);

  // Dense kernel (in, out) with input features reordered from (C, H, W) to (H, W, C).
  auto dense = read_dataset(output, "layers/dense/vars/0");
  ASSERT_TRUE(dense.found);
  EXPECT_EQ(dense.shape, (std::vector<int64_t>{12, 4}));
  for (size_t o = 0; o < 4; ++o)
    for (size_t h = 0; h < 2; ++h)
      for (size_t w = 0; w < 2; ++w)
        for (size_t c = 0; c < 3; ++c) {
          size_t keras_in = (h * 2 + w) * 3 + c;
          size_t torch_in = (c * 2 + h) * 2 + w;
          EXPECT_EQ(dense.values[keras_in * 4 + o], fx.fc_w[o * 12 + torch_in]);
        }

  // Source stored (3, 5); canonical and target (5, 3).
  auto emb = read_dataset(output, "layers/embedding/vars/0");
  EXPECT_EQ(emb.shape, (std::vector<int64_t>{5, 3}));
  for (size_t r = 0; r < 5; ++r)
    for (size_t c = 0; c < 3; ++c) EXPECT_EQ(emb.values[r * 3 + c], fx.emb_source[c * 5 + r]);

  EXPECT_EQ(read_dataset(output, "layers/batch_normalization/vars/2").values,
            (std::vector<float>{1.0f, -2.0f, 0.5f}));
  EXPECT_EQ(read_dataset(output, "layers/batch_normalization/vars/3").values,
            (std::vector<float>{1.0f, 0.1f, 4.0f}));
  EXPECT_EQ(dir.entry_count(), 2u);  // input and output; the temporary was renamed away
}

TEST(WeightsConvert, AcceptsKeysWithoutPrefix) {
  ScratchDir dir;
  Fixture fx;
  fx.checkpoint("").write(dir.file("m.safetensors"));
  DiagnosticEngine diags;
  EXPECT_TRUE(convert_to_keras_h5(fx.graph, fx.plan, dir.file("m.safetensors"),
                                  dir.file("m.weights.h5"), diags));
  EXPECT_EQ(diags.error_count(), 0u);
}

TEST(WeightsConvert, ReportsMissingMisshapenAndExtraTensors) {
  ScratchDir dir;
  Fixture fx;
  std::string input = dir.file("m.safetensors");
  std::string output = dir.file("m.weights.h5");
  SafetensorsBuilder()
      .add("conv.weight", "F32", {2, 3, 3, 3}, ramp(54))  // wrong kernel size
      .add("fc.weight", "F32", {4, 12}, fx.fc_w)
      .add("emb.weight", "F32", {5, 3}, fx.emb_source)  // canonical instead of source shape
      .add("bn.running_mean", "F32", {3}, ramp(3))
      .add("bn.running_var", "I64", {3}, std::vector<int64_t>{1, 2, 3})  // integer for a float
      .add("head.weight", "F32", {2}, ramp(2))                           // no parameter uses it
      .add<int64_t>("bn.num_batches_tracked", "I64", {}, {1})            // ignored silently
      .write(input);                                                     // conv.bias missing

  DiagnosticEngine diags;
  EXPECT_FALSE(convert_to_keras_h5(fx.graph, fx.plan, input, output, diags));
  std::vector<std::string> messages;
  for (const auto& d : diags.diagnostics()) {
    EXPECT_EQ(d.code, Code::WeightsMismatch);
    EXPECT_EQ(d.severity, Severity::Error);
    EXPECT_EQ(d.location, (SourceLocation{input, 0, 0}));
    messages.push_back(d.message);
  }
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_NE(messages[0].find("'conv.weight' has shape (2, 3, 3, 3)"), std::string::npos)
      << messages[0];
  EXPECT_NE(messages[1].find("'conv.bias' of shape (2,) is missing"), std::string::npos)
      << messages[1];
  EXPECT_NE(messages[2].find("'emb.weight' has shape (5, 3)"), std::string::npos) << messages[2];
  EXPECT_NE(messages[3].find("'bn.running_var' is int64"), std::string::npos) << messages[3];
  EXPECT_NE(messages[4].find("'head.weight'"), std::string::npos) << messages[4];
  EXPECT_NE(messages[4].find("not used"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(output));
  EXPECT_EQ(dir.entry_count(), 1u);
}

TEST(WeightsConvert, ReportsUnwritableOutputAndLeavesNothing) {
  ScratchDir dir;
  Fixture fx;
  fx.checkpoint("").write(dir.file("m.safetensors"));
  std::string output = dir.file("missing-dir/m.weights.h5");
  DiagnosticEngine diags;
  EXPECT_FALSE(convert_to_keras_h5(fx.graph, fx.plan, dir.file("m.safetensors"), output, diags));
  ASSERT_EQ(diags.diagnostics().size(), 2u);  // the float64 warning, then the error
  EXPECT_EQ(diags.diagnostics()[1].code, Code::OutputNotWritable);
  EXPECT_EQ(diags.diagnostics()[1].location.file, output);
  EXPECT_EQ(dir.entry_count(), 1u);
}

TEST(WeightsConvert, ReportsMissingInputFile) {
  ScratchDir dir;
  DiagnosticEngine diags;
  EXPECT_FALSE(
      convert_to_keras_h5({}, {}, dir.file("nope.safetensors"), dir.file("o.weights.h5"), diags));
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].code, Code::FileNotFound);
}

TEST(WeightsConvert, RefusesPlanPathThatCollidesWithADataset) {
  ScratchDir dir;
  Fixture fx;
  fx.checkpoint("").write(dir.file("m.safetensors"));
  fx.plan.empty_groups.push_back("layers/conv2d/vars/0");  // a dataset, cannot be a group
  DiagnosticEngine diags;
  EXPECT_FALSE(convert_to_keras_h5(fx.graph, fx.plan, dir.file("m.safetensors"),
                                   dir.file("o.weights.h5"), diags));
  EXPECT_TRUE(diags.has_errors());
  EXPECT_EQ(dir.entry_count(), 1u);
}

// A Linear kernel transposed to (in, out) and a flatten-reordered one, each much larger than
// one piece: every piece is a range of output rows that reads a strided column block of the
// input. Arbitrary bit patterns (NaN payloads, negative zero, denormals) must arrive unchanged
// in both target formats.
TEST(WeightsConvert, TransposedKernelLargerThanOnePieceIsBitExact) {
  ScratchDir dir;
  const int64_t out_features = 37, in_features = 53;  // not multiples of any tile or piece
  const size_t n = static_cast<size_t>(out_features * in_features);
  std::vector<uint32_t> bits(n);
  uint32_t state = 12345;
  for (auto& b : bits) b = state = state * 1664525u + 1013904223u;  // every exponent, NaNs too
  bits[0] = 0x7fc00123u;                                            // quiet NaN with a payload
  bits[1] = 0x80000000u;                                            // -0.0
  bits[2] = 0x00000001u;                                            // smallest denormal
  Fixture fx;
  pivot::Graph graph;
  graph.params.push_back(param("big.weight", {out_features, in_features}));
  graph.params.push_back(fx.graph.params[2]);  // fc.weight: flatten reorder, then transposed
  pivot::WeightPlan plan;
  plan.slots = {{"layers/big/vars/0", 0, {1, 0}}, {"layers/dense/vars/0", 1, {1, 0}}};
  SafetensorsBuilder()
      .add("big.weight", "F32", {out_features, in_features}, bits)
      .add("fc.weight", "F32", {4, 12}, fx.fc_w)
      .write(dir.file("m.safetensors"));

  ConvertOptions small;
  small.piece_bytes = 3 * in_features * sizeof(float) + 8;  // about 3 output rows, unaligned
  ASSERT_LT(small.piece_bytes * 10, n * sizeof(float));     // really many pieces

  // Index by index: Keras kernel[i][o] = PyTorch weight[o][i].
  std::vector<uint32_t> expected(n);
  for (size_t o = 0; o < static_cast<size_t>(out_features); ++o)
    for (size_t i = 0; i < static_cast<size_t>(in_features); ++i)
      expected[i * static_cast<size_t>(out_features) + o] =
          bits[o * static_cast<size_t>(in_features) + i];

  DiagnosticEngine diags;
  const std::string pieced = dir.file("pieced.weights.h5");
  ASSERT_TRUE(convert_to_keras_h5(graph, plan, dir.file("m.safetensors"), pieced, diags, small));
  auto kernel = read_dataset(pieced, "layers/big/vars/0");
  ASSERT_TRUE(kernel.found);
  EXPECT_EQ(kernel.shape, (std::vector<int64_t>{in_features, out_features}));
  ASSERT_EQ(kernel.values.size(), n);
  EXPECT_EQ(std::memcmp(kernel.values.data(), expected.data(), n * sizeof(float)), 0);
  // The small tensor in pieces equals it in one piece.
  const std::string whole = dir.file("whole.weights.h5");
  ASSERT_TRUE(convert_to_keras_h5(graph, plan, dir.file("m.safetensors"), whole, diags));
  EXPECT_EQ(read_dataset(pieced, "layers/dense/vars/0").values,
            read_dataset(whole, "layers/dense/vars/0").values);
  EXPECT_EQ(read_dataset(whole, "layers/big/vars/0").values.size(), n);

  // The .pt sink appends the pieces to one zip entry; the reader checks its CRC-32.
  const std::string pt = dir.file("pieced.pt");
  ASSERT_TRUE(convert_to_torch_pt(graph, plan, dir.file("m.safetensors"), pt, diags, small));
  EXPECT_EQ(diags.error_count(), 0u);
  Checkpoint back;
  ASSERT_EQ(read_checkpoint(pt, back), "");
  const TensorView& stored = back.tensors.at("layers/big/vars/0");
  EXPECT_EQ(stored.shape, (std::vector<int64_t>{in_features, out_features}));
  ASSERT_EQ(stored.bytes.size(), n * sizeof(float));
  EXPECT_EQ(std::memcmp(stored.bytes.data(), expected.data(), n * sizeof(float)), 0);
  const TensorView& dense = back.tensors.at("layers/dense/vars/0");
  std::vector<float> dense_values(dense.bytes.size() / sizeof(float));
  std::memcpy(dense_values.data(), dense.bytes.data(), dense.bytes.size());
  EXPECT_EQ(dense_values, read_dataset(whole, "layers/dense/vars/0").values);
}

}  // namespace
}  // namespace nnport::weights
