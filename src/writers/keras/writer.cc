// Keras writer (placeholder until the writer lands).
#include "writers/keras/writer.h"

namespace nnport::writers::keras {

std::optional<KerasOutput> write_keras(const pivot::Model&, const WriteOptions&, DiagnosticEngine& diags) {
  diags.error(Code::NoTargetMapping, SourceLocation{}) << "Keras writer not built yet";
  return std::nullopt;
}

} // namespace nnport::writers::keras
