// The PyTorch ScriptRecognizer: simple statements (see script_recognizer.h; the loops are in
// script_loop_steps.cc).
#include "readers/pytorch/script_recognizer.h"

#include "frameworks/training_table.h"
#include "readers/pytorch/script_loops.h"
#include "readers/pytorch/script_setup_calls.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

ScriptStep typed_step(ScriptStep::Kind kind, Node stmt) {
  ScriptStep step;
  step.kind = kind;
  step.location = stmt.location();
  step.text = std::string(stmt.text());
  return step;
}

// numpy dtype of a torch dtype spelling (`torch.float32`, `torch.long`) or cast method.
std::string numpy_dtype(const std::string& torch_dtype) {
  std::string t = torch_dtype;
  if (const size_t dot = t.rfind('.'); dot != std::string::npos) t = t.substr(dot + 1);
  if (t == "float" || t == "float32") return "float32";
  if (t == "double" || t == "float64") return "float64";
  if (t == "long" || t == "int64") return "int64";
  if (t == "int" || t == "int32") return "int32";
  if (t == "bool") return "bool";
  return "";
}

}  // namespace

TorchScriptRecognizer::TorchScriptRecognizer(std::set<std::string> model_names, std::string entry)
    : model_names_(std::move(model_names)), entry_(std::move(entry)) {}

std::string TorchScriptRecognizer::qualified(Node expr, const ScriptContext& ctx) const {
  if (!ctx.imports) return "";
  auto q = ctx.imports->qualify(expr);
  return q ? *q : "";
}

bool TorchScriptRecognizer::is_framework_import(Node stmt) const {
  const std::string t(stmt.text());
  for (const char* m : {"torch", "torchvision", "torchaudio", "torchtext"}) {
    const std::string mod(m);
    if (starts_with(t, "import " + mod) || starts_with(t, "from " + mod + " ") ||
        starts_with(t, "from " + mod + "."))
      return true;
  }
  return false;
}

bool TorchScriptRecognizer::touches_framework(Node node, const ScriptContext& ctx) const {
  for (const auto& name : names_used(node)) {
    if (ctx.vars.count(name)) return true;
    if (model_names_.count(name)) return true;
  }
  for (Node n :
       find_all(node, [](Node x) { return x.is(Kind::Identifier) || x.is(Kind::Attribute); })) {
    const std::string q = qualified(n, ctx);
    if (starts_with(q, "torch")) return true;
  }
  return false;
}

bool TorchScriptRecognizer::is_model_ctor(Node expr, const ScriptContext& ctx) const {
  MethodChain chain = method_chain(expr);
  for (const auto& m : chain.methods)
    if (m != "to" && m != "cuda" && m != "cpu" && m != "float" && m != "double" && m != "train" &&
        m != "eval")
      return false;
  Node base = chain.base;
  if (!base.is(Kind::Call)) return false;
  Node fn = base.field(Field::Function);
  (void)ctx;
  return fn.is(Kind::Identifier) && model_names_.count(std::string(fn.text()));
}

bool TorchScriptRecognizer::claim(Node stmt, ScriptContext& ctx, std::vector<ScriptStep>& out) {
  if (stmt.is(Kind::ForStatement)) return claim_loop(stmt, ctx, out);
  if (stmt.is(Kind::ReturnStatement)) return claim_dataset_return(stmt, ctx, out);
  if (claim_dataset_class(stmt, ctx, out)) return true;
  if (claim_loader_helper(stmt, ctx, out) || claim_prediction_concat(stmt, ctx, out)) return true;
  if (stmt.type() == "with_statement" && is_no_grad_with(stmt))
    return claim_no_grad(stmt, ctx, out);
  if (claim_device_branch(stmt, ctx, out)) return true;
  if (stmt.is(Kind::FunctionDefinition)) {
    auto it = helpers_.find(std::string(stmt.field(Field::Name).text()));
    if (it == helpers_.end()) return false;
    claim_helper_definition(stmt, it->second, ctx, out);
    return true;
  }
  Node e = expression_of(stmt);
  if (!e) return false;
  if (evaluation_call(stmt, ctx, out) || fit_call(stmt, ctx, out)) return true;
  if (e.is(Kind::Assignment) && claim_assignment(stmt, e, ctx, out)) return true;
  if (e.is(Kind::Call) && claim_call(stmt, e, ctx, out)) return true;
  // `n_val = len(dataset) // 4`: framework-free but for the number of samples of a dataset.
  if (auto text = with_sample_counts(stmt, ctx)) {
    ScriptStep step = verbatim_step(stmt);
    step.text = *text;
    out.push_back(std::move(step));
    return true;
  }
  return false;
}

