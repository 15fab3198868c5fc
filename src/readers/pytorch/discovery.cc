// Model discovery (see discovery.h).
#include "readers/pytorch/discovery.h"

#include <functional>

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;

void collect_classes(Context& ctx, Node module) {
  for (Node stmt : module.named_children()) {
    Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
    if (def.is(Kind::FunctionDefinition)) {
      ctx.functions[std::string(def.field(Field::Name).text())] = def;
      continue;
    }
    if (!def.is(Kind::ClassDefinition)) continue;
    ClassInfo info;
    info.name = std::string(def.field(Field::Name).text());
    info.node = def;
    if (Node supers = def.field(Field::Superclasses))
      for (Node b : supers.named_children())
        if (!b.is(Kind::KeywordArgument)) info.bases.push_back(b);
    if (Node body = def.field(Field::Body))
      for (Node member : body.named_children()) {
        Node m = member.is(Kind::DecoratedDefinition) ? member.field(Field::Definition) : member;
        if (m.is(Kind::FunctionDefinition))
          info.methods[std::string(m.field(Field::Name).text())] = m;
      }
    ctx.classes[info.name] = std::move(info);
  }
  // Resolve bases: torch.nn.Module directly, or a module class of this file (fixpoint).
  for (auto& [name, info] : ctx.classes) {
    for (Node b : info.bases) {
      if (b.is(Kind::Identifier) && ctx.classes.count(std::string(b.text())) && b.text() != name) {
        if (!info.user_base) info.user_base = &ctx.classes.at(std::string(b.text()));
        continue;
      }
      auto q = ctx.imports.qualify(b);
      if ((q && *q == "torch.nn.Module") || b.text() == "Module" || b.text() == "nn.Module")
        info.is_module = true;
    }
  }
  bool changed = true;
  for (int round = 0; changed && round < 64; ++round) {
    changed = false;
    for (auto& [name, info] : ctx.classes)
      if (!info.is_module && info.user_base && info.user_base->is_module) {
        info.is_module = true;
        changed = true;
      }
  }
  // Break inheritance cycles (class A(B), class B(A)) so method lookup terminates quickly.
  for (auto& [name, info] : ctx.classes) {
    const ClassInfo* slow = &info;
    const ClassInfo* fast = &info;
    for (int i = 0; i < 64 && fast && fast->user_base; ++i) {
      fast = fast->user_base->user_base;
      slow = slow->user_base;
      if (fast == slow) {
        info.user_base = nullptr;
        break;
      }
    }
  }
}

namespace {

// Identifiers called anywhere under `node` (iterative walk).
void called_names(Node node, std::set<std::string>& out) {
  std::vector<Node> stack{node};
  size_t visited = 0;
  while (!stack.empty() && visited < 2000000) {
    Node n = stack.back();
    stack.pop_back();
    ++visited;
    if (n.is(Kind::Call)) {
      Node fn = n.field(Field::Function);
      if (fn.is(Kind::Identifier)) out.insert(std::string(fn.text()));
    }
    const uint32_t count = n.named_child_count();
    for (uint32_t i = 0; i < count; ++i) stack.push_back(n.named_child(i));
  }
}

// A builder function: its last statement returns a torch.nn module or a module class of the
// file (`return nn.Sequential(...)`, `return Net(...)`).
bool returns_module(const Context& ctx, Node def) {
  Node body = def.field(Field::Body);
  if (!body) return false;
  std::vector<Node> stmts = body.named_children();
  if (stmts.empty() || !stmts.back().is(Kind::ReturnStatement)) return false;
  Node value = stmts.back().named_child(0);
  if (!value.is(Kind::Call)) return false;
  Node fn = value.field(Field::Function);
  auto q = ctx.imports.qualify(fn);
  const bool torch_module =
      q && q->rfind("torch.nn.", 0) == 0 && q->find(".functional.") == std::string::npos;
  const auto cls = ctx.classes.find(std::string(fn.text()));
  const bool user_module = cls != ctx.classes.end() && cls->second.is_module;
  return torch_module || user_module;
}

}  // namespace

Node script_instantiation(const Context& ctx, Node module, const std::string& name) {
  std::vector<Node> stack;
  for (Node stmt : module.named_children()) {
    Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
    if (def.is(Kind::ClassDefinition)) continue;  // parts of models, not the script
    stack.push_back(stmt);
  }
  (void)ctx;
  size_t visited = 0;
  while (!stack.empty() && visited < 2000000) {
    Node n = stack.back();
    stack.pop_back();
    ++visited;
    if (n.is(Kind::Call) && n.field(Field::Function).is(Kind::Identifier) &&
        n.field(Field::Function).text() == name) {
      Node args = n.field(Field::Arguments);
      if (args && args.named_child_count() > 0) return n;
    }
    const uint32_t count = n.named_child_count();
    for (uint32_t i = count; i > 0; --i) stack.push_back(n.named_child(i - 1));
  }
  return {};
}

std::vector<Candidate> model_candidates(Context& ctx, Node module) {
  std::set<std::string> used;
  for (const auto& [name, info] : ctx.classes) {
    if (!info.is_module) continue;
    std::set<std::string> calls;
    called_names(info.node.field(Field::Body), calls);
    calls.erase(name);
    used.insert(calls.begin(), calls.end());
    if (info.user_base) used.insert(info.user_base->name);
  }
  // Only builder functions (returning a module) make what they call a part of a model: a
  // `def main(): model = Net()` or a training helper instantiates the model, it does not
  // compose it.
  for (const auto& [name, def] : ctx.functions) {
    if (!returns_module(ctx, def)) continue;
    std::set<std::string> calls;
    called_names(def.field(Field::Body), calls);
    calls.erase(name);
    used.insert(calls.begin(), calls.end());
  }
  std::vector<Candidate> out;
  for (const auto& [name, info] : ctx.classes) {
    if (!info.is_module || used.count(name) || !info.method("forward")) continue;
    out.push_back(Candidate{name, &info, {}, {}, info.node.location()});
  }
  // Builder functions: `def build(...): ... return nn.Sequential(...)` (or a module class).
  for (const auto& [name, def] : ctx.functions) {
    if (used.count(name)) continue;
    if (returns_module(ctx, def)) out.push_back(Candidate{name, nullptr, {}, def, def.location()});
  }
  for (Node stmt : module.named_children()) {
    if (!stmt.is(Kind::ExpressionStatement)) continue;
    Node assign = stmt.named_child(0);
    if (!assign.is(Kind::Assignment)) continue;
    Node left = assign.field(Field::Left);
    Node right = assign.field(Field::Right);
    if (!left.is(Kind::Identifier) || !right.is(Kind::Call)) continue;
    auto q = ctx.imports.qualify(right.field(Field::Function));
    if (q && *q == "torch.nn.Sequential")
      out.push_back(Candidate{std::string(left.text()), nullptr, right, {}, left.location()});
  }
  return out;
}

}  // namespace nnport::readers::pytorch
