// The Keras recogniser's statements around the model that are not training objects: the
// bundled datasets of keras.datasets, framework names standing for framework-free values
// (tf.newaxis), callback lists kept for fit(), and a builder function's own compile()/summary().
// Rows: src/frameworks/keras/script_rows.cc.
#include <algorithm>
#include <functional>
#include <map>

#include "frameworks/keras/script_rows.h"
#include "frameworks/training_table.h"
#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {
namespace {

using pivot::ScriptStep;
using pivot::SetupValue;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

// Names a function binds itself: its parameters and the targets of its assignments.
std::set<std::string> local_names(Node def) {
  std::set<std::string> out;
  if (Node params = def.field(Field::Parameters))
    for (Node p : params.named_children()) {
      Node name = p.is(Kind::Identifier) ? p : p.field(Field::Name);
      if (!name && p.named_child_count() > 0) name = p.named_child(0);
      if (name && name.is(Kind::Identifier)) out.insert(std::string(name.text()));
    }
  for (Node a : pytorch::find_all(def, [](Node n) {
         return n.is(Kind::Assignment) || n.is(Kind::AugmentedAssignment) ||
                n.is(Kind::ForStatement);
       })) {
    for (const auto& t : pytorch::target_names(a.field(Field::Left))) out.insert(t);
  }
  return out;
}

// Does `def` return the variable `name` (`return model`)?
bool returns(Node def, std::string_view name) {
  for (Node r : pytorch::find_all(def, [](Node n) { return n.is(Kind::ReturnStatement); }))
    if (r.named_child_count() == 1 && r.named_child(0).text() == name) return true;
  return false;
}

}  // namespace

const frameworks::SetupRow* KerasScriptRecognizer::dataset_row(const std::string& symbol) {
  const auto* row = frameworks::find_row_by_symbol(frameworks::keras::training_rows(), symbol);
  return row && row->family == pivot::SetupFamily::Dataset ? row : nullptr;
}

bool KerasScriptRecognizer::claim_builtin_dataset(Node stmt, Node left, Node call,
                                                  ScriptContext& ctx,
                                                  std::vector<ScriptStep>& out) {
  Node fn = call.field(Field::Function);
  const std::string_view method = fn.is(Kind::Attribute) ? fn.field(Field::Attribute).text() : "";
  if (method != "load_data" && method != "get_word_index") return false;
  Node module = fn.field(Field::Object);
  std::string symbol;
  if (auto it = dataset_modules_.find(std::string(module.text())); it != dataset_modules_.end())
    symbol = it->second;
  else
    symbol = qualified(module, ctx);
  if (symbol.rfind("keras.datasets.", 0) != 0) return false;
  const auto* row = dataset_row(symbol);
  if (row && method == "get_word_index" && !row->implied.count("word_index")) row = nullptr;
  if (!row) {
    out.push_back(unsupported_step(stmt, ctx,
                                   symbol + "." + std::string(method) +
                                       "() has no counterpart reading the same files in "
                                       "PyTorch; load the arrays here, e.g. with NumPy"));
    return true;
  }
  pytorch::ScriptArgs a = pytorch::call_args(call);
  // mnist.load_data(path="mnist.npz") names the cache file only; anything else would change
  // the arrays.
  a.keywords.erase("path");
  pivot::Dataset d;
  // Arguments choosing the split (boston_housing's test_split, seed) are the row's.
  for (const auto& [name, value] : a.keywords)
    if (const auto* arg = row->find_spelled(name)) d.args[arg->canonical] = setup_value(value);
  if (a.splat || !a.positional.empty() || d.args.size() != a.keywords.size()) {
    out.push_back(unsupported_step(
        stmt, ctx,
        row->args.empty() ? "load_data(...): only path= is mapped"
                          : "load_data(...): only path= and the split's arguments are mapped"));
    return true;
  }
  for (const auto& arg : row->args)
    if (!d.args.count(arg.canonical) && arg.default_value.set())
      d.args[arg.canonical] = arg.default_value;
  d.kind = "builtin";
  d.variable = std::string(left.text());
  d.args["name"] = SetupValue::string(row->kind);
  // load_data(): both splits; get_word_index(): the word -> id dict.
  d.builtin_split = SetupValue::string(method == "load_data" ? "both" : "word_index");
  // Keras' array layouts (training_rows.cc), which the target reproduces.
  for (const auto& [fact, value] : row->implied) d.args[fact] = SetupValue::string(value);
  d.location = call.location();
  ScriptStep s;
  s.kind = ScriptStep::Kind::MakeData;
  s.location = stmt.location();
  s.text = std::string(stmt.text());
  s.variable = d.variable;
  s.index = ctx.script->setup.datasets.size();
  ctx.script->setup.datasets.push_back(std::move(d));
  out.push_back(std::move(s));
  return true;
}

