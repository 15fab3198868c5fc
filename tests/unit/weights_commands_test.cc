// The weight conversion engine (layout maps, streaming sinks, mismatch reports, aliases) and
// the convert-weights / inspect-weights commands end to end on the real binary.
#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <numeric>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pivot/serialize.h"
#include "run_nnport.h"
#include "weights/checkpoint_reader.h"
#include "weights/combine.h"
#include "weights/convert.h"
#include "weights/layout_map.h"
#include "weights/weight_sink.h"
#include "weights_fixtures/test_files.h"

namespace nnport::weights {
namespace {

using testing::SafetensorsBuilder;
using testing::ScratchDir;

std::vector<float> ramp(size_t n) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), 0.5f);
  return v;
}

Tensor tensor_of(std::vector<int64_t> shape, const std::vector<float>& values) {
  Tensor t;
  t.shape = std::move(shape);
  t.bytes.resize(values.size() * sizeof(float));
  std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

std::vector<float> floats_of(const std::vector<std::byte>& bytes) {
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), bytes.size());
  return v;
}

// Assembles a tensor box by box from the pieces, as a streaming writer places them.
std::vector<float> assemble(const LayoutMap& map, uint64_t budget, size_t* piece_count) {
  const auto shape = map.shape();
  std::vector<float> out(map.element_count(), -1.0f);
  std::vector<size_t> strides(shape.size(), 1);
  for (size_t a = shape.size(); a-- > 1;)
    strides[a - 1] = strides[a] * static_cast<size_t>(shape[a]);
  const auto pieces = map.pieces(budget);
  *piece_count = pieces.size();
  for (const auto& piece : pieces) {
    std::vector<float> buffer(piece.bytes / sizeof(float));
    map.gather(piece, reinterpret_cast<std::byte*>(buffer.data()));
    std::vector<int64_t> index(shape.size(), 0);
    for (float value : buffer) {
      size_t flat = 0;
      for (size_t a = 0; a < shape.size(); ++a)
        flat += static_cast<size_t>(piece.start[a] + index[a]) * strides[a];
      out[flat] = value;
      for (size_t a = shape.size(); a-- > 0;) {
        if (++index[a] < piece.count[a]) break;
        index[a] = 0;
      }
    }
  }
  return out;
}

TEST(LayoutMap, TiledTransposeMatchesIndexFormulaInEveryPiece) {
  const int64_t rows = 97, cols = 131;  // not multiples of the tile size
  Tensor in = tensor_of({rows, cols}, ramp(static_cast<size_t>(rows * cols)));
  std::string error;
  LayoutMap map(in.view(), error);
  ASSERT_TRUE(error.empty());
  ASSERT_TRUE(map.permute(std::vector<int64_t>{1, 0}, error)) << error;
  EXPECT_EQ(map.shape(), (std::vector<int64_t>{cols, rows}));
  size_t pieces = 0;
  auto out = assemble(map, 4096, &pieces);
  EXPECT_GT(pieces, 10u);  // really streamed in pieces
  const auto input = floats_of(in.bytes);
  for (int64_t c = 0; c < cols; ++c)
    for (int64_t r = 0; r < rows; ++r)
      ASSERT_EQ(out[static_cast<size_t>(c * rows + r)], input[static_cast<size_t>(r * cols + c)]);
  // The pieces are consecutive row-major ranges of the output (one write each), in order.
  uint64_t next = 0;
  for (const auto& piece : map.pieces(4096)) {
    EXPECT_EQ(static_cast<uint64_t>(piece.start[0] * rows + piece.start[1]) * sizeof(float), next);
    if (piece.count[0] > 1) {
      EXPECT_EQ(piece.count[1], rows);
    }
    EXPECT_LE(piece.bytes, 4096u);
    next += piece.bytes;
  }
  EXPECT_EQ(next, in.bytes.size());
}

