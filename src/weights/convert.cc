// Weight conversion (placeholder until it lands).
#include "weights/convert.h"

namespace nnport::weights {

bool convert_to_keras_h5(const pivot::Graph&, const pivot::WeightPlan&, const std::string& input_path,
                         const std::string&, DiagnosticEngine& diags) {
  diags.error(Code::WeightsUnreadable, SourceLocation{input_path, 0, 0}) << "weight conversion not built yet";
  return false;
}

} // namespace nnport::weights
