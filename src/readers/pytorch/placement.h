// Device-placement queries (torch.cuda.is_available(), torch.device(...)) as constants, so that
// `self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")` and
// `h0 = h0.cuda() if torch.cuda.is_available() else h0` migrate.
#pragma once

#include <optional>

#include "readers/pytorch/imports.h"
#include "syntax/constant.h"
#include "syntax/evaluator.h"

namespace nnport::readers::pytorch {

// The value of a placement call: a migrated model is device-independent, so nnport follows
// the CPU path, PyTorch's reference semantics (the CUDA path differs only in where tensors
// live): torch.cuda.is_available() / torch.backends.mps.is_available() are False,
// torch.cuda.device_count() is 0 and torch.device(...) is "cpu". nullopt for other expressions.
std::optional<syntax::Constant> placement_constant(const ImportTable& imports, syntax::Node expr);

// A constant-evaluator resolver answering placement calls (and nothing else).
syntax::ConstEvaluator::Resolver placement_resolver(const ImportTable& imports);

}  // namespace nnport::readers::pytorch