TEST(LayoutMap, ReleasesTheInputInBandsWhileGatheringATransposedPiece) {
  const int64_t rows = 97, cols = 131;
  Tensor in = tensor_of({rows, cols}, ramp(static_cast<size_t>(rows * cols)));
  std::string error;
  LayoutMap map(in.view(), error);
  ASSERT_TRUE(map.permute(std::vector<int64_t>{1, 0}, error)) << error;
  const auto expected = floats_of(map.materialize().bytes);
  const uint64_t band = 8 * cols * sizeof(float);  // about 8 input rows
  std::vector<std::byte> read_marks(in.bytes.size(), std::byte{0});
  size_t releases = 0;
  for (const auto& piece : map.pieces(20 * rows * sizeof(float))) {
    std::vector<float> buffer(piece.bytes / sizeof(float));
    size_t released_before = releases;
    map.gather(
        piece, reinterpret_cast<std::byte*>(buffer.data()),
        [&](std::span<const std::byte> bytes) {
          ++releases;
          // Each band is a compact block of input rows.
          EXPECT_LE(bytes.size(), band + cols * sizeof(float));
          ASSERT_GE(bytes.data(), in.bytes.data());
          ASSERT_LE(bytes.data() + bytes.size(), in.bytes.data() + in.bytes.size());
          for (size_t i = 0; i < bytes.size(); ++i)
            read_marks[static_cast<size_t>(bytes.data() - in.bytes.data()) + i] = std::byte{1};
        },
        band);
    EXPECT_GT(releases - released_before, 5u);  // 97 input rows in bands of 8
    const size_t first = static_cast<size_t>(piece.start[0] * rows);
    for (size_t i = 0; i < buffer.size(); ++i) ASSERT_EQ(buffer[i], expected[first + i]);
  }
  // Every input byte was handed back at least once.
  for (std::byte mark : read_marks) ASSERT_EQ(mark, std::byte{1});
}

TEST(LayoutMap, ConvKernelToKerasInPiecesEqualsPermuteAxes) {
  const std::vector<int64_t> shape{6, 5, 3, 3};  // (out, in, kh, kw)
  Tensor in = tensor_of(shape, ramp(6 * 5 * 3 * 3));
  std::string error;
  LayoutMap map(in.view(), error);
  const std::vector<int64_t> perm{2, 3, 1, 0};
  ASSERT_TRUE(map.permute(perm, error));
  size_t pieces = 0;
  auto streamed = assemble(map, 64, &pieces);
  EXPECT_GT(pieces, 1u);
  // Reference computed index by index.
  for (size_t kh = 0; kh < 3; ++kh)
    for (size_t kw = 0; kw < 3; ++kw)
      for (size_t i = 0; i < 5; ++i)
        for (size_t o = 0; o < 6; ++o)
          ASSERT_EQ(streamed[((kh * 3 + kw) * 5 + i) * 6 + o],
                    floats_of(in.bytes)[((o * 5 + i) * 3 + kh) * 3 + kw]);
  EXPECT_EQ(floats_of(map.materialize().bytes), streamed);
}

TEST(LayoutMap, ComposesSliceTransformBlockReorderAndReshape) {
  // Stored (8, 6); the parameter is rows [4, 8) of it (source_slice), then the columns as
  // (3, 2) sub-axes swapped, then 2 blocks of rows swapped, transposed and reshaped to (2, 3, 4).
  Tensor in = tensor_of({8, 6}, ramp(48));
  std::string error;
  LayoutMap map(in.view(), error);
  ASSERT_TRUE(map.slice(0, 4, 4, error)) << error;
  ASSERT_TRUE(map.transform(pivot::WeightTransform{1, {3, 2}, {1, 0}}, error)) << error;
  ASSERT_TRUE(map.reorder_blocks(std::vector<int64_t>{1, 0}, error)) << error;
  ASSERT_TRUE(map.permute(std::vector<int64_t>{1, 0}, error)) << error;
  ASSERT_TRUE(map.reshape(std::vector<int64_t>{2, 3, 4}, error)) << error;
  EXPECT_EQ(map.shape(), (std::vector<int64_t>{2, 3, 4}));

  // The same steps with the whole-tensor functions.
  auto sliced = slice_axis(in.view(), 0, 4, 4, error);
  auto moved = apply_transform(sliced->view(), pivot::WeightTransform{1, {3, 2}, {1, 0}}, error);
  auto blocks = reorder_blocks(*moved, {1, 0}, error);
  auto expected = permute_axes(blocks->view(), std::vector<int64_t>{1, 0}, error);
  ASSERT_TRUE(expected) << error;
  EXPECT_EQ(floats_of(map.materialize().bytes), floats_of(expected->bytes));
  size_t pieces = 0;
  EXPECT_EQ(assemble(map, 16, &pieces), floats_of(expected->bytes));
}

