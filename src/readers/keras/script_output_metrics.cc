// compile(metrics=...) for a model with several outputs (see script_recognizer.h): a dict keyed
// by output name, a list with one list per output (Keras 3), or a flat list, which tf.keras
// computes on every output (Keras 3 requires one entry per output). Each metric is bound to its
// output and named as Keras logs it, "<output>_<metric>"; "accuracy" is resolved from that
// output's loss.
#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {
namespace {

using syntax::Field;
using syntax::Kind;
using syntax::Node;

std::vector<Node> entries(Node n) {
  if (n.is(Kind::List) || n.is(Kind::Tuple)) return n.named_children();
  if (n.is(Kind::None)) return {};
  return {n};
}

}  // namespace

bool KerasScriptRecognizer::read_output_metrics(Node metrics, ScriptContext& ctx,
                                                std::string& why) {
  const auto& outputs = ctx.script->setup.output_losses;
  if (outputs.empty()) {
    why = "compile(metrics=...) for several outputs needs one loss per output";
    return false;
  }
  // (output loss, its metric entries) pairs.
  std::vector<std::pair<const pivot::OutputLoss*, std::vector<Node>>> per_output;
  if (metrics.is(Kind::Dictionary)) {
    for (Node pair : metrics.named_children()) {
      const pivot::SetupValue key =
          pair.is(Kind::Pair) ? setup_value(pair.field(Field::Key)) : pivot::SetupValue{};
      const pivot::OutputLoss* match = nullptr;
      for (const auto& o : outputs)
        if (key.kind == pivot::SetupValue::Kind::String && o.name == key.text) match = &o;
      if (!match) {
        why = "compile(metrics={...}): " + std::string(pair.text()) + " names no output";
        return false;
      }
      per_output.emplace_back(match, entries(pair.field(Field::Value)));
    }
  } else if (metrics.is(Kind::List) || metrics.is(Kind::Tuple)) {
    const auto items = metrics.named_children();
    bool nested = !items.empty();
    for (Node item : items)
      nested = nested && (item.is(Kind::List) || item.is(Kind::Tuple) || item.is(Kind::None));
    if (nested) {
      if (items.size() != outputs.size()) {
        why = "compile(metrics=[...]) has " + std::to_string(items.size()) +
              " lists for a model with " + std::to_string(outputs.size()) + " outputs";
        return false;
      }
      // Keras' flat output order: the list's order, as loss=[...].
      for (size_t i = 0; i < items.size(); ++i)
        per_output.emplace_back(&outputs[i], entries(items[i]));
    } else {
      if (ctx.diags)
        ctx.diags->warning(Code::TrainingConvention, metrics.location())
            << "a flat list of metrics for a model with " << outputs.size()
            << " outputs: computed on every output, as tf.keras does (Keras 3 asks for one "
               "list per output)";
      for (const auto& o : outputs) per_output.emplace_back(&o, items);
    }
  } else {
    why = "compile(metrics=...) must be a list or a dict";
    return false;
  }
  for (const auto& [output, items] : per_output)
    for (Node m : items) {
      pivot::Metric metric;
      metric.output = static_cast<int>(output->output);
      if (!read_metric(m, &output->loss, ctx, metric)) {
        why = "metric " + std::string(m.text()) + " has no mapping yet";
        return false;
      }
      metric.output = static_cast<int>(output->output);
      metric.display_name = output->name + "_" + metric.display_name;
      ctx.script->setup.metrics.push_back(std::move(metric));
    }
  return true;
}

std::optional<pivot::SetupValue> KerasScriptRecognizer::inputs_in_model_order(Node x,
                                                                              ScriptContext& ctx) {
  if (!ctx.model) return std::nullopt;
  const pivot::Graph& graph = ctx.model->entry_module().graph;
  std::vector<std::string> ordered(graph.inputs.size());
  for (Node pair : x.named_children()) {
    const pivot::SetupValue key =
        pair.is(Kind::Pair) ? setup_value(pair.field(Field::Key)) : pivot::SetupValue{};
    bool found = false;
    for (size_t i = 0; i < graph.inputs.size(); ++i)
      if (key.kind == pivot::SetupValue::Kind::String &&
          graph.values.at(graph.inputs[i].value).name == key.text) {
        ordered[i] = std::string(pair.field(Field::Value).text());
        found = true;
      }
    if (!found || touches_framework(pair, ctx)) return std::nullopt;
  }
  std::string list;
  for (const auto& item : ordered) {
    if (item.empty()) return std::nullopt;
    list += (list.empty() ? "" : ", ") + item;
  }
  return pivot::SetupValue::expr("[" + list + "]");
}

}  // namespace nnport::readers::keras