bool KerasScriptRecognizer::claim_framework_names(
    Node stmt, ScriptContext& ctx, std::vector<ScriptStep>& out,
    const std::vector<std::pair<Node, std::string>>& given) {
  auto given_text = [&](Node n) -> const std::string* {
    for (const auto& [node, text] : given)
      if (node == n) return &text;
    return nullptr;
  };
  auto inside_given = [&](Node n) {
    for (const auto& g : given)
      if (n.start_byte() >= g.first.start_byte() && n.end_byte() <= g.first.end_byte()) return true;
    return false;
  };
  // A script variable holding a framework object (the model, an optimizer...) is not a name
  // with a framework-free value.
  for (Node id : pytorch::find_all(stmt, [](Node n) { return n.is(Kind::Identifier); })) {
    if (inside_given(id)) continue;
    // `x.model`, `f(model=...)`: an attribute's or a keyword's name, not the variable.
    if (Node p = id.parent(); p && ((p.is(Kind::Attribute) && p.field(Field::Attribute) == id) ||
                                    (p.is(Kind::KeywordArgument) && p.field(Field::Name) == id)))
      continue;
    if (auto it = ctx.vars.find(std::string(id.text()));
        it != ctx.vars.end() && it->second != ScriptVar::History)
      return false;
  }
  // A framework name or call inside the statement: its row, or the NumPy text of a framework
  // function applied to arrays (frameworks/keras/script_rows.h).
  struct Hit {
    Node node;
    const frameworks::keras::ScriptNameRow* row = nullptr;
    std::string numpy;
  };
  bool unknown = false;
  int lambdas = 0;  // lambdas around the node visited
  std::vector<std::string> warnings;
  std::function<void(Node, std::vector<Hit>&)> visit;
  // `node`'s text with the framework parts inside it replaced (`unknown` set when one has no
  // framework-free text).
  auto neutral_text = [&](Node node) {
    std::vector<Hit> inner;
    visit(node, inner);
    std::string text(node.text());
    for (auto it = inner.rbegin(); it != inner.rend(); ++it) {
      const size_t at = it->node.start_byte() - node.start_byte();
      const std::string& with = it->row ? it->row->neutral : it->numpy;
      if (it->row && (with.empty() || !it->row->drop_reason.empty())) unknown = true;
      text.replace(at, it->node.end_byte() - it->node.start_byte(), with);
    }
    return text;
  };
  // The NumPy text of a call of an array function row, with its arguments bound by name.
  auto array_call = [&](Node call, const frameworks::keras::ArrayCallRow& row) -> std::string {
    auto fail = [&] {
      unknown = true;
      return std::string();
    };
    pytorch::ScriptArgs a = pytorch::call_args(call);
    if (a.splat || a.positional.size() > row.params.size()) return fail();
    std::map<std::string, Node> bound;
    for (size_t i = 0; i < a.positional.size(); ++i) bound[row.params[i].name] = a.positional[i];
    for (const auto& [k, v] : a.keywords) {
      if (k == "name") continue;  // the op's name in the TensorFlow graph: no value
      const bool known = std::any_of(row.params.begin(), row.params.end(),
                                     [&](const auto& p) { return p.name == k; });
      if (!known || bound.count(k)) return fail();
      bound[k] = v;
    }
    std::string text = row.numpy;
    for (const auto& p : row.params) {
      auto it = bound.find(p.name);
      if (it != bound.end() && p.unmapped) return fail();
      if (it == bound.end() && p.default_value.empty() && !p.unmapped) return fail();
      const std::string value = it != bound.end() ? neutral_text(it->second) : p.default_value;
      for (size_t at; (at = text.find("{" + p.name + "}")) != std::string::npos;)
        text.replace(at, p.name.size() + 2, value);
    }
    if (!row.warning.empty()) warnings.push_back(row.symbol + ": " + row.warning);
    return text;
  };
  auto framework_base = [&](Node n) {
    Node base = n;
    while (base.is(Kind::Attribute)) base = base.field(Field::Object);
    return base.is(Kind::Identifier) && framework_names_.count(std::string(base.text()));
  };
  visit = [&](Node n, std::vector<Hit>& hits) {
    if (unknown) return;
    if (const std::string* text = given_text(n)) {
      hits.push_back({n, nullptr, *text});
      return;
    }
    if (n.is(Kind::Call)) {
      Node fn = n.field(Field::Function);
      // `tf.reduce_mean(x).numpy()`: the NumPy result is already an array.
      Node of = fn.is(Kind::Attribute) && fn.field(Field::Attribute).text() == "numpy" &&
                        pytorch::call_args(n).positional.empty() &&
                        pytorch::call_args(n).keywords.empty()
                    ? fn.field(Field::Object)
                    : Node{};
      Node array_fn = of && of.is(Kind::Call) ? of.field(Field::Function) : fn;
      if (framework_base(array_fn))
        if (const auto* row = frameworks::keras::find_array_call(qualified(array_fn, ctx))) {
          // A lambda's parameters may be tensors (`ds.map(lambda x: tf.expand_dims(x, -1))`
          // runs on a tf.data pipeline's tensors), which NumPy would not compute with.
          if (lambdas > 0) {
            unknown = true;
            return;
          }
          hits.push_back({n, nullptr, array_call(of ? of : n, *row)});
          return;
        }
    }
    if (n.is(Kind::Lambda)) {
      ++lambdas;
      for (Node c : n.named_children()) visit(c, hits);
      --lambdas;
      return;
    }
    if (n.is(Kind::Identifier) || n.is(Kind::Attribute)) {
      if (framework_base(n)) {
        if (const auto* row = frameworks::keras::find_script_name(qualified(n, ctx))) {
          hits.push_back({n, row, ""});
          return;
        }
        if (n.is(Kind::Identifier)) {
          unknown = true;
          return;
        }
      }
    }
    if (n.is(Kind::Attribute)) return visit(n.field(Field::Object), hits);
    if (n.is(Kind::KeywordArgument)) return visit(n.field(Field::Value), hits);
    for (Node c : n.named_children()) visit(c, hits);
  };
  std::vector<Hit> hits;
  visit(stmt, hits);
  if (unknown || hits.empty()) return false;
  // `keras.backend.clear_session()` on its own: nothing to do in the target, said in a comment.
  if (Node e = pytorch::expression_of(stmt); hits.size() == 1 && hits[0].row &&
                                             !hits[0].row->comment.empty() && e.is(Kind::Call) &&
                                             e.field(Field::Function) == hits[0].node) {
    ScriptStep s = verbatim_step(stmt);
    s.text = "# " + hits[0].row->comment;
    out.push_back(std::move(s));
    return true;
  }
  for (const auto& hit : hits) {
    if (!hit.row) continue;
    if (!hit.row->comment.empty()) return false;  // used as a value: not understood
    if (hit.row->drop_reason.empty()) continue;
    // Only a statement that binds nothing can go without changing what follows.
    if (!pytorch::expression_of(stmt).is(Kind::Call)) return false;
    out.push_back(dropped_step(stmt, ctx, hit.row->drop_reason));
    return true;
  }
  std::string text(stmt.text());
  for (auto it = hits.rbegin(); it != hits.rend(); ++it) {
    const size_t at = it->node.start_byte() - stmt.start_byte();
    text.replace(at, it->node.end_byte() - it->node.start_byte(),
                 it->row ? it->row->neutral : it->numpy);
  }
  if (unknown) return false;
  if (ctx.diags)
    for (const auto& w : warnings)
      ctx.diags->warning(Code::TrainingConvention, stmt.location()) << w;
  ScriptStep s = verbatim_step(stmt);
  s.text = std::move(text);
  out.push_back(std::move(s));
  return true;
}

