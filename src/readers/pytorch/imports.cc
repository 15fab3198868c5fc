// Import alias collection and dotted-name qualification.
#include "readers/pytorch/imports.h"

#include <vector>

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

std::string dotted(Node n) {
  std::string out;
  for (Node part : n.named_children()) {
    if (!out.empty()) out += '.';
    out += part.text();
  }
  return out.empty() ? std::string(n.text()) : out;
}

// torch.nn.modules.conv.Conv2d and friends are the same classes as torch.nn.Conv2d.
std::string canonical(std::string name) {
  static const std::vector<std::string> kPrefixes = {"torch.nn.modules.linear.",
                                                     "torch.nn.modules.conv.",
                                                     "torch.nn.modules.pooling.",
                                                     "torch.nn.modules.batchnorm.",
                                                     "torch.nn.modules.dropout.",
                                                     "torch.nn.modules.flatten.",
                                                     "torch.nn.modules.sparse.",
                                                     "torch.nn.modules.activation.",
                                                     "torch.nn.modules.container.",
                                                     "torch.nn.modules.module.",
                                                     "torch.nn.modules."};
  for (const auto& prefix : kPrefixes)
    if (name.rfind(prefix, 0) == 0) return "torch.nn." + name.substr(prefix.size());
  return name;
}

}  // namespace

void ImportTable::collect(Node module) {
  for (Node stmt : module.named_children()) collect_statement(stmt, 0);
}

void ImportTable::collect_statement(Node stmt, int depth) {
  if (depth > 8) return;
  if (stmt.is(Kind::ImportStatement)) {
    for (Node name : stmt.fields(Field::Name)) {
      if (name.is(Kind::AliasedImport)) {
        const std::string full = dotted(name.field(Field::Name));
        aliases_[std::string(name.field(Field::Alias).text())] = full;
        if (full.rfind("torch", 0) == 0) imports_torch_ = true;
      } else {
        // `import torch.nn` binds `torch`.
        const std::string full = dotted(name);
        const std::string first = full.substr(0, full.find('.'));
        aliases_[first] = first;
        if (first == "torch") imports_torch_ = true;
      }
    }
  } else if (stmt.is(Kind::ImportFromStatement)) {
    Node module_name = stmt.field(Field::ModuleName);
    if (!module_name.is(Kind::DottedName)) return;  // relative imports name local files
    const std::string base = dotted(module_name);
    if (base.rfind("torch", 0) == 0) imports_torch_ = true;
    for (Node name : stmt.fields(Field::Name)) {
      if (name.is(Kind::AliasedImport)) {
        aliases_[std::string(name.field(Field::Alias).text())] =
            canonical(base + "." + dotted(name.field(Field::Name)));
      } else {
        const std::string local = dotted(name);
        aliases_[local] = canonical(base + "." + local);
      }
    }
  } else if (stmt.is(Kind::Other) || stmt.is(Kind::IfStatement) || stmt.is(Kind::Block) ||
             stmt.is(Kind::ElseClause) || stmt.is(Kind::ElifClause)) {
    // try/except and if blocks around imports
    for (Node child : stmt.named_children()) collect_statement(child, depth + 1);
  }
}

std::optional<std::string> ImportTable::qualify(Node expr) const {
  std::vector<std::string> parts;
  Node n = expr;
  for (int guard = 0; n.is(Kind::Attribute) && guard < 64; ++guard) {
    parts.push_back(std::string(n.field(Field::Attribute).text()));
    n = n.field(Field::Object);
  }
  if (!n.is(Kind::Identifier)) return std::nullopt;
  auto it = aliases_.find(std::string(n.text()));
  std::string out;
  if (it != aliases_.end()) {
    out = it->second;
  } else if (n.text() == "torch") {
    out = "torch";  // conventional names even when the import is missing
  } else if (n.text() == "nn") {
    out = "torch.nn";
  } else if (n.text() == "F") {
    out = "torch.nn.functional";
  } else {
    return std::nullopt;
  }
  for (auto p = parts.rbegin(); p != parts.rend(); ++p) out += "." + *p;
  return canonical(out);
}

}  // namespace nnport::readers::pytorch
