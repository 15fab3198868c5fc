// The coverage table (see coverage.h). Input shapes come from a `# nnport-test:` header line
// (input=N,3,32,32 ... dtype=int64 class=Net) when the file has one; nothing is written but the
// optional JSON table.
#include "cli/coverage.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/input_spec.h"
#include "passes/pipeline.h"
#include "readers/pytorch/reader.h"
#include "support/atomic_file.h"
#include "writers/keras/writer.h"

namespace nnport::cli {
namespace {

namespace fs = std::filesystem;

struct FileResult {
  std::string path;
  std::string status;  // complete | partial | failed
  std::vector<std::string> codes;
  std::string first;  // first error diagnostic, formatted
};

// class=, input= (repeatable), dtype= (repeatable) from the header line, when present.
void read_header(const std::string& text, readers::ReadOptions& read) {
  std::istringstream lines(text);
  std::string line;
  for (int n = 0; n < 5 && std::getline(lines, line); ++n) {
    const auto at = line.find("nnport-test:");
    if (line.rfind("#", 0) != 0 || at == std::string::npos) continue;
    std::istringstream words(line.substr(at + 12));
    std::string word, error;
    size_t shapes = 0, dtypes = 0;
    while (words >> word) {
      const auto eq = word.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
      if (key == "class") read.class_name = value;
      if (key == "input") {
        if (read.inputs.size() <= shapes) read.inputs.resize(shapes + 1);
        read.inputs[shapes++].shape = parse_input_shape(value, error);
      }
      if (key == "dtype") {
        if (read.inputs.size() <= dtypes) read.inputs.resize(dtypes + 1);
        if (auto d = parse_input_dtype(value, error)) read.inputs[dtypes].dtype = *d;
        ++dtypes;
      }
    }
    return;
  }
}

FileResult cover_file(const std::string& path) {
  FileResult result{path, "failed", {}, {}};
  DiagnosticEngine diags;
  bool ok = false;
  const std::string text = read_file(path, &ok);
  if (!ok) {
    result.codes.push_back("file-not-found");
    return result;
  }
  readers::ReadOptions read;
  read_header(text, read);
  bool written = false, partial = false;
  try {
    auto model = readers::read_pytorch(path, text, read, diags);
    if (model && passes::prepare_for_channels_last(*model, diags)) {
      writers::keras::WriteOptions write;
      write.source_name = fs::path(path).filename().string();
      if (auto out = writers::keras::write_keras(*model, write, diags)) {
        written = true;
        partial = out->partial;
      }
    }
  } catch (const std::exception& e) {
    // The same guard as `migrate`: a bug is a failed file in the table, not a crashed run.
    written = false;
    diags.error(Code::InternalError, SourceLocation{path, 0, 0})
        << "internal error (" << e.what() << ")";
  }
  std::set<std::string> codes;
  for (const auto& d : diags.diagnostics()) {
    if (d.severity != Severity::Error) continue;
    codes.insert(std::string(code_info(d.code).name));
    if (result.first.empty()) result.first = format_diagnostic(d);
  }
  result.codes.assign(codes.begin(), codes.end());
  result.status = !written ? "failed" : (partial || diags.has_errors()) ? "partial" : "complete";
  return result;
}

std::vector<std::string> python_files(const std::vector<std::string>& roots) {
  std::vector<std::string> files;
  for (const auto& root : roots) {
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
      files.push_back(root);
      continue;
    }
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec) && it->path().extension() == ".py")
        files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

ExitStatus run_coverage(const CoverageOptions& o) {
  std::vector<FileResult> results;
  for (const auto& file : python_files(o.paths)) results.push_back(cover_file(file));
  std::map<std::string, int> totals, histogram;
  for (const auto& r : results) {
    ++totals[r.status];
    for (const auto& c : r.codes) ++histogram[c];
    std::cout << r.status << "  " << r.path;
    if (!r.codes.empty()) {
      std::cout << "  [";
      for (size_t i = 0; i < r.codes.size(); ++i) std::cout << (i ? ", " : "") << r.codes[i];
      std::cout << "]\n    " << r.first;
    }
    std::cout << "\n";
  }
  std::cout << "\n"
            << results.size() << " files: " << totals["complete"] << " complete, "
            << totals["partial"] << " partial, " << totals["failed"] << " failed\n";
  std::vector<std::pair<std::string, int>> sorted(histogram.begin(), histogram.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [code, count] : sorted) std::cout << "  " << count << "  " << code << "\n";
  if (!o.json.empty()) {
    nlohmann::json table = nlohmann::json::object();
    table["files"] = nlohmann::json::array();
    for (const auto& r : results)
      table["files"].push_back(
          {{"path", r.path}, {"status", r.status}, {"codes", r.codes}, {"first", r.first}});
    table["totals"] = totals;
    table["codes"] = histogram;
    if (auto error = write_file_atomically(o.json, table.dump(2) + "\n"); !error.empty()) {
      std::cerr << "nnport:0:0: error: " << error << " [output-not-writable]\n";
      return ExitStatus::Failed;
    }
  }
  if (results.empty()) {
    std::cerr << "nnport:0:0: error: no .py files found [file-not-found]\n";
    return ExitStatus::Failed;
  }
  return totals["complete"] == static_cast<int>(results.size()) ? ExitStatus::Complete
                                                                : ExitStatus::Partial;
}

}  // namespace nnport::cli
