// The Keras training-script recogniser (see script_recognizer.h).
#include "readers/keras/script_recognizer.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "frameworks/training_table.h"
#include "pivot/ops/catalog.h"
#include "readers/keras/training_wrappers.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {
namespace {

using frameworks::SetupRow;
using pivot::ScriptStep;
using pivot::SetupFamily;
using pivot::SetupValue;
using pytorch::call_args;
using CallArgs = pytorch::ScriptArgs;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

// "tf.keras.optimizers.Adam" / "keras.src.optimizers.Adam" / "tensorflow.keras.x" -> "keras.x".
std::string canonical_keras(std::string q) {
  for (const char* prefix : {"tensorflow.keras.", "tf.keras.", "keras.src.", "keras.api."})
    if (q.rfind(prefix, 0) == 0) q = "keras." + q.substr(std::string(prefix).size());
  if (q.rfind("tf.", 0) == 0) q = "tensorflow." + q.substr(3);
  // keras.optimizers.legacy.Adam and keras.optimizers.experimental.AdamW: the same class here.
  for (const char* middle : {".legacy.", ".experimental."})
    if (auto at = q.find(middle); at != std::string::npos && q.rfind("keras.optimizers", 0) == 0)
      q = q.substr(0, at) + "." + q.substr(at + std::string(middle).size());
  return q;
}

ScriptStep step_of(ScriptStep::Kind kind, Node stmt) {
  ScriptStep s;
  s.kind = kind;
  s.location = stmt.location();
  s.text = std::string(stmt.text());
  return s;
}

// Binds a call's arguments against a framework row, filling every canonical hyper-parameter
// (the row's default, marked not from the source, when absent). False with `why` on an argument
// the row does not know.
bool bind_row(const SetupRow& row, const CallArgs& args, pivot::SetupArgs& out, std::string& why) {
  if (args.splat) {
    why = "arguments passed with * or ** cannot be read";
    return false;
  }
  for (size_t i = 0; i < args.positional.size(); ++i) {
    const frameworks::SetupArgRow* arg = nullptr;
    for (const auto& a : row.args)
      if (a.position == static_cast<int>(i) && !a.spelled.empty()) arg = &a;
    if (!arg) {
      why = row.symbol + ": positional argument " + std::to_string(i + 1) + " is not known";
      return false;
    }
    out[arg->canonical] = setup_value(args.positional[i]);
  }
  for (const auto& [name, node] : args.keywords) {
    if (name == "name") continue;  // the object's name: no training meaning
    const auto* arg = row.find_spelled(name);
    // tf.keras 2.x optimisers took the deprecated `lr=` for learning_rate (Keras 3 rejects it).
    if (!arg && name == "lr" && row.family == pivot::SetupFamily::Optimizer)
      arg = row.find_spelled("learning_rate");
    if (!arg) {
      why = row.symbol + ": argument '" + name + "' has no mapping yet";
      return false;
    }
    out[arg->canonical] = setup_value(node);
  }
  for (const auto& a : row.args)
    if (!out.count(a.canonical) && a.default_value.set()) out[a.canonical] = a.default_value;
  return true;
}

bool is_none(Node n) { return !n || n.is(Kind::None); }

// A layer the migrated module refuses to run in training mode: a random augmentation whose
// transform nnport does not write (writers/pytorch/augmentation_layers.h). Null when none.
const pivot::Node* untrainable_layer(const pivot::Model* model) {
  if (!model) return nullptr;
  for (const auto& module : model->modules)
    for (const auto& node : module.graph.nodes)
      if (node.kind == pivot::OpKind::RandomAugment &&
          pivot::attr_string(node, "transform") != "flip")
        return &node;
  return nullptr;
}

}  // namespace

KerasScriptRecognizer::KerasScriptRecognizer(std::string model_variable)
    : model_variable_(std::move(model_variable)) {}

void KerasScriptRecognizer::collect_framework_names(Node module) {
  for (Node stmt : pytorch::find_all(module, [](Node n) {
         return n.is(Kind::ImportStatement) || n.is(Kind::ImportFromStatement);
       })) {
    if (stmt.text() == "import numpy as np") numpy_as_np_ = true;
    if (!is_framework_import(stmt)) continue;
    if (stmt.is(Kind::ImportFromStatement)) {
      Node module_name = stmt.field(Field::ModuleName);
      for (Node c : stmt.named_children()) {
        if (c == module_name) continue;
        if (c.is(Kind::AliasedImport))
          framework_names_.insert(std::string(c.field(Field::Alias).text()));
        else if (c.is(Kind::DottedName))
          framework_names_.insert(std::string(c.text()));
      }
    } else {
      for (Node c : stmt.named_children()) {
        if (c.is(Kind::AliasedImport))
          framework_names_.insert(std::string(c.field(Field::Alias).text()));
        else if (c.is(Kind::DottedName))
          framework_names_.insert(std::string(c.named_child(0).text()));
      }
    }
  }
}

bool KerasScriptRecognizer::is_framework_import(Node stmt) const {
  const std::string_view t = stmt.text();
  for (const char* m : {"keras", "tensorflow"})
    if (t.find(std::string("import ") + m) != std::string_view::npos ||
        t.find(std::string("from ") + m) != std::string_view::npos)
      return true;
  return false;
}

bool KerasScriptRecognizer::touches_framework(Node node, const ScriptContext& ctx) const {
  const std::string text(node.text());
  for (const auto& name : pytorch::names_used(node)) {
    if (framework_names_.count(name)) return true;
    auto it = ctx.vars.find(name);
    if (it == ctx.vars.end()) continue;
    // fit()'s History keeps its `.history` dict, `.epoch` list and `.params` dict, and the
    // image-folder loader its `.class_names`, in the migrated script: reading them is
    // framework-free. Its other attributes (`model`, methods) the migrated History does not have.
    if (it->second == ScriptVar::History) {
      auto other_attribute = [&](Node id) {
        Node p = id.parent();
        if (id.text() != name || !p || !p.is(Kind::Attribute) || p.field(Field::Object) != id)
          return false;
        const std::string_view attribute = p.field(Field::Attribute).text();
        return attribute != "history" && attribute != "epoch" && attribute != "params";
      };
      if (other_attribute(node) || !pytorch::find_all(node, other_attribute).empty()) return true;
      continue;
    }
    if (it->second == ScriptVar::Dataset && text.find(name + ".class_names") != std::string::npos)
      continue;
    return true;
  }
  return false;
}

std::string KerasScriptRecognizer::qualified(Node expr, const ScriptContext& ctx) const {
  if (ctx.imports)
    if (auto q = ctx.imports->qualify(expr)) return canonical_keras(*q);
  return std::string(expr.text());
}

bool KerasScriptRecognizer::builds_model(Node expr, const ScriptContext& ctx) const {
  if (!expr.is(Kind::Call)) return false;
  Node fn = expr.field(Field::Function);
  const std::string q = qualified(fn, ctx);
  if (q == "keras.Sequential" || q == "keras.models.Sequential" || q == "keras.Model" ||
      q == "keras.models.Model")
    return true;
  return fn.is(Kind::Identifier) && ctx.model_definitions.count(std::string(fn.text()));
}

