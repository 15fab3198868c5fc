// Shared by the golden tests (golden_models_test.cc, golden_scripts_test.cc): the case folders
// under a root, the extra arguments of a case, normalising scratch and source paths, and the
// comparison against an expected file that NNPORT_UPDATE_GOLDEN=1 rewrites instead.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/atomic_file.h"

namespace nnport::testing::golden {

inline std::vector<std::string> case_names(const std::filesystem::path& root) {
  std::vector<std::string> names;
  if (std::filesystem::exists(root))
    for (const auto& entry : std::filesystem::directory_iterator(root))
      if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// args.txt of a case: one command-line argument per line; blank lines and # comments skipped.
inline void append_case_args(const std::filesystem::path& dir, std::vector<std::string>& args) {
  std::ifstream extra(dir / "args.txt");
  for (std::string line; std::getline(extra, line);)
    if (!line.empty() && line[0] != '#') args.push_back(line);
}

inline std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
    text.replace(pos, from.size(), to);
  return text;
}

// The scratch directory as OUT and the source tree as SRC, so expectations hold on any machine.
inline std::string normalise(std::string text, const std::filesystem::path& scratch) {
  text = replace_all(text, scratch.string(), "OUT");
  return replace_all(text, std::filesystem::path(NNPORT_SOURCE_DIR).string(), "SRC");
}

inline void compare(const std::filesystem::path& expected, const std::string& actual) {
  if (std::getenv("NNPORT_UPDATE_GOLDEN")) {
    std::filesystem::create_directories(expected.parent_path());
    std::ofstream(expected, std::ios::binary) << actual;
    return;
  }
  bool ok = false;
  const std::string want = nnport::read_file(expected, &ok);
  ASSERT_TRUE(ok) << expected << " missing; run with NNPORT_UPDATE_GOLDEN=1";
  EXPECT_EQ(want, actual) << "golden mismatch: " << expected;
}

}  // namespace nnport::testing::golden
