// Framework detection from top-level import lines. A file importing both torch and
// keras/tensorflow is ambiguous and needs --from.
#include "cli/detect_framework.h"

namespace nnport::cli {
namespace {

bool starts_with_word(std::string_view line, std::string_view word) {
  if (line.substr(0, word.size()) != word) return false;
  return line.size() == word.size() || line[word.size()] == '.' || line[word.size()] == ' ' ||
         line[word.size()] == ',' || line[word.size()] == '\r';
}

bool imports(std::string_view line, std::string_view module) {
  if (line.starts_with("import ")) {
    line.remove_prefix(7);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    return starts_with_word(line, module);
  }
  if (line.starts_with("from ")) {
    line.remove_prefix(5);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    return starts_with_word(line, module);
  }
  return false;
}

}  // namespace

std::string detect_framework(std::string_view source) {
  bool torch = false, keras = false;
  size_t pos = 0;
  while (pos < source.size()) {
    size_t end = source.find('\n', pos);
    if (end == std::string_view::npos) end = source.size();
    std::string_view line = source.substr(pos, end - pos);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (imports(line, "torch")) torch = true;
    if (imports(line, "keras") || imports(line, "tensorflow") || imports(line, "tf_keras"))
      keras = true;
    pos = end + 1;
  }
  if (torch == keras) return {};
  return torch ? "pytorch" : "keras";
}

}  // namespace nnport::cli
