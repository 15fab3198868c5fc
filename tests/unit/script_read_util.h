// Shared by the training-script reader tests: a source read as a model and then as a script,
// with the diagnostics of both.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "readers/keras/reader.h"
#include "readers/keras/script_reader.h"
#include "readers/pytorch/reader.h"
#include "readers/pytorch/script_reader.h"
#include "syntax/tree.h"

namespace nnport::testing {

struct ScriptRead {
  std::optional<pivot::Model> model;
  std::optional<pivot::Script> script;
  DiagnosticEngine diags;
};

inline void read_keras_with_script(const std::string& source, ScriptRead& r,
                                   const readers::ReadOptions& options = {}) {
  r.model = readers::read_keras("train.py", source, options, r.diags);
  ASSERT_TRUE(r.model.has_value());
  auto tree = syntax::Tree::parse_python("train.py", source);
  ASSERT_TRUE(tree);
  r.script = readers::read_keras_script(*tree, *r.model, options, r.diags);
  ASSERT_TRUE(r.script.has_value());
}

// The PyTorch scripts of these tests feed (N, 4) tabular inputs.
inline void read_pytorch_with_script(const std::string& source, ScriptRead& r) {
  readers::ReadOptions options;
  options.inputs.push_back(
      readers::InputSpec{std::vector<int64_t>{pivot::kBatch, 4}, std::nullopt});
  r.model = readers::read_pytorch("train.py", source, options, r.diags);
  ASSERT_TRUE(r.model.has_value());
  auto tree = syntax::Tree::parse_python("train.py", source);
  ASSERT_TRUE(tree);
  r.script = readers::read_pytorch_script(*tree, *r.model, options, r.diags);
  ASSERT_TRUE(r.script.has_value());
}

}  // namespace nnport::testing