bool TorchScriptRecognizer::claim_device_branch(Node stmt, ScriptContext& ctx,
                                                std::vector<ScriptStep>& out) {
  if (!stmt.is(Kind::IfStatement) || stmt.field(Field::Alternative)) return false;
  for (Node c : stmt.children())
    if (c.type() == "elif_clause" || c.type() == "else_clause") return false;
  Node condition = stmt.field(Field::Condition);
  if (!condition) return false;
  // The condition reads only device variables (`if use_cuda:`, `if device == "cuda":`).
  bool device = false;
  for (const auto& n : names_used(condition)) {
    if (!names_.devices.count(n)) return false;
    device = true;
  }
  if (!device) return false;
  out.push_back(dropped_step(stmt, ctx,
                             "a branch taken only on a CUDA device: Keras places tensors itself, "
                             "the source's CPU path is migrated"));
  return true;
}

bool TorchScriptRecognizer::claim_call(Node stmt, Node call, ScriptContext& ctx,
                                       std::vector<ScriptStep>& out) {
  const std::string q = qualified(call.field(Field::Function), ctx);
  ScriptArgs args = call_args(call);
  if (q == "torch.manual_seed" && args.positional.size() == 1) {
    ScriptStep step = typed_step(ScriptStep::Kind::Seed, stmt);
    step.text = std::string(args.positional[0].text());
    out.push_back(std::move(step));
    return true;
  }
  // `print(model)` (the module's repr) and `print(f"Using {device} device")`: what they show
  // is PyTorch's; Keras places tensors itself and describes a model with model.summary().
  if (call.field(Field::Function).text() == "print" && !args.positional.empty()) {
    bool device_only = true, model_only = args.positional.size() == 1;
    size_t devices = 0;
    for (const auto& n : names_used(call)) {
      if (n == "print") continue;
      devices += names_.devices.count(n);
      device_only &= names_.devices.count(n) > 0;
    }
    device_only &= devices > 0;
    model_only &= args.positional[0].text() == ctx.script->model_variable &&
                  !ctx.script->model_variable.empty();
    if (model_only) {
      out.push_back(dropped_step(stmt, ctx,
                                 "print(" + ctx.script->model_variable +
                                     ") shows PyTorch's module tree (Keras: model.summary())"));
      return true;
    }
    if (device_only) {
      out.push_back(
          dropped_step(stmt, ctx, "it prints the PyTorch device; Keras places tensors itself"));
      return true;
    }
  }
  if (q == "torch.cuda.manual_seed" || q == "torch.cuda.manual_seed_all" ||
      q == "torch.backends.cudnn.deterministic" || q == "torch.use_deterministic_algorithms") {
    out.push_back(
        dropped_step(stmt, ctx, "CUDA seeding and determinism switches have no Keras counterpart"));
    return true;
  }
  if (q == "torch.save" && args.positional.size() == 2) {
    const std::string what(args.positional[0].text());
    if (what == ctx.script->model_variable + ".state_dict()") {
      ScriptStep step = typed_step(ScriptStep::Kind::SaveWeights, stmt);
      step.text = std::string(args.positional[1].text());
      step.variable = ctx.script->model_variable;
      out.push_back(std::move(step));
      return true;
    }
    return false;
  }
  // Methods of the model: device moves and mode switches are dropped; load_state_dict loads.
  Node fn = call.field(Field::Function);
  if (fn.is(Kind::Attribute)) {
    const std::string object(fn.field(Field::Object).text());
    const std::string method(fn.field(Field::Attribute).text());
    if (object == ctx.script->model_variable && !object.empty()) {
      if (method == "train" || method == "eval") {
        out.push_back(dropped_step(
            stmt, ctx, "model." + method + "(): Keras fit/evaluate set the training flag"));
        return true;
      }
      if (method == "to" || method == "cuda" || method == "cpu") {
        out.push_back(dropped_step(stmt, ctx, "device placement: Keras places the model itself"));
        return true;
      }
      if (method == "load_state_dict" && args.positional.size() == 1) {
        Node inner = args.positional[0];
        if (inner.is(Kind::Call) && qualified(inner.field(Field::Function), ctx) == "torch.load") {
          ScriptArgs load = call_args(inner);
          if (!load.positional.empty()) {
            ScriptStep step = typed_step(ScriptStep::Kind::LoadWeights, stmt);
            step.text = std::string(load.positional[0].text());
            step.variable = object;
            out.push_back(std::move(step));
            return true;
          }
        }
      }
    }
  }
  return false;
}

