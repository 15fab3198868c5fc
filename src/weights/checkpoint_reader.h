// Opens a source checkpoint of any supported format, chosen by content rather than extension.
#pragma once

#include <string>

#include "weights/checkpoint.h"

namespace nnport::weights {

// Returns an empty string on success, otherwise what is wrong with the file.
std::string read_checkpoint(const std::string& path, Checkpoint& out);

} // namespace nnport::weights
