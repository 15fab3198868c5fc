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

#include "run_nnport.h"
#include "support/atomic_file.h"

namespace fs = std::filesystem;
using nnport::read_file;

namespace {

const fs::path kRoot = fs::path(NNPORT_SOURCE_DIR) / "tests" / "golden" / "models";

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

class GoldenModel : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenModel, MatchesExpectedOutput) {
  const fs::path dir = kRoot / GetParam();
  const fs::path scratch = nnport::testing::scratch_dir("golden-" + GetParam());
  const fs::path input = dir / "input.py";
  bool ok = false;
  const std::string before = read_file(input, &ok);
  ASSERT_TRUE(ok);
  std::vector<std::string> args = {"migrate", input.string(), "--to", "keras", "-o", (scratch / "out").string(),
                                   "--report", (scratch / "report.json").string()};
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
  std::string report = read_file(scratch / "report.json", &ok);
  report = std::regex_replace(report, std::regex("\"nnport_version\": \"[^\"]*\""), "\"nnport_version\": \"*\"");
  compare(dir / "expected" / "report.json", normalise(report));
  if (fs::exists(scratch / "out" / "input.py")) {
    compare(dir / "expected" / "input.py", read_file(scratch / "out" / "input.py", &ok));
  }
  EXPECT_EQ(read_file(input, &ok), before) << "the input file was modified";
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenModel, ::testing::ValuesIn(case_names()),
                         [](const auto& test_info) { return test_info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenModel);

} // namespace
