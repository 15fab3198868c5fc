// Detects the source framework of a Python file from its import statements.
#pragma once

#include <string>
#include <string_view>

namespace nnport::cli {

// "pytorch", "keras", or "" when neither (or both) are imported.
std::string detect_framework(std::string_view source);

}  // namespace nnport::cli
