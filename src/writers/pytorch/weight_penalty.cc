// regularization_loss() of the generated module (see weight_penalty.h).
#include "writers/pytorch/weight_penalty.h"

#include <algorithm>
#include <cctype>

#include "writers/keras/python_literal.h"

namespace nnport::writers::pytorch {
namespace {

using writers::keras::python_float;
using writers::keras::tidy_float;

// The Python reference of a state_dict key: "dense.weight" -> self.dense.weight, the items of
// an nn.Sequential / nn.ModuleList by index ("0.weight" -> self[0].weight).
std::string reference(const std::string& key) {
  std::string out = "self";
  size_t start = 0;
  while (start <= key.size()) {
    size_t dot = key.find('.', start);
    if (dot == std::string::npos) dot = key.size();
    const std::string part = key.substr(start, dot - start);
    const bool index = !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) {
      return std::isdigit(c) != 0;
    });
    out += index ? "[" + part + "]" : "." + part;
    start = dot + 1;
  }
  return out;
}

}  // namespace

bool has_weight_penalty(const pivot::Graph& graph) {
  for (const auto& p : graph.params)
    if (p.l1_penalty != 0.0 || p.l2_penalty != 0.0) return true;
  return false;
}

std::vector<std::string> penalty_method(const pivot::Graph& graph, const pivot::WeightPlan& plan) {
  std::vector<std::string> terms;
  for (const auto& slot : plan.slots) {
    if (slot.zeros || slot.param >= graph.params.size()) continue;
    const pivot::Param& p = graph.params[slot.param];
    const std::string ref = reference(slot.target_name);
    if (p.l1_penalty != 0.0)
      terms.push_back(python_float(tidy_float(p.l1_penalty)) + " * " + ref + ".abs().sum()");
    if (p.l2_penalty != 0.0)
      terms.push_back(python_float(tidy_float(p.l2_penalty)) + " * " + ref + ".square().sum()");
  }
  if (terms.empty()) return {};
  std::vector<std::string> out = {
      "    def " + std::string(kPenaltyMethod) + "(self):",
      "        \"\"\"The source's weight regularizers: the penalty Keras adds to the training "
      "loss.\"\"\""};
  if (terms.size() == 1) {
    out.push_back("        return " + terms[0]);
  } else {
    out.push_back("        return (");
    for (size_t i = 0; i < terms.size(); ++i)
      out.push_back(std::string(i ? "            + " : "            ") + terms[i]);
    out.push_back("        )");
  }
  return out;
}

}  // namespace nnport::writers::pytorch
