// A source whose model variable is bound to several networks (`model = ...` again for another
// network): one nn.Module class per distinct architecture, in one generated module.
#pragma once

#include <string>

namespace nnport::writers::pytorch {

// `module` with the classes of `other` (a module write_pytorch wrote for another binding) added:
// the import lines of `other` that `module` lacks, and the top-level blocks of `other` (its
// class, the helper classes it uses) that `module` does not hold already, placed before the
// first block of `module`; `comment` is the docstring of the other binding's class.
std::string add_module_classes(const std::string& module, const std::string& other,
                               const std::string& comment);

}  // namespace nnport::writers::pytorch