bool KerasScriptRecognizer::claim(Node stmt, ScriptContext& ctx, std::vector<ScriptStep>& out) {
  if (claim_custom_step(stmt, ctx, out)) return true;
  if (claim_model_helper(stmt, ctx, out) || claim_helper_call(stmt, ctx, out) ||
      claim_helper_return(stmt, ctx, out) || claim_optimizer_helper(stmt, ctx, out))
    return true;
  if (claim_function(stmt, ctx, out)) return true;
  if (!stmt.is(Kind::ExpressionStatement)) return false;
  if (claim_model_parts(stmt, ctx, out)) return true;
  Node e = pytorch::expression_of(stmt);
  if (e.is(Kind::Assignment) && claim_assignment(stmt, e, ctx, out)) return true;
  if (e.is(Kind::Call) && claim_call(stmt, e, {}, ctx, out)) return true;
  if (claim_nested_model_calls(stmt, ctx, out)) return true;
  return claim_framework_names(stmt, ctx, out);
}

bool KerasScriptRecognizer::claim_assignment(Node stmt, Node assign, ScriptContext& ctx,
                                             std::vector<ScriptStep>& out) {
  Node left = assign.field(Field::Left);
  Node right = assign.field(Field::Right);
  if (!right) return false;
  const auto targets = pytorch::target_names(left);
  if (targets.size() == 1) note_normalization(right, targets[0], ctx);
  // `mnist = tf.keras.datasets.mnist`: a module alias, read at its load_data().
  if (targets.size() == 1 && right.is(Kind::Attribute) && dataset_row(qualified(right, ctx))) {
    dataset_modules_[targets[0]] = qualified(right, ctx);
    return true;
  }
  if (claim_dataset_passes(stmt, right, targets, ctx, out)) return true;
  // `(a, b), (c, d) = (mnist.load_data())`: the parentheses change nothing.
  Node value = right;
  while (value.is(Kind::ParenthesizedExpression)) {
    Node inner;
    for (Node c : value.named_children())
      if (!c.is(Kind::Comment)) inner = c;
    if (!inner) break;
    value = inner;
  }
  if (value.is(Kind::Call) && claim_builtin_dataset(stmt, left, value, ctx, out)) return true;
  if (targets.size() == 1 && claim_callback_list(stmt, right, targets[0], ctx, out)) return true;
  // `probability_model = keras.Sequential([model, layers.Softmax()])` around the trained model.
  if (targets.size() == 1 && !ctx.script->model_variable.empty() && ctx.tree)
    if (auto inner = softmax_wrapped_model(stmt, ctx.tree->root());
        inner && *inner == ctx.script->model_variable) {
      ScriptStep s = step_of(ScriptStep::Kind::WrapModel, stmt);
      s.variable = targets[0];
      s.text = *inner;
      wrapped_models_.insert(targets[0]);
      ctx.vars[targets[0]] = ScriptVar::Framework;
      out.push_back(std::move(s));
      return true;
    }
  // The model: `model = keras.Sequential([...])`, `model = keras.Model(inputs, outputs)`,
  // `model = build_model()`, `model = Net()`.
  if (targets.size() == 1 && builds_model(right, ctx) &&
      (model_variable_.empty() || targets[0] == model_variable_)) {
    // Arguments to a builder (or model class) in a loop, a branch or a function: the model was
    // read from the builder alone (its defaults, or without values), not from this call, so
    // the class may not be the network these arguments build (`for units in [32, 64]: model =
    // build_model(units)`). The instance is written after a TODO saying so.
    if (Node args = right.field(Field::Arguments);
        !syntax::is_module_statement(stmt) && right.field(Field::Function).is(Kind::Identifier) &&
        args && !args.named_children().empty())
      out.push_back(unsupported_step(
          stmt, ctx,
          "'" + std::string(right.field(Field::Function).text()) +
              "' is called with arguments here, but the migrated class is the network it builds "
              "without them (a call inside a loop, branch or function is not followed): one class "
              "cannot stand for other arguments"));
    ScriptStep s = step_of(ScriptStep::Kind::BuildModel, stmt);
    s.variable = targets[0];
    ctx.vars[targets[0]] = ScriptVar::Model;
    ctx.script->model_variable = targets[0];
    out.push_back(std::move(s));
    for (auto& step : pending_adapts_) out.push_back(std::move(step));
    pending_adapts_.clear();
    // A builder's own compile() takes effect on the model it returns.
    if (Node fn = right.field(Field::Function); fn.is(Kind::Identifier))
      if (auto it = builder_steps_.find(std::string(fn.text())); it != builder_steps_.end())
        for (const auto& step : it->second) out.push_back(step);
    return true;
  }
  if (targets.size() == 1 && claim_reload(stmt, right, targets[0], ctx, out)) return true;
  if (right.is(Kind::Call) && claim_call(stmt, right, targets, ctx, out)) return true;
  // Module-level Functional code building the model's graph (`inputs = keras.Input(...)`,
  // `x = layers.Dense(8)(inputs)`, `x = block(x)`): part of the generated model, which the
  // model reader built from the same statements.
  if (!model_variable_.empty() && ctx.script->model_variable.empty() &&
      stmt.parent().is(Kind::Module) && builds_graph(right, ctx)) {
    for (const auto& t : targets) ctx.vars[t] = ScriptVar::Tensor;
    return true;
  }
  // A second model of the file (a GAN's generator next to the migrated discriminator).
  if (targets.size() == 1 && !model_variable_.empty() && targets[0] != model_variable_ &&
      builds_model(right, ctx)) {
    other_models_.insert(targets[0]);
    ctx.vars[targets[0]] = ScriptVar::Framework;
    out.push_back(unsupported_step(stmt, ctx,
                                   "'" + targets[0] + "' is a model other than the migrated '" +
                                       model_variable_ +
                                       "': nnport migrates one model per run, and the script "
                                       "code of another is not migrated"));
    return true;
  }
  return false;
}

bool KerasScriptRecognizer::builds_graph(Node right, const ScriptContext& ctx) const {
  if (!touches_framework(right, ctx) && !(right.is(Kind::Call) && builds_model(right, ctx)))
    return false;
  const std::string text(right.text());
  if (text.find("Input(") != std::string::npos || text.find("layers.") != std::string::npos ||
      text.find(")(") != std::string::npos)
    return true;
  // A layer of this file instantiated, or a layer object applied to a tensor of the graph.
  if (right.is(Kind::Call) && builds_model(right, ctx)) return true;
  for (const auto& name : pytorch::names_used(right))
    if (auto it = ctx.vars.find(name); it != ctx.vars.end() && it->second == ScriptVar::Tensor)
      return true;
  return false;
}