bool TorchScriptRecognizer::claim_assignment(Node stmt, Node assign, ScriptContext& ctx,
                                             std::vector<ScriptStep>& out) {
  Node left = assign.field(Field::Left);
  Node right = assign.field(Field::Right);
  if (!right) return false;
  const std::string var(left.text());
  // The model: a class of the file instantiated, or the script's own module-level
  // `model = nn.Sequential(...)` that the model reader read as the entry.
  Node made = method_chain(right).base.is(Kind::Call) ? method_chain(right).base : right;
  const bool script_model = left.is(Kind::Identifier) && !module_level_model.empty() &&
                            var == module_level_model && made.is(Kind::Call) &&
                            qualified(made.field(Field::Function), ctx).rfind("torch.nn.", 0) == 0;
  if (left.is(Kind::Identifier) && (is_model_ctor(right, ctx) || script_model)) {
    ScriptStep step = typed_step(ScriptStep::Kind::BuildModel, stmt);
    step.variable = var;
    ctx.vars[var] = ScriptVar::Model;
    ctx.script->model_variable = var;
    names_.models.insert(var);
    if (method_chain(right).methods.size() > 0)
      ctx.diags->note(Code::ScriptDropped, right.location())
          << "device moves and mode switches of the model are left out";
    out.push_back(std::move(step));
    return true;
  }
  // `net = net.to(device)`: the model moved and bound again; Keras places the model itself.
  if (left.is(Kind::Identifier) && var == ctx.script->model_variable && !var.empty()) {
    MethodChain chain = method_chain(right);
    bool moves =
        !chain.methods.empty() && chain.base.is(Kind::Identifier) && chain.base.text() == var;
    for (const auto& m : chain.methods) moves &= m == "to" || m == "cuda" || m == "cpu";
    if (moves) {
      out.push_back(dropped_step(stmt, ctx, "device placement: Keras places the model itself"));
      return true;
    }
  }
  // device = torch.device(...) / "cuda" if torch.cuda.is_available() else "cpu".
  if (left.is(Kind::Identifier) && std::string(right.text()).find("cuda") != std::string::npos &&
      touches_framework(right, ctx)) {
    ctx.vars[var] = ScriptVar::Framework;
    names_.devices.insert(var);
    out.push_back(dropped_step(stmt, ctx, "device selection: Keras places tensors itself"));
    return true;
  }
  if (left.is(Kind::Identifier) && qualified(right, ctx) == "torch.device") {
    ctx.vars[var] = ScriptVar::Framework;
    names_.devices.insert(var);
    out.push_back(dropped_step(stmt, ctx, "device selection: Keras places tensors itself"));
    return true;
  }
  if (left.is(Kind::Identifier) && right.is(Kind::Call) &&
      qualified(right.field(Field::Function), ctx) == "torch.device") {
    ctx.vars[var] = ScriptVar::Framework;
    names_.devices.insert(var);
    out.push_back(dropped_step(stmt, ctx, "device selection: Keras places tensors itself"));
    return true;
  }
  // Tensors made from NumPy arrays stay NumPy arrays.
  if (left.is(Kind::Identifier) && right.is(Kind::Call)) {
    if (auto text = numpy_conversion(right, ctx)) {
      ScriptStep step = verbatim_step(stmt);
      step.text = var + " = " + *text;
      uses_numpy = true;
      out.push_back(std::move(step));
      return true;
    }
  }
  if (!right.is(Kind::Call)) return false;
  const std::string q = qualified(right.field(Field::Function), ctx);
  // `train_ds = TabularDataset(x, y)`: a Dataset class of the script.
  if (q.empty() && left.is(Kind::Identifier) && right.field(Field::Function).is(Kind::Identifier) &&
      dataset_classes_.count(std::string(right.field(Field::Function).text())))
    return claim_data(stmt, left, right, "", ctx, out);
  // `train_ds = load_split("train")`: a function of the script returning a TensorDataset.
  if (q.empty() && left.is(Kind::Identifier) && right.field(Field::Function).is(Kind::Identifier) &&
      dataset_helpers_.count(std::string(right.field(Field::Function).text())))
    return claim_data(stmt, left, right, "", ctx, out);
  if (q.empty()) return false;
  const auto& rows = frameworks::pytorch::training_rows();
  const frameworks::SetupRow* row = frameworks::find_row_by_symbol(rows, q);
  // A torch.nn.functional loss computes a value (read inside the loops), it is not an object.
  if (row && row->symbol.rfind("torch.nn.functional.", 0) == 0) row = nullptr;
  // torch.optim.Adam is also reachable as torch.optim.adam.Adam; nn.X as torch.nn.modules...
  if (row && left.is(Kind::Identifier)) {
    std::string why;
    if (row->family == pivot::SetupFamily::Optimizer) {
      ScriptArgs a = call_args(right);
      const std::string params =
          a.positional.empty()
              ? (a.keywords.count("params") ? std::string(a.keywords["params"].text()) : "")
              : std::string(a.positional[0].text());
      if (params != ctx.script->model_variable + ".parameters()" ||
          ctx.script->model_variable.empty()) {
        out.push_back(
            unsupported_step(stmt, ctx,
                             "an optimiser over parameter groups or a part of the model (only " +
                                 (ctx.script->model_variable.empty() ? std::string("model")
                                                                     : ctx.script->model_variable) +
                                 ".parameters() maps to a Keras optimiser)"));
        ctx.vars[var] = ScriptVar::Optimizer;
        return true;
      }
      auto bound = bind_setup_call(*row, right, 1, why);
      if (!bound) {
        out.push_back(unsupported_step(stmt, ctx, why));
        ctx.vars[var] = ScriptVar::Optimizer;
        return true;
      }
      pivot::Optimizer opt;
      opt.kind = row->kind;
      opt.variable = var;
      opt.location = stmt.location();
      if (auto wd = bound->find("weight_decay"); wd != bound->end()) {
        opt.weight_decay = wd->second;
        bound->erase(wd);
        const bool zero =
            (opt.weight_decay.kind == pivot::SetupValue::Kind::Float && opt.weight_decay.f == 0) ||
            (opt.weight_decay.kind == pivot::SetupValue::Kind::Int && opt.weight_decay.i == 0);
        opt.decay = zero                   ? pivot::Optimizer::Decay::None
                    : row->kind == "adamw" ? pivot::Optimizer::Decay::Decoupled
                                           : pivot::Optimizer::Decay::Coupled;
      }
      opt.args = std::move(*bound);
      ctx.script->setup.optimizer = std::move(opt);
      ctx.vars[var] = ScriptVar::Optimizer;
      names_.optimizers.insert(var);
      out.push_back(typed_step(ScriptStep::Kind::MakeOptimizer, stmt));
      out.back().variable = var;
      return true;
    }
    if (row->family == pivot::SetupFamily::Loss) {
      auto bound = bind_setup_call(*row, right, 0, why);
      ctx.vars[var] = ScriptVar::Loss;
      names_.losses.insert(var);
      if (!bound) {
        out.push_back(unsupported_step(stmt, ctx, why));
        return true;
      }
      pivot::Loss loss;
      loss.kind = row->kind;
      loss.args = std::move(*bound);
      if (auto f = row->implied.find("input_form"); f != row->implied.end())
        loss.input_form = f->second;
      if (auto f = row->implied.find("label_form"); f != row->implied.end())
        loss.label_form = f->second;
      loss.variable = var;
      loss.location = stmt.location();
      ctx.script->setup.loss = std::move(loss);
      out.push_back(typed_step(ScriptStep::Kind::MakeLoss, stmt));
      out.back().variable = var;
      return true;
    }
    if (row->family == pivot::SetupFamily::Schedule) {
      auto bound = bind_setup_call(*row, right, 1, why);
      ctx.vars[var] = ScriptVar::Schedule;
      names_.schedules.insert(var);
      if (!bound) {
        out.push_back(unsupported_step(stmt, ctx, why));
        return true;
      }
      pivot::Schedule schedule;
      schedule.kind = row->kind;
      schedule.args = std::move(*bound);
      schedule.variable = var;
      schedule.location = stmt.location();
      ctx.script->setup.schedules.push_back(std::move(schedule));
      ScriptStep step = typed_step(ScriptStep::Kind::MakeSchedule, stmt);
      step.variable = var;
      step.index = ctx.script->setup.schedules.size() - 1;
      out.push_back(std::move(step));
      return true;
    }
  }
  if (left.is(Kind::Identifier) && claim_data(stmt, left, right, q, ctx, out)) return true;
  if (q == "torch.utils.data.random_split" || q == "torch.utils.data.dataset.random_split")
    return claim_random_split(stmt, left, right, ctx, out);
  return false;
}

