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

#include "golden_cases.h"
#include "run_nnport.h"
#include "support/atomic_file.h"

namespace fs = std::filesystem;
using nnport::read_file;
using namespace nnport::testing::golden;

namespace {

const fs::path kRoot = fs::path(NNPORT_SOURCE_DIR) / "tests" / "golden" / "scripts";

class GoldenScript : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenScript, MatchesExpectedScript) {
  const fs::path dir = kRoot / GetParam();
  const fs::path scratch = nnport::testing::scratch_dir("golden-script-" + GetParam());
  std::vector<std::string> args = {"migrate", (dir / "input.py").string(), "-o",
                                   (scratch / "out").string()};
  append_case_args(dir, args);
  auto result = nnport::testing::run_nnport(args, scratch);
  ASSERT_GE(result.exit_status, 0) << "nnport crashed: " << result.err;
  compare(dir / "expected" / "stderr.txt", normalise(result.err, scratch));
  bool ok = false;
  const std::string actual = read_file(scratch / "out" / "input.py", &ok);
  ASSERT_TRUE(ok) << result.err;
  compare(dir / "expected" / "input.py", actual);
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenScript, ::testing::ValuesIn(case_names(kRoot)),
                         [](const auto& test_info) { return test_info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenScript);

}  // namespace