bool KerasScriptRecognizer::claim_call(Node stmt, Node call,
                                       const std::vector<std::string>& targets, ScriptContext& ctx,
                                       std::vector<ScriptStep>& out) {
  Node fn = call.field(Field::Function);
  // Methods of the model.
  if (fn.is(Kind::Attribute)) {
    if (fn.field(Field::Attribute).text() == "adapt" && claim_adapt(stmt, call, ctx, out))
      return true;
    Node object = fn.field(Field::Object);
    const std::string method(fn.field(Field::Attribute).text());
    // `autoencoder.encoder.summary()`: a part of the model summarised, as model.summary().
    if (method == "summary" && object.is(Kind::Attribute) && targets.empty() &&
        call_args(call).positional.empty() && call_args(call).keywords.empty()) {
      Node base = object;
      while (base.is(Kind::Attribute)) base = base.field(Field::Object);
      if (auto it = ctx.vars.find(std::string(base.text()));
          base.is(Kind::Identifier) && it != ctx.vars.end() && it->second == ScriptVar::Model) {
        out.push_back(dropped_step(stmt, ctx,
                                   std::string(object.text()) +
                                       ".summary() has no PyTorch counterpart (print(" +
                                       std::string(object.text()) + ") shows the modules)"));
        return true;
      }
    }
    if (object.is(Kind::Identifier) && other_models_.count(std::string(object.text()))) {
      out.push_back(unsupported_step(stmt, ctx,
                                     "'" + std::string(object.text()) +
                                         "' is not the migrated model '" + model_variable_ +
                                         "': its " + method + "() is not migrated"));
      return true;
    }
    // The trained model wrapped with a softmax predicts like the model itself.
    if (object.is(Kind::Identifier) && wrapped_models_.count(std::string(object.text()))) {
      const size_t before = out.size();
      if (method != "predict" || !model_method(stmt, call, method, targets, ctx, out) ||
          out.size() != before + 1 || out.back().kind != ScriptStep::Kind::Predict) {
        out.resize(before);
        out.push_back(unsupported_step(stmt, ctx,
                                       "'" + std::string(object.text()) +
                                           "' wraps the trained model for prediction: its " +
                                           method + "() has no mapping yet"));
        return true;
      }
      out.back().model = std::string(object.text());
      return true;
    }
    if (object.is(Kind::Identifier) && ctx.vars.count(std::string(object.text())) &&
        ctx.vars.at(std::string(object.text())) == ScriptVar::Model) {
      if (object.text() != helper_model_)
        return model_method(stmt, call, method, targets, ctx, out);
      // A helper's model parameter: its steps name the parameter.
      static const std::set<std::string> kHelperMethods = {
          "compile", "fit", "evaluate", "summary", "load_weights", "save_weights", "save"};
      if (!kHelperMethods.count(method)) {
        out.push_back(unsupported_step(stmt, ctx,
                                       "inside a helper, only compile/fit/evaluate/load_weights/"
                                       "save_weights of the model parameter '" +
                                           helper_model_ + "' are mapped"));
        return true;
      }
      const size_t before = out.size();
      const bool claimed = model_method(stmt, call, method, targets, ctx, out);
      for (size_t i = before; i < out.size(); ++i)
        if (out[i].kind == ScriptStep::Kind::Compile || out[i].kind == ScriptStep::Kind::Train ||
            out[i].kind == ScriptStep::Kind::Evaluate ||
            out[i].kind == ScriptStep::Kind::LoadWeights ||
            out[i].kind == ScriptStep::Kind::SaveWeights)
          out[i].variable = helper_model_;
      return claimed;
    }
    // `model.compile(...)` on a model that the migrated one only contains (`probability_model =
    // keras.Sequential([model, layers.Softmax()])`): no PyTorch module of its own to train.
    static const std::set<std::string> kTraining = {"compile", "fit", "evaluate", "predict"};
    if (object.is(Kind::Identifier) && kTraining.count(method) &&
        ctx.vars.count(std::string(object.text())) &&
        ctx.vars.at(std::string(object.text())) == ScriptVar::Tensor) {
      out.push_back(unsupported_step(stmt, ctx,
                                     "'" + std::string(object.text()) +
                                         "' is a part of the migrated model '" + model_variable_ +
                                         "', not a PyTorch module of its own: its " + method +
                                         "() has no counterpart yet"));
      return true;
    }
  }
  const std::string q = qualified(fn, ctx);
  const std::string var = targets.size() == 1 ? targets[0] : "";
  std::string why;
  if (q.rfind("keras.datasets.", 0) == 0) {
    out.push_back(
        unsupported_step(stmt, ctx,
                         "keras.datasets downloads its data; there is no PyTorch counterpart "
                         "without a download (load the arrays here, e.g. with NumPy)"));
    return true;
  }
  if (q == "keras.utils.plot_model" && targets.empty()) {
    out.push_back(dropped_step(stmt, ctx,
                               "plot_model draws the Keras graph; PyTorch has no counterpart "
                               "(print(model) lists the modules)"));
    return true;
  }
  if (q == "keras.utils.to_categorical" && var.size()) {
    // One-hot rows of float32 (Keras' default dtype), the same as NumPy's identity rows; labels
    // of shape (N,) or (N, 1) as Keras takes them.
    CallArgs a = call_args(call);
    Node classes = a.keywords.count("num_classes") ? a.keywords.at("num_classes")
                   : a.positional.size() > 1       ? a.positional[1]
                                                   : Node{};
    if (a.positional.empty() || a.keywords.count("dtype") || !numpy_as_np_) return false;
    // Without num_classes Keras takes max(labels) + 1.
    const std::string count = classes
                                  ? std::string(classes.text())
                                  : "int(np.max(" + std::string(a.positional[0].text()) + ")) + 1";
    ScriptStep s = step_of(ScriptStep::Kind::Verbatim, stmt);
    s.text = var + " = np.eye(" + count + ", dtype=\"float32\")[np.asarray(" +
             std::string(a.positional[0].text()) + ", dtype=\"int64\").reshape(-1)]";
    out.push_back(std::move(s));
    return true;
  }
  if (q == "keras.utils.set_random_seed" || q == "tensorflow.random.set_seed") {
    ScriptStep s = step_of(ScriptStep::Kind::Seed, stmt);
    CallArgs a = call_args(call);
    if (a.positional.size() != 1) return false;
    s.text = std::string(a.positional[0].text());
    // tf.random.set_seed seeds TensorFlow's generator only (Python's and NumPy's stay as they are).
    if (q == "tensorflow.random.set_seed") s.variable = "framework";
    out.push_back(std::move(s));
    return true;
  }
  if (q.rfind("keras.optimizers.schedules.", 0) == 0 && !var.empty()) {
    // Kept until an optimiser takes it as its learning_rate.
    pivot::Schedule sch;
    if (!read_schedule(call, var, ctx, sch, why)) {
      out.push_back(unsupported_step(stmt, ctx, why));
      return true;
    }
    schedule_vars_[var] = std::move(sch);
    ctx.vars[var] = ScriptVar::Framework;
    return true;
  }
  if (q.rfind("keras.optimizers.", 0) == 0 && !var.empty()) {
    if (!read_optimizer(call, ctx, why)) {
      out.push_back(unsupported_step(stmt, ctx, why));
      return true;
    }
    ctx.script->setup.optimizer->variable = var;
    ctx.vars[var] = ScriptVar::Optimizer;
    ScriptStep s = step_of(ScriptStep::Kind::MakeOptimizer, stmt);
    s.variable = var;
    out.push_back(std::move(s));
    return true;
  }
  if (q.rfind("keras.losses.", 0) == 0 && !var.empty()) {
    if (!read_loss(call, ctx, why)) {
      out.push_back(unsupported_step(stmt, ctx, why));
      return true;
    }
    ctx.script->setup.loss->variable = var;
    ctx.vars[var] = ScriptVar::Loss;
    ScriptStep s = step_of(ScriptStep::Kind::MakeLoss, stmt);
    s.variable = var;
    out.push_back(std::move(s));
    return true;
  }
  if (q.rfind("keras.callbacks.", 0) == 0 && !var.empty()) {
    // Kept until fit(callbacks=[...]) names it; the loop then carries it out.
    if (!read_callbacks(call, ctx, why)) {
      out.push_back(unsupported_step(stmt, ctx, why));
      return true;
    }
    auto& cbs = ctx.script->setup.callbacks;
    auto& scheds = ctx.script->setup.schedules;
    if (!cbs.empty() && cbs.back().location == call.location()) {
      callback_vars_[var] = cbs.back();
      cbs.pop_back();
    } else if (!scheds.empty() && scheds.back().location == call.location()) {
      plateau_vars_[var] = scheds.back();
      scheds.pop_back();
    }
    ctx.vars[var] = ScriptVar::Framework;
    return true;
  }
  // Data pipelines.
  if (!var.empty() && claim_dataset_rebatch(stmt, call, var, ctx, out)) return true;
  const bool image_folder = q == "keras.utils.image_dataset_from_directory" ||
                            q == "keras.preprocessing.image_dataset_from_directory";
  if ((image_folder || q.find("from_tensor_slices") != std::string::npos ||
       std::string(call.text()).find("from_tensor_slices(") != std::string::npos) &&
      !var.empty()) {
    pivot::Dataset d;
    d.variable = var;
    d.location = call.location();
    if (image_folder) {
      CallArgs a = call_args(call);
      d.kind = "image_folder";
      if (a.positional.empty()) return false;
      d.args["directory"] = setup_value(a.positional[0]);
      for (const auto& [k, v] : a.keywords) {
        if (k == "batch_size")
          d.batch_size = setup_value(v);
        else if (k == "shuffle")
          d.shuffle = setup_value(v);
        else if (k == "validation_split")
          d.split_fraction = setup_value(v);
        else if (k == "subset")
          d.split_part = std::string(setup_value(v).text);
        else if (k == "image_size" || k == "seed" || k == "label_mode" || k == "color_mode" ||
                 k == "interpolation")
          d.args[k] = setup_value(v);
        else {
          out.push_back(unsupported_step(
              stmt, ctx, "image_dataset_from_directory: argument '" + k + "' has no mapping yet"));
          return true;
        }
      }
      if (!d.batch_size.set()) d.batch_size = SetupValue::integer(32);
      if (!d.shuffle.set()) d.shuffle = SetupValue::boolean(true);
    } else {
      // tf.data.Dataset.from_tensor_slices((x, y)).shuffle(n).batch(b)[.prefetch(...)]
      auto chain = pytorch::method_chain(call);
      Node source = chain.base;
      size_t first = 0;
      if (!chain.methods.empty() && chain.methods[0] == "from_tensor_slices") {
        source = chain.calls[0];
        first = 1;
      }
      for (size_t i = first; i < chain.methods.size(); ++i) {
        const std::string& m = chain.methods[i];
        CallArgs a = call_args(chain.calls[i]);
        if (m == "shuffle")
          d.shuffle = SetupValue::boolean(true);
        else if (m == "batch" && !a.positional.empty())
          d.batch_size = setup_value(a.positional[0]);
        else if (m == "prefetch" || m == "cache")
          continue;
        else {
          out.push_back(unsupported_step(stmt, ctx, "tf.data: ." + m + "(...) has no mapping yet"));
          return true;
        }
      }
      if (!source.is(Kind::Call)) return false;
      CallArgs a = call_args(source);
      if (a.positional.size() != 1) return false;
      Node t = a.positional[0];
      if (t.is(Kind::ParenthesizedExpression)) t = t.named_child(0);
      if (!t.is(Kind::Tuple) || t.named_child_count() != 2) {
        out.push_back(unsupported_step(
            stmt, ctx, "from_tensor_slices: only an (inputs, labels) pair is mapped"));
        return true;
      }
      d.kind = "arrays";
      d.features = setup_value(t.named_child(0));
      d.labels = setup_value(t.named_child(1));
      if (!d.shuffle.set()) d.shuffle = SetupValue::boolean(false);
    }
    dataset_vars_[var] = ctx.script->setup.datasets.size();
    ctx.script->setup.datasets.push_back(std::move(d));
    ctx.vars[var] = ScriptVar::Dataset;
    ScriptStep s = step_of(ScriptStep::Kind::MakeData, stmt);
    s.variable = var;
    s.index = dataset_vars_[var];
    out.push_back(std::move(s));
    return true;
  }
  return false;
}

