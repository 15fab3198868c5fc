// Syntax helpers of the PyTorch script recogniser (see script_syntax.h).
#include "readers/pytorch/script_syntax.h"

#include <algorithm>

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

// Is this identifier a name read by the program (not `.attr` nor `kw=`)?
bool read_position(Node id) {
  Node parent = id.parent();
  if (!parent) return true;
  if (parent.is(Kind::Attribute) && parent.field(Field::Attribute) == id) return false;
  if (parent.is(Kind::KeywordArgument) && parent.field(Field::Name) == id) return false;
  return true;
}

}  // namespace

std::vector<Node> find_all(Node node, const std::function<bool(Node)>& pred) {
  std::vector<Node> out;
  std::vector<Node> stack{node};
  while (!stack.empty()) {
    Node n = stack.back();
    stack.pop_back();
    if (!n) continue;
    if (pred(n)) out.push_back(n);
    const uint32_t count = n.named_child_count();
    for (uint32_t i = count; i > 0; --i) stack.push_back(n.named_child(i - 1));
  }
  return out;
}

std::set<std::string> names_used(Node node) {
  std::set<std::string> out;
  for (Node id : find_all(node, [](Node n) { return n.is(Kind::Identifier); }))
    if (read_position(id)) out.insert(std::string(id.text()));
  return out;
}

std::vector<Node> method_calls(Node node, const std::string& name) {
  return find_all(node, [&](Node n) {
    if (!n.is(Kind::Call)) return false;
    Node fn = n.field(Field::Function);
    return fn.is(Kind::Attribute) && fn.field(Field::Attribute).text() == name;
  });
}

ScriptArgs call_args(Node call) {
  ScriptArgs out;
  Node args = call.field(Field::Arguments);
  if (!args) return out;
  for (Node a : args.named_children()) {
    if (a.is(Kind::KeywordArgument))
      out.keywords[std::string(a.field(Field::Name).text())] = a.field(Field::Value);
    else if (a.is(Kind::ListSplat) || a.is(Kind::DictionarySplat))
      out.splat = true;
    else if (!a.is(Kind::Comment))
      out.positional.push_back(a);
  }
  return out;
}

MethodChain method_chain(Node expr) {
  MethodChain chain;
  Node n = expr;
  while (n.is(Kind::Call) && n.field(Field::Function).is(Kind::Attribute)) {
    Node fn = n.field(Field::Function);
    chain.calls.push_back(n);
    chain.methods.push_back(std::string(fn.field(Field::Attribute).text()));
    n = fn.field(Field::Object);
  }
  std::reverse(chain.calls.begin(), chain.calls.end());
  std::reverse(chain.methods.begin(), chain.methods.end());
  chain.base = n;
  return chain;
}

std::string rename_identifiers(Node expr, const std::map<std::string, std::string>& renames) {
  const std::string_view text = expr.text();
  std::string out;
  uint32_t at = expr.start_byte();
  for (Node id : find_all(expr, [](Node n) { return n.is(Kind::Identifier); })) {
    auto it = renames.find(std::string(id.text()));
    if (it == renames.end() || !read_position(id)) continue;
    out += text.substr(at - expr.start_byte(), id.start_byte() - at);
    out += it->second;
    at = id.end_byte();
  }
  out += text.substr(at - expr.start_byte());
  return out;
}

Node expression_of(Node stmt) {
  if (!stmt.is(Kind::ExpressionStatement) || stmt.named_child_count() != 1) return {};
  return stmt.named_child(0);
}

std::vector<std::string> target_names(Node left) {
  if (left.is(Kind::Identifier)) return {std::string(left.text())};
  std::vector<std::string> out;
  if (left.is(Kind::PatternList) || left.is(Kind::TuplePattern) || left.is(Kind::ExpressionList) ||
      left.is(Kind::Tuple) || left.is(Kind::ListPattern))
    for (Node c : left.named_children())
      for (auto& n : target_names(c)) out.push_back(n);
  return out;
}

std::string unused_name(syntax::Node any, const std::string& base) {
  syntax::Node root = any;
  while (root.parent()) root = root.parent();
  std::set<std::string> taken;
  for (syntax::Node n :
       find_all(root, [](syntax::Node x) { return x.is(syntax::Kind::Identifier); }))
    taken.insert(std::string(n.text()));
  std::string name = base;
  for (int i = 1; taken.count(name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

}  // namespace nnport::readers::pytorch
