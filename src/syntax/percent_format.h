// Python's printf-style string formatting, `"conv_dw_%d" % block_id` (keras.applications names
// its layers this way), folded when the format and its arguments are constants.
#pragma once

#include <optional>
#include <string>

#include "syntax/constant.h"

namespace nnport::syntax {

// `format % args`: args is a tuple of the values, or one value. nullopt when Python would raise
// or the format uses what is not folded (mapping keys "%(name)s", "*" widths, %c, %a).
std::optional<Constant> percent_format(const std::string& format, const Constant& args);

}  // namespace nnport::syntax
