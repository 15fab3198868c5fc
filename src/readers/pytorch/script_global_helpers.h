// Loop helpers written against the script's globals: `def train(epoch):` whose batch loop
// iterates a module-level loader and calls the module-level model, optimizer and loss (the
// style of many tutorials), called from the module's epoch loop beside a per-epoch
// `scheduler.step()`. They are read as the helpers taking everything as parameters are, but
// only when every call is a statement of a module-level epoch loop: there, the calls become
// the one fit (and its validation) of that loop; anywhere else the function would be needed.
#pragma once

#include <set>
#include <string>

#include "syntax/tree.h"

namespace nnport::readers::pytorch {

// Names assigned by the module's top-level statements (also inside `if __name__ ==
// "__main__":`): the globals a helper may read.
std::set<std::string> module_globals(syntax::Node module);

// Is every call of `function` in `module` a statement (or an assignment's right side) directly
// in the body of a top-level `for ... in range(...)` loop, and is there at least one?
bool called_only_from_epoch_loops(syntax::Node module, const std::string& function);

}  // namespace nnport::readers::pytorch
