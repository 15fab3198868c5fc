// Small syntax helpers of the PyTorch script recogniser: names an expression uses, call
// arguments, method-call chains and identifier renaming in expression text.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "syntax/tree.h"

namespace nnport::readers::pytorch {

// Identifiers read by `node` (attribute names and keyword-argument names excluded).
std::set<std::string> names_used(syntax::Node node);
// Every node under `node` (itself included) for which `pred` holds, in source order.
std::vector<syntax::Node> find_all(syntax::Node node,
                                   const std::function<bool(syntax::Node)>& pred);
// Calls under `node` of a method `name` (`x.name(...)`), in source order.
std::vector<syntax::Node> method_calls(syntax::Node node, const std::string& name);

struct ScriptArgs {
  std::vector<syntax::Node> positional;
  std::map<std::string, syntax::Node> keywords;
  bool splat = false;  // *args / **kwargs: not bound statically
};
ScriptArgs call_args(syntax::Node call);

// `a.b(...).c(...)`: the call's receiver chain from the outside in. For `m(x).to(d)` the
// method names are {"to"} and the innermost expression is `m(x)`.
struct MethodChain {
  syntax::Node base;                 // innermost expression
  std::vector<syntax::Node> calls;   // the method calls, innermost first
  std::vector<std::string> methods;  // their names
};
MethodChain method_chain(syntax::Node expr);

// The text of `expr` with each identifier in `renames` (read positions only) replaced.
std::string rename_identifiers(syntax::Node expr,
                               const std::map<std::string, std::string>& renames);

// The statement's single expression: the child of an expression_statement.
syntax::Node expression_of(syntax::Node stmt);
// `base`, or `base_1`, `base_2`, ... : the first that no identifier of the module holding `any`
// spells (a variable the target script adds must not take one of the source's).
std::string unused_name(syntax::Node any, const std::string& base);
// Names bound by an assignment's left side (`a`, `a, b`, `(a, b)`).
std::vector<std::string> target_names(syntax::Node left);

}  // namespace nnport::readers::pytorch
