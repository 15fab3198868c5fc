// Keras reader on the Keras code nnport itself writes: every PyTorch model of the equivalence
// suite is migrated to Keras in memory, and reading that code back must give the same network:
// no diagnostics, the same outputs and output shapes, and parameters with exactly the Keras 3
// weights-file paths and sizes the writer's weight plan uses.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/input_spec.h"
#include "keras_reader_test_util.h"
#include "passes/pipeline.h"
#include "readers/pytorch/reader.h"
#include "writers/keras/writer.h"

using namespace nnport;
namespace fs = std::filesystem;

namespace {

const fs::path kModels =
    fs::path(NNPORT_SOURCE_DIR) / "tests" / "equivalence" / "pytorch" / "models";

readers::ReadOptions header_options(const std::string& text) {
  readers::ReadOptions read;
  std::istringstream lines(text);
  std::string line;
  for (int n = 0; n < 5 && std::getline(lines, line); ++n) {
    const auto at = line.find("nnport-test:");
    if (at == std::string::npos) continue;
    std::istringstream words(line.substr(at + 12));
    std::string word, error;
    size_t shapes = 0, dtypes = 0;
    while (words >> word) {
      const auto eq = word.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
      if (key == "class") read.class_name = value;
      if (key == "input") {
        if (read.inputs.size() <= shapes) read.inputs.resize(shapes + 1);
        read.inputs[shapes++].shape = cli::parse_input_shape(value, error);
      }
      if (key == "dtype") {
        if (read.inputs.size() <= dtypes) read.inputs.resize(dtypes + 1);
        read.inputs[dtypes++].dtype = cli::parse_input_dtype(value, error);
      }
    }
  }
  return read;
}

int64_t elements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

// Checks one model; returns an empty string when it reads back completely.
std::string round_trip(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  DiagnosticEngine diags;
  auto source = readers::read_pytorch(file.string(), text, header_options(text), diags);
  if (!source || !passes::prepare_for_channels_last(*source, diags))
    return "the PyTorch side does not migrate";
  auto keras = writers::keras::write_keras(*source, {}, diags);
  if (!keras) return "the Keras writer fails";

  DiagnosticEngine back_diags;
  auto back =
      readers::read_keras(file.stem().string() + "_keras.py", keras->python, {}, back_diags);
  std::string problems;
  for (const auto& d : back_diags.diagnostics()) problems += format_diagnostic(d) + "; ";
  if (!back) return "not read: " + problems;
  if (!problems.empty()) return problems;
  const auto& g0 = source->entry_module().graph;
  const auto& g1 = back->entry_module().graph;
  if (g0.outputs.size() != g1.outputs.size()) return "output count differs";
  for (size_t i = 0; i < g0.outputs.size(); ++i)
    if (g0.values[g0.outputs[i].value].type.shape != g1.values[g1.outputs[i].value].type.shape)
      return "output " + std::to_string(i) + " shape " +
             pivot::shape_to_string(g1.values[g1.outputs[i].value].type.shape) + " instead of " +
             pivot::shape_to_string(g0.values[g0.outputs[i].value].type.shape);
  // Weights: the writer's plan (target path -> element count) against the read-back params.
  std::map<std::string, int64_t> planned, read_back;
  for (const auto& slot : keras->weights.slots) {
    const int64_t n =
        slot.shape.empty() ? elements(g0.params.at(slot.param).shape) : elements(slot.shape);
    planned[slot.target_name] = slot.combine == pivot::WeightSlot::Combine::Stack
                                    ? n * static_cast<int64_t>(1 + slot.combine_with.size())
                                    : n;
  }
  for (const auto& p : g1.params) read_back[p.name] += elements(p.shape);
  if (planned != read_back) {
    std::string diff;
    for (const auto& [k, v] : planned)
      if (!read_back.count(k) || read_back[k] != v)
        diff += " planned " + k + "=" + std::to_string(v);
    for (const auto& [k, v] : read_back)
      if (!planned.count(k) || planned[k] != v) diff += " read " + k + "=" + std::to_string(v);
    return "weights differ:" + diff;
  }
  return "";
}

}  // namespace

TEST(KerasReaderRoundTrip, GeneratedKerasCodeReadsBackAsTheSameNetwork) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kModels))
    if (entry.path().extension() == ".py") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 50u);
  size_t complete = 0;
  std::string failures;
  for (const auto& file : files) {
    const std::string problem = round_trip(file);
    if (problem.empty())
      ++complete;
    else
      failures += file.filename().string() + ": " + problem + "\n";
  }
  std::cout << "[ round trip ] " << complete << " of " << files.size() << " read back completely\n"
            << failures;
  EXPECT_EQ(complete, files.size()) << failures;
}
