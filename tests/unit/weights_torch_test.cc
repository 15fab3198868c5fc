// Conversion of a real PyTorch state_dict (Debian's torch via /usr/bin/python3), compared with
// Keras layouts computed independently by numpy in weights_fixtures/torch_state_dict.py.
#include <hdf5.h>
#include <sys/wait.h>

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include "weights/convert.h"
#include "weights/safetensors_reader.h"
#include "weights_fixtures/test_files.h"

namespace nnport::weights {
namespace {

using testing::ScratchDir;

std::vector<std::byte> read_h5_float32(const std::string& file_path, const std::string& dataset,
                                       std::vector<int64_t>& shape) {
  std::vector<std::byte> bytes;
  hid_t file = H5Fopen(file_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return bytes;
  if (H5Lexists(file, dataset.c_str(), H5P_DEFAULT) > 0) {
    hid_t set = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
    hid_t space = H5Dget_space(set);
    std::vector<hsize_t> dims(static_cast<size_t>(H5Sget_simple_extent_ndims(space)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    size_t count = 1;
    for (hsize_t d : dims) {
      shape.push_back(static_cast<int64_t>(d));
      count *= static_cast<size_t>(d);
    }
    bytes.resize(count * sizeof(float));
    H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
    H5Sclose(space);
    H5Dclose(set);
  }
  H5Fclose(file);
  return bytes;
}

pivot::Param param(std::string name, std::vector<int64_t> shape) {
  pivot::Param p;
  p.name = std::move(name);
  p.shape = std::move(shape);
  return p;
}

TEST(WeightsTorch, ConvertsARealStateDictBitExactly) {
  if (!std::filesystem::exists("/usr/bin/python3"))
    GTEST_SKIP() << "/usr/bin/python3 not available";
  ScratchDir dir;
  std::string command = std::string("/usr/bin/python3 ") + NNPORT_SOURCE_DIR +
                        "/tests/unit/weights_fixtures/torch_state_dict.py " + dir.path().string();
  int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
    GTEST_SKIP() << "torch is not installed for /usr/bin/python3";
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;

  // nn.Sequential(Conv2d(3, 4, 3), BatchNorm2d(4), ReLU(), Flatten(), Linear(16, 5)) on 4x4
  // inputs, as the Keras writer would plan it.
  pivot::Graph graph;
  pivot::WeightPlan plan;
  auto add = [&](pivot::Param p, std::string target, std::vector<int64_t> perm) {
    plan.slots.push_back(
        {std::move(target), static_cast<pivot::ParamId>(graph.params.size()), std::move(perm)});
    graph.params.push_back(std::move(p));
  };
  add(param("0.weight", {4, 3, 3, 3}), "layers/conv2d/vars/0", {2, 3, 1, 0});
  add(param("0.bias", {4}), "layers/conv2d/vars/1", {});
  add(param("1.weight", {4}), "layers/batch_normalization/vars/0", {});
  add(param("1.bias", {4}), "layers/batch_normalization/vars/1", {});
  add(param("1.running_mean", {4}), "layers/batch_normalization/vars/2", {});
  add(param("1.running_var", {4}), "layers/batch_normalization/vars/3", {});
  auto dense = param("4.weight", {5, 16});
  dense.transforms.push_back({1, {4, 2, 2}, {1, 2, 0}});
  add(dense, "layers/dense/vars/0", {1, 0});
  add(param("4.bias", {5}), "layers/dense/vars/1", {});
  plan.empty_groups = {"layers/re_lu", "layers/flatten"};  // as the Keras writer plans them

  std::string output = dir.file("model.weights.h5");
  DiagnosticEngine diags;
  ASSERT_TRUE(convert_to_keras_h5(graph, plan, dir.file("model.safetensors"), output, diags));
  EXPECT_TRUE(diags.diagnostics().empty());  // float16 -> float32 is exact: no warning

  Checkpoint expected;
  ASSERT_EQ(read_safetensors(dir.file("expected.safetensors"), expected), "");
  ASSERT_EQ(expected.tensors.size(), 8u);
  for (const auto& [name, view] : expected.tensors) {
    std::vector<int64_t> shape;
    auto bytes = read_h5_float32(output, name, shape);
    EXPECT_EQ(shape, view.shape) << name;
    ASSERT_EQ(bytes.size(), view.bytes.size()) << name;
    EXPECT_EQ(std::memcmp(bytes.data(), view.bytes.data(), bytes.size()), 0) << name;
  }
}

}  // namespace
}  // namespace nnport::weights
