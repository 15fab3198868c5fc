// Loop helpers over the script's globals (see script_global_helpers.h).
#include "readers/pytorch/script_global_helpers.h"

#include <algorithm>
#include <vector>

#include "readers/pytorch/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

// The module's top-level statements, with those of `if __name__ == "__main__":` blocks.
std::vector<Node> top_level_statements(Node module) {
  std::vector<Node> out;
  for (Node stmt : module.named_children()) {
    out.push_back(stmt);
    if (stmt.is(Kind::IfStatement) &&
        std::string(stmt.field(Field::Condition).text()).find("__name__") != std::string::npos)
      for (Node inner : stmt.field(Field::Consequence).named_children()) out.push_back(inner);
  }
  return out;
}

bool calls_function(Node expr, const std::string& function) {
  return expr && expr.is(Kind::Call) && expr.field(Field::Function).is(Kind::Identifier) &&
         expr.field(Field::Function).text() == function;
}

}  // namespace

std::set<std::string> module_globals(Node module) {
  std::set<std::string> out;
  for (Node stmt : top_level_statements(module)) {
    Node e = expression_of(stmt);
    if (!e || !e.is(Kind::Assignment)) continue;
    for (const auto& t : target_names(e.field(Field::Left))) out.insert(t);
  }
  return out;
}

bool called_only_from_epoch_loops(Node module, const std::string& function) {
  const auto all = find_all(module, [&](Node n) { return calls_function(n, function); });
  size_t in_loops = 0;
  for (Node stmt : top_level_statements(module)) {
    if (!stmt.is(Kind::ForStatement)) continue;
    Node right = stmt.field(Field::Right);
    if (!right || !right.is(Kind::Call) || right.field(Field::Function).text() != "range") continue;
    for (Node s : stmt.field(Field::Body).named_children()) {
      Node e = expression_of(s);
      if (e && e.is(Kind::Assignment)) e = e.field(Field::Right);
      if (calls_function(e, function)) ++in_loops;
    }
  }
  return in_loops > 0 && in_loops == all.size();
}

void TorchScriptRecognizer::claim_helper_definition(Node def, const LoopHelper& h,
                                                    ScriptContext& ctx,
                                                    std::vector<ScriptStep>& out) {
  const std::string name(def.field(Field::Name).text());
  // The helper's loop becomes fit/evaluate at its call sites.
  ctx.diags->note(Code::ScriptDropped, def.location())
      << "'" << name << "' runs "
      << (h.role == LoopHelper::Role::Evaluate ? "an evaluation" : "a training")
      << " loop: its calls become " << (h.role == LoopHelper::Role::Evaluate ? "evaluate" : "fit")
      << " and the function is not written";
  if (h.role == LoopHelper::Role::Fit) return;
  Node loop = find_all(def.field(Field::Body), [](Node n) { return n.is(Kind::ForStatement); })[0];
  if (auto b = analyze_batch_loop(loop, h.names, h.loader_names))
    for (Node s : b->unknown)
      if (std::find(b->feature_flattens.begin(), b->feature_flattens.end(), s) ==
          b->feature_flattens.end())  // read (or reported) at the helper's calls
        out.push_back(unsupported_step(
            s, ctx,
            "a statement of the batch loop of '" + name + "' that Keras fit/evaluate cannot run"));
  // Around the loop: saving or reading the model (a checkpoint of the best accuracy) is not
  // what fit/evaluate do.
  const std::string model = ctx.script->model_variable;
  std::set<uint32_t> reported;
  for (Node c : find_all(def.field(Field::Body), [](Node n) { return n.is(Kind::Call); })) {
    if (c.start_byte() >= loop.start_byte() && c.end_byte() <= loop.end_byte()) continue;
    Node fn = c.field(Field::Function);
    const std::string q = qualified(fn, ctx);
    const bool torch_io = q == "torch.save" || q == "torch.load";
    const bool model_state = fn.is(Kind::Attribute) && !model.empty() &&
                             fn.field(Field::Object).text() == model &&
                             (fn.field(Field::Attribute).text() == "state_dict" ||
                              fn.field(Field::Attribute).text() == "load_state_dict");
    if (!torch_io && !model_state) continue;
    Node stmt = c;
    while (stmt.parent() && stmt.parent().type() != "block") stmt = stmt.parent();
    if (!reported.insert(stmt.start_byte()).second) continue;
    out.push_back(unsupported_step(
        stmt, ctx,
        "'" + name +
            "' is not written (its loop becomes fit/evaluate): saving or loading the "
            "model here has no place in the Keras script"));
  }
}

}  // namespace nnport::readers::pytorch