bool KerasScriptRecognizer::claim_callback_list(Node stmt, Node list, const std::string& variable,
                                                ScriptContext& ctx, std::vector<ScriptStep>& out) {
  if (variable.empty() || !(list.is(Kind::List) || list.is(Kind::Tuple)) ||
      list.named_child_count() == 0)
    return false;
  for (Node c : list.named_children())
    if (!c.is(Kind::Call) ||
        qualified(c.field(Field::Function), ctx).rfind("keras.callbacks.", 0) != 0)
      return false;
  auto& cbs = ctx.script->setup.callbacks;
  auto& scheds = ctx.script->setup.schedules;
  const size_t first_cb = cbs.size(), first_sched = scheds.size();
  std::string why;
  if (!read_callbacks(list, ctx, why)) {
    cbs.resize(first_cb);
    scheds.resize(first_sched);
    out.push_back(unsupported_step(stmt, ctx, why));
    return true;
  }
  // Carried out by the fit(callbacks=...) that names the list; a list no fit() uses has no
  // effect in Keras either.
  callback_lists_[variable].assign(cbs.begin() + static_cast<std::ptrdiff_t>(first_cb), cbs.end());
  plateau_lists_[variable].assign(scheds.begin() + static_cast<std::ptrdiff_t>(first_sched),
                                  scheds.end());
  cbs.resize(first_cb);
  scheds.resize(first_sched);
  ctx.vars[variable] = ScriptVar::Framework;
  return true;
}

