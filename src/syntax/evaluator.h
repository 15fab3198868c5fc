// Static constant evaluation of Python expressions. Nothing is ever executed: literals,
// tuples/lists, arithmetic, comparisons, boolean logic, names bound in a Scope, slices, the pure
// builtins and str methods of syntax/builtins.h (set, sorted, len, enumerate, zip, sum,
// text.lower().split(), ...) are folded; anything else is "not constant" with the node and
// reason recorded.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "syntax/constant.h"
#include "syntax/tree.h"

namespace nnport::syntax {

// Names bound to constants. Frames chain to a parent (constructor locals -> module globals).
class Scope {
 public:
  explicit Scope(const Scope* parent = nullptr) : parent_(parent) {}
  const Constant* lookup(std::string_view name) const;
  void bind(const std::string& name, Constant value) { names_[name] = std::move(value); }
  void unbind(const std::string& name) { names_.erase(name); }
  bool has_local(std::string_view name) const { return names_.find(name) != names_.end(); }

 private:
  const Scope* parent_;
  std::map<std::string, Constant, std::less<>> names_;
};

struct EvalError {
  Node node;  // the innermost sub-expression that is not constant
  std::string reason;
};

class ConstEvaluator {
 public:
  // Asked first for identifiers missing from the scope, for attributes (`self.flag`) and for
  // calls of dotted names (`torch.cuda.is_available()`); returns nullopt when it does not know
  // the value either.
  using Resolver = std::function<std::optional<Constant>(Node)>;

  explicit ConstEvaluator(const Scope& scope, Resolver resolver = {})
      : scope_(scope), resolver_(std::move(resolver)) {}

  std::optional<Constant> eval(Node expr);
  const EvalError& error() const { return error_; }

 private:
  std::optional<Constant> eval_at(Node expr, int depth);
  std::optional<Constant> fail(Node node, std::string reason);
  std::optional<Constant> binary(Node node, int depth);
  std::optional<Constant> compare(Node node, int depth);
  std::optional<Constant> call(Node node, int depth);
  std::optional<Constant> subscript(Node node, int depth);

  const Scope& scope_;
  Resolver resolver_;
  EvalError error_;
};

// Parses literal nodes (no scope needed). nullopt for anything else or malformed literals.
std::optional<Constant> parse_integer(std::string_view text);
std::optional<Constant> parse_float(std::string_view text);
std::optional<std::string> parse_string(Node string_node);

// Arithmetic with Python semantics (floor division, modulo sign, int overflow -> nullopt).
std::optional<Constant> apply_binary(std::string_view op, const Constant& a, const Constant& b);

// Python comparison (==, !=, <, <=, >, >=, in, not in, is, is not); nullopt when undefined.
std::optional<bool> apply_compare(std::string_view op, const Constant& a, const Constant& b);

// Binds module-level `NAME = <constant expr>` assignments, in order; others are skipped.
void bind_module_constants(Node module, Scope& scope,
                           const ConstEvaluator::Resolver& resolver = {});

}  // namespace nnport::syntax
