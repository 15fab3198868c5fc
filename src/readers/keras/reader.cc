// Keras reader entry: parse, find the model (a keras.Model subclass, a builder function, or a
// module-level model), interpret it into one pivot graph, name the parameters by their Keras 3
// weights-file paths.
#include "readers/keras/reader.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "readers/keras/interpreter.h"
#include "readers/keras/training_wrappers.h"
#include "readers/model_choice.h"

namespace nnport::readers {

using keras::Context;
using keras::Frame;
using keras::Interpreter;
using keras::Layer;
using keras::LayerPtr;
using keras::Value;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

struct Candidate {
  std::string name;
  enum class Kind { Class, Function, Variable } kind;
  Node node;  // class or function definition, or the module-level statement
};

// Whether `base` names keras.layers.Layer or keras.Model (`model` is set for the latter).
bool derives_from(Context& ctx, Node base, bool& model) {
  auto q = ctx.imports.qualify(base);
  std::string text = q ? *q : std::string(base.text());
  for (const char* prefix : {"tensorflow.keras.", "tf.keras.", "keras.src."})
    if (text.rfind(prefix, 0) == 0) text = "keras." + text.substr(std::string(prefix).size());
  if (text == "keras.Model" || text == "keras.models.Model" || text == "Model") {
    model = true;
    return true;
  }
  return text == "keras.layers.Layer" || text == "keras.Layer" || text == "Layer";
}

void collect_definitions(Context& ctx, Node root) {
  for (Node stmt : root.named_children()) {
    Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
    if (def.is(Kind::FunctionDefinition)) {
      ctx.functions[std::string(def.field(Field::Name).text())] = def;
      continue;
    }
    if (!def.is(Kind::ClassDefinition)) continue;
    keras::ClassDef cls;
    cls.name = std::string(def.field(Field::Name).text());
    cls.node = def;
    if (Node body = def.field(Field::Body))
      for (Node member : body.named_children()) {
        Node m = member.is(Kind::DecoratedDefinition) ? member.field(Field::Definition) : member;
        if (m.is(Kind::FunctionDefinition))
          cls.methods[std::string(m.field(Field::Name).text())] = m;
      }
    ctx.classes[cls.name] = std::move(cls);
  }
  // Bases: Keras classes directly, or classes of this file (resolved to a fixpoint).
  for (auto& [name, cls] : ctx.classes) {
    Node supers = cls.node.field(Field::Superclasses);
    if (!supers) continue;
    for (Node b : supers.named_children()) {
      if (b.is(Kind::KeywordArgument)) continue;
      if (b.is(Kind::Identifier) && ctx.classes.count(std::string(b.text())) && b.text() != name) {
        if (!cls.user_base) cls.user_base = &ctx.classes.at(std::string(b.text()));
        continue;
      }
      bool model = false;
      if (derives_from(ctx, b, model)) {
        cls.is_layer = true;
        cls.is_model = cls.is_model || model;
      }
    }
  }
  for (int round = 0; round < 32; ++round)
    for (auto& [name, cls] : ctx.classes)
      if (cls.user_base) {
        cls.is_layer = cls.is_layer || cls.user_base->is_layer;
        cls.is_model = cls.is_model || cls.user_base->is_model;
      }
  // nnport's own generated custom layers read back as the pivot ops they came from.
  for (auto& [name, cls] : ctx.classes)
    cls.nnport_custom = cls.is_layer && cls.methods.count("call") &&
                        (name == "AddParameter" || name == "PrependParameter" ||
                         name == "SequenceMask" || name == "ZeroPaddedSteps");
}

bool mentions_model(std::string_view text) {
  return text.find("Sequential(") != std::string_view::npos ||
         text.find("Model(") != std::string_view::npos ||
         text.find("Input(") != std::string_view::npos;
}

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `text` calls `name` as a whole identifier (`make_model(` does not call `model`).
bool calls_name(std::string_view text, const std::string& name) {
  const std::string pattern = name + "(";
  for (size_t at = text.find(pattern); at != std::string_view::npos;
       at = text.find(pattern, at + 1))
    if (at == 0 || (!is_identifier_char(text[at - 1]) && text[at - 1] != '.')) return true;
  return false;
}

// Identifiers an expression or statement reads (attribute and keyword names excluded).
void read_names(Node n, std::set<std::string>& out) {
  if (n.is(Kind::Identifier)) {
    out.insert(std::string(n.text()));
    return;
  }
  if (n.is(Kind::Attribute)) return read_names(n.field(Field::Object), out);
  if (n.is(Kind::KeywordArgument)) return read_names(n.field(Field::Value), out);
  if (n.is(Kind::FunctionDefinition) || n.is(Kind::ClassDefinition)) return;
  for (Node c : n.named_children()) read_names(c, out);
}

void target_names(Node t, std::set<std::string>& out) {
  if (t.is(Kind::Identifier)) {
    out.insert(std::string(t.text()));
  } else if (t.is(Kind::PatternList) || t.is(Kind::TuplePattern) || t.is(Kind::ListPattern) ||
             t.is(Kind::Tuple) || t.is(Kind::List)) {
    for (Node c : t.named_children()) target_names(c, out);
  }
}

// Names a module-level statement binds (assignment and loop targets, nested blocks included).
void bound_names(Node n, std::set<std::string>& out) {
  if (n.is(Kind::FunctionDefinition) || n.is(Kind::ClassDefinition)) return;
  if (n.is(Kind::Assignment) || n.is(Kind::AugmentedAssignment) || n.is(Kind::ForStatement))
    target_names(n.field(Field::Left), out);
  for (Node c : n.named_children()) bound_names(c, out);
}

// Methods of a model that train or save it: they never change the network.
const std::set<std::string_view>& training_methods() {
  static const std::set<std::string_view> kMethods = {
      "compile", "fit", "evaluate", "predict", "save", "save_weights", "load_weights", "summary"};
  return kMethods;
}

// The module-level statements before `target` that the value it assigns depends on (a backward
// slice over the names read and bound), in source order, and every name the slice reads.
// Module-level Functional code (`x = layers.Dense(8)(x)` again and again) runs in order; data
// loading and training code the model does not read is never followed.
struct ModuleSlice {
  std::vector<Node> statements;
  std::set<std::string> reads;
};

// A method call on one of `needed` (not a training method) in `n`'s statements.
bool changes_needed(Node n, const std::set<std::string>& needed) {
  if (n.is(Kind::FunctionDefinition) || n.is(Kind::ClassDefinition)) return false;
  if (n.is(Kind::ExpressionStatement) && n.named_child(0).is(Kind::Call)) {
    Node fn = n.named_child(0).field(Field::Function);
    if (fn.is(Kind::Attribute) && fn.field(Field::Object).is(Kind::Identifier) &&
        needed.count(std::string(fn.field(Field::Object).text())) &&
        !training_methods().count(fn.field(Field::Attribute).text()))
      return true;
  }
  if (n.is(Kind::ExpressionStatement)) return false;
  for (Node c : n.named_children())
    if (changes_needed(c, needed)) return true;
  return false;
}

ModuleSlice module_slice(Node root, Node target) {
  std::vector<Node> before;
  for (Node stmt : syntax::module_statements(root)) {
    if (stmt == target) break;
    before.push_back(stmt);
  }
  ModuleSlice slice;
  std::set<std::string> needed;
  read_names(target.named_child(0).field(Field::Right), needed);
  slice.reads = needed;
  std::vector<Node> kept;
  for (size_t i = before.size(); i-- > 0;) {
    Node stmt = before[i];
    if (!stmt.is(Kind::ExpressionStatement) && !stmt.is(Kind::ForStatement) &&
        !stmt.is(Kind::IfStatement))
      continue;
    std::set<std::string> bound;
    bound_names(stmt, bound);
    bool hit = std::any_of(bound.begin(), bound.end(),
                           [&](const std::string& b) { return needed.count(b) > 0; });
    // `features.append(x)` / `model.add(...)` on a needed object may change it, also in the
    // body of a loop or branch (`for filters in ...: model.add(ResidualUnit(filters))`).
    Node e = stmt.is(Kind::ExpressionStatement) ? stmt.named_child(0) : Node{};
    if (!hit) hit = changes_needed(stmt, needed);
    if (!hit) continue;
    kept.push_back(stmt);
    // A plain assignment replaces the names it binds; a loop or branch may not run.
    if (e.is(Kind::Assignment))
      for (const auto& b : bound) needed.erase(b);
    std::set<std::string> reads;
    if (e.is(Kind::Assignment)) {
      read_names(e.field(Field::Right), reads);
      if (!e.field(Field::Left).is(Kind::Identifier)) {
        std::set<std::string> targets;
        target_names(e.field(Field::Left), targets);
        if (targets.empty()) read_names(e.field(Field::Left), reads);  // d[k] = v, obj.a = v
      }
    } else {
      read_names(stmt, reads);
    }
    needed.insert(reads.begin(), reads.end());
    slice.reads.insert(reads.begin(), reads.end());
  }
  slice.statements.assign(kept.rbegin(), kept.rend());
  return slice;
}

// The top-level candidates; `every` also gets the parts (a model another one uses), which
// --class may still pick.
std::vector<Candidate> find_candidates(Context& ctx, Node root, std::vector<Candidate>& every,
                                       uint32_t binding_line,
                                       std::map<std::string, std::vector<Node>>& rebound) {
  std::vector<Candidate> all;
  std::set<std::string> wrappers;
  for (const auto& [name, cls] : ctx.classes) {
    if (!cls.is_model) continue;
    if (!keras::defines_call(cls) && !keras::functional_constructions(name, root).empty()) {
      // CustomModel(inputs, outputs): its instances are the candidates (Functional models); a
      // training step it overrides belongs to the training script.
      for (const char* method : {"train_step", "test_step", "predict_step", "compute_loss"})
        for (const keras::ClassDef* c = &cls; c; c = c->user_base)
          if (auto m = c->methods.find(method); m != c->methods.end()) {
            ctx.diags->error(Code::ScriptUnsupported, m->second.location())
                << "'" << name << "." << method
                << "' overrides a step of fit(): the migrated training loop is the standard one "
                   "and does not run this method";
            break;
          }
      continue;
    }
    if (auto why = keras::training_wrapper_reason(cls)) {
      ctx.diags->note(Code::ModelSetAside, cls.node.location())
          << "'" << name << "' is set aside: it " << *why;
      wrappers.insert(name);
      continue;
    }
    all.push_back({name, Candidate::Kind::Class, cls.node});
  }
  for (const auto& [name, def] : ctx.functions)
    if (mentions_model(def.text()) &&
        def.field(Field::Body).text().find("return") != std::string_view::npos)
      all.push_back({name, Candidate::Kind::Function, def});
  for (Node stmt : syntax::module_statements(root)) {
    if (!stmt.is(Kind::ExpressionStatement)) continue;
    Node e = stmt.named_child(0);
    if (!e.is(Kind::Assignment) || !e.field(Field::Left).is(Kind::Identifier)) continue;
    Node right = e.field(Field::Right);
    if (!right || !right.is(Kind::Call)) continue;
    const std::string callee(right.field(Field::Function).text());
    if (auto inner = keras::softmax_wrapped_model(stmt, root)) {
      ctx.diags->note(Code::ModelSetAside, stmt.location())
          << "'" << e.field(Field::Left).text() << "' is set aside: the trained model '" << *inner
          << "' followed by a softmax for prediction, written by the training script";
      continue;
    }
    if (wrappers.count(callee)) {
      ctx.diags->note(Code::ModelSetAside, stmt.location())
          << "'" << e.field(Field::Left).text() << "' is set aside: an instance of the training "
          << "wrapper '" << callee << "'";
      continue;
    }
    // `inputs = keras.Input(...)` in module-level Functional code is a tensor, not a model.
    if (callee == "Input" ||
        (callee.size() > 6 && callee.compare(callee.size() - 6, 6, ".Input") == 0))
      continue;
    bool model = mentions_model(right.text());
    bool called_model = false;
    for (const auto& c : all)
      if (callee == c.name) {
        // Calling a builder or a model class makes a model; calling a model object (an
        // earlier module-level model) applies it to tensors.
        model = model || c.kind != Candidate::Kind::Variable;
        called_model = c.kind == Candidate::Kind::Variable;
      }
    if (model && !called_model)
      all.push_back({std::string(e.field(Field::Left).text()), Candidate::Kind::Variable, stmt});
  }
  // A variable bound several times (`model = ...` again for a retrain or another network) is
  // one candidate: its last binding, or the one at `binding_line`; the others are its bindings.
  std::map<std::string, std::vector<Node>> bindings;
  for (const auto& c : all)
    if (c.kind == Candidate::Kind::Variable) bindings[c.name].push_back(c.node);
  std::erase_if(all, [&](const Candidate& c) {
    if (c.kind != Candidate::Kind::Variable) return false;
    const auto& nodes = bindings.at(c.name);
    if (nodes.size() < 2) return false;
    const bool picked =
        std::any_of(nodes.begin(), nodes.end(), [&](Node n) { return n.line() == binding_line; });
    return picked ? c.node.line() != binding_line : c.node != nodes.back();
  });
  for (auto& [name, nodes] : bindings)
    if (nodes.size() > 1) rebound[name] = nodes;
  // A candidate used by another one (called by name, a class instantiated, or a module-level
  // model the other's statements read, e.g. `Sequential([model, Softmax()])`) is a part.
  std::map<const Candidate*, std::set<std::string>> reads;
  for (const auto& c : all)
    if (c.kind == Candidate::Kind::Variable) reads[&c] = module_slice(root, c.node).reads;
  std::vector<Candidate> top;
  for (const auto& c : all) {
    const Candidate* user = nullptr;
    for (const auto& other : all) {
      if (&other == &c) continue;
      if (calls_name(other.node.text(), c.name)) user = &other;
      if (c.kind == Candidate::Kind::Variable && other.kind == Candidate::Kind::Variable &&
          other.name != c.name && other.node.start_byte() > c.node.start_byte() &&
          reads[&other].count(c.name))
        user = &other;
    }
    if (!user)
      top.push_back(c);
    else
      ctx.diags->note(Code::ModelSetAside, c.node.location())
          << "'" << c.name << "' is a part of '" << user->name
          << "', not migrated on its own (--class " << c.name << " picks it)";
  }
  every = all;
  std::sort(top.begin(), top.end(), [](const Candidate& a, const Candidate& b) {
    return std::pair(a.node.line(), a.node.column()) < std::pair(b.node.line(), b.node.column());
  });
  return top;
}

// What --class names: a top-level candidate, else any layer class or function of the file (a
// part of the model read on its own).
std::optional<Candidate> named_candidate(const Context& ctx, const std::vector<Candidate>& top,
                                         const std::vector<Candidate>& every,
                                         const std::string& name) {
  if (const Candidate* c = find_named(top, name)) return *c;
  if (const Candidate* c = find_named(every, name)) return *c;
  if (auto it = ctx.classes.find(name); it != ctx.classes.end() && it->second.is_layer)
    return Candidate{it->first, Candidate::Kind::Class, it->second.node};
  if (auto f = ctx.functions.find(name); f != ctx.functions.end())
    return Candidate{f->first, Candidate::Kind::Function, f->second};
  return std::nullopt;
}

constexpr ModelChoiceWording kWording{
    "Keras model, layer class or builder function",
    "no keras.Model subclass, builder function or module-level Keras model in this file"};

// Removes nodes whose results no output needs (models built but not returned) and the
// parameters only they used.
void prune(pivot::Graph& g) {
  std::set<pivot::ValueId> live;
  for (const auto& port : g.outputs) live.insert(port.value);
  std::vector<bool> keep(g.nodes.size(), false);
  for (size_t i = g.nodes.size(); i-- > 0;) {
    const auto& n = g.nodes[i];
    if (std::none_of(n.outputs.begin(), n.outputs.end(),
                     [&](pivot::ValueId v) { return live.count(v) > 0; }))
      continue;
    keep[i] = true;
    live.insert(n.inputs.begin(), n.inputs.end());
  }
  std::vector<pivot::Node> nodes;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (keep[i]) nodes.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(nodes);
  std::map<pivot::ParamId, pivot::ParamId> remap;
  std::vector<pivot::Param> params;
  for (auto& n : g.nodes)
    for (auto& [role, id] : n.params) {
      auto [it, fresh] = remap.emplace(id, static_cast<pivot::ParamId>(params.size()));
      if (fresh) params.push_back(g.params[id]);
      id = it->second;
    }
  g.params = std::move(params);
}

pivot::TensorType option_type(const InputSpec& spec) {
  pivot::TensorType t;
  t.dtype = spec.dtype.value_or(pivot::DType::Float32);
  if (spec.shape)
    t.shape = *spec.shape;
  else
    t.rank_known = false;
  return t;
}

}  // namespace

