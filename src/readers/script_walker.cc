// The framework-independent walk over a training script (see script_walker.h).
#include "readers/script_walker.h"

#include <algorithm>
#include <cstdlib>

#include "syntax/evaluator.h"

namespace nnport::readers {
namespace {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

// Statements and comments of a block or module, in order (named_children() drops comments).
std::vector<Node> statements_of(Node block) {
  std::vector<Node> out;
  for (Node child : block.children())
    if (child.named()) out.push_back(child);
  return out;
}

// "def main(args):", "if x:" ... : the header of a compound statement (or clause) is its text
// up to the start of its body block.
std::string header_of(Node clause, Node body) {
  const std::string_view all = clause.text();
  const size_t length = body ? body.start_byte() - clause.start_byte() : all.size();
  std::string header(all.substr(0, std::min(length, all.size())));
  while (!header.empty() && (header.back() == ' ' || header.back() == '\n' ||
                             header.back() == '\t' || header.back() == '\r'))
    header.pop_back();
  return header;
}

// Calls that configure or run training in either framework.
bool configures_training(std::string_view text) {
  for (std::string_view call : {".fit(", ".compile(", ".backward(", ".train_on_batch(",
                                "callbacks.", "optim.", "optimizers.", "losses."})
    if (text.find(call) != std::string_view::npos) return true;
  return false;
}

bool is_import(Node stmt) {
  return stmt.is(Kind::ImportStatement) || stmt.is(Kind::ImportFromStatement) ||
         stmt.type() == "future_import_statement";
}

class Walker {
 public:
  Walker(ScriptRecognizer& recognizer, ScriptContext& ctx) : recognizer_(recognizer), ctx_(ctx) {}

  std::vector<ScriptStep> block(Node block) {
    std::vector<ScriptStep> out;
    uint32_t previous_end_line = 0;
    for (Node stmt : statements_of(block)) {
      // A comment on the line where the previous statement ends stays on that line.
      if (stmt.is(Kind::Comment) && stmt.line() == previous_end_line && !out.empty() &&
          out.back().kind == ScriptStep::Kind::Verbatim) {
        out.back().text += "  " + std::string(stmt.text());
        continue;
      }
      const size_t before = out.size();
      statement(stmt, out);
      if (depth_ == 0)
        for (size_t i = before; i < out.size(); ++i)
          out[i].definition = out[i].definition || defines_only(stmt);
      previous_end_line = end_line(stmt);
    }
    return out;
  }

  // Imports, def/class and assignments of values computed without calls: module-level code that
  // only defines names.
  bool defines_only(Node stmt) {
    if (is_import(stmt) || stmt.is(Kind::DecoratedDefinition) || stmt.is(Kind::ClassDefinition) ||
        stmt.is(Kind::FunctionDefinition))
      return true;
    if (!stmt.is(Kind::ExpressionStatement)) return false;
    Node inner = stmt.named_child(0);
    // A docstring stays at the top of the module.
    if (stmt.named_child_count() == 1 &&
        (inner.is(Kind::String) || inner.is(Kind::ConcatenatedString)))
      return true;
    if (!inner.is(Kind::Assignment)) return false;
    Node right = inner.field(Field::Right);
    if (!right || contains_call(right) || reads_other_names(right)) return false;
    Node left = inner.field(Field::Left);
    // `y_train[y_train == -1] = 0` changes a script variable: it runs where the variable is set.
    if ((left.is(Kind::Subscript) || left.is(Kind::Attribute)) && reads_other_names(left))
      return false;
    if (left.is(Kind::Identifier)) constants_.insert(std::string(left.text()));
    return true;
  }

  // `x = (x - mean) / std` computes from script variables: it must run where they are set, not
  // be hoisted with the constants (names of constants hoisted before are fine).
  bool reads_other_names(Node node) const {
    if (node.is(Kind::Identifier)) return !constants_.count(std::string(node.text()));
    if (node.is(Kind::Attribute)) return reads_other_names(node.field(Field::Object));
    for (Node child : node.named_children())
      if (reads_other_names(child)) return true;
    return false;
  }

  static bool contains_call(Node node) {
    if (node.is(Kind::Call) || node.type() == "await" || node.type() == "lambda") return true;
    for (Node child : node.named_children())
      if (contains_call(child)) return true;
    return false;
  }

  static uint32_t end_line(Node stmt) {
    const std::string_view text = stmt.text();
    return stmt.line() + static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n'));
  }

  bool saw_training() const { return training_; }

  std::vector<ScriptStep> nested_statement(Node stmt) {
    ++depth_;
    std::vector<ScriptStep> out;
    statement(stmt, out);
    --depth_;
    return out;
  }

  std::vector<ScriptStep> nested(Node body) {
    ++depth_;
    auto steps = block(body);
    --depth_;
    return steps;
  }

