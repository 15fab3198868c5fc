// Helpers for the PyTorch reader tests: read an inline model, find nodes, dump diagnostics.
#pragma once

#include <stdexcept>

#include <gtest/gtest.h>

#include <string>

#include "passes/verify.h"
#include "pivot/ops/catalog.h"
#include "readers/pytorch/reader.h"

namespace nnport::testing {

struct ReadResult {
  std::optional<pivot::Model> model;
  DiagnosticEngine diags;

  const pivot::Graph& graph() const { return model->entry_module().graph; }
  const pivot::Node* node(const std::string& name) const {
    for (const auto& n : graph().nodes)
      if (n.name == name) return &n;
    // gtest reports the exception as a test failure instead of crashing on a null node.
    throw std::runtime_error("no node named '" + name + "' in the graph");
  }
  const pivot::TensorType& out_type(const std::string& name) const {
    return graph().values[node(name)->outputs.at(0)].type;
  }
  bool has(Code code, uint32_t line = 0, uint32_t column = 0) const {
    for (const auto& d : diags.diagnostics())
      if (d.code == code && (line == 0 || d.location.line == line) &&
          (column == 0 || d.location.column == column))
        return true;
    return false;
  }
  std::string dump() const {
    std::string out;
    for (const auto& d : diags.diagnostics()) out += format_diagnostic(d) + "\n";
    return out;
  }
};

inline std::unique_ptr<ReadResult> read(const std::string& source,
                                        readers::ReadOptions options = {}) {
  auto r = std::make_unique<ReadResult>();
  r->model = readers::read_pytorch("model.py", source, options, r->diags);
  return r;
}

inline std::vector<int64_t> ints(const pivot::Node& n, const std::string& attr) {
  return pivot::attr_ints(n, attr);
}

inline void expect_valid(const ReadResult& r) {
  ASSERT_TRUE(r.model.has_value()) << r.dump();
  auto problems = passes::verify(*r.model);
  for (const auto& p : problems) ADD_FAILURE() << p;
}

constexpr int64_t N = pivot::kBatch;

}  // namespace nnport::testing
