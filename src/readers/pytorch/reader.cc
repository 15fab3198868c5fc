// PyTorch reader entry: parse, discover the model, build it by running __init__ statically,
// trace forward() into pivot graphs.
#include "readers/pytorch/reader.h"

#include <algorithm>

#include "readers/model_choice.h"
#include "readers/pytorch/data_shapes.h"
#include "readers/pytorch/discovery.h"
#include "readers/pytorch/init_runner.h"
#include "readers/pytorch/placement.h"
#include "readers/pytorch/tracer.h"

namespace nnport::readers {

using namespace pytorch;

namespace {

pivot::TensorType input_type(const InputSpec& spec) {
  pivot::TensorType t;
  t.dtype = spec.dtype.value_or(pivot::DType::Float32);
  if (!spec.shape) {
    t.rank_known = false;
    return t;
  }
  t.shape = *spec.shape;
  const bool floating = pivot::is_floating(t.dtype);
  if (t.rank() == 2)
    t.layout = floating ? "NC" : "NT";
  else if (t.rank() == 4 && floating)
    t.layout = "NCHW";
  return t;
}

// What --class names: any module class of the file (a part of the model read on its own), else
// a top-level candidate (a builder or a module-level Sequential).
std::optional<Candidate> named_candidate(const Context& ctx, const std::vector<Candidate>& top,
                                         const std::string& name) {
  if (auto cls = ctx.classes.find(name); cls != ctx.classes.end() && cls->second.is_module)
    return Candidate{cls->first, &cls->second, {}, {}, cls->second.node.location()};
  if (const Candidate* c = find_named(top, name)) return *c;
  return std::nullopt;
}

constexpr ModelChoiceWording kWording{
    "nn.Module class or model",
    "no class deriving from nn.Module with a forward() and no module-level nn.Sequential"};

}  // namespace

std::optional<pivot::Model> read_pytorch(const std::string& path, std::string_view source,
                                         const ReadOptions& options, DiagnosticEngine& diags) {
  auto tree = syntax::Tree::parse_python(path, source);
  if (!tree) {
    diags.error(Code::SyntaxError, SourceLocation{path, 1, 1}) << "the file could not be parsed";
    return std::nullopt;
  }
  if (auto bad = tree->first_error()) {
    diags.error(Code::SyntaxError, *bad) << tree->first_error_text();
    return std::nullopt;
  }
  pivot::Model model;
  model.source_framework = "pytorch";
  model.source_file = path;
  Context ctx;
  ctx.path = path;
  ctx.tree = &*tree;
  ctx.diags = &diags;
  ctx.model = &model;
  Node root = tree->root();
  ctx.imports.collect(root);
  syntax::bind_module_constants(root, ctx.globals, placement_resolver(ctx.imports));
  collect_classes(ctx, root);

  std::vector<Candidate> candidates = model_candidates(ctx, root);
  // Source order, so that messages and the reported location do not depend on names.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     return std::pair(a.location.line, a.location.column) <
                            std::pair(b.location.line, b.location.column);
                   });
  std::optional<Candidate> named;
  if (!options.class_name.empty()) named = named_candidate(ctx, candidates, options.class_name);
  const Candidate* chosen = choose_model(
      candidates, named, options.class_name, path, kWording,
      [](const Candidate& c) { return c.location; }, diags);
  if (!chosen) return std::nullopt;

  // Without --input-shape, the shape of the data the script feeds the model, when it fixes it.
  std::vector<InputSpec> specs = options.inputs;
  std::optional<DataInputShape> from_data;
  if (std::none_of(specs.begin(), specs.end(), [](const InputSpec& s) { return s.shape; }))
    from_data = script_input_shape(ctx, root, chosen->name, !chosen->cls && chosen->sequential);
  if (from_data && from_data->shape) {
    if (specs.empty()) specs.emplace_back();
    specs[0].shape = from_data->shape;
    if (!specs[0].dtype && from_data->integer) specs[0].dtype = pivot::DType::Int64;
    std::string dims;
    for (int64_t d : *from_data->shape)
      dims += (dims.empty() ? "" : ", ") + (d == pivot::kBatch ? "N" : std::to_string(d));
    diags.note(Code::NeedsInputShape, from_data->call)
        << "no --input-shape: the model's input shape (" << dims << ")"
        << (from_data->integer ? " int64" : "")
        << " is taken from the data the script feeds it here"
        << (from_data->data.empty() ? "" : " ('" + from_data->data + "')");
  }
  std::vector<TraceInput> inputs;
  for (const auto& spec : specs)
    inputs.push_back(TraceInput{"", input_type(spec), !spec.shape.has_value(), {}});
  InstancePtr instance;
  if (chosen->cls) {
    // The script's own `Net(...)` arguments when it constructs the model with some.
    Node call = script_instantiation(ctx, root, chosen->cls->name);
    auto args = call ? call_constructor_args(ctx, *chosen->cls, call)
                     : default_constructor_args(ctx, *chosen->cls);
    if (!args) return std::nullopt;
    instance = instantiate(ctx, *chosen->cls, *args, chosen->location, chosen->name + "()");
    model.entry_kind = "class";
  } else {
    instance = chosen->builder ? build_from_builder(ctx, chosen->builder)
                               : build_module_expression(ctx, chosen->sequential);
    if (!instance) {
      diags.error(Code::NoModelFound, chosen->location)
          << "'" << chosen->name << "' could not be built";
      return std::nullopt;
    }
    // Children of a module-level Sequential are keyed "0", "1", ... in its state_dict.
    for (auto& [name, child] : instance->children) assign_paths(*child, name);
    model.entry_kind = "function";
    if (inputs.empty())
      inputs.push_back(TraceInput{"x", {pivot::DType::Float32, {}, false, {}}, true, {}});
    inputs[0].name = "x";
  }
  const size_t diagnostics_before = diags.diagnostics().size();
  TraceResult traced = trace_module(ctx, instance, chosen->name, inputs, {});
  // The shape was needed and the script's data do not fix it: say which data would have.
  bool explained = false;
  auto explain_missing_shape = [&] {
    if (explained || !from_data || from_data->shape || from_data->data.empty()) return;
    const auto& all = diags.diagnostics();
    if (std::none_of(all.begin() + static_cast<std::ptrdiff_t>(diagnostics_before), all.end(),
                     [](const Diagnostic& d) { return d.code == Code::NeedsInputShape; }))
      return;
    explained = true;
    diags.note(Code::NeedsInputShape, from_data->call)
        << "the model's input here is '" << from_data->data
        << "', whose shape is only known when the script runs (data read or computed at run "
           "time); pass its shape with --input-shape";
  };
  explain_missing_shape();
  if (!traced.ok && traced.def.graph.nodes.empty()) return std::nullopt;
  // A trace cut short by the budget (runaway recursion) describes no model at all: partial
  // output would be a fragment of an unrolled recursion.
  if (ctx.trace_budget_reported || ctx.init_budget_reported) return std::nullopt;
  // Without the rank of every input there is no model to write: fail rather than guess.
  for (const auto& port : traced.def.graph.inputs) {
    if (traced.def.graph.values[port.value].type.rank_known) continue;
    if (!diags.has_errors())
      diags.error(Code::NeedsInputShape, chosen->location)
          << "the shape of input '" << port.name << "' is unknown; pass --input-shape";
    explain_missing_shape();
    return std::nullopt;
  }
  traced.def.class_name = chosen->cls     ? chosen->cls->name
                          : instance->cls ? instance->cls->name
                                          : "Sequential";
  for (const auto& [name, value] : instance->args) {
    if (value.is_bool())
      traced.def.args[name] = value.b;
    else if (value.is_int())
      traced.def.args[name] = value.i;
    else if (value.kind == syntax::Constant::Kind::Float)
      traced.def.args[name] = value.f;
    else if (value.is_string())
      traced.def.args[name] = value.s;
    else if (auto ints = value.as_ints())
      traced.def.args[name] = *ints;
    else
      traced.def.args[name] = value.repr();
  }
  model.modules.push_back(std::move(traced.def));
  model.entry = model.modules.size() - 1;
  return model;
}

}  // namespace nnport::readers
