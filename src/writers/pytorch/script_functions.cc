// PyTorch spelling of user-defined loss and metric functions (see script_functions.h).
#include "writers/pytorch/script_functions.h"

#include <map>

#include "frameworks/function_table.h"

namespace nnport::writers::pytorch {
namespace {

using pivot::FunctionExpr;
using pivot::FunctionStatement;

int precedence(const FunctionExpr& e) {
  if (e.kind == FunctionExpr::Kind::Unary) return 4;
  if (e.kind != FunctionExpr::Kind::Binary) return 6;
  if (e.text == "**") return 5;
  if (e.text == "*" || e.text == "/") return 3;
  return 2;
}

// `{0}` ... of a template replaced by the arguments; an argument standing next to an operator
// of the template (not alone between a bracket and a comma) is parenthesised when compound.
std::string fill(std::string text, const std::vector<std::string>& args,
                 const std::vector<FunctionExpr>& exprs,
                 const std::map<std::string, std::string>& options) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string key = "{" + std::to_string(i) + "}";
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
      const char before = at > 0 ? text[at - 1] : '(';
      const char after = at + key.size() < text.size() ? text[at + key.size()] : ')';
      const bool alone = (before == '(' || (before == ' ' && at > 1 && text[at - 2] == ',')) &&
                         (after == ',' || after == ')');
      const std::string arg = !alone && precedence(exprs[i]) < 6 ? "(" + args[i] + ")" : args[i];
      text.replace(at, key.size(), arg);
      at += arg.size();
    }
  }
  for (const auto& [name, value] : options) {
    const std::string key = "{" + name + "}";
    if (auto at = text.find(key); at != std::string::npos) text.replace(at, key.size(), value);
  }
  return text;
}