TEST(LayoutMap, RejectsBadSteps) {
  Tensor in = tensor_of({4, 6}, ramp(24));
  std::string error;
  LayoutMap map(in.view(), error);
  EXPECT_FALSE(map.permute(std::vector<int64_t>{0, 0}, error));
  EXPECT_FALSE(map.slice(0, 3, 2, error));
  EXPECT_FALSE(map.reshape(std::vector<int64_t>{5, 5}, error));
  EXPECT_FALSE(map.reorder_blocks(std::vector<int64_t>{0, 1, 2}, error));  // 4 rows in 3 blocks
  Tensor bad = tensor_of({4, 6}, ramp(23));
  std::string bad_error;
  LayoutMap broken(bad.view(), bad_error);
  EXPECT_FALSE(bad_error.empty());
}

// Reads a float32 dataset back (empty when missing).
std::vector<float> read_h5(const std::string& file_path, const std::string& dataset,
                           std::vector<int64_t>* shape) {
  std::vector<float> values;
  hid_t file = H5Fopen(file_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return values;
  if (H5Lexists(file, dataset.c_str(), H5P_DEFAULT) > 0) {
    hid_t set = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
    hid_t space = H5Dget_space(set);
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    size_t count = 1;
    shape->clear();
    for (hsize_t d : dims) {
      count *= static_cast<size_t>(d);
      shape->push_back(static_cast<int64_t>(d));
    }
    values.resize(count);
    H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Sclose(space);
    H5Dclose(set);
  }
  H5Fclose(file);
  return values;
}

TEST(WeightSinks, KerasSinkWritesBoxesInPlace) {
  ScratchDir dir;
  Tensor in = tensor_of({40, 30}, ramp(1200));
  std::string error;
  LayoutMap map(in.view(), error);
  ASSERT_TRUE(map.permute(std::vector<int64_t>{1, 0}, error));
  const auto pieces = map.pieces(400);
  ASSERT_GT(pieces.size(), 3u);
  TensorSource source;
  source.shape = map.shape();
  for (const auto& p : pieces) source.boxes.push_back({p.start, p.count, p.bytes});
  source.fill = [&](size_t i, std::byte* out) { map.gather(pieces[i], out); };

  const std::string output = dir.file("w.weights.h5");
  auto sink = make_keras_h5_sink(output);
  ASSERT_EQ(sink->open(), "");
  ASSERT_EQ(sink->add("layers/dense/vars/0", source), "");
  ASSERT_EQ(sink->add_empty_group("layers/flatten"), "");
  EXPECT_FALSE(std::filesystem::exists(output));  // only the temporary so far
  ASSERT_EQ(sink->commit(), "");
  std::vector<int64_t> shape;
  auto values = read_h5(output, "layers/dense/vars/0", &shape);
  EXPECT_EQ(shape, (std::vector<int64_t>{30, 40}));
  EXPECT_EQ(values, floats_of(map.materialize().bytes));
  EXPECT_EQ(dir.entry_count(), 1u);
}

TEST(WeightSinks, AbortLeavesNothing) {
  ScratchDir dir;
  auto sink = make_keras_h5_sink(dir.file("w.weights.h5"));
  ASSERT_EQ(sink->open(), "");
  Tensor t = tensor_of({2}, {1.0f, 2.0f});
  const TensorView view = t.view();
  ASSERT_EQ(sink->add_view("vars/0", view), "");
  sink->abort();
  sink.reset();
  EXPECT_EQ(dir.entry_count(), 0u);
}

pivot::Param param(std::string name, std::vector<int64_t> shape) {
  pivot::Param p;
  p.name = std::move(name);
  p.shape = std::move(shape);
  return p;
}

TEST(WeightsEngine, ReportsEveryMissingExtraAndMisshapenTensorByName) {
  ScratchDir dir;
  pivot::Graph graph;
  pivot::WeightPlan plan;
  for (const char* name : {"a.weight", "b.weight", "c.weight", "d.weight", "e.weight"}) {
    plan.slots.push_back(
        {std::string("layers/") + name, static_cast<pivot::ParamId>(graph.params.size()), {}});
    graph.params.push_back(param(name, {2, 3}));
  }
  SafetensorsBuilder()
      .add("a.weight", "F32", {2, 3}, ramp(6))
      .add("b.weight", "F32", {3, 2}, ramp(6))  // wrong shape
      .add("d.weight", "F32", {2, 4}, ramp(8))  // wrong shape
      .add("x.weight", "F32", {1}, ramp(1))     // extra
      .add("y.bias", "F32", {2}, ramp(2))       // extra
      .write(dir.file("w.safetensors"));        // c and e missing
  DiagnosticEngine diags;
  EXPECT_FALSE(
      convert_to_keras_h5(graph, plan, dir.file("w.safetensors"), dir.file("o.weights.h5"), diags));
  std::string all;
  for (const auto& d : diags.diagnostics()) {
    EXPECT_EQ(d.code, Code::WeightsMismatch);
    all += d.message + "\n";
  }
  EXPECT_EQ(diags.error_count(), 6u) << all;
  for (const char* expected :
       {"'b.weight' has shape (3, 2) in the weights file but the model expects (2, 3)",
        "'c.weight' of shape (2, 3) is missing", "'d.weight' has shape (2, 4)",
        "'e.weight' of shape (2, 3) is missing", "'x.weight' of shape (1,)", "'y.bias'"})
    EXPECT_NE(all.find(expected), std::string::npos) << expected << "\n" << all;
  EXPECT_FALSE(std::filesystem::exists(dir.file("o.weights.h5")));
  EXPECT_EQ(dir.entry_count(), 1u);
}

TEST(WeightsEngine, LooksUpAliasesInOrderAfterTheName) {
  ScratchDir dir;
  pivot::Graph graph;
  auto kernel = param("dense.kernel", {2, 3});
  kernel.aliases = {"#0/0", "#9/9"};
  auto bias = param("dense.bias", {3});
  bias.aliases = {"#0/1"};
  graph.params = {kernel, bias};
  pivot::WeightPlan plan;
  plan.slots = {{"layers/dense/vars/0", 0, {}}, {"layers/dense/vars/1", 1, {}}};
  SafetensorsBuilder()
      .add("#0/0", "F32", {2, 3}, ramp(6))
      .add("#9/9", "F32", {2, 3}, std::vector<float>(6, 9.0f))  // a later alias: unused, reported
      .add("dense.bias", "F32", {3}, std::vector<float>{7, 8, 9})
      .add("#0/1", "F32", {3}, std::vector<float>{0, 0, 0})  // the name wins over the alias
      .write(dir.file("w.safetensors"));
  DiagnosticEngine diags;
  EXPECT_FALSE(
      convert_to_keras_h5(graph, plan, dir.file("w.safetensors"), dir.file("o.weights.h5"), diags));
  ASSERT_EQ(diags.error_count(), 2u);
  EXPECT_NE(diags.diagnostics()[0].message.find("'#0/1'"), std::string::npos);
  EXPECT_NE(diags.diagnostics()[1].message.find("'#9/9'"), std::string::npos);

  SafetensorsBuilder()
      .add("#0/0", "F32", {2, 3}, ramp(6))
      .add("dense.bias", "F32", {3}, std::vector<float>{7, 8, 9})
      .write(dir.file("ok.safetensors"));
  DiagnosticEngine ok;
  ASSERT_TRUE(
      convert_to_keras_h5(graph, plan, dir.file("ok.safetensors"), dir.file("o.weights.h5"), ok));
  std::vector<int64_t> shape;
  EXPECT_EQ(read_h5(dir.file("o.weights.h5"), "layers/dense/vars/0", &shape), ramp(6));
  EXPECT_EQ(read_h5(dir.file("o.weights.h5"), "layers/dense/vars/1", &shape),
            (std::vector<float>{7, 8, 9}));

  // A missing tensor names the aliases it looked for too.
  SafetensorsBuilder()
      .add("dense.bias", "F32", {3}, std::vector<float>{7, 8, 9})
      .write(dir.file("m.safetensors"));
  DiagnosticEngine missing;
  EXPECT_FALSE(convert_to_keras_h5(graph, plan, dir.file("m.safetensors"), dir.file("m.weights.h5"),
                                   missing));
  ASSERT_EQ(missing.error_count(), 1u);
  EXPECT_NE(missing.diagnostics()[0].message.find(
                "'dense.kernel' of shape (2, 3) is missing from the weights "
                "file (nor under '#0/0', '#9/9')"),
            std::string::npos)
      << missing.diagnostics()[0].message;
}

TEST(WeightsEngine, AliasesSurviveTheJsonForm) {
  pivot::Model model;
  model.modules.emplace_back();
  model.modules[0].name = "Net";
  auto p = param("dense.kernel", {2, 3});
  p.aliases = {"#0/0", "#0/1"};
  model.modules[0].graph.params.push_back(p);
  std::string error;
  auto back = pivot::model_from_json(pivot::to_json(model), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->modules[0].graph.params[0].aliases, p.aliases);
}

TEST(WeightsEngine, TorchPtSinkKeepsDtypesAndValues) {
  ScratchDir dir;
  pivot::Graph graph;
  auto conv = param("conv.weight", {2, 3, 2, 2});
  graph.params = {conv, param("bn.running_mean", {3})};
  graph.params[1].dtype = pivot::DType::Float16;
  pivot::WeightPlan plan;
  plan.slots = {{"conv.weight", 0, {}}, {"bn.running_mean", 1, {}}};
  const std::vector<uint16_t> halves{0x3c00, 0xc000, 0x3801};  // 1, -2, 0.50049
  SafetensorsBuilder()
      .add("conv.weight", "F32", {2, 3, 2, 2}, ramp(24))
      .add("bn.running_mean", "F16", {3}, halves)
      .write(dir.file("w.safetensors"));
  DiagnosticEngine diags;
  ASSERT_TRUE(convert_to_torch_pt(graph, plan, dir.file("w.safetensors"), dir.file("w.pt"), diags));
  Checkpoint back;
  ASSERT_EQ(read_checkpoint(dir.file("w.pt"), back), "");
  ASSERT_EQ(back.tensors.size(), 2u);
  const auto& w = back.tensors.at("conv.weight");
  EXPECT_EQ(w.shape, conv.shape);
  EXPECT_EQ(floats_of(std::vector<std::byte>(w.bytes.begin(), w.bytes.end())), ramp(24));
  const auto& m = back.tensors.at("bn.running_mean");
  EXPECT_EQ(m.dtype, pivot::DType::Float16);  // bit-identical, not widened
  ASSERT_EQ(m.bytes.size(), 6u);
  EXPECT_EQ(std::memcmp(m.bytes.data(), halves.data(), 6), 0);
}

// --- the commands, on the real binary

const std::string kModel = std::string(NNPORT_SOURCE_DIR) + "/examples/cifar_cnn.py";
const std::string kWeights = std::string(NNPORT_SOURCE_DIR) + "/examples/cifar_cnn.safetensors";

using nnport::testing::run_nnport;
using nnport::testing::scratch_dir;

std::string slurp(const std::filesystem::path& path) {
  bool ok = false;
  return read_file(path, &ok);
}

TEST(ConvertWeightsCommand, WritesTheSameFileAsMigrate) {
  auto dir = scratch_dir("convert-weights");
  const auto out = (dir / "cifar.weights.h5").string();
  const auto report = (dir / "report.json").string();
  auto r = run_nnport({"convert-weights", kWeights, "--model", kModel, "--to", "keras", "-o", out,
                       "--report", report},
                      dir / "run");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(dir / "cifar_cnn.py"));  // no code written
  auto json = nlohmann::json::parse(slurp(report));
  EXPECT_EQ(json["status"], "complete");
  EXPECT_EQ(json["weights"]["output"], out);

  auto m = run_nnport({"migrate", kModel, "--to", "keras", "--weights", kWeights, "-o",
                       (dir / "migrated").string()},
                      dir / "run-migrate");
  ASSERT_EQ(m.exit_status, 0) << m.err;
  // Deterministic writer: the same plan and the same tensors give the same bytes.
  EXPECT_EQ(slurp(out), slurp(dir / "migrated" / "cifar_cnn.weights.h5"));
}

