// PyTorch training-script reader: the walk with the PyTorch recogniser (see script_reader.h).
#include "readers/pytorch/script_reader.h"

#include "readers/pytorch/discovery.h"
#include "readers/pytorch/script_recognizer.h"

namespace nnport::readers {

std::optional<pivot::Script> read_pytorch_script(const syntax::Tree& tree,
                                                 const pivot::Model& model,
                                                 const ReadOptions& options,
                                                 DiagnosticEngine& diags) {
  (void)options;
  syntax::Node root = tree.root();
  pytorch::Context pctx;
  pctx.path = tree.path();
  pctx.tree = &tree;
  pctx.diags = &diags;
  pctx.imports.collect(root);
  pytorch::collect_classes(pctx, root);
  // Every module class of the file (the model and its parts) and the model's builder function
  // are replaced by the generated model.
  std::set<std::string> model_names;
  for (const auto& [name, info] : pctx.classes)
    if (info.is_module) model_names.insert(name);
  const std::string entry = model.entry_module().class_name;
  if (!entry.empty()) model_names.insert(entry);
  std::string module_level;  // `model = nn.Sequential(...)` in the script itself
  for (const auto& c : pytorch::model_candidates(pctx, root)) {
    if (c.builder) model_names.insert(c.name);
    if (c.sequential && model.entry_kind == "function") module_level = c.name;
  }

  ScriptContext ctx;
  ctx.tree = &tree;
  ctx.diags = &diags;
  ctx.model = &model;
  ctx.imports = &pctx.imports;
  ctx.model_definitions = model_names;
  pytorch::TorchScriptRecognizer recognizer(model_names, entry);
  recognizer.module_level_model = module_level;
  for (syntax::Node stmt : root.named_children()) {
    const std::string t(stmt.text());
    if (t.rfind("import numpy as ", 0) == 0) recognizer.numpy_alias = t.substr(16);
  }
  recognizer.find_helpers(root, ctx);
  recognizer.find_dataset_classes(root, ctx);
  auto script = walk_script(root, recognizer, ctx);
  return script;
}

}  // namespace nnport::readers
