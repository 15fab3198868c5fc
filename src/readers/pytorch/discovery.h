// Model discovery: the module classes of a file, module-level `model = nn.Sequential(...)`
// assignments, and the choice of the top-level model.
#pragma once

#include "readers/pytorch/model_types.h"

namespace nnport::readers::pytorch {

// Fills ctx.classes (with is_module resolved through bases) and ctx.functions.
void collect_classes(Context& ctx, Node module);

struct Candidate {
  std::string name;
  const ClassInfo* cls = nullptr;  // a class, or
  Node sequential;                 // the right side of `name = nn.Sequential(...)`, or
  Node builder;                    // a function returning a module
  SourceLocation location;
};

// The script's construction of the model class `name` with arguments (`model = Net(5)` at module
// level or in a function that is not a module class's method), else a null node.
Node script_instantiation(const Context& ctx, Node module, const std::string& name);

// Module classes not used as parts or bases of others, plus module-level Sequential models.
std::vector<Candidate> model_candidates(Context& ctx, Node module);

}  // namespace nnport::readers::pytorch
