// Reference documentation generated from the op catalog and the diagnostic code table, so the
// docs cannot drift from the code (a test compares docs/*.md with a fresh rendering).
#pragma once

#include <string>

namespace nnport::docs {

std::string ops_markdown();           // docs/ops.md
std::string diagnostics_markdown();   // docs/diagnostics.md
std::string training_markdown();      // docs/training.md (training_docs.cc)
std::string initializers_markdown();  // docs/initializers.md (initializer_docs.cc)

}  // namespace nnport::docs
