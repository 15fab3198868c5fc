// Golden tests of whole migrations: tests/golden/models/<case>/ holds input.py (its first comment
// lines say what the case shows), args.txt (extra command-line arguments, one per line) and
// expected/: <stem>.py, report.json and stderr.txt. The real binary runs on the input and the
// outputs must match byte for byte after normalising the scratch directory to OUT.
// NNPORT_UPDATE_GOLDEN=1 rewrites the expectations; review them as a diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "golden_cases.h"
#include "run_nnport.h"
#include "support/atomic_file.h"

namespace fs = std::filesystem;
using nnport::read_file;
using namespace nnport::testing::golden;

namespace {

const fs::path kRoot = fs::path(NNPORT_SOURCE_DIR) / "tests" / "golden" / "models";

class GoldenModel : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenModel, MatchesExpectedOutput) {
  const fs::path dir = kRoot / GetParam();
  const fs::path scratch = nnport::testing::scratch_dir("golden-" + GetParam());
  const fs::path input = dir / "input.py";
  bool ok = false;
  const std::string before = read_file(input, &ok);
  ASSERT_TRUE(ok);
  std::vector<std::string> args = {"migrate",  input.string(),
                                   "--to",     "keras",
                                   "-o",       (scratch / "out").string(),
                                   "--report", (scratch / "report.json").string()};
  append_case_args(dir, args);
  auto result = nnport::testing::run_nnport(args, scratch);
  ASSERT_GE(result.exit_status, 0) << "nnport crashed: " << result.err;
  compare(dir / "expected" / "stderr.txt", normalise(result.err, scratch));
  std::string report = read_file(scratch / "report.json", &ok);
  report = std::regex_replace(report, std::regex("\"nnport_version\": \"[^\"]*\""),
                              "\"nnport_version\": \"*\"");
  compare(dir / "expected" / "report.json", normalise(report, scratch));
  if (fs::exists(scratch / "out" / "input.py")) {
    compare(dir / "expected" / "input.py", read_file(scratch / "out" / "input.py", &ok));
  }
  EXPECT_EQ(read_file(input, &ok), before) << "the input file was modified";
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenModel, ::testing::ValuesIn(case_names(kRoot)),
                         [](const auto& test_info) { return test_info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenModel);

}  // namespace
