// Reads the training script of a source whose model was read already.
#include "cli/script_loading.h"

#include <fstream>
#include <sstream>

#include "readers/keras/script_reader.h"
#include "readers/pytorch/script_reader.h"
#include "syntax/tree.h"

namespace nnport::cli {

std::optional<pivot::Script> read_script(const std::string& source_path,
                                         const std::string& framework, const pivot::Model& model,
                                         const readers::ReadOptions& read,
                                         DiagnosticEngine& diags) {
  std::ifstream in(source_path, std::ios::binary);
  if (!in) return std::nullopt;  // the model was read from it a moment ago; nothing more to add
  std::ostringstream text;
  text << in.rdbuf();
  auto tree = syntax::Tree::parse_python(source_path, text.str());
  if (!tree || tree->first_error()) return std::nullopt;  // the model reader reported it
  if (framework == "pytorch") return readers::read_pytorch_script(*tree, model, read, diags);
  if (framework == "keras") return readers::read_keras_script(*tree, model, read, diags);
  return std::nullopt;
}

}  // namespace nnport::cli