bool KerasScriptRecognizer::model_method(Node stmt, Node call, const std::string& method,
                                         const std::vector<std::string>& targets,
                                         ScriptContext& ctx, std::vector<ScriptStep>& out) {
  CallArgs a = call_args(call);
  if (a.splat) return false;
  auto arg = [&](size_t pos, const char* name) -> Node {
    if (auto it = a.keywords.find(name); it != a.keywords.end()) return it->second;
    return pos < a.positional.size() ? a.positional[pos] : Node{};
  };
  if (method == "add" || method == "build") return true;  // part of the model the reader built
  if (method == "summary") {
    out.push_back(dropped_step(
        stmt, ctx, "model.summary() has no PyTorch counterpart (print(model) shows the modules)"));
    return true;
  }
  if (method == "compile") {
    std::string why;
    ScriptStep s = step_of(ScriptStep::Kind::Compile, stmt);
    for (const auto& [k, v] : a.keywords)
      if (k != "optimizer" && k != "loss" && k != "metrics" && k != "loss_weights") {
        out.push_back(unsupported_step(stmt, ctx, "compile(" + k + "=...) has no mapping yet"));
        return true;
      }
    Node opt = arg(0, "optimizer");
    Node loss = arg(1, "loss");
    // compile(optimizer=get_optimizer()): the optimiser the helper returns.
    if (opt && opt.is(Kind::Call) && opt.field(Field::Function).is(Kind::Identifier) &&
        call_args(opt).positional.empty() && call_args(opt).keywords.empty())
      if (auto h = optimizer_helpers_.find(std::string(opt.field(Field::Function).text()));
          h != optimizer_helpers_.end())
        opt = h->second;
    if (opt && !(opt.is(Kind::Identifier) && ctx.vars.count(std::string(opt.text()))) &&
        !read_optimizer(opt, ctx, why)) {
      out.push_back(unsupported_step(stmt, ctx, why));
      return true;
    }
    if (!opt) {
      // compile() without an optimizer: Keras' default is "rmsprop".
      pivot::Optimizer o;
      o.kind = "rmsprop";
      for (const auto& r : frameworks::keras::training_rows())
        if (r.family == SetupFamily::Optimizer && r.kind == "rmsprop")
          for (const auto& x : r.args) o.args[x.canonical] = x.default_value;
      ctx.script->setup.optimizer = o;
    }
    if (!loss) {
      out.push_back(unsupported_step(stmt, ctx, "compile() without a loss"));
      return true;
    }
    // Several outputs (or loss_weights): one loss per output, summed with the weights.
    Node weights = a.keywords.count("loss_weights") ? a.keywords.at("loss_weights") : Node{};
    const size_t outputs = ctx.model ? ctx.model->entry_module().graph.outputs.size() : 1;
    const bool per_output = loss.is(Kind::List) || loss.is(Kind::Tuple) ||
                            loss.is(Kind::Dictionary) || !is_none(weights) || outputs > 1;
    if (per_output ? !read_output_losses(loss, weights, ctx, why)
                   : !(loss.is(Kind::Identifier) && ctx.vars.count(std::string(loss.text()))) &&
                         !read_loss(loss, ctx, why)) {
      out.push_back(unsupported_step(stmt, ctx, why));
      return true;
    }
    // A later compile() replaces the metrics of an earlier one (metric objects stay).
    std::erase_if(ctx.script->setup.metrics,
                  [](const pivot::Metric& m) { return m.variable.empty(); });
    if (Node m = arg(2, "metrics"); m && per_output && !read_output_metrics(m, ctx, why)) {
      out.push_back(unsupported_step(stmt, ctx, why));
      return true;
    }
    if (Node m = arg(2, "metrics"); m && !per_output) read_metrics(m, ctx);
    if (ctx.script->setup.optimizer && ctx.script->setup.optimizer->variable.empty())
      ctx.script->setup.optimizer->variable = "optimizer";
    out.push_back(std::move(s));
    return true;
  }
  if (method == "fit") {
    pivot::Fit fit;
    fit.location = call.location();
    for (const auto& [k, v] : a.keywords) {
      static const std::set<std::string> known = {
          "x",       "y",         "batch_size",       "epochs",
          "verbose", "callbacks", "validation_split", "validation_data",
          "shuffle"};
      if (!known.count(k)) {
        out.push_back(unsupported_step(stmt, ctx, "fit(" + k + "=...) has no mapping yet"));
        return true;
      }
    }
    if (a.positional.size() > 3) {
      out.push_back(unsupported_step(stmt, ctx, "fit(...) with more than 3 positional arguments"));
      return true;
    }
    // The loop would stop at its first batch: said here rather than when the script runs.
    if (const pivot::Node* layer = untrainable_layer(ctx.model)) {
      out.push_back(unsupported_step(
          stmt, ctx,
          "fit(...) trains the model, and its layers." + pivot::attr_string(*layer, "layer") +
              " (line " + std::to_string(layer->location.line) +
              ") raises in training mode in the migrated module: its random transform is not "
              "migrated (apply it in the data pipeline and remove the layer)"));
      // The History it binds is not made: statements reading it are reported too.
      for (const auto& t : targets) ctx.vars[t] = ScriptVar::Framework;
      return true;
    }
    fit.train_data = data_argument(arg(0, "x"), arg(1, "y"), "train", ctx);
    if (fit.train_data.empty()) {
      out.push_back(unsupported_step(stmt, ctx, "fit(...): the training data is not understood"));
      return true;
    }
    if (Node b = arg(2, "batch_size"); !is_none(b)) fit.batch_size = setup_value(b);
    if (Node e = a.keywords.count("epochs") ? a.keywords.at("epochs") : Node{})
      fit.epochs = setup_value(e);
    else
      fit.epochs = SetupValue::integer(1);
    if (a.keywords.count("verbose")) fit.verbose = setup_value(a.keywords.at("verbose"));
    fit.shuffle = a.keywords.count("shuffle") ? setup_value(a.keywords.at("shuffle"))
                                              : SetupValue::boolean(true);
    if (a.keywords.count("validation_split"))
      fit.validation_split = setup_value(a.keywords.at("validation_split"));
    if (a.keywords.count("validation_data")) {
      Node v = a.keywords.at("validation_data");
      if (v.is(Kind::ParenthesizedExpression)) v = v.named_child(0);
      if (v.is(Kind::Tuple) && v.named_child_count() == 2)
        fit.validation_data = data_argument(v.named_child(0), v.named_child(1), "val", ctx);
      else
        fit.validation_data = data_argument(v, {}, "val", ctx);
      if (fit.validation_data.empty()) {
        out.push_back(unsupported_step(stmt, ctx, "fit(validation_data=...) is not understood"));
        return true;
      }
    }
    if (a.keywords.count("callbacks")) {
      std::string why;
      if (!read_callbacks(a.keywords.at("callbacks"), ctx, why)) {
        out.push_back(unsupported_step(stmt, ctx, why));
        return true;
      }
    }
    if (targets.size() == 1) {
      fit.history_variable = targets[0];
      ctx.vars[targets[0]] = ScriptVar::History;
      history_names_.insert(targets[0]);
    }
    ScriptStep s = step_of(ScriptStep::Kind::Train, stmt);
    s.index = ctx.script->fits.size();
    ctx.script->fits.push_back(std::move(fit));
    out.push_back(std::move(s));
    return true;
  }
  if (method == "evaluate") {
    pivot::Evaluate ev;
    ev.location = call.location();
    ev.data = data_argument(arg(0, "x"), arg(1, "y"), "test", ctx);
    if (ev.data.empty()) {
      out.push_back(unsupported_step(stmt, ctx, "evaluate(...): the data is not understood"));
      return true;
    }
    if (Node b = arg(2, "batch_size"); !is_none(b)) ev.batch_size = setup_value(b);
    for (const auto& [k, v] : a.keywords)
      if (k != "x" && k != "y" && k != "batch_size" && k != "verbose") {
        out.push_back(unsupported_step(stmt, ctx, "evaluate(" + k + "=...) has no mapping yet"));
        return true;
      }
    ev.result_variables = targets;
    ScriptStep s = step_of(ScriptStep::Kind::Evaluate, stmt);
    s.index = ctx.script->evaluations.size();
    ctx.script->evaluations.push_back(std::move(ev));
    out.push_back(std::move(s));
    return true;
  }
  if (method == "predict" && !a.positional.empty()) {
    ScriptStep s = step_of(ScriptStep::Kind::Predict, stmt);
    Node x = a.positional[0];
    if (x.is(Kind::Identifier) && dataset_vars_.count(std::string(x.text()))) {
      out.push_back(unsupported_step(stmt, ctx, "predict on a dataset has no mapping yet"));
      return true;
    }
    s.text = std::string(x.text());
    if (x.is(Kind::Dictionary)) {
      auto inputs = inputs_in_model_order(x, ctx);
      if (!inputs) {
        out.push_back(unsupported_step(stmt, ctx, "predict({...}): the keys name no inputs"));
        return true;
      }
      s.text = inputs->text;
    }
    s.variable = targets.size() == 1 ? targets[0] : "";
    out.push_back(std::move(s));
    return true;
  }
  if ((method == "save_weights" || method == "load_weights" || method == "save") &&
      a.positional.size() == 1) {
    ScriptStep s = step_of(
        method == "load_weights" ? ScriptStep::Kind::LoadWeights : ScriptStep::Kind::SaveWeights,
        stmt);
    s.text = std::string(a.positional[0].text());
    if (method == "save" && ctx.diags)
      ctx.diags->warning(Code::TrainingConvention, stmt.location())
          << "model.save(...) stores the whole model in Keras; the migrated script saves the "
             "state_dict";
    out.push_back(std::move(s));
    return true;
  }
  return false;
}

