// Keras Normalization.adapt(data) in a training script: the layer's mean and variance are its
// weights, learned from the data before training. The step names the layer by its module path
// in the migrated model, so that the writer calls that layer's own adapt().
//
// `model.norm_layer.adapt(x)` names the layer by its attribute, which call() applies as
// `self.norm_layer(...)`; `normalizer.adapt(x)` names a module-level variable bound to a
// Normalization constructor: applied as `normalizer(...)` in Functional code, or listed in a
// Sequential under its Keras layer name, its `name=` or the automatic one (normalization,
// normalization_1, ... in construction order).
#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {
namespace {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

// Normalization layers of the model whose statistics are parameters (learned by adapt()).
std::vector<const pivot::Node*> adapted_layers(const ScriptContext& ctx) {
  std::vector<const pivot::Node*> out;
  if (!ctx.model) return out;
  for (const auto& n : ctx.model->entry_module().graph.nodes)
    if (n.kind == pivot::OpKind::Standardize && n.params.count("mean")) out.push_back(&n);
  return out;
}

// The callee text of the call at the node's location (`self.norm_layer`, `normalizer`).
std::string applied_as(const pivot::Node& n, const ScriptContext& ctx) {
  if (!ctx.tree) return {};
  for (Node call : pytorch::find_all(ctx.tree->root(), [&](Node c) {
         return c.is(Kind::Call) && c.location().line == n.location.line &&
                c.location().column == n.location.column;
       }))
    return std::string(call.field(Field::Function).text());
  return {};
}

}  // namespace

void KerasScriptRecognizer::note_normalization(Node right, const std::string& variable,
                                               const ScriptContext& ctx) {
  if (!right.is(Kind::Call)) return;
  const std::string q = qualified(right.field(Field::Function), ctx);
  if (!q.ends_with("layers.Normalization")) return;
  const int index = normalizations_++;
  std::string name = index == 0 ? "normalization" : "normalization_" + std::to_string(index);
  const auto args = pytorch::call_args(right);
  if (auto it = args.keywords.find("name");
      it != args.keywords.end() && it->second.is(Kind::String))
    name = setup_value(it->second).text;
  normalization_layers_[variable] = name;
}

bool KerasScriptRecognizer::claim_adapt(Node stmt, Node call, ScriptContext& ctx,
                                        std::vector<ScriptStep>& out) {
  Node layer = call.field(Field::Function).field(Field::Object);
  const auto args = pytorch::call_args(call);
  Node data;
  if (args.positional.size() == 1 && args.keywords.empty())
    data = args.positional[0];
  else if (args.positional.empty() && args.keywords.size() == 1 && args.keywords.count("data"))
    data = args.keywords.at("data");
  // Which layer: an attribute of the model (`model.norm.adapt`), or a variable bound to a
  // Normalization. A layer is named by its module path (its Keras name), and also by the callee
  // of the call that applied it (`self.norm(x)` in call(), `normalizer(x)` in Functional code).
  std::string callee, path;
  if (layer.is(Kind::Attribute)) {
    Node object = layer.field(Field::Object);
    auto it =
        object.is(Kind::Identifier) ? ctx.vars.find(std::string(object.text())) : ctx.vars.end();
    if (it == ctx.vars.end() || it->second != ScriptVar::Model) return false;
    path = std::string(layer.field(Field::Attribute).text());
    callee = "self." + path;
  } else if (layer.is(Kind::Identifier)) {
    callee = std::string(layer.text());
    auto it = normalization_layers_.find(callee);
    if (it != normalization_layers_.end()) path = it->second;
  } else {
    return false;
  }
  const pivot::Node* node = nullptr;
  for (const pivot::Node* n : adapted_layers(ctx))
    if ((!path.empty() && n->module_path == path) || applied_as(*n, ctx) == callee) node = n;
  if (!node) {
    out.push_back(unsupported_step(stmt, ctx,
                                   "adapt(): '" + std::string(layer.text()) +
                                       "' is not a Normalization layer of the migrated model "
                                       "that learns its statistics"));
    return true;
  }
  // NumPy arrays (and what np.asarray takes) only: Keras iterates a tf.data.Dataset batch by
  // batch, combining the batch statistics.
  if (!data || touches_framework(data, ctx)) {
    out.push_back(unsupported_step(
        stmt, ctx, "adapt(): only one array of samples (NumPy) is mapped, not a tf.data pipeline"));
    return true;
  }
  ScriptStep s;
  s.kind = ScriptStep::Kind::Adapt;
  s.location = stmt.location();
  s.text = std::string(data.text());
  s.variable = node->module_path;
  // Keras adapts the layer before the model holding it exists; in PyTorch the layer is a
  // module of the model, so its adapt() follows the model's construction.
  if (ctx.script->model_variable.empty())
    pending_adapts_.push_back(std::move(s));
  else
    out.push_back(std::move(s));
  return true;
}

}  // namespace nnport::readers::keras
