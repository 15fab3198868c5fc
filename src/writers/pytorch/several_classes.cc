// Several nn.Module classes in one generated module (see several_classes.h).
#include "writers/pytorch/several_classes.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace nnport::writers::pytorch {
namespace {

bool is_import(const std::string& line) {
  return line.rfind("import ", 0) == 0 || line.rfind("from ", 0) == 0;
}

// A generated module: its head (comments, imports) and its top-level blocks, each without the
// blank lines that separate them.
struct Parts {
  std::vector<std::string> head;
  std::vector<std::string> blocks;
};

Parts split(const std::string& module) {
  Parts parts;
  std::istringstream in(module);
  std::string line;
  bool in_head = true;
  std::vector<std::string> block;
  auto flush = [&] {
    while (!block.empty() && block.back().empty()) block.pop_back();
    if (block.empty()) return;
    std::string text;
    for (const auto& l : block) text += l + "\n";
    parts.blocks.push_back(text);
    block.clear();
  };
  while (std::getline(in, line)) {
    if (in_head && (line.empty() || line[0] == '#' || is_import(line))) {
      parts.head.push_back(line);
      continue;
    }
    in_head = false;
    // A block starts at an unindented line; a comment line sticks to the block after it.
    const bool starts = !line.empty() && line[0] != ' ' && line[0] != '\t' && line[0] != ')' &&
                        !(block.size() == 1 && block[0][0] == '#') &&
                        !(block.size() == 1 && block[0][0] == '@');
    if (starts) flush();
    block.push_back(line);
  }
  flush();
  while (!parts.head.empty() && parts.head.back().empty()) parts.head.pop_back();
  return parts;
}

}  // namespace

std::string add_module_classes(const std::string& module, const std::string& other,
                               const std::string& comment) {
  Parts main = split(module);
  const Parts extra = split(other);
  // Imports the other class needs, after the module's own.
  size_t last_import = 0;
  for (size_t i = 0; i < main.head.size(); ++i)
    if (is_import(main.head[i])) last_import = i + 1;
  std::vector<std::string> missing;
  for (const auto& l : extra.head)
    if (is_import(l) && std::find(main.head.begin(), main.head.end(), l) == main.head.end())
      missing.push_back(l);
  main.head.insert(main.head.begin() + static_cast<std::ptrdiff_t>(last_import), missing.begin(),
                   missing.end());
  std::vector<std::string> added;
  for (const auto& b : extra.blocks)
    if (std::find(main.blocks.begin(), main.blocks.end(), b) == main.blocks.end())
      added.push_back(b);
  // The other binding's own class (the last block of its module) says where it comes from.
  if (!added.empty() && !comment.empty() && added.back().rfind("class ", 0) == 0) {
    const size_t line_end = added.back().find('\n');
    added.back().insert(line_end + 1, "    \"\"\"" + comment + ".\"\"\"\n\n");
  }
  main.blocks.insert(main.blocks.begin(), added.begin(), added.end());
  std::string out;
  for (const auto& l : main.head) out += l + "\n";
  for (const auto& b : main.blocks) out += "\n\n" + b;
  return out;
}

}  // namespace nnport::writers::pytorch