std::optional<std::string> TorchScriptRecognizer::numpy_conversion(
    Node expr, const ScriptContext& ctx, const std::map<std::string, std::string>* renames) const {
  static const std::set<std::string> kMakers = {"torch.tensor",      "torch.as_tensor",
                                                "torch.from_numpy",  "torch.Tensor",
                                                "torch.FloatTensor", "torch.LongTensor"};
  // `torch.from_numpy(x).float()` is a method chain on `torch`: the innermost call that makes a
  // tensor is the conversion, the methods after it are casts and reshapes.
  MethodChain chain = method_chain(expr);
  std::vector<Node> calls = chain.calls;
  std::vector<std::string> methods = chain.methods;
  if (chain.base.is(Kind::Call)) {
    calls.insert(calls.begin(), chain.base);
    methods.insert(methods.begin(), "");
  }
  size_t first_method = calls.size();
  Node base;
  std::string q;
  for (size_t i = 0; i < calls.size(); ++i) {
    q = qualified(calls[i].field(Field::Function), ctx);
    if (kMakers.count(q)) {
      base = calls[i];
      first_method = i + 1;
      break;
    }
  }
  if (!base) return std::nullopt;
  std::string dtype;
  ScriptArgs a = call_args(base);
  if (a.positional.size() != 1) return std::nullopt;
  const std::string array =
      renames ? rename_identifiers(a.positional[0], *renames) : std::string(a.positional[0].text());
  if (q == "torch.FloatTensor" || q == "torch.Tensor") dtype = "float32";
  if (q == "torch.LongTensor") dtype = "int64";
  for (const auto& [k, v] : a.keywords) {
    if (k != "dtype") return std::nullopt;
    dtype = numpy_dtype(std::string(v.text()));
    if (dtype.empty()) return std::nullopt;
  }
  chain.calls = calls;
  chain.methods = methods;
  std::string text =
      numpy_alias + ".asarray(" + array + (dtype.empty() ? "" : ", dtype=\"" + dtype + "\"") + ")";
  for (size_t i = first_method; i < chain.methods.size(); ++i) {
    const std::string& m = chain.methods[i];
    ScriptArgs margs = call_args(chain.calls[i]);
    if (m == "to" || m == "cuda" || m == "cpu") continue;  // device moves: NumPy arrays have none
    if (!numpy_dtype(m).empty() && margs.positional.empty()) {
      text += ".astype(\"" + numpy_dtype(m) + "\")";
    } else if (m == "unsqueeze" && margs.positional.size() == 1) {
      text = numpy_alias + ".expand_dims(" + text + ", " + std::string(margs.positional[0].text()) +
             ")";
    } else if ((m == "view" || m == "reshape") && !margs.positional.empty()) {
      std::string shape;
      for (Node p : margs.positional) shape += (shape.empty() ? "" : ", ") + std::string(p.text());
      text += ".reshape(" + shape + ")";
    } else {
      return std::nullopt;
    }
  }
  return text;
}

}  // namespace nnport::readers::pytorch
