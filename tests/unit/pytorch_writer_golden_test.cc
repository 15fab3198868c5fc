// Golden tests of the PyTorch writer on PyTorch sources (a round trip, through the developer
// option --dev-same-framework until a Keras reader exists): tests/golden/pytorch/<case>/ holds
// input.py (its first comment lines say what the case shows), args.txt (extra command-line
// arguments, one per line) and expected/input.py. NNPORT_UPDATE_GOLDEN=1 rewrites the
// expectations; review them as a diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "run_nnport.h"
#include "support/atomic_file.h"

namespace fs = std::filesystem;
using nnport::read_file;

namespace {

const fs::path kRoot = fs::path(NNPORT_SOURCE_DIR) / "tests" / "golden" / "pytorch";

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  if (fs::exists(kRoot))
    for (const auto& entry : fs::directory_iterator(kRoot))
      if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

bool python_parses(const fs::path& path) {
  const std::string command =
      "/usr/bin/python3 -c \"import ast,sys; ast.parse(open(sys.argv[1]).read())\" " +
      path.string();
  return std::system(command.c_str()) == 0;
}

class PytorchGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(PytorchGolden, MatchesExpectedModule) {
  const fs::path dir = kRoot / GetParam();
  const fs::path scratch = nnport::testing::scratch_dir("pytorch-golden-" + GetParam());
  std::vector<std::string> args = {"migrate",
                                   (dir / "input.py").string(),
                                   "--from",
                                   "pytorch",
                                   "--to",
                                   "pytorch",
                                   "--dev-same-framework",
                                   "-o",
                                   (scratch / "out").string()};
  std::ifstream extra(dir / "args.txt");
  for (std::string line; std::getline(extra, line);)
    if (!line.empty() && line[0] != '#') args.push_back(line);
  auto result = nnport::testing::run_nnport(args, scratch);
  ASSERT_EQ(result.exit_status, 0) << result.err;
  bool ok = false;
  const std::string actual = read_file(scratch / "out" / "input.py", &ok);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(python_parses(scratch / "out" / "input.py"));
  const fs::path expected = dir / "expected" / "input.py";
  if (std::getenv("NNPORT_UPDATE_GOLDEN")) {
    fs::create_directories(expected.parent_path());
    std::ofstream(expected, std::ios::binary) << actual;
    return;
  }
  const std::string want = read_file(expected, &ok);
  ASSERT_TRUE(ok) << expected << " missing; run with NNPORT_UPDATE_GOLDEN=1";
  EXPECT_EQ(want, actual) << "golden mismatch: " << expected;
}

INSTANTIATE_TEST_SUITE_P(Cases, PytorchGolden, ::testing::ValuesIn(case_names()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
