// Shared command-line steps (see model_loading.h).
#include "cli/model_loading.h"

#include <algorithm>
#include <filesystem>

#include "cli/detect_framework.h"
#include "cli/input_spec.h"
#include "readers/keras/reader.h"
#include "support/atomic_file.h"

namespace nnport::cli {

namespace fs = std::filesystem;

SourceLocation cli_location() { return SourceLocation{"nnport", 0, 0}; }

bool parse_inputs(const std::vector<std::string>& shapes, const std::vector<std::string>& dtypes,
                  readers::ReadOptions& read, DiagnosticEngine& diags) {
  const size_t count = std::max(shapes.size(), dtypes.size());
  read.inputs.resize(count);
  for (size_t i = 0; i < shapes.size(); ++i) {
    std::string error;
    auto shape = parse_input_shape(shapes[i], error);
    if (!shape) {
      diags.error(Code::InvalidInputShape, cli_location())
          << "--input-shape " << shapes[i] << ": " << error;
      return false;
    }
    read.inputs[i].shape = *shape;
  }
  for (size_t i = 0; i < dtypes.size(); ++i) {
    std::string error;
    auto dtype = parse_input_dtype(dtypes[i], error);
    if (!dtype) {
      diags.error(Code::InvalidInputShape, cli_location())
          << "--input-dtype " << dtypes[i] << ": " << error;
      return false;
    }
    read.inputs[i].dtype = *dtype;
  }
  return true;
}

// Reads SOURCE into a pivot model. `framework` receives the detected/forced framework.
std::optional<pivot::Model> read_model(const std::string& source_path, const std::string& from,
                                       const readers::ReadOptions& read, std::string& framework,
                                       DiagnosticEngine& diags) {
  bool ok = false;
  if (!fs::is_regular_file(source_path)) {
    diags.error(Code::FileNotFound, SourceLocation{source_path, 0, 0})
        << "cannot read " << source_path << ": not a regular file";
    return std::nullopt;
  }
  const std::string text = read_file(source_path, &ok);
  if (!ok) {
    diags.error(Code::FileNotFound, SourceLocation{source_path, 0, 0})
        << "cannot read " << source_path;
    return std::nullopt;
  }
  framework = from.empty() ? detect_framework(text) : from;
  if (framework.empty()) {
    diags.error(Code::UnknownFramework, SourceLocation{source_path, 1, 1})
        << "cannot tell the source framework from the imports (torch or keras/tensorflow); pass "
           "--from";
    return std::nullopt;
  }
  if (framework == "keras") return readers::read_keras(source_path, text, read, diags);
  if (framework != "pytorch") {
    diags.error(Code::UnsupportedDirection, SourceLocation{source_path, 1, 1})
        << "reading " << framework << " sources is not implemented yet";
    return std::nullopt;
  }
  return readers::read_pytorch(source_path, text, read, diags);
}

}  // namespace nnport::cli
