// Test helper: runs the real nnport binary and captures exit status, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/atomic_file.h"

namespace nnport::testing {

struct RunResult {
  int exit_status = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline RunResult run_nnport(const std::vector<std::string>& args,
                            const std::filesystem::path& scratch) {
  std::filesystem::create_directories(scratch);
  std::string cmd = shell_quote(NNPORT_BINARY);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  const auto out = scratch / "stdout.txt";
  const auto err = scratch / "stderr.txt";
  cmd += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  const int raw = std::system(cmd.c_str());
  RunResult r;
  if (raw != -1 && WIFEXITED(raw)) r.exit_status = WEXITSTATUS(raw);
  bool ok = false;
  r.out = read_file(out, &ok);
  r.err = read_file(err, &ok);
  return r;
}

inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir =
      std::filesystem::temp_directory_path() / ("nnport-test-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace nnport::testing
