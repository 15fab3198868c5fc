// The generated module's reset_parameters(): explicit nn.init calls reproducing the source
// framework's initializers (pivot/initializer.h, conventions row 16), so that a model trained
// from scratch starts as the source would have. Internal to the PyTorch writer.
#pragma once

#include <string>
#include <vector>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"
#include "support/diagnostics.h"

namespace nnport::writers::pytorch {

// A layer object of the generated module.
struct InitModule {
  std::string key;     // state_dict prefix ("layer1.conv1"); a parameter's own key when callee
                       // is empty (an nn.Parameter of the model itself)
  std::string ref;     // Python reference ("self.layer1.conv1")
  std::string callee;  // "nn.Conv2d"; empty for a parameter of the model itself
};

// The method's lines (def at 4 spaces, body at 8), empty when every parameter already starts as
// the source's rule says (PyTorch's default agrees or no rule is known). Rules PyTorch cannot
// reproduce are reported (training-convention) at the parameter's layer.
// `source` names the source framework in the method's comment ("keras").
std::vector<std::string> init_method(const pivot::Graph& graph, const pivot::WeightPlan& plan,
                                     const std::vector<InitModule>& modules,
                                     const std::string& source, DiagnosticEngine& diags);

}  // namespace nnport::writers::pytorch