std::string KerasScriptRecognizer::data_argument(Node x, Node y, const std::string& name,
                                                 ScriptContext& ctx) {
  if (!x) return {};
  if (x.is(Kind::Identifier) && dataset_vars_.count(std::string(x.text())))
    return std::string(x.text());
  if (touches_framework(x, ctx) || (y && touches_framework(y, ctx))) return {};
  if (!y && opaque_parameter_data(x)) {
    // `window.train` in a helper: a dataset made elsewhere, iterated as it is (batches of
    // inputs and targets); named by its expression.
    pivot::Dataset d;
    d.kind = "iterable";
    d.variable = std::string(x.text());
    d.features = setup_value(x);
    d.location = x.location();
    ctx.script->setup.datasets.push_back(std::move(d));
    return ctx.script->setup.datasets.back().variable;
  }
  std::optional<SetupValue> targets;
  if (y && y.is(Kind::Dictionary) && !ctx.script->setup.output_losses.empty()) {
    targets = targets_in_output_order(y, ctx);
    if (!targets) return {};
  }
  // One array per input keyed by the model's Input names: a list in the model's input order.
  std::optional<SetupValue> inputs;
  if (x.is(Kind::Dictionary)) {
    inputs = inputs_in_model_order(x, ctx);
    if (!inputs) return {};
  }
  pivot::Dataset d;
  d.kind = "arrays";
  d.variable =
      name + "_loader" + (generated_datasets_ ? "_" + std::to_string(generated_datasets_) : "");
  ++generated_datasets_;
  d.features = inputs ? *inputs : setup_value(x);
  if (y) d.labels = targets ? *targets : setup_value(y);
  d.location = x.location();
  ctx.script->setup.datasets.push_back(std::move(d));
  return ctx.script->setup.datasets.back().variable;
}