std::string indent(const std::string& text, const std::string& by) {
  std::string out = by;
  for (char c : text) {
    out += c;
    if (c == '\n') out += by;
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool is_number(const FunctionExpr& e) {
  return e.kind == FunctionExpr::Kind::Number ||
         (e.kind == FunctionExpr::Kind::Unary && e.args.size() == 1 && is_number(e.args[0]));
}

}  // namespace

std::string function_expression(const FunctionExpr& e, std::string& why) {
  switch (e.kind) {
    case FunctionExpr::Kind::Name:
    case FunctionExpr::Kind::Number: return e.text;
    case FunctionExpr::Kind::Unary: {
      const std::string x = function_expression(e.args.at(0), why);
      return e.text + (precedence(e.args[0]) < precedence(e) ? "(" + x + ")" : x);
    }
    case FunctionExpr::Kind::Binary: {
      std::string a = function_expression(e.args.at(0), why);
      std::string b = function_expression(e.args.at(1), why);
      const int p = precedence(e);
      // Left-associative operators: the right operand of the same precedence keeps its brackets
      // (a - (b - c)); ** is right-associative.
      if (precedence(e.args[0]) < p || (e.text == "**" && precedence(e.args[0]) == p))
        a = "(" + a + ")";
      if (precedence(e.args[1]) < p || (e.text != "**" && precedence(e.args[1]) == p))
        b = "(" + b + ")";
      return a + " " + e.text + " " + b;
    }
    case FunctionExpr::Kind::Subscript: {
      const std::string x = function_expression(e.args.at(0), why);
      return (precedence(e.args[0]) < 6 ? "(" + x + ")" : x) + e.text;
    }
    case FunctionExpr::Kind::Tuple: {
      std::vector<std::string> items;
      for (const auto& a : e.args) items.push_back(function_expression(a, why));
      return "(" + join(items) + (items.size() == 1 ? ",)" : ")");
    }
    case FunctionExpr::Kind::Call: {
      const auto* row = frameworks::find_function_by_canonical(
          frameworks::pytorch::tensor_function_rows(), e.text);
      if (!row) {
        why = "the function '" + e.text + "' has no PyTorch spelling yet";
        return "";
      }
      std::vector<FunctionExpr> exprs = e.args;
      // torch.maximum/minimum take tensors: a number goes second, to torch.clamp.
      if (row->with_number && exprs.size() == 2 && is_number(exprs[0]) && !is_number(exprs[1]))
        std::swap(exprs[0], exprs[1]);
      std::vector<std::string> args;
      for (const auto& a : exprs) args.push_back(function_expression(a, why));
      const char* spelling = row->spelling;
      if (row->with_number && exprs.size() == 2 && is_number(exprs[1])) spelling = row->with_number;
      std::map<std::string, std::string> options;
      if (row->reduction) {
        auto axis = e.attrs.find("axis");
        if (axis == e.attrs.end() || axis->second == "None") {
          spelling = row->over_all;
          auto keep = e.attrs.find("keepdims");
          if (keep != e.attrs.end() && keep->second != "False") {
            why = "a reduction over all axes with keepdims has no PyTorch spelling yet";
            return "";
          }
        } else {
          options["axis"] = axis->second;
          auto keep = e.attrs.find("keepdims");
          options["keepdims"] = keep == e.attrs.end() ? "False" : keep->second;
        }
      }
      return fill(spelling, args, exprs, options);
    }
  }
  return "";
}

namespace {

// The body at `base` indentation. A docstring's first line is indented; its other lines keep
// their source indentation, which is the same nesting as here.
std::vector<std::string> body_lines(const pivot::ScriptFunction& fn, const std::string& base,
                                    bool& partial) {
  std::vector<std::string> body;
  bool statements = !fn.docstring.empty();
  if (!fn.docstring.empty()) body.push_back(base + fn.docstring);
  for (const auto& s : fn.body) {
    std::string why = s.reason;
    std::string value;
    if (s.kind != FunctionStatement::Kind::Todo) value = function_expression(s.value, why);
    if (s.kind == FunctionStatement::Kind::Todo || value.empty()) {
      partial = true;
      body.push_back(base + "# TODO(nnport): " + why + ":");
      body.push_back(indent(s.text, base + "# "));
      continue;
    }
    statements = true;
    if (s.kind == FunctionStatement::Kind::Return)
      body.push_back(base + "return " + value);
    else
      body.push_back(base + join(s.targets) + " = " + value);
  }
  if (!statements) body.push_back(base + "pass");
  return body;
}

}  // namespace

std::vector<std::string> script_function_lines(const pivot::ScriptFunction& fn, bool& partial) {
  std::vector<std::string> out;
  if (fn.factory.empty()) {
    out.push_back("def " + fn.name + "(" + join(fn.params) + "):");
    for (auto& l : body_lines(fn, "    ", partial)) out.push_back(std::move(l));
    return out;
  }
  out.push_back("def " + fn.factory + "(" + join(fn.factory_params) + "):");
  if (!fn.factory_docstring.empty()) out.push_back("    " + fn.factory_docstring);
  out.push_back("");
  out.push_back("    def " + fn.name + "(" + join(fn.params) + "):");
  for (auto& l : body_lines(fn, "        ", partial)) out.push_back(std::move(l));
  out.push_back("");
  out.push_back("    return " + fn.name);
  return out;
}

std::vector<std::string> keras_targets_helper() {
  return {
      std::string("def ") + kKerasTargets + "(targets, outputs):",
      "    \"\"\"y_true as Keras gives it to a loss or metric function: in the outputs' dtype, "
      "with a",
      "    last axis of size 1 squeezed or added so that its rank is the outputs' rank.\"\"\"",
      "    targets = targets.to(outputs.dtype)",
      "    if targets.dim() == outputs.dim() + 1 and targets.shape[-1] == 1:",
      "        targets = targets.squeeze(-1)",
      "    elif targets.dim() + 1 == outputs.dim() and outputs.shape[-1] == 1:",
      "        targets = targets.unsqueeze(-1)",
      "    return targets",
      "",
      "",
  };
}

}  // namespace nnport::writers::pytorch
