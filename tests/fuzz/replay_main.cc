// Replays a fuzz target on saved inputs, without libFuzzer: the same `LLVMFuzzerTestOneInput`
// linked with this `main` into an ordinary executable of the sanitizer build. CTest runs each
// target over its seeds (tests/fuzz/replay.sh), so the targets keep compiling and every seed and
// every saved finding (tests/fuzz/regressions/<target>/) stays a regression test under the GCC
// AddressSanitizer + UndefinedBehaviorSanitizer build, at the cost of a link instead of a second,
// clang-instrumented build of the whole library. Fuzzing itself is scripts/fuzz.sh, on demand.
//
//   <target>_replay PATH...   (files, or directories read recursively in name order)
// Exit 0 when every input ran; a sanitizer report aborts the run with the input's name printed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<std::filesystem::path> inputs_under(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(root)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(root);
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH...\n", argv[0]);
    return 2;
  }
  size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::filesystem::exists(argv[i])) {
      std::fprintf(stderr, "replay: %s: no such file or directory\n", argv[i]);
      return 2;
    }
    for (const auto& path : inputs_under(argv[i])) {
      std::ifstream in(path, std::ios::binary);
      const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                    std::istreambuf_iterator<char>()};
      std::fprintf(stderr, "replay: %s\n", path.c_str());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  std::printf("replay: %zu inputs, no sanitizer report\n", replayed);
  return replayed > 0 ? 0 : 1;
}
