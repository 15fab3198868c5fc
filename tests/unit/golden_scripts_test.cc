// Golden tests of training-script migrations in either direction: tests/golden/scripts/<case>/
// holds input.py (its first comment lines say what the case shows), args.txt (the command-line
// arguments after the input, `--to` included, one per line) and expected/: input.py (the
// migrated script) and stderr.txt (its diagnostics, the scratch directory normalised to OUT).
// NNPORT_UPDATE_GOLDEN=1 rewrites the expectations; review them as a diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "run_nnport.h"
#include "support/atomic_file.h"

namespace fs = std::filesystem;
using nnport::read_file;

namespace {

const fs::path kRoot = fs::path(NNPORT_SOURCE_DIR) / "tests" / "golden" / "scripts";

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  if (fs::exists(kRoot))
    for (const auto& entry : fs::directory_iterator(kRoot))
      if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
    text.replace(pos, from.size(), to);
  return text;
}

void compare(const fs::path& expected, const std::string& actual) {
  if (std::getenv("NNPORT_UPDATE_GOLDEN")) {
    fs::create_directories(expected.parent_path());
    std::ofstream(expected, std::ios::binary) << actual;
    return;
  }
  bool ok = false;
  const std::string want = read_file(expected, &ok);
  ASSERT_TRUE(ok) << expected << " missing; run with NNPORT_UPDATE_GOLDEN=1";
  EXPECT_EQ(want, actual) << "golden mismatch: " << expected;
}

class GoldenScript : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenScript, MatchesExpectedScript) {
  const fs::path dir = kRoot / GetParam();
  const fs::path scratch = nnport::testing::scratch_dir("golden-script-" + GetParam());
  std::vector<std::string> args = {"migrate", (dir / "input.py").string(), "-o",
                                   (scratch / "out").string()};
  std::ifstream extra(dir / "args.txt");
  for (std::string line; std::getline(extra, line);)
    if (!line.empty() && line[0] != '#') args.push_back(line);
  auto result = nnport::testing::run_nnport(args, scratch);
  ASSERT_GE(result.exit_status, 0) << "nnport crashed: " << result.err;
  auto normalise = [&](std::string text) {
    text = replace_all(text, scratch.string(), "OUT");
    return replace_all(text, fs::path(NNPORT_SOURCE_DIR).string(), "SRC");
  };
  compare(dir / "expected" / "stderr.txt", normalise(result.err));
  bool ok = false;
  const std::string actual = read_file(scratch / "out" / "input.py", &ok);
  ASSERT_TRUE(ok) << result.err;
  compare(dir / "expected" / "input.py", actual);
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenScript, ::testing::ValuesIn(case_names()),
                         [](const auto& test_info) { return test_info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenScript);

}  // namespace
