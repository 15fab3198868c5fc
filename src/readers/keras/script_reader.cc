// Keras training-script reader: the walk with the Keras recogniser (see script_reader.h).
#include "readers/keras/script_reader.h"

#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/imports.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers {
namespace {

using syntax::Field;
using syntax::Kind;
using syntax::Node;

bool mentions_keras_model(std::string_view text) {
  for (const char* s : {"Sequential(", "Model(", "Input(", "layers."})
    if (text.find(s) != std::string_view::npos) return true;
  return false;
}

// The module-level definition statement a node belongs to (null at module level itself).
Node enclosing_definition(Node node) {
  for (; node && node.parent(); node = node.parent()) {
    Node stmt = node.parent().is(Kind::Module) ? node : Node{};
    if (!stmt) continue;
    Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
    return def.is(Kind::FunctionDefinition) || def.is(Kind::ClassDefinition) ? def : Node{};
  }
  return {};
}

// A function used only while building the model (`x = data_augmentation(inputs)` in a builder
// function, a block helper called from call()) is model code too: the generated model replaces
// it, so the script has nothing of it to migrate.
void add_model_helpers(Node root, std::set<std::string>& model_names) {
  for (bool grew = true; grew;) {
    grew = false;
    for (Node stmt : root.named_children()) {
      Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
      if (!def.is(Kind::FunctionDefinition)) continue;
      const std::string name(def.field(Field::Name).text());
      if (model_names.count(name)) continue;
      bool used = false, elsewhere = false;
      for (Node use : pytorch::find_all(
               root, [&](Node n) { return n.is(Kind::Identifier) && n.text() == name; })) {
        if (use == def.field(Field::Name)) continue;
        Node owner = enclosing_definition(use);
        if (owner == def) continue;  // recursion
        used = true;
        elsewhere =
            elsewhere || !owner || !model_names.count(std::string(owner.field(Field::Name).text()));
      }
      if (used && !elsewhere) grew = model_names.insert(name).second || grew;
    }
  }
}

// Whether the script reads History's `.epoch` or `.params`, so the migrated History records
// them (and only then: most scripts read `.history` alone). Any name bound to a History counts
// for every fit: a training helper's History reaches its caller under another name.
void note_history_reads(Node root, const std::set<std::string>& history_names,
                        pivot::Script& script) {
  bool epoch = false, params = false;
  for (Node a : pytorch::find_all(root, [&](Node n) {
         return n.is(Kind::Attribute) &&
                history_names.count(std::string(n.field(Field::Object).text()));
       })) {
    epoch = epoch || a.field(Field::Attribute).text() == "epoch";
    params = params || a.field(Field::Attribute).text() == "params";
  }
  for (auto& fit : script.fits) {
    fit.history_epoch = epoch && !fit.history_variable.empty();
    fit.history_params = params && !fit.history_variable.empty();
  }
}

}  // namespace

std::optional<pivot::Script> read_keras_script(const syntax::Tree& tree, const pivot::Model& model,
                                               const ReadOptions& options,
                                               DiagnosticEngine& diags) {
  (void)options;
  Node root = tree.root();
  pytorch::ImportTable imports;
  imports.collect(root);
  // The model's classes (keras.Model / keras.layers.Layer subclasses) and builder functions are
  // replaced by the generated model.
  std::set<std::string> model_names;
  for (Node stmt : root.named_children()) {
    Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
    if (def.is(Kind::ClassDefinition)) {
      Node supers = def.field(Field::Superclasses);
      const std::string_view t = supers ? supers.text() : std::string_view{};
      if (t.find("Model") != std::string_view::npos || t.find("Layer") != std::string_view::npos)
        model_names.insert(std::string(def.field(Field::Name).text()));
    } else if (def.is(Kind::FunctionDefinition)) {
      Node body = def.field(Field::Body);
      if (body && mentions_keras_model(body.text()) &&
          body.text().find("return") != std::string_view::npos &&
          body.text().find(".fit(") == std::string_view::npos)
        model_names.insert(std::string(def.field(Field::Name).text()));
    }
  }
  add_model_helpers(root, model_names);
  const std::string entry = model.entry_module().name;
  std::string model_variable;
  if (!entry.empty() && !model_names.count(entry)) model_variable = entry;

  ScriptContext ctx;
  ctx.tree = &tree;
  ctx.diags = &diags;
  ctx.model = &model;
  ctx.imports = &imports;
  ctx.model_definitions = model_names;
  keras::KerasScriptRecognizer recognizer(model_variable);
  recognizer.collect_framework_names(root);
  auto script = walk_script(root, recognizer, ctx);
  if (script) note_history_reads(root, recognizer.history_names(), *script);
  return script;
}

}  // namespace nnport::readers
