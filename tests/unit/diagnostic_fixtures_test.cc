// Diagnostic fixtures: each tests/diagnostics/fixtures/*.py marks the lines where nnport must
// report, with a trailing comment `# expect-error[code]` (or expect-warning). The real binary
// runs on the file; every expected (line, severity, code) must be reported, no unexpected
// error may appear, the exit status must be 1 or 3 (never a crash), and an exit 1 must leave
// no output file. A fixture's first line may be `# args: ...` with extra arguments.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "run_nnport.h"
#include "support/atomic_file.h"

namespace fs = std::filesystem;
using nnport::read_file;

namespace {

const fs::path kRoot = fs::path(NNPORT_SOURCE_DIR) / "tests" / "diagnostics" / "fixtures";

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  if (fs::exists(kRoot))
    for (const auto& entry : fs::directory_iterator(kRoot))
      if (entry.path().extension() == ".py") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

using Expectation = std::tuple<int, std::string, std::string>;  // line, severity, code

class DiagnosticFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(DiagnosticFixture, ReportsExactlyTheMarkedLines) {
  const fs::path file = kRoot / (GetParam() + ".py");
  bool ok = false;
  const std::string text = read_file(file, &ok);
  ASSERT_TRUE(ok);
  std::set<Expectation> expected;
  std::vector<std::string> extra;
  std::istringstream lines(text);
  const std::regex mark(R"(#\s*expect-(error|warning)\[([a-z-]+)\])");
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (number == 1 && line.rfind("# args:", 0) == 0) {
      std::istringstream words(line.substr(7));
      for (std::string w; words >> w;) extra.push_back(w);
    }
    for (std::sregex_iterator it(line.begin(), line.end(), mark), end; it != end; ++it)
      expected.insert({number, (*it)[1], (*it)[2]});
  }
  ASSERT_FALSE(expected.empty()) << "fixture has no expect- marks";

  const fs::path scratch = nnport::testing::scratch_dir("diag-" + GetParam());
  std::vector<std::string> args = {"migrate", file.string(), "-o", (scratch / "out").string()};
  // PyTorch fixtures migrate to Keras; a Keras fixture gives `--to pytorch` in its args.
  if (std::find(extra.begin(), extra.end(), "--to") == extra.end())
    args.insert(args.end(), {"--to", "keras"});
  args.insert(args.end(), extra.begin(), extra.end());
  auto result = nnport::testing::run_nnport(args, scratch);
  ASSERT_TRUE(result.exit_status == 1 || result.exit_status == 3)
      << "exit status " << result.exit_status << "\n"
      << result.err;

  std::set<Expectation> reported;
  const std::regex diag("^(.*):([0-9]+):([0-9]+): (error|warning|note): (.*) \\[([a-z-]+)\\]$");
  std::istringstream err(result.err);
  for (std::string line; std::getline(err, line);) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, diag)) << "malformed diagnostic line: " << line;
    if (m[4] == "note") continue;
    EXPECT_EQ(m[1].str(), file.string()) << line;
    EXPECT_GT(std::stoi(m[3].str()), 0) << "diagnostic without a column: " << line;
    reported.insert({std::stoi(m[2].str()), m[4].str(), m[6].str()});
  }
  for (const auto& e : expected)
    EXPECT_TRUE(reported.count(e)) << "expected " << std::get<1>(e) << "[" << std::get<2>(e)
                                   << "] at line " << std::get<0>(e) << "\nstderr:\n"
                                   << result.err;
  for (const auto& r : reported) {
    if (std::get<1>(r) == "error") {
      EXPECT_TRUE(expected.count(r))
          << "unexpected error[" << std::get<2>(r) << "] at line " << std::get<0>(r);
    }
  }
  if (result.exit_status == 1) {
    EXPECT_FALSE(fs::exists(scratch / "out" / file.filename())) << "failed run left output";
  }
  if (result.exit_status == 3) {
    const std::string code = read_file(scratch / "out" / file.filename(), &ok);
    EXPECT_TRUE(ok) << "partial run wrote no output";
    EXPECT_NE(code.find("TODO(nnport)"), std::string::npos)
        << "partial output has no TODO(nnport) marker";
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, DiagnosticFixture, ::testing::ValuesIn(fixture_names()),
                         [](const auto& test_info) { return test_info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DiagnosticFixture);

}  // namespace
