// Reading a training script around the model: the framework-independent walk.
//
// The walker visits the module's statements in order (descending into function bodies and
// compound statements), asks the framework's ScriptRecognizer to claim each one, and keeps the
// rest: framework-free statements and comments as Verbatim steps (their source text), compound
// statements as Block steps with their headers. A statement nobody claims that still touches
// the framework (an imported framework name, or a script variable bound to a framework object)
// becomes an Unsupported step with a diagnostic at its line: it is never dropped silently.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pivot/graph.h"
#include "pivot/training.h"
#include "readers/pytorch/imports.h"
#include "support/diagnostics.h"
#include "syntax/tree.h"

namespace nnport::readers {

// What a script variable holds, as far as the recogniser has established.
enum class ScriptVar { Model, Optimizer, Loss, Dataset, Schedule, Tensor, History, Framework };

struct ScriptContext {
  const syntax::Tree* tree = nullptr;
  DiagnosticEngine* diags = nullptr;
  pivot::Script* script = nullptr;
  const pivot::Model* model = nullptr;
  const pytorch::ImportTable* imports = nullptr;
  std::map<std::string, ScriptVar> vars;  // script variable -> what it holds
  // Classes and functions that define the model (their definitions become one
  // ModelDefinition step at the first of them).
  std::set<std::string> model_definitions;
  bool model_definition_emitted = false;
  // Walks a nested block as the walker walks any body (set during walk_script): a recogniser
  // that claims a compound statement (a training helper whose parameter is the model) walks its
  // body with its own bindings in place and restores them after.
  std::function<std::vector<pivot::ScriptStep>(syntax::Node)> walk_body;
  // Walks one statement of a nested block as the walker would (a recogniser that keeps a loop it
  // claimed, e.g. the epoch loop around per-epoch fit calls, walks the statements it keeps).
  std::function<std::vector<pivot::ScriptStep>(syntax::Node)> walk_statement;

  // Source text of a node, and its location.
  std::string text(syntax::Node node) const { return std::string(node.text()); }
  SourceLocation at(syntax::Node node) const { return node.location(); }
};

// The framework's part: recognising its statements. Implementations live with their reader
// (src/readers/pytorch/script_*.cc, src/readers/keras/script_*.cc).
class ScriptRecognizer {
 public:
  virtual ~ScriptRecognizer() = default;
  // Offered every statement (simple or compound) before the walker handles it. Return true
  // when the statement was claimed: the recogniser appended its steps to `out` (possibly none,
  // e.g. a statement folded into an earlier step) and recorded what it learnt in ctx.script.
  virtual bool claim(syntax::Node stmt, ScriptContext& ctx,
                     std::vector<pivot::ScriptStep>& out) = 0;
  // Is this (unclaimed) node framework code? The walker also asks this of compound statement
  // headers. Typically: mentions an imported framework module or a variable in ctx.vars.
  virtual bool touches_framework(syntax::Node node, const ScriptContext& ctx) const = 0;
  // Is this import statement one of the framework's (dropped: the writer writes its own)?
  virtual bool is_framework_import(syntax::Node stmt) const = 0;
  // Offered each expression statement inside a model definition (a class or builder function
  // the generated model replaces), e.g. a builder's own `model.compile(...)`. Return true when
  // the recogniser took it over (it then writes it where the model is built); unclaimed
  // training code there is reported.
  virtual bool claim_in_definition(syntax::Node definition, syntax::Node stmt, ScriptContext& ctx) {
    (void)definition;
    (void)stmt;
    (void)ctx;
    return false;
  }
};

// Walks `module` (the tree's root). Returns the script, or nullopt when the file holds no
// training code at all (only the model, imports and constants): the caller then migrates the
// model alone, as before.
std::optional<pivot::Script> walk_script(syntax::Node module, ScriptRecognizer& recognizer,
                                         ScriptContext& ctx);

// Helpers shared by recognisers.
// A step carrying the statement's own text.
pivot::ScriptStep verbatim_step(syntax::Node stmt);
// An Unsupported step with a `script-unsupported` diagnostic (reason given) at the statement.
pivot::ScriptStep unsupported_step(syntax::Node stmt, ScriptContext& ctx,
                                   const std::string& reason);
// A Dropped step (framework statement with no counterpart), noted in the report.
pivot::ScriptStep dropped_step(syntax::Node stmt, ScriptContext& ctx, const std::string& reason);
// A value from an argument expression: a literal when it is one, else an Expr of its text.
pivot::SetupValue setup_value(syntax::Node expr);

}  // namespace nnport::readers
