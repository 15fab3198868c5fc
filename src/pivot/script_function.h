// A user-defined function of a training script whose body uses the framework: a custom loss or
// metric (`def contrastive_loss(y_true, y_pred): return ops.mean(...)`), possibly a closure
// returned by a factory (`def loss(margin=1): def contrastive_loss(...): ...; return
// contrastive_loss`), or a tensor function the script defines next to them.
//
// The body is kept statement by statement in framework-neutral terms: framework calls become
// canonical functions (`square`, `mean` with axis/keepdims, `mean_squared_error` over the last
// axis, ...; the reader's table maps each framework spelling to one), operators, numbers, names
// and framework-free subscripts stay as they are. A statement the reader could not translate is
// kept as a Todo with its source text (and reported at its line), so that the writer marks it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/source_location.h"

namespace nnport::pivot {

struct FunctionExpr {
  enum class Kind {
    Name,       // `text`: a parameter, local or script name
    Number,     // `text`: the literal as written (or a folded constant: keras.backend.epsilon())
    Call,       // `text`: canonical function; `args` its tensors, `attrs` its options
    Binary,     // `text`: the Python operator ("+", "-", "*", "/", "**"); `args`: two operands
    Unary,      // `text`: "-" or "+"; `args`: one operand
    Subscript,  // args[0] indexed by `text` (framework-free, as written: "[:, -1]")
    Tuple,      // `args`: the items
  };
  Kind kind = Kind::Name;
  std::string text;
  std::vector<FunctionExpr> args;
  // Call options: "axis" ("1", "-1", "(1, 2)", "None"), "keepdims" ("True"/"False").
  std::map<std::string, std::string> attrs;
};

struct FunctionStatement {
  enum class Kind {
    Assign,  // `targets` (several: tuple unpacking) = value
    Return,  // return value
    Todo,    // not translated: `text` is the source statement, `reason` why
  };
  Kind kind = Kind::Assign;
  std::vector<std::string> targets;
  FunctionExpr value;
  std::string text;
  std::string reason;
  SourceLocation location;
};

struct ScriptFunction {
  std::string name;                 // "contrastive_loss"
  std::vector<std::string> params;  // as written, defaults included ("y_true", "margin=1")
  std::string docstring;            // its docstring's source text, or empty
  std::vector<FunctionStatement> body;
  // A closure returned by a factory: the factory's name, parameters and docstring. The script
  // calls the factory (`loss(margin=margin)`) where it wants the function.
  std::string factory;
  std::vector<std::string> factory_params;
  std::string factory_docstring;
  SourceLocation location;

  bool translated() const {
    for (const auto& s : body)
      if (s.kind == FunctionStatement::Kind::Todo) return false;
    return true;
  }
};

}  // namespace nnport::pivot