bool KerasScriptRecognizer::read_optimizer(Node expr, ScriptContext& ctx, std::string& why) {
  const auto& rows = frameworks::keras::training_rows();
  pivot::Optimizer o;
  o.location = expr.location();
  const SetupRow* row = nullptr;
  CallArgs args;
  if (expr.is(Kind::String)) {
    row = frameworks::find_row_by_string(rows, SetupFamily::Optimizer, setup_value(expr).text);
    // Keras also takes an optimizer class's own name ("RMSprop", "Adam").
    if (!row)
      row = frameworks::find_row_by_symbol(rows, "keras.optimizers." + setup_value(expr).text);
  } else if (expr.is(Kind::Call)) {
    row = frameworks::find_row_by_symbol(rows, qualified(expr.field(Field::Function), ctx));
    args = call_args(expr);
  }
  if (!row) {
    why = "optimizer '" + std::string(expr.text()) + "' has no mapping yet";
    return false;
  }
  // Keras 3: weight_decay on any optimizer is decoupled (w -= lr * wd * w); clipnorm is per
  // tensor, global_clipnorm over all, clipvalue elementwise.
  for (const char* k : {"weight_decay", "clipnorm", "global_clipnorm", "clipvalue"}) {
    auto it = args.keywords.find(k);
    if (it == args.keywords.end()) continue;
    const std::string key = k;
    if (key == "weight_decay" && row->kind == "adamw") continue;
    if (key == "weight_decay") {
      o.decay = pivot::Optimizer::Decay::Decoupled;
      o.weight_decay = setup_value(it->second);
    } else {
      o.clip = key == "clipnorm"          ? pivot::Optimizer::Clip::PerTensorNorm
               : key == "global_clipnorm" ? pivot::Optimizer::Clip::GlobalNorm
                                          : pivot::Optimizer::Clip::Value;
      o.clip_value = setup_value(it->second);
    }
    args.keywords.erase(it);
  }
  o.kind = row->kind;
  Node rate;
  if (auto it = args.keywords.find("learning_rate"); it != args.keywords.end())
    rate = it->second;
  else if (!args.positional.empty())
    rate = args.positional[0];
  if (!bind_row(*row, args, o.args, why)) return false;
  if (rate && !attach_schedule(rate, o, ctx, why)) return false;
  if (row->kind == "adamw") {
    o.decay = pivot::Optimizer::Decay::Decoupled;
    o.weight_decay = o.args["weight_decay"];
    o.args.erase("weight_decay");
  }
  ctx.script->setup.optimizer = std::move(o);
  return true;
}

bool KerasScriptRecognizer::read_schedule(Node call, const std::string& variable,
                                          ScriptContext& ctx, pivot::Schedule& out,
                                          std::string& why) {
  const SetupRow* row = frameworks::find_row_by_symbol(frameworks::keras::training_rows(),
                                                       qualified(call.field(Field::Function), ctx));
  if (!row || row->family != SetupFamily::Schedule || !row->implied.count("unit")) {
    why = "learning-rate schedule '" + std::string(call.field(Field::Function).text()) +
          "' has no mapping yet";
    return false;
  }
  out.kind = row->kind;
  out.unit = row->implied.at("unit");
  out.variable = variable;
  out.location = call.location();
  return bind_row(*row, call_args(call), out.args, why);
}

bool KerasScriptRecognizer::attach_schedule(Node rate, pivot::Optimizer& o, ScriptContext& ctx,
                                            std::string& why) {
  pivot::Schedule sch;
  if (rate.is(Kind::Identifier)) {
    auto it = schedule_vars_.find(std::string(rate.text()));
    if (it == schedule_vars_.end()) return true;  // a number held in a variable
    sch = it->second;
  } else if (rate.is(Kind::Call) &&
             qualified(rate.field(Field::Function), ctx).rfind("keras.optimizers.schedules.", 0) ==
                 0) {
    if (!read_schedule(rate, "learning_rate_schedule", ctx, sch, why)) return false;
  } else {
    return true;
  }
  // The target multiplies the optimiser's rate by the schedule's value at each step: starting
  // from 1.0 gives the schedule's rate itself (no division by a rate that may be 0).
  o.args["learning_rate"] = SetupValue::real(1.0);
  o.args["learning_rate"].from_source = true;
  ctx.script->setup.schedules.push_back(std::move(sch));
  return true;
}