 private:
  void statement(Node stmt, std::vector<ScriptStep>& out) {
    if (stmt.is(Kind::Comment)) {
      out.push_back(verbatim_step(stmt));
      return;
    }
    if (is_import(stmt)) {
      if (recognizer_.is_framework_import(stmt)) return;  // the writer writes its own imports
      out.push_back(verbatim_step(stmt));
      return;
    }
    if (Node def = definition(stmt);
        def && ctx_.model_definitions.count(std::string(def.field(Field::Name).text()))) {
      if (!ctx_.model_definition_emitted) {
        ScriptStep step;
        step.kind = ScriptStep::Kind::ModelDefinition;
        step.location = stmt.location();
        step.definition = true;
        out.push_back(std::move(step));
        ctx_.model_definition_emitted = true;
      }
      // Training set up inside the model's own definition (a builder that also compiles) is
      // not part of the generated model: reported and marked after it.
      report_training_calls(def, def, out);
      return;
    }
    const size_t before = out.size();
    if (recognizer_.claim(stmt, ctx_, out)) {
      for (size_t i = before; i < out.size(); ++i) note_training(out[i]);
      return;
    }
    if (compound(stmt, out)) return;
    if (recognizer_.touches_framework(stmt, ctx_)) {
      out.push_back(unsupported_step(stmt, ctx_, "this framework statement has no mapping yet"));
      // Training code nobody could map still makes the file a training script: it is reported,
      // not dropped with the rest of a model file's module-level code.
      training_ = training_ || configures_training(stmt.text());
      return;
    }
    out.push_back(verbatim_step(stmt));
  }

  void report_training_calls(Node def, Node node, std::vector<ScriptStep>& out) {
    if (node.is(Kind::ExpressionStatement) && recognizer_.claim_in_definition(def, node, ctx_))
      return;
    if (node.is(Kind::ExpressionStatement) && configures_training(node.text()) &&
        !node.named_child(0).is(Kind::Assignment)) {
      ScriptStep step = unsupported_step(
          node, ctx_, "training code inside the model's definition is not migrated");
      step.definition = depth_ == 0;
      out.push_back(std::move(step));
      training_ = true;
      return;
    }
    for (Node child : node.named_children()) report_training_calls(def, child, out);
  }

  void note_training(const ScriptStep& step) {
    using K = ScriptStep::Kind;
    if (step.kind == K::Train || step.kind == K::Compile || step.kind == K::MakeOptimizer)
      training_ = true;
    // Training code a recogniser claimed but could not map still makes this a training script:
    // reported, never dropped with a model file's module-level code.
    if (step.kind == K::Unsupported && configures_training(step.text)) training_ = true;
    for (const auto& clause : step.clauses)
      for (const auto& inner : clause.body) note_training(inner);
  }

  // The class/function a (possibly decorated) definition statement defines, else null.
  static Node definition(Node stmt) {
    if (stmt.is(Kind::DecoratedDefinition)) stmt = stmt.field(Field::Definition);
    if (stmt.is(Kind::ClassDefinition) || stmt.is(Kind::FunctionDefinition)) return stmt;
    return {};
  }

  // Compound statements keep their structure: each clause's header is carried verbatim when it
  // is framework-free, and its body is walked.
  bool compound(Node stmt, std::vector<ScriptStep>& out) {
    Node outer = stmt;
    Node inner = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
    const std::string_view type = inner.type();
    const bool known = inner.is(Kind::FunctionDefinition) || inner.is(Kind::ClassDefinition) ||
                       inner.is(Kind::IfStatement) || inner.is(Kind::ForStatement) ||
                       inner.is(Kind::WhileStatement) || type == "with_statement" ||
                       type == "try_statement";
    if (!known) return false;
    ScriptStep step;
    step.kind = ScriptStep::Kind::Block;
    step.location = stmt.location();
    // The first clause: everything up to the statement's own body (decorators included).
    Node body = inner.field(Field::Body);
    if (!body) body = inner.field(Field::Consequence);
    std::string first_header = header_of(outer, body);
    if (header_touches_framework(outer, body)) {
      out.push_back(
          unsupported_step(stmt, ctx_, "a compound statement whose header uses the framework"));
      return true;
    }
    step.clauses.push_back({first_header, nested(body)});
    // Further clauses: elif/else (if), else (for/while), except/else/finally (try).
    for (Node child : inner.children()) {
      if (!child.named() || child == body) continue;
      const std::string_view ct = child.type();
      if (ct == "elif_clause" || ct == "else_clause" || ct == "except_clause" ||
          ct == "finally_clause" || ct == "except_group_clause") {
        Node clause_body = child.field(Field::Consequence);
        if (!clause_body) clause_body = child.field(Field::Body);
        if (!clause_body) {
          // except/finally clauses hold their block as a plain child.
          for (Node c : child.children())
            if (c.is(Kind::Block)) clause_body = c;
        }
        if (header_touches_framework(child, clause_body)) {
          out.push_back(unsupported_step(stmt, ctx_, "a clause whose header uses the framework"));
          return true;
        }
        step.clauses.push_back({header_of(child, clause_body), nested(clause_body)});
      }
    }
    out.push_back(std::move(step));
    return true;
  }