TEST(ConvertWeightsCommand, MismatchedCheckpointFailsNamingEveryTensorAndWritesNothing) {
  auto dir = scratch_dir("convert-weights-mismatch");
  const auto bad = (dir / "bad.safetensors").string();
  SafetensorsBuilder()
      .add("fc2.bias", "F32", {3}, ramp(3))
      .add("not.a.parameter", "F32", {1}, ramp(1))
      .write(bad);
  const auto out = (dir / "o.weights.h5").string();
  auto r = run_nnport({"convert-weights", bad, "--model", kModel, "--to", "keras", "-o", out},
                      dir / "run");
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("'fc2.bias' has shape (3,)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'fc1.weight' of shape"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'not.a.parameter'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[weights-mismatch]"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(ConvertWeightsCommand, BadFilesAndUsage) {
  auto dir = scratch_dir("convert-weights-bad");
  const auto garbage = (dir / "garbage.safetensors").string();
  testing::write_bytes(garbage, "this is not a checkpoint at all");
  const auto out = (dir / "o.weights.h5").string();
  auto r = run_nnport({"convert-weights", garbage, "--model", kModel, "--to", "keras", "-o", out},
                      dir / "run");
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("[weights-unreadable]"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  r = run_nnport({"convert-weights", (dir / "none.pt").string(), "--model", kModel, "--to", "keras",
                  "-o", out},
                 dir / "run");
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("[file-not-found]"), std::string::npos) << r.err;

  r = run_nnport({"convert-weights", kWeights, "--model", kModel, "--to", "jax", "-o", out},
                 dir / "run");
  EXPECT_EQ(r.exit_status, 2);
  r = run_nnport({"convert-weights", kWeights, "--to", "keras", "-o", out},
                 dir / "run");  // no --model
  EXPECT_EQ(r.exit_status, 2);
  r = run_nnport({"convert-weights", kWeights, "--model", kModel, "--to", "keras", "-o", kWeights},
                 dir / "run");
  EXPECT_EQ(r.exit_status, 2);  // would overwrite its input
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(InspectWeightsCommand, ListsTensorsAndTheParametersTheyFeed) {
  auto dir = scratch_dir("inspect-weights");
  auto r = run_nnport({"inspect-weights", kWeights, "--model", kModel, "--json"}, dir / "run");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["format"], "safetensors");
  Checkpoint checkpoint;
  ASSERT_EQ(read_checkpoint(kWeights, checkpoint), "");
  ASSERT_EQ(json["tensor_count"], checkpoint.tensors.size());
  uint64_t total = 0;
  for (const auto& [key, view] : checkpoint.tensors) total += view.bytes.size();
  EXPECT_EQ(json["total_bytes"], total);
  EXPECT_TRUE(json["missing"].empty());
  EXPECT_TRUE(json["extra"].empty());
  bool saw_fc1 = false;
  for (const auto& t : json["tensors"]) {
    const std::string name = t["name"];
    if (name.ends_with("num_batches_tracked")) {
      EXPECT_TRUE(t["parameters"].empty());
      continue;
    }
    ASSERT_EQ(t["parameters"].size(), 1u) << name;
    EXPECT_EQ(t["parameters"][0]["name"], name);
    if (name == "fc1.weight") {
      saw_fc1 = true;
      EXPECT_EQ(t["parameters"][0]["role"], "weight");
      EXPECT_EQ(t["parameters"][0]["node"], "fc1");
      EXPECT_EQ(t["shape"], (std::vector<int64_t>{64, 512}));
      EXPECT_EQ(t["bytes"], 64 * 512 * 4);
    }
  }
  EXPECT_TRUE(saw_fc1);

  auto text = run_nnport({"inspect-weights", kWeights}, dir / "run-text");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("safetensors, " + std::to_string(checkpoint.tensors.size()) +
                          " tensors, " + std::to_string(total) + " bytes"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("fc1.weight  float32  (64, 512)  131072 bytes"), std::string::npos)
      << text.out;
}

TEST(InspectWeightsCommand, ReportsMissingAndExtraForAModel) {
  auto dir = scratch_dir("inspect-weights-mismatch");
  const auto partial = (dir / "p.safetensors").string();
  SafetensorsBuilder()
      .add("fc2.bias", "F32", {10}, ramp(10))
      .add("head.weight", "F32", {2}, ramp(2))
      .write(partial);
  auto r = run_nnport({"inspect-weights", partial, "--model", kModel}, dir / "run");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("head.weight  float32  (2,)  8 bytes  -> EXTRA"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("extra: 1\n  head.weight"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  fc1.weight  (fc1 weight (64, 512))"), std::string::npos) << r.out;
}

TEST(InspectWeightsCommand, UnreadableFilesExitOne) {
  auto dir = scratch_dir("inspect-weights-bad");
  const auto garbage = (dir / "g.safetensors").string();
  testing::write_bytes(garbage, std::string("\xff\xff\xff\xff\xff\xff\xff\x7f{", 9));
  auto r = run_nnport({"inspect-weights", garbage}, dir / "run");
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("[weights-unreadable]"), std::string::npos) << r.err;
  r = run_nnport({"inspect-weights", (dir / "missing.safetensors").string()}, dir / "run");
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("[file-not-found]"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nnport::weights