bool KerasScriptRecognizer::read_loss(Node expr, ScriptContext& ctx, std::string& why) {
  const auto& rows = frameworks::keras::training_rows();
  pivot::Loss l;
  l.location = expr.location();
  const SetupRow* row = nullptr;
  CallArgs args;
  // A user function (script_functions.cc), called as Keras calls it, on the outputs as they are.
  if (std::string callable = custom_callable(expr, ctx); !callable.empty()) {
    l.kind = "custom";
    l.function = callable;
    l.input_form = "probabilities";
    l.label_form = "value";
    ctx.script->setup.loss = std::move(l);
    return true;
  }
  if (expr.is(Kind::String)) {
    row = frameworks::find_row_by_string(rows, SetupFamily::Loss, setup_value(expr).text);
    // Keras also takes a loss class's own name ("MeanSquaredError").
    if (!row) row = frameworks::find_row_by_symbol(rows, "keras.losses." + setup_value(expr).text);
  } else if (expr.is(Kind::Call)) {
    row = frameworks::find_row_by_symbol(rows, qualified(expr.field(Field::Function), ctx));
    args = call_args(expr);
  } else {
    // keras.losses.mse (the function) and friends.
    const std::string q = qualified(expr, ctx);
    if (q.rfind("keras.losses.", 0) == 0)
      row = frameworks::find_row_by_string(rows, SetupFamily::Loss,
                                           q.substr(std::string("keras.losses.").size()));
  }
  if (!row) {
    why = "loss '" + std::string(expr.text()) + "' has no mapping yet";
    return false;
  }
  l.kind = row->kind;
  if (auto it = row->implied.find("input_form"); it != row->implied.end())
    l.input_form = it->second;
  else
    l.input_form = "probabilities";
  if (auto it = row->implied.find("label_form"); it != row->implied.end())
    l.label_form = it->second;
  if (auto it = args.keywords.find("from_logits"); it != args.keywords.end()) {
    SetupValue v = setup_value(it->second);
    if (v.kind != SetupValue::Kind::Bool) {
      why = "from_logits must be True or False here";
      return false;
    }
    if (v.b) l.input_form = "logits";
    args.keywords.erase(it);
  }
  if (auto it = args.keywords.find("reduction"); it != args.keywords.end()) {
    SetupValue v = setup_value(it->second);
    // tf.keras 2.x: keras.losses.Reduction.SUM / NONE / AUTO / SUM_OVER_BATCH_SIZE.
    if (it->second.is(Kind::None)) v = SetupValue::string("none");
    if (v.kind == SetupValue::Kind::Expr) {
      const std::string q = qualified(it->second, ctx);
      const std::string prefix = "keras.losses.Reduction.";
      std::string member = q.rfind(prefix, 0) == 0 ? q.substr(prefix.size()) : "";
      for (auto& c : member) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (member.empty()) {
        why = "loss reduction '" + std::string(it->second.text()) + "' is not understood";
        return false;
      }
      v = SetupValue::string(member);
      v.from_source = true;
      v.location = it->second.location();
    }
    if (v.kind == SetupValue::Kind::String &&
        (v.text == "sum_over_batch_size" || v.text == "auto" || v.text == "mean"))
      v.text = "mean";
    if (v.kind == SetupValue::Kind::String &&
        (v.text == "mean" || v.text == "sum" || v.text == "none")) {
      l.args["reduction"] = v;
      args.keywords.erase(it);
    }
  }
  if (!bind_row(*row, args, l.args, why)) return false;
  ctx.script->setup.loss = std::move(l);
  return true;
}

