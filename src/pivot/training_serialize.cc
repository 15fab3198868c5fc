// JSON form of the training pivot: every value with its kind and whether the source wrote it.
#include "pivot/training_serialize.h"

namespace nnport::pivot {
namespace {

using json = nlohmann::json;

json location(const SourceLocation& at) {
  if (!at.known()) return nullptr;
  return json{{"line", at.line}, {"col", at.column}};
}

json args(const SetupArgs& values) {
  json out = json::object();
  for (const auto& [name, v] : values) out[name] = to_json(v);
  return out;
}

std::string_view step_kind(ScriptStep::Kind kind) {
  using K = ScriptStep::Kind;
  switch (kind) {
    case K::Verbatim: return "verbatim";
    case K::Block: return "block";
    case K::ModelDefinition: return "model_definition";
    case K::BuildModel: return "build_model";
    case K::MakeData: return "make_data";
    case K::MakeOptimizer: return "make_optimizer";
    case K::MakeLoss: return "make_loss";
    case K::MakeSchedule: return "make_schedule";
    case K::Compile: return "compile";
    case K::Train: return "train";
    case K::Evaluate: return "evaluate";
    case K::Predict: return "predict";
    case K::PredictLoop: return "predict_loop";
    case K::SaveWeights: return "save_weights";
    case K::LoadWeights: return "load_weights";
    case K::Seed: return "seed";
    case K::Dropped: return "dropped";
    case K::Unsupported: return "unsupported";
    case K::WrapModel: return "wrap_model";
    case K::Adapt: return "adapt";
    case K::Function: return "function";
    case K::Forward: return "forward";
    case K::LossCall: return "loss_call";
    case K::AddModelLosses: return "add_model_losses";
    case K::Gradients: return "gradients";
    case K::ApplyGradients: return "apply_gradients";
    case K::MakeMetric: return "make_metric";
    case K::MetricUpdate: return "metric_update";
    case K::MetricReset: return "metric_reset";
  }
  return "?";
}

json step_json(const ScriptStep& step) {
  json out{{"kind", step_kind(step.kind)}, {"at", location(step.location)}};
  if (!step.text.empty()) out["text"] = step.text;
  if (!step.variable.empty()) out["variable"] = step.variable;
  if (!step.model.empty()) out["model"] = step.model;
  if (!step.reason.empty()) out["reason"] = step.reason;
  if (step.kind == ScriptStep::Kind::MakeData || step.kind == ScriptStep::Kind::Train ||
      step.kind == ScriptStep::Kind::Evaluate || step.kind == ScriptStep::Kind::MakeSchedule ||
      step.kind == ScriptStep::Kind::PredictLoop || step.kind == ScriptStep::Kind::MakeMetric)
    out["index"] = step.index;
  if (!step.args.empty()) out["args"] = step.args;
  if (step.kind == ScriptStep::Kind::Forward) {
    out["training"] = step.training;
    out["gradients"] = step.gradients;
  }
  if (step.definition) out["definition"] = true;
  if (!step.clauses.empty()) {
    json clauses = json::array();
    for (const auto& c : step.clauses) {
      json body = json::array();
      for (const auto& s : c.body) body.push_back(step_json(s));
      clauses.push_back(json{{"header", c.header}, {"body", body}});
    }
    out["clauses"] = clauses;
  }
  return out;
}

}  // namespace

json to_json(const SetupValue& v) {
  using K = SetupValue::Kind;
  json value;
  switch (v.kind) {
    case K::Unset: return nullptr;
    case K::Bool: value = v.b; break;
    case K::Int: value = v.i; break;
    case K::Float: value = v.f; break;
    case K::String: value = v.text; break;
    case K::Expr: value = json{{"python", v.text}}; break;
    case K::List:
      value = json::array();
      for (const auto& item : v.items) value.push_back(to_json(item));
      break;
  }
  return v.from_source ? value : json{{"default", value}};
}

json to_json(const Script& script) {
  const TrainingSetup& s = script.setup;
  json setup = json::object();
  if (s.optimizer) {
    const char* decay[] = {"none", "coupled", "decoupled"};
    const char* clip[] = {"none", "global_norm", "per_tensor_norm", "value"};
    setup["optimizer"] =
        json{{"kind", s.optimizer->kind},
             {"args", args(s.optimizer->args)},
             {"weight_decay", json{{"mode", decay[static_cast<int>(s.optimizer->decay)]},
                                   {"value", to_json(s.optimizer->weight_decay)}}},
             {"clip", json{{"mode", clip[static_cast<int>(s.optimizer->clip)]},
                           {"value", to_json(s.optimizer->clip_value)}}},
             {"variable", s.optimizer->variable}};
  }
  if (s.loss)
    setup["loss"] = json{{"kind", s.loss->kind},
                         {"args", args(s.loss->args)},
                         {"input_form", s.loss->input_form},
                         {"label_form", s.loss->label_form},
                         {"variable", s.loss->variable}};
  if (s.loss && !s.loss->function.empty()) setup["loss"]["function"] = s.loss->function;
  json metrics = json::array();
  for (const auto& m : s.metrics) {
    metrics.push_back(json{{"kind", m.kind}, {"args", args(m.args)}, {"name", m.display_name}});
    if (!m.variable.empty()) metrics.back()["variable"] = m.variable;
    if (!m.function.empty()) metrics.back()["function"] = m.function;
    if (m.output >= 0) metrics.back()["output"] = m.output;
  }
  setup["metrics"] = metrics;
  json schedules = json::array();
  for (const auto& sc : s.schedules)
    schedules.push_back(json{
        {"kind", sc.kind}, {"args", args(sc.args)}, {"unit", sc.unit}, {"variable", sc.variable}});
  setup["schedules"] = schedules;
  json callbacks = json::array();
  for (const auto& c : s.callbacks)
    callbacks.push_back(json{{"kind", c.kind}, {"args", args(c.args)}});
  setup["callbacks"] = callbacks;
  json datasets = json::array();
  for (const auto& d : s.datasets) {
    json transforms = json::array();
    for (const auto& t : d.transforms)
      transforms.push_back(
          json{{"kind", t.kind}, {"args", args(t.args)}, {"training_only", t.training_only}});
    datasets.push_back(json{{"variable", d.variable},
                            {"kind", d.kind},
                            {"features", to_json(d.features)},
                            {"labels", to_json(d.labels)},
                            {"args", args(d.args)},
                            {"batch_size", to_json(d.batch_size)},
                            {"shuffle", to_json(d.shuffle)},
                            {"drop_last", to_json(d.drop_last)},
                            {"transforms", transforms},
                            {"parent", d.parent},
                            {"split_fraction", to_json(d.split_fraction)},
                            {"split_part", d.split_part},
                            {"builtin_split", to_json(d.builtin_split)}});
  }
  setup["datasets"] = datasets;
  json l2 = json::object();
  for (const auto& [node, c] : s.l2_penalties) l2[node] = to_json(c);
  setup["l2_penalties"] = l2;
  if (!s.output_losses.empty()) {
    json per_output = json::array();
    for (const auto& o : s.output_losses)
      per_output.push_back(json{{"output", o.output},
                                {"name", o.name},
                                {"kind", o.loss.kind},
                                {"args", args(o.loss.args)},
                                {"input_form", o.loss.input_form},
                                {"label_form", o.loss.label_form},
                                {"weight", to_json(o.weight)}});
    setup["output_losses"] = per_output;
  }
  json fits = json::array();
  for (const auto& f : script.fits)
    fits.push_back(json{{"train_data", f.train_data},
                        {"epochs", to_json(f.epochs)},
                        {"batch_size", to_json(f.batch_size)},
                        {"shuffle", to_json(f.shuffle)},
                        {"validation_data", f.validation_data},
                        {"validation_split", to_json(f.validation_split)},
                        {"verbose", to_json(f.verbose)},
                        {"history", f.history_variable}});
  for (size_t i = 0; i < script.fits.size(); ++i) {
    json read = json::array();
    if (script.fits[i].history_epoch) read.push_back("epoch");
    if (script.fits[i].history_params) read.push_back("params");
    if (!read.empty()) fits[i]["history_read"] = read;
  }
  for (size_t i = 0; i < script.fits.size(); ++i) {
    const Fit& f = script.fits[i];
    if (f.epoch_variable.empty()) continue;
    json bindings = json::array();
    for (const auto& b : f.bindings)
      bindings.push_back(json{{"variable", b.variable}, {"quantity", b.quantity}});
    fits[i]["epoch_loop"] = json{
        {"variable", f.epoch_variable}, {"start", to_json(f.epoch_start)}, {"bindings", bindings}};
  }
  json evaluations = json::array();
  for (const auto& e : script.evaluations)
    evaluations.push_back(json{
        {"data", e.data}, {"batch_size", to_json(e.batch_size)}, {"results", e.result_variables}});
  json predict_loops = json::array();
  for (const auto& p : script.predict_loops)
    predict_loops.push_back(
        json{{"data", p.data}, {"collect", p.collect}, {"argmax_axis", to_json(p.argmax_axis)}});
  json steps = json::array();
  for (const auto& step : script.steps) steps.push_back(step_json(step));
  json out{{"model_variable", script.model_variable},
           {"setup", setup},
           {"fits", fits},
           {"evaluations", evaluations},
           {"predict_loops", predict_loops},
           {"steps", steps}};
  if (!script.custom_steps.empty()) {
    json custom = json::array();
    for (const auto& c : script.custom_steps)
      custom.push_back(json{{"function", c.function},
                            {"training", c.training},
                            {"compiled", c.compiled},
                            {"at", location(c.location)}});
    out["custom_steps"] = custom;
  }
  return out;
}

}  // namespace nnport::pivot