  // Does the header part (everything of `clause` before `body`) touch the framework?
  bool header_touches_framework(Node clause, Node body) {
    for (Node child : clause.children()) {
      if (child == body) break;
      if (!child.named() || child.is(Kind::Comment)) continue;
      if (child.is(Kind::Block)) break;
      if (recognizer_.touches_framework(child, ctx_)) return true;
    }
    return false;
  }

  ScriptRecognizer& recognizer_;
  ScriptContext& ctx_;
  std::set<std::string> constants_;  // module-level names hoisted as constants
  bool training_ = false;
  int depth_ = 0;
};

}  // namespace

std::optional<pivot::Script> walk_script(Node module, ScriptRecognizer& recognizer,
                                         ScriptContext& ctx) {
  pivot::Script script;
  pivot::Script* saved = ctx.script;
  ctx.script = &script;
  // Diagnostics wait until the file turns out to be a training script: a model file's own
  // module-level code (a smoke test under __main__) is not migrated, so not reported either.
  DiagnosticEngine* target = ctx.diags;
  DiagnosticEngine held;
  ctx.diags = &held;
  Walker walker(recognizer, ctx);
  ctx.walk_body = [&walker](Node body) { return walker.nested(body); };
  ctx.walk_statement = [&walker](Node stmt) { return walker.nested_statement(stmt); };
  script.steps = walker.block(module);
  ctx.walk_body = nullptr;
  ctx.walk_statement = nullptr;
  ctx.script = saved;
  ctx.diags = target;
  script.has_training = walker.saw_training();
  if (!script.has_training) return std::nullopt;
  if (target)
    for (const auto& d : held.diagnostics()) target->consume(d);
  return script;
}

ScriptStep verbatim_step(Node stmt) {
  ScriptStep step;
  step.kind = ScriptStep::Kind::Verbatim;
  step.text = std::string(stmt.text());
  step.location = stmt.location();
  return step;
}

ScriptStep unsupported_step(Node stmt, ScriptContext& ctx, const std::string& reason) {
  ScriptStep step;
  step.kind = ScriptStep::Kind::Unsupported;
  step.text = std::string(stmt.text());
  step.reason = reason;
  step.location = stmt.location();
  if (ctx.diags) ctx.diags->error(Code::ScriptUnsupported, stmt.location()) << reason;
  return step;
}

ScriptStep dropped_step(Node stmt, ScriptContext& ctx, const std::string& reason) {
  ScriptStep step;
  step.kind = ScriptStep::Kind::Dropped;
  step.text = std::string(stmt.text());
  step.reason = reason;
  step.location = stmt.location();
  if (ctx.diags) ctx.diags->note(Code::ScriptDropped, stmt.location()) << reason;
  return step;
}

pivot::SetupValue setup_value(Node expr) {
  pivot::SetupValue v;
  v.from_source = true;
  v.location = expr.location();
  const std::string text(expr.text());
  if (expr.is(Kind::True) || expr.is(Kind::False)) {
    v.kind = pivot::SetupValue::Kind::Bool;
    v.b = expr.is(Kind::True);
    return v;
  }
  Node number = expr;
  bool negative = false;
  if (expr.is(Kind::UnaryOperator) && expr.child_count() == 2 && expr.child(0).type() == "-") {
    number = expr.named_child(0);
    negative = true;
  }
  if (number.is(Kind::Integer)) {
    std::string digits(number.text());
    std::erase(digits, '_');
    char* end = nullptr;
    const long long value = std::strtoll(digits.c_str(), &end, 0);
    if (end && *end == '\0') {
      v.kind = pivot::SetupValue::Kind::Int;
      v.i = negative ? -value : value;
      return v;
    }
  }
  if (number.is(Kind::Float)) {
    std::string digits(number.text());
    std::erase(digits, '_');
    char* end = nullptr;
    const double value = std::strtod(digits.c_str(), &end);
    if (end && *end == '\0') {
      v.kind = pivot::SetupValue::Kind::Float;
      v.f = negative ? -value : value;
      return v;
    }
  }
  if (expr.is(Kind::String)) {
    auto constant = syntax::parse_string(expr);
    if (constant) {
      v.kind = pivot::SetupValue::Kind::String;
      v.text = *constant;
      return v;
    }
  }
  v.kind = pivot::SetupValue::Kind::Expr;
  v.text = text;
  return v;
}

}  // namespace nnport::readers
