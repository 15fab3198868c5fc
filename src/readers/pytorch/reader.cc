// PyTorch reader (placeholder until the reader lands).
#include "readers/pytorch/reader.h"

namespace nnport::readers {

std::optional<pivot::Model> read_pytorch(const std::string& path, std::string_view,
                                         const ReadOptions&, DiagnosticEngine& diags) {
  diags.error(Code::NoModelFound, SourceLocation{path, 1, 1, }) << "PyTorch reader not built yet";
  return std::nullopt;
}

} // namespace nnport::readers
