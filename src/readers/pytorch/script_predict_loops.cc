// Prediction loops of PyTorch scripts: under torch.no_grad(), `for x, _ in loader:
// preds.append(model(x).argmax(1))` collects each batch's predictions, and a later
// `preds = torch.cat(preds)` joins them. Both become PredictLoop steps (Keras: predict on the
// loader's arrays, cut into the loader's batches).
#include "readers/pytorch/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

// `e` without trailing .cpu() / .detach() / .numpy() (the target's predictions are arrays).
Node without_conversions(Node e) {
  while (e.is(Kind::Call) && e.field(Field::Function).is(Kind::Attribute) &&
         call_args(e).positional.empty() && call_args(e).keywords.empty()) {
    const std::string_view m = e.field(Field::Function).field(Field::Attribute).text();
    if (m != "cpu" && m != "detach" && m != "numpy") break;
    e = e.field(Field::Function).field(Field::Object);
  }
  return e;
}

}  // namespace

bool TorchScriptRecognizer::claim_predict_loop(Node stmt, const std::vector<Node>& inner,
                                               ScriptContext& ctx, std::vector<ScriptStep>& out) {
  if (inner.size() != 1 || !inner[0].is(Kind::ForStatement)) return false;
  Node loop = inner[0];
  Node left = loop.field(Field::Left), right = loop.field(Field::Right);
  const std::vector<std::string> targets = target_names(left);
  if (targets.empty() || !right.is(Kind::Identifier)) return false;
  auto ds = datasets_.find(std::string(right.text()));
  if (ds == datasets_.end() || !names_.loaders.count(ds->first)) return false;
  std::vector<Node> body;
  for (Node s : loop.field(Field::Body).named_children())
    if (!s.is(Kind::Comment)) body.push_back(s);
  Node call = body.size() == 1 ? expression_of(body[0]) : Node{};
  if (!call || !call.is(Kind::Call) || !call.field(Field::Function).is(Kind::Attribute) ||
      call.field(Field::Function).field(Field::Attribute).text() != "append" ||
      !call.field(Field::Function).field(Field::Object).is(Kind::Identifier))
    return false;
  ScriptArgs a = call_args(call);
  if (a.positional.size() != 1 || !a.keywords.empty()) return false;
  // model(x), model(x).argmax(k) / argmax(dim=k), torch.argmax(model(x), dim=k).
  pivot::PredictLoop p;
  Node e = without_conversions(a.positional[0]);
  if (e.is(Kind::Call)) {
    Node fn = e.field(Field::Function);
    ScriptArgs args = call_args(e);
    Node axis = args.keywords.count("dim") ? args.keywords["dim"] : Node{};
    Node of;
    const bool function = qualified(fn, ctx) == "torch.argmax";
    if (function && !args.positional.empty()) {
      of = args.positional[0];
      if (!axis && args.positional.size() == 2) axis = args.positional[1];
    } else if (!function && fn.is(Kind::Attribute) &&
               fn.field(Field::Attribute).text() == "argmax") {
      of = fn.field(Field::Object);
      if (!axis && args.positional.size() == 1) axis = args.positional[0];
    }
    if (of) {
      if (!axis || args.positional.size() + args.keywords.size() != (function ? 2u : 1u))
        return false;  // argmax over the flattened outputs, keepdim=: not mapped
      p.argmax_axis = setup_value(axis);
      e = without_conversions(of);
    }
  }
  const std::string& model = ctx.script->model_variable;
  if (model.empty() || !e.is(Kind::Call) || e.field(Field::Function).text() != model) return false;
  ScriptArgs m = call_args(e);
  if (m.positional.size() != 1 || !m.keywords.empty() || m.positional[0].text() != targets[0])
    return false;
  p.data = ds->first;
  p.collect = std::string(call.field(Field::Function).field(Field::Object).text());
  p.location = stmt.location();
  ctx.script->predict_loops.push_back(p);
  prediction_lists_[p.collect] = ctx.script->predict_loops.size() - 1;
  ScriptStep step;
  step.kind = ScriptStep::Kind::PredictLoop;
  step.index = ctx.script->predict_loops.size() - 1;
  step.text = std::string(stmt.text());
  step.location = stmt.location();
  out.push_back(std::move(step));
  ctx.diags->note(Code::ScriptDropped, stmt.location())
      << "the prediction loop over '" << p.data
      << "' becomes predict on its arrays, cut into the loader's batches";
  return true;
}

bool TorchScriptRecognizer::claim_prediction_concat(Node stmt, ScriptContext& ctx,
                                                    std::vector<ScriptStep>& out) {
  // `preds = torch.cat(preds)` (dim 0), possibly followed by .cpu() / .numpy().
  Node e = expression_of(stmt);
  if (prediction_lists_.empty() || !e || !e.is(Kind::Assignment) ||
      !e.field(Field::Left).is(Kind::Identifier))
    return false;
  Node call = without_conversions(e.field(Field::Right));
  if (!call.is(Kind::Call) || qualified(call.field(Field::Function), ctx) != "torch.cat")
    return false;
  ScriptArgs a = call_args(call);
  if (a.positional.empty() || !a.positional[0].is(Kind::Identifier)) return false;
  auto it = prediction_lists_.find(std::string(a.positional[0].text()));
  if (it == prediction_lists_.end()) return false;
  Node dim = a.positional.size() > 1   ? a.positional[1]
             : a.keywords.count("dim") ? a.keywords["dim"]
                                       : Node{};
  if (a.positional.size() + a.keywords.size() > 2 || (dim && dim.text() != "0")) return false;
  ScriptStep step;
  step.kind = ScriptStep::Kind::PredictLoop;
  step.index = it->second;
  step.variable = std::string(e.field(Field::Left).text());
  step.text = std::string(stmt.text());
  step.location = stmt.location();
  out.push_back(std::move(step));
  return true;
}

}  // namespace nnport::readers::pytorch
