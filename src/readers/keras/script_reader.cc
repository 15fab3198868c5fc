// Keras training-script reader: the walk with the Keras recogniser (see script_reader.h).
#include "readers/keras/script_reader.h"

#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/imports.h"

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
  return walk_script(root, recognizer, ctx);
}

}  // namespace nnport::readers
