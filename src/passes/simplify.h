// Peephole simplifications that keep semantics exactly and make generated code read like a
// person wrote it. Runs after layout planning.
//  - reduce(keepdims=True) whose only user flattens away the unit axes (flatten, or a reshape to
//    (N, -1)) becomes reduce(keepdims=False): `AdaptiveAvgPool2d(1)` + `flatten(1)` is global
//    average pooling, not pooling + reshape + flatten.
//  - identity nodes disappear.
#pragma once

#include "pivot/graph.h"

namespace nnport::passes {

void simplify(pivot::Model& model);

}  // namespace nnport::passes