bool KerasScriptRecognizer::read_output_losses(Node loss, Node weights, ScriptContext& ctx,
                                               std::string& why) {
  if (!ctx.model) {
    why = "compile(loss=...) for several outputs needs the model's outputs";
    return false;
  }
  const pivot::Graph& graph = ctx.model->entry_module().graph;
  const size_t outputs = graph.outputs.size();
  // The Keras layer that makes the output (its node's module path: a Dense layer's fused
  // activation is a node of its own, "priority_sigmoid", of the layer "priority").
  auto output_name = [&](size_t i) {
    const pivot::ValueId v = graph.outputs[i].value;
    for (const auto& node : graph.nodes)
      if (!node.module_path.empty() &&
          std::find(node.outputs.begin(), node.outputs.end(), v) != node.outputs.end())
        return node.module_path;
    return graph.values.at(v).name;
  };
  // In Keras' flat order: a dict by sorted key, a list as written, one loss once per output.
  std::vector<std::pair<std::string, Node>> items;
  if (loss.is(Kind::Dictionary)) {
    for (Node pair : loss.named_children()) {
      const SetupValue key =
          pair.is(Kind::Pair) ? setup_value(pair.field(Field::Key)) : SetupValue{};
      if (key.kind != SetupValue::Kind::String) {
        why = "compile(loss={...}): only string keys naming the outputs are mapped";
        return false;
      }
      items.emplace_back(key.text, pair.field(Field::Value));
    }
    std::sort(items.begin(), items.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  } else if (loss.is(Kind::List) || loss.is(Kind::Tuple)) {
    for (Node item : loss.named_children()) items.emplace_back("", item);
  } else {
    for (size_t i = 0; i < outputs; ++i) items.emplace_back("", loss);
  }
  if (items.size() != outputs) {
    why = "compile(loss=...) gives " + std::to_string(items.size()) + " losses for a model with " +
          std::to_string(outputs) + " outputs";
    return false;
  }
  // Dict keys name the outputs: the output layers' names (a model returning a list), else the
  // keys of the model's output dict, which Keras flattens by sorted key, the order in which the
  // migrated model returns them.
  bool by_layer_name = loss.is(Kind::Dictionary);
  for (const auto& item : items) {
    size_t matches = 0;
    for (size_t i = 0; i < outputs; ++i) matches += output_name(i) == item.first;
    by_layer_name = by_layer_name && matches == 1;
  }
  std::vector<pivot::OutputLoss> flat;
  for (size_t i = 0; i < items.size(); ++i) {
    pivot::OutputLoss o;
    o.output = i;
    if (by_layer_name)
      while (output_name(o.output) != items[i].first) o.output = (o.output + 1) % outputs;
    o.name = items[i].first.empty() ? output_name(i) : items[i].first;
    if (is_none(items[i].second)) {
      why = "compile(loss=...): an output without a loss (None) has no mapping yet";
      return false;
    }
    if (items[i].second.is(Kind::Identifier) &&
        ctx.vars.count(std::string(items[i].second.text()))) {
      why =
          "compile(loss=...): a loss object made before compile() for one of several outputs "
          "has no mapping yet";
      return false;
    }
    if (!read_loss(items[i].second, ctx, why)) return false;
    o.loss = *ctx.script->setup.loss;
    flat.push_back(std::move(o));
  }
  // loss_weights: a list in the same flat order, a dict by output name, a number for one output.
  auto weight_of = [&](Node w, pivot::OutputLoss& o) {
    if (is_none(w)) return true;
    o.weight = setup_value(w);
    if ((o.weight.kind != SetupValue::Kind::Float && o.weight.kind != SetupValue::Kind::Int &&
         o.weight.kind != SetupValue::Kind::Expr) ||
        touches_framework(w, ctx)) {
      why = "compile(loss_weights=...): '" + std::string(w.text()) + "' is not a number";
      return false;
    }
    return true;
  };
  if (weights.is(Kind::List) || weights.is(Kind::Tuple)) {
    const auto ws = weights.named_children();
    if (ws.size() != flat.size()) {
      why = "compile(loss_weights=...) has " + std::to_string(ws.size()) + " entries for " +
            std::to_string(flat.size()) + " losses";
      return false;
    }
    for (size_t i = 0; i < ws.size(); ++i)
      if (!weight_of(ws[i], flat[i])) return false;
  } else if (weights.is(Kind::Dictionary)) {
    for (Node pair : weights.named_children()) {
      const SetupValue key =
          pair.is(Kind::Pair) ? setup_value(pair.field(Field::Key)) : SetupValue{};
      auto it = std::find_if(flat.begin(), flat.end(),
                             [&](const pivot::OutputLoss& o) { return o.name == key.text; });
      if (key.kind != SetupValue::Kind::String || it == flat.end()) {
        why = "compile(loss_weights={...}): " + std::string(pair.text()) +
              " names no output of the model";
        return false;
      }
      if (!weight_of(pair.field(Field::Value), *it)) return false;
    }
  } else if (!is_none(weights) && !(flat.size() == 1 && weight_of(weights, flat[0]))) {
    if (why.empty()) why = "compile(loss_weights=...) is not understood";
    return false;
  }
  std::sort(flat.begin(), flat.end(),
            [](const auto& a, const auto& b) { return a.output < b.output; });
  ctx.script->setup.loss = flat.front().loss;
  ctx.script->setup.output_losses = std::move(flat);
  return true;
}

std::optional<SetupValue> KerasScriptRecognizer::targets_in_output_order(Node y,
                                                                         ScriptContext& ctx) {
  const auto& per_output = ctx.script->setup.output_losses;
  std::vector<std::string> ordered(per_output.size());
  for (Node pair : y.named_children()) {
    const SetupValue key = pair.is(Kind::Pair) ? setup_value(pair.field(Field::Key)) : SetupValue{};
    auto it = std::find_if(per_output.begin(), per_output.end(),
                           [&](const pivot::OutputLoss& o) { return o.name == key.text; });
    if (key.kind != SetupValue::Kind::String || it == per_output.end()) return std::nullopt;
    ordered[it->output] = std::string(pair.field(Field::Value).text());
  }
  std::string list;
  for (const auto& item : ordered) {
    if (item.empty()) return std::nullopt;
    list += (list.empty() ? "" : ", ") + item;
  }
  return SetupValue::expr("[" + list + "]");
}

void KerasScriptRecognizer::read_metrics(Node expr, ScriptContext& ctx) {
  if (!(expr.is(Kind::List) || expr.is(Kind::Tuple))) {
    if (ctx.diags)
      ctx.diags->error(Code::ScriptUnsupported, expr.location())
          << "metrics must be a list of strings or objects";
    return;
  }
  const pivot::Loss* loss = ctx.script->setup.loss ? &*ctx.script->setup.loss : nullptr;
  for (Node m : expr.named_children()) {
    pivot::Metric metric;
    if (!read_metric(m, loss, ctx, metric)) {
      if (ctx.diags)
        ctx.diags->error(Code::ScriptUnsupported, m.location())
            << "metric " << m.text()
            << " has no mapping yet; it is not computed by the migrated script";
      continue;
    }
    ctx.script->setup.metrics.push_back(std::move(metric));
  }
}

bool KerasScriptRecognizer::read_metric(Node m, const pivot::Loss* loss, ScriptContext& ctx,
                                        pivot::Metric& metric) {
  const auto& rows = frameworks::keras::training_rows();
  metric.location = m.location();
  std::string name;
  const SetupRow* row = nullptr;
  // A user function (or its factory's call): Keras names the metric after the function.
  if (std::string callable = custom_callable(m, ctx, &name); !callable.empty()) {
    metric.kind = "custom";
    metric.function = callable;
    metric.display_name = name;
    return true;
  }
  if (m.is(Kind::String)) {
    name = setup_value(m).text;
    metric.display_name = name;
    if (name == "accuracy" || name == "acc") {
      // Keras resolves "accuracy" from the loss (conventions row 21).
      if (loss && loss->kind == "binary_cross_entropy")
        metric.kind = "binary_accuracy";
      else if (loss && loss->kind == "cross_entropy" && loss->label_form == "one_hot")
        metric.kind = "categorical_accuracy";
      else if (loss && loss->kind == "cross_entropy")
        metric.kind = "sparse_categorical_accuracy";
      // Any other loss (a user function): Keras 3 resolves it from the output's shape, binary
      // for one value per sample.
      if (metric.kind.empty() && ctx.model) {
        const auto& graph = ctx.model->entry_module().graph;
        const size_t index = metric.output >= 0 ? static_cast<size_t>(metric.output) : 0;
        if (index < graph.outputs.size()) {
          const auto& shape = graph.values.at(graph.outputs[index].value).type.shape;
          if (shape.size() == 2 && shape.back() == 1) metric.kind = "binary_accuracy";
        }
      }
      if (metric.kind == "binary_accuracy") metric.args["threshold"] = SetupValue::real(0.5);
    } else {
      row = frameworks::find_row_by_string(rows, SetupFamily::Metric, name);
      // Keras also takes a metric class's own name ("RootMeanSquaredError").
      if (!row) {
        row = frameworks::find_row_by_symbol(rows, "keras.metrics." + name);
        if (row) metric.display_name.clear();  // logged under the row's name
      }
    }
  } else if (m.is(Kind::Call)) {
    row = frameworks::find_row_by_symbol(rows, qualified(m.field(Field::Function), ctx));
    if (row) {
      std::string why;
      CallArgs a = call_args(m);
      if (auto it = a.keywords.find("name"); it != a.keywords.end())
        metric.display_name = setup_value(it->second).text;
      if (!bind_row(*row, a, metric.args, why)) row = nullptr;
    }
  }
  if (row) {
    metric.kind = row->kind;
    for (const auto& a : row->args)
      if (!metric.args.count(a.canonical) && a.default_value.set())
        metric.args[a.canonical] = a.default_value;
    if (metric.display_name.empty())
      metric.display_name = row->strings.empty() ? row->kind : row->strings[0];
  }
  return !metric.kind.empty();
}

bool KerasScriptRecognizer::read_callbacks(Node expr, ScriptContext& ctx, std::string& why) {
  const auto& rows = frameworks::keras::training_rows();
  std::vector<Node> items;
  if (expr.is(Kind::List) || expr.is(Kind::Tuple))
    items = expr.named_children();
  else
    items.push_back(expr);
  for (Node c : items) {
    if (c.is(Kind::Identifier)) {
      const std::string name(c.text());
      if (auto it = callback_vars_.find(name); it != callback_vars_.end()) {
        ctx.script->setup.callbacks.push_back(it->second);
        continue;
      }
      if (auto it = plateau_vars_.find(name); it != plateau_vars_.end()) {
        ctx.script->setup.schedules.push_back(it->second);
        continue;
      }
      const auto list = callback_lists_.find(name);
      const auto plateaus = plateau_lists_.find(name);
      if (list != callback_lists_.end() || plateaus != plateau_lists_.end()) {
        if (list != callback_lists_.end())
          for (const auto& cb : list->second) ctx.script->setup.callbacks.push_back(cb);
        if (plateaus != plateau_lists_.end())
          for (const auto& s : plateaus->second) ctx.script->setup.schedules.push_back(s);
        continue;
      }
      why = "callback '" + name + "' is not understood";
      return false;
    }
    if (!c.is(Kind::Call)) {
      why = "callback '" + std::string(c.text()) + "' is not understood";
      return false;
    }
    const SetupRow* row =
        frameworks::find_row_by_symbol(rows, qualified(c.field(Field::Function), ctx));
    if (!row) {
      why = "callback '" + std::string(c.field(Field::Function).text()) + "' has no mapping yet";
      return false;
    }
    CallArgs a = call_args(c);
    a.keywords.erase("verbose");
    pivot::SetupArgs args;
    if (!bind_row(*row, a, args, why)) return false;
    if (row->family == SetupFamily::Callback) {
      pivot::Callback cb;
      cb.kind = row->kind;
      cb.args = std::move(args);
      cb.location = c.location();
      ctx.script->setup.callbacks.push_back(std::move(cb));
    } else {
      pivot::Schedule s;
      s.kind = row->kind;
      s.args = std::move(args);
      s.location = c.location();
      ctx.script->setup.schedules.push_back(std::move(s));
    }
  }
  return true;
}

}  // namespace nnport::readers::keras
