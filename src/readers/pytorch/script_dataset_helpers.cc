// Functions of the script that return a TensorDataset (`def load_split(name): x = np.load(...);
// ...; return TensorDataset(torch.from_numpy(x), torch.from_numpy(y))`): the function stays,
// returning the (inputs, labels) arrays instead, and a dataset or DataLoader made from its call
// is those arrays (bound to a variable once, then read as `v[0]` and `v[1]`).
#include "readers/pytorch/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

// The `return X` statements of a function's own body (nested functions excluded).
std::vector<Node> own_returns(Node def) {
  std::vector<Node> out;
  for (Node r :
       find_all(def.field(Field::Body), [](Node n) { return n.is(Kind::ReturnStatement); })) {
    Node p = r.parent();
    while (p && p != def && !p.is(Kind::FunctionDefinition)) p = p.parent();
    if (p == def) out.push_back(r);
  }
  return out;
}

}  // namespace

Node TorchScriptRecognizer::returned_tensor_dataset(Node ret, const ScriptContext& ctx) const {
  if (!ret.is(Kind::ReturnStatement) || ret.named_child_count() != 1) return {};
  Node value = ret.named_child(0);
  if (!value.is(Kind::Call) ||
      qualified(value.field(Field::Function), ctx) != "torch.utils.data.TensorDataset" ||
      !tensor_dataset(value, ctx))
    return {};
  return value;
}

void TorchScriptRecognizer::find_dataset_helpers(Node module, const ScriptContext& ctx) {
  for (Node stmt : module.named_children()) {
    if (!stmt.is(Kind::FunctionDefinition)) continue;
    auto returns = own_returns(stmt);
    if (returns.size() != 1 || !returned_tensor_dataset(returns[0], ctx)) continue;
    dataset_helpers_.insert(std::string(stmt.field(Field::Name).text()));
  }
}

bool TorchScriptRecognizer::claim_dataset_return(Node stmt, ScriptContext& ctx,
                                                 std::vector<ScriptStep>& out) {
  Node call = returned_tensor_dataset(stmt, ctx);
  if (!call) return false;
  Node def = stmt.parent();
  while (def && !def.is(Kind::FunctionDefinition)) def = def.parent();
  if (!def || !dataset_helpers_.count(std::string(def.field(Field::Name).text()))) return false;
  auto d = tensor_dataset(call, ctx);
  ScriptStep step = verbatim_step(stmt);
  step.text = "return " + d->features.text + ", " + d->labels.text;
  uses_numpy = true;
  out.push_back(std::move(step));
  ctx.diags->note(Code::ScriptDropped, stmt.location())
      << "the TensorDataset returned here is the pair of arrays it wraps";
  return true;
}

std::optional<pivot::Dataset> TorchScriptRecognizer::dataset_helper_arrays(
    Node stmt, Node source, const std::string& arrays, std::vector<ScriptStep>& out) const {
  if (!source || !source.is(Kind::Call) || !source.field(Field::Function).is(Kind::Identifier) ||
      !dataset_helpers_.count(std::string(source.field(Field::Function).text())))
    return std::nullopt;
  ScriptStep step = verbatim_step(stmt);
  step.text = arrays + " = " + std::string(source.text());
  out.push_back(std::move(step));
  pivot::Dataset d;
  d.kind = "arrays";
  d.features = pivot::SetupValue::expr(arrays + "[0]");
  d.labels = pivot::SetupValue::expr(arrays + "[1]");
  return d;
}

}  // namespace nnport::readers::pytorch