std::optional<pivot::Model> read_keras(const std::string& path, std::string_view source,
                                       const ReadOptions& options, DiagnosticEngine& diags,
                                       uint32_t binding_line) {
  auto tree = syntax::Tree::parse_python(path, source);
  if (!tree) {
    diags.error(Code::SyntaxError, SourceLocation{path, 1, 1}) << "the file could not be parsed";
    return std::nullopt;
  }
  if (auto bad = tree->first_error()) {
    diags.error(Code::SyntaxError, *bad) << tree->first_error_text();
    return std::nullopt;
  }
  Context ctx;
  ctx.path = path;
  ctx.diags = &diags;
  Node root = tree->root();
  ctx.imports.collect(root);
  ctx.tf_keras = source.find("import tensorflow") != std::string_view::npos ||
                 source.find("from tensorflow") != std::string_view::npos;
  syntax::bind_module_constants(root, ctx.globals);
  collect_definitions(ctx, root);
  ctx.input_overrides = options.inputs;

  std::vector<Candidate> every;
  std::map<std::string, std::vector<Node>> rebound;
  const auto candidates = find_candidates(ctx, root, every, binding_line, rebound);
  std::optional<Candidate> named;
  if (!options.class_name.empty())
    named = named_candidate(ctx, candidates, every, options.class_name);
  const Candidate* chosen = choose_model(
      candidates, named, options.class_name, path, kWording,
      [](const Candidate& c) { return c.node.location(); }, diags);
  if (!chosen) return std::nullopt;

  Interpreter in(ctx);
  Frame module_frame;
  LayerPtr top;
  pivot::Model model;
  model.source_framework = "keras";
  model.source_file = path;
  model.entry_kind = chosen->kind == Candidate::Kind::Class ? "class" : "function";
  if (chosen->kind == Candidate::Kind::Class) {
    top = in.instantiate(ctx.classes.at(chosen->name), {}, {}, chosen->node);
  } else {
    Value v;
    if (chosen->kind == Candidate::Kind::Function) {
      v = in.call_function(chosen->node, {}, {}, nullptr, chosen->node);
    } else {
      // The statements the model's assignment depends on, in order, then the assignment and
      // the statements configuring it (`model.add(...)`); other module-level names are
      // evaluated when the model's code uses them.
      for (Node stmt : syntax::module_statements(root)) {
        if (!stmt.is(Kind::ExpressionStatement)) continue;
        Node e = stmt.named_child(0);
        if (e.is(Kind::Assignment) && e.field(Field::Left).is(Kind::Identifier) &&
            e.field(Field::Right) && stmt.start_byte() < chosen->node.start_byte())
          ctx.module_assignments[std::string(e.field(Field::Left).text())] = e.field(Field::Right);
      }
      for (Node stmt : module_slice(root, chosen->node).statements) {
        in.exec_one(stmt, module_frame);
        for (const auto& [name, value] : module_frame.locals) ctx.module_values[name] = value;
      }
      bool after = false;
      for (Node stmt : syntax::module_statements(root)) {
        // A later binding of the same variable starts another model.
        if (after && stmt.is(Kind::ExpressionStatement) &&
            stmt.named_child(0).is(Kind::Assignment) &&
            stmt.named_child(0).field(Field::Left).text() == chosen->name)
          if (auto it = rebound.find(chosen->name);
              it != rebound.end() &&
              std::find(it->second.begin(), it->second.end(), stmt) != it->second.end())
            break;
        if (stmt == chosen->node) {
          ctx.module_values[chosen->name] =
              in.eval(stmt.named_child(0).field(Field::Right), module_frame);
          after = true;
          continue;
        }
        // A loop growing the model (`for filters in ...: model.add(ResidualUnit(filters))`)
        // runs too; the names it reads that are assigned after the model are evaluated on use.
        if (after && stmt.is(Kind::ExpressionStatement) &&
            stmt.named_child(0).is(Kind::Assignment)) {
          Node e = stmt.named_child(0);
          const std::string name(e.field(Field::Left).text());
          if (e.field(Field::Left).is(Kind::Identifier) && e.field(Field::Right) &&
              !ctx.module_values.count(name) && !ctx.module_assignments.count(name))
            ctx.module_assignments[name] = e.field(Field::Right);
          continue;
        }
        if (after && stmt.is(Kind::ForStatement) && changes_needed(stmt, {chosen->name})) {
          in.exec_one(stmt, module_frame);
          continue;
        }
        if (!after || !stmt.is(Kind::ExpressionStatement) || !stmt.named_child(0).is(Kind::Call))
          continue;
        Node fn = stmt.named_child(0).field(Field::Function);
        // Training calls (compile, fit, ...) do not change the network; the training-script
        // reader reads them.
        if (fn.is(Kind::Attribute) && fn.field(Field::Object).text() == chosen->name &&
            !training_methods().count(fn.field(Field::Attribute).text()))
          in.eval(stmt.named_child(0), module_frame);
      }
      v = ctx.module_values[chosen->name];
    }
    if (v.kind != Value::Kind::Layer) {
      diags.error(Code::NoModelFound, chosen->node.location())
          << "'" << chosen->name << "' does not build a Keras model";
      return std::nullopt;
    }
    top = v.layer;
  }

  std::vector<pivot::Port> inputs;
  std::vector<pivot::ValueId> outputs;
  if (top->kind == Layer::Kind::Functional) {
    for (auto id : top->inputs) inputs.push_back({ctx.graph.values[id].name, id, {}});
    outputs = top->outputs;
  } else {
    // Sequential and subclassed models: inputs from --input-shape, Input(...) / input_shape= /
    // build(...), in that order.
    std::vector<pivot::TensorType> types;
    std::vector<std::string> names;
    for (const auto& spec : ctx.input_overrides) types.push_back(option_type(spec));
    if (top->kind == Layer::Kind::Sequential && !top->layers.empty()) {
      if (!top->declared_input) {
        const Layer& first = *top->layers[0];
        for (const char* key : {"input_shape", "batch_input_shape"})
          if (const Value* shape = first.kwarg(key))
            if (auto c = shape->as_constant(); c && c->is_sequence()) {
              std::vector<int64_t> dims;
              for (size_t i = key[0] == 'b' ? 1 : 0; i < c->items.size(); ++i)
                dims.push_back(c->items[i].is_int() ? c->items[i].i : -1);
              top->declared_input = keras::keras_input_type(dims, pivot::DType::Float32);
            }
      }
    }
    if (types.empty() && top->declared_input) types.push_back(*top->declared_input);
    // An earlier binding of a rebound variable has no --input-shape of its own: a Sequential
    // starting with an Embedding takes token ids of any length.
    if (types.empty() && binding_line != 0 && top->kind == Layer::Kind::Sequential &&
        !top->layers.empty() && top->layers[0]->cls == "Embedding")
      types.push_back(keras::keras_input_type({-1}, pivot::DType::Int32));
    Node call_def;
    if (top->kind == Layer::Kind::Custom)
      for (const auto* c = top->klass; c && !call_def; c = c->user_base)
        if (auto it = c->methods.find("call"); it != c->methods.end()) call_def = it->second;
    if (call_def)
      for (Node p : call_def.field(Field::Parameters).named_children()) {
        Node id = p.is(Kind::Identifier) ? p : p.field(Field::Name);
        if (!id || id.text() == "self" || id.text() == "training" || id.text() == "mask") continue;
        if (!p.is(Kind::Identifier) && p.field(Field::Value) && names.size() >= types.size())
          continue;
        names.emplace_back(id.text());
      }
    if (types.empty() ||
        std::any_of(types.begin(), types.end(), [](const auto& t) { return !t.rank_known; })) {
      diags.error(Code::NeedsInputShape, chosen->node.location())
          << "the input shape of '" << chosen->name
          << "' is unknown; pass --input-shape (channels-last, e.g. N,32,32,3)";
      return std::nullopt;
    }
    // The graph starts fresh: inputs declared while building are replaced by the model's.
    ctx.graph.inputs.clear();
    std::vector<Value> args;
    // call(self, a, b) takes several positional tensors; call(self, inputs) and a Sequential
    // take one list of them.
    const bool as_list =
        types.size() > 1 && (top->kind != Layer::Kind::Custom || names.size() < types.size());
    for (size_t i = 0; i < types.size(); ++i) {
      std::string name = top->declared_input_name.empty() ? "x" : top->declared_input_name;
      if (as_list && !names.empty())
        name = names[0] + "_" + std::to_string(i);
      else if (i < names.size())
        name = names[i];
      auto id = in.add_input(name, types[i], chosen->node);
      inputs.push_back(ctx.graph.inputs.back());
      args.push_back(Value::of_tensor(id));
    }
    ctx.calls.clear();
    if (as_list) args = {Value::of_list(args)};
    Value out = in.apply_layer(top, args, {}, chosen->node);
    in.verify_shape_asserts();
    if (out.is_tensor())
      outputs.push_back(out.tensor);
    else if (out.kind == Value::Kind::List)
      for (const auto& item : out.items)
        if (item.is_tensor()) outputs.push_back(item.tensor);
  }
  if (outputs.empty()) {
    if (!diags.has_errors())
      diags.error(Code::UnsupportedSyntax, chosen->node.location())
          << "the model produces no tensor";
    return std::nullopt;
  }
  ctx.graph.inputs = inputs;
  ctx.graph.outputs.clear();
  for (size_t i = 0; i < outputs.size(); ++i)
    ctx.graph.outputs.push_back(
        {outputs.size() == 1 ? "output" : "output_" + std::to_string(i), outputs[i], {}});
  for (const auto& port : ctx.graph.inputs)
    if (!ctx.graph.values[port.value].type.rank_known) {
      diags.error(Code::NeedsInputShape, chosen->node.location())
          << "the shape of input '" << port.name << "' is unknown; pass --input-shape";
      return std::nullopt;
    }
  keras::name_parameters(ctx, top);
  prune(ctx.graph);
  for (const auto& n : ctx.graph.nodes)
    if (n.kind == pivot::OpKind::Unsupported && ctx.positions.count(n.outputs[0]))
      diags.error(Code::UnsupportedOperation, n.location)
          << "arange is only supported as the positions of an Embedding added to a sequence";
  for (const auto& n : ctx.graph.nodes)
    if (n.kind == pivot::OpKind::Unsupported && ctx.negation_of.count(n.outputs[0]))
      diags.error(Code::UnsupportedOperation, n.location)
          << "logical_not is only supported as the attention mask of MultiHeadAttention";

  if (auto it = rebound.find(chosen->name);
      chosen->kind == Candidate::Kind::Variable && it != rebound.end())
    for (Node n : it->second) {
      if (n == chosen->node) model.binding = model.bindings.size();
      model.bindings.push_back(n.location());
    }
  pivot::ModuleDef def;
  def.name = chosen->name;
  def.class_name = top->cls;
  def.graph = std::move(ctx.graph);
  def.location = chosen->node.location();
  model.modules.push_back(std::move(def));
  model.entry = 0;
  return model;
}

}  // namespace nnport::readers
