// Models written as nn.Sequential subclasses (see sequential_model.h).
#include "writers/pytorch/sequential_model.h"

#include <algorithm>

#include "frameworks/pytorch/spelling.h"
#include "writers/pytorch/custom_cells.h"
#include "writers/pytorch/layer_params.h"
#include "writers/pytorch/module_tree.h"

namespace nnport::writers::pytorch {
namespace {

using pivot::OpKind;

// k of a layer name `<op>_<k>` (lower-case op); nullopt for any other name.
std::optional<int64_t> item_number(const std::string& path) {
  const size_t underscore = path.rfind('_');
  if (underscore == std::string::npos || underscore == 0 || underscore + 1 == path.size() ||
      path.size() - underscore > 7)
    return std::nullopt;
  const std::string digits = path.substr(underscore + 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos ||
      (digits.size() > 1 && digits[0] == '0'))
    return std::nullopt;
  for (size_t i = 0; i < underscore; ++i) {
    const char c = path[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9' && i > 0) || c == '_'))
      return std::nullopt;
  }
  return std::stoll(digits);
}

bool is_output(const pivot::Graph& g, pivot::ValueId v) {
  return std::any_of(g.outputs.begin(), g.outputs.end(),
                     [&](const pivot::Port& p) { return p.value == v; });
}

}  // namespace

std::optional<SequentialModel> write_sequential_model(const pivot::Graph& g,
                                                      const std::string& class_name) {
  if (g.inputs.size() != 1 || g.outputs.size() != 1 || g.nodes.empty() || g.params.empty())
    return std::nullopt;
  std::vector<PyExpr> items;
  SequentialModel out;
  pivot::ValueId current = g.inputs[0].value;
  const pivot::Node* previous = nullptr;
  for (const auto& n : g.nodes) {
    if (n.kind == OpKind::Unsupported || n.kind == OpKind::Identity || n.kind == OpKind::Lstm ||
        n.kind == OpKind::Gru || n.kind == OpKind::Rnn || n.kind == OpKind::MultiHeadAttention)
      return std::nullopt;
    if (n.inputs.size() != 1 || n.inputs[0] != current || n.outputs.size() != 1 ||
        g.users(current).size() != 1 || (previous && is_output(g, current)))
      return std::nullopt;
    // The item number: the layer's own, or the next one for a step folded into the layer before.
    const int64_t position = static_cast<int64_t>(items.size());
    if (previous && n.module_path == previous->module_path) {
      if (!n.params.empty()) return std::nullopt;
    } else if (item_number(n.module_path) != position) {
      return std::nullopt;
    }
    std::string error;
    if (uses_custom_layer(n)) return std::nullopt;
    const auto& input = g.values[current].type;
    auto spelling = frameworks::pytorch::spell(n, input, false, error);
    if (!spelling || !spelling->pre_pad.empty() || !spelling->post_crop.empty())
      return std::nullopt;
    std::vector<PyExpr> args;
    for (const auto& a : spelling->args)
      args.push_back(PyExpr::text(a.name.empty() ? a.value : a.name + "=" + a.value));
    items.push_back(PyExpr::call(spelling->callee, std::move(args)));
    out.modules.push_back(InitModule{std::to_string(position),
                                     "self[" + std::to_string(position) + "]", spelling->callee});
    if (!plan_layer_params(g, n, std::to_string(position), out.weights, error)) return std::nullopt;
    current = n.outputs[0];
    previous = &n;
  }
  if (g.outputs[0].value != current) return std::nullopt;
  out.class_source = "class " + class_name + "(nn.Sequential):\n" + "    def __init__(self):\n" +
                     render_expr("", PyExpr::call("super().__init__", std::move(items)), 8) + "\n";
  return out;
}

}  // namespace nnport::writers::pytorch