bool KerasScriptRecognizer::claim_reload(Node stmt, Node right, const std::string& variable,
                                         ScriptContext& ctx, std::vector<ScriptStep>& out) {
  if (!right.is(Kind::Call) || variable.empty() || variable != ctx.script->model_variable)
    return false;
  const std::string q = qualified(right.field(Field::Function), ctx);
  if (q != "keras.models.load_model" && q != "keras.saving.load_model") return false;
  const auto args = pytorch::call_args(right);
  Node path = args.positional.size() == 1 ? args.positional[0] : Node{};
  if (!path && args.positional.empty() && args.keywords.count("filepath"))
    path = args.keywords.at("filepath");
  // custom_objects only names this file's own classes for Keras' deserialiser; compile=False
  // or safe_mode would change what is restored, so they stay unmapped.
  for (const auto& [k, v] : args.keywords)
    if (k != "custom_objects" && k != "filepath") return false;
  if (!path || touches_framework(path, ctx)) return false;
  // The model reloaded from the file this script's ModelCheckpoint / save() wrote: the same
  // network with the saved weights, which the migrated script saved as a state_dict.
  ScriptStep s;
  s.kind = ScriptStep::Kind::LoadWeights;
  s.location = stmt.location();
  s.text = std::string(path.text());
  if (ctx.diags)
    ctx.diags->warning(Code::TrainingConvention, stmt.location())
        << "keras.models.load_model(...) rebuilds the saved model in Keras; the migrated script "
           "loads the saved state_dict into '"
        << variable << "'";
  out.push_back(std::move(s));
  return true;
}

bool KerasScriptRecognizer::claim_dataset_rebatch(Node /*stmt*/, Node call,
                                                  const std::string& variable, ScriptContext& ctx,
                                                  std::vector<ScriptStep>& /*out*/) {
  const auto chain = pytorch::method_chain(call);
  // Only the name rebound to its own pipeline: the unbatched dataset is unreachable afterwards,
  // so building it batched where it was made changes nothing the script can see.
  if (!chain.base.is(Kind::Identifier) || chain.base.text() != variable || chain.methods.empty())
    return false;
  auto it = dataset_vars_.find(variable);
  if (it == dataset_vars_.end()) return false;
  pivot::Dataset& d = ctx.script->setup.datasets[it->second];
  if (d.kind != "arrays" || d.batch_size.set()) return false;
  pivot::Dataset changed = d;
  for (size_t i = 0; i < chain.methods.size(); ++i) {
    const std::string& m = chain.methods[i];
    const auto a = pytorch::call_args(chain.calls[i]);
    if (m == "shuffle" && !changed.batch_size.set())
      changed.shuffle = SetupValue::boolean(true);
    else if (m == "batch" && a.positional.size() == 1 && a.keywords.empty() &&
             !changed.batch_size.set())
      changed.batch_size = setup_value(a.positional[0]);
    else if ((m == "prefetch" || m == "cache") && changed.batch_size.set())
      continue;
    else
      return false;
  }
  if (!changed.batch_size.set()) return false;
  // Claimed without a step of its own: the MakeData step of the first statement builds it.
  d = std::move(changed);
  return true;
}

bool KerasScriptRecognizer::claim_in_definition(Node definition, Node stmt, ScriptContext& ctx) {
  if (!definition.is(Kind::FunctionDefinition) || !ctx.script) return false;
  Node call = pytorch::expression_of(stmt);
  if (!call.is(Kind::Call)) return false;
  Node fn = call.field(Field::Function);
  if (!fn.is(Kind::Attribute)) return false;
  Node object = fn.field(Field::Object);
  const std::string method(fn.field(Field::Attribute).text());
  if (!object.is(Kind::Identifier) || !returns(definition, object.text())) return false;
  const std::string builder(definition.field(Field::Name).text());
  if (method == "summary") {
    builder_steps_[builder].push_back(dropped_step(
        stmt, ctx, "model.summary() has no PyTorch counterpart (print(model) shows the modules)"));
    return true;
  }
  if (method != "compile") return false;
  // The compile() is written where the builder is called: its arguments must not read the
  // builder's own parameters or locals.
  const auto locals = local_names(definition);
  for (const auto& name : pytorch::names_used(call.field(Field::Arguments)))
    if (locals.count(name)) return false;
  const pivot::TrainingSetup saved_setup = ctx.script->setup;
  DiagnosticEngine held;
  DiagnosticEngine* saved_diags = ctx.diags;
  ctx.diags = &held;
  std::vector<ScriptStep> steps;
  const bool claimed = model_method(stmt, call, method, {}, ctx, steps);
  ctx.diags = saved_diags;
  if (!claimed || held.has_errors() || steps.size() != 1 ||
      steps[0].kind != ScriptStep::Kind::Compile) {
    ctx.script->setup = saved_setup;
    return false;
  }
  if (ctx.diags)
    for (const auto& d : held.diagnostics()) ctx.diags->consume(d);
  builder_steps_[builder].push_back(std::move(steps[0]));
  return true;
}

}  // namespace nnport::readers::keras
