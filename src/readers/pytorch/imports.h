// Import aliases of a Python file: resolves `nn.Linear`, `F.relu`, `Linear` to qualified
// names ("torch.nn.Linear", "torch.nn.functional.relu") without executing anything.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "syntax/tree.h"

namespace nnport::readers::pytorch {

class ImportTable {
 public:
  // Records the module's top-level imports (and those nested in try/if blocks).
  void collect(syntax::Node module);
  // Qualified name of a dotted expression whose first name is an import alias, else nullopt.
  std::optional<std::string> qualify(syntax::Node expr) const;
  bool imports_torch() const { return imports_torch_; }
  void shadow(const std::string& name) { aliases_.erase(name); }

 private:
  void collect_statement(syntax::Node stmt, int depth);
  std::map<std::string, std::string> aliases_;  // local name -> qualified name
  bool imports_torch_ = false;
};

}  // namespace nnport::readers::pytorch
