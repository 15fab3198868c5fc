// Helpers for the Keras reader tests: read an inline Keras model, find nodes and parameters.
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "passes/verify.h"
#include "pivot/ops/catalog.h"
#include "readers/keras/reader.h"

namespace nnport::testing::keras_reader {

struct ReadResult {
  std::optional<pivot::Model> model;
  DiagnosticEngine diags;

  const pivot::Graph& graph() const { return model->entry_module().graph; }
  const pivot::Node& node(const std::string& name) const {
    for (const auto& n : graph().nodes)
      if (n.name == name) return n;
    throw std::runtime_error("no node named '" + name + "' in the graph");
  }
  const pivot::TensorType& out_type(const std::string& name, size_t output = 0) const {
    return graph().values[node(name).outputs.at(output)].type;
  }
  const pivot::Param& param(const std::string& node_name, const std::string& role) const {
    return graph().params.at(node(node_name).params.at(role));
  }
  std::vector<pivot::OpKind> kinds() const {
    std::vector<pivot::OpKind> out;
    for (const auto& n : graph().nodes) out.push_back(n.kind);
    return out;
  }
  bool has(Code code, uint32_t line = 0) const {
    for (const auto& d : diags.diagnostics())
      if (d.code == code && (line == 0 || d.location.line == line)) return true;
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
  r->model = readers::read_keras("model.py", source, options, r->diags);
  return r;
}

inline readers::ReadOptions with_input(std::vector<int64_t> shape) {
  readers::ReadOptions o;
  o.inputs.push_back(readers::InputSpec{std::move(shape), std::nullopt});
  return o;
}

inline void expect_valid(const ReadResult& r) {
  ASSERT_TRUE(r.model.has_value()) << r.dump();
  for (const auto& p : passes::verify(*r.model)) ADD_FAILURE() << p;
}

constexpr int64_t N = pivot::kBatch;
using Shape = std::vector<int64_t>;

}  // namespace nnport::testing::keras_reader
