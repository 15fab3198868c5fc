// Binding a construction call (`optim.Adam(model.parameters(), lr=1e-3)`) against a row of
// the PyTorch training table: every canonical hyper-parameter filled, torch's default where the
// call leaves it out (`from_source` false).
#pragma once

#include <optional>
#include <string>

#include "frameworks/training_table.h"
#include "readers/script_walker.h"

namespace nnport::readers::pytorch {

// `skip`: leading positional arguments that are not hyper-parameters (the parameters of an
// optimiser, the optimiser of a schedule). nullopt with `why` set when an argument has no
// mapping or a required one is missing.
std::optional<pivot::SetupArgs> bind_setup_call(const frameworks::SetupRow& row, syntax::Node call,
                                                size_t skip, std::string& why);

}  // namespace nnport::readers::pytorch
