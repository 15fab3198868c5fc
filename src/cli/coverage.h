// `nnport coverage DIR...`: runs reader + passes + Keras writer in memory over every .py file
// and tabulates which migrate completely, partially or not at all, with reason codes.
#pragma once

#include <string>
#include <vector>

#include "cli/migrate.h"

namespace nnport::cli {

struct CoverageOptions {
  std::vector<std::string> paths;  // directories (searched recursively) or .py files
  std::string json;                // --json FILE: also write the table as JSON
};

// Complete when every file migrates completely, Partial when any is partial or failed.
ExitStatus run_coverage(const CoverageOptions& options);

}  // namespace nnport::cli
