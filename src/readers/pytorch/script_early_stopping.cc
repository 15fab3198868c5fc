// Early stopping written in a PyTorch epoch loop (see script_early_stopping.h).
#include "readers/pytorch/script_early_stopping.h"

#include <functional>

#include "readers/pytorch/script_syntax.h"
#include "readers/script_walker.h"

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

std::vector<Node> statements(Node block) {
  std::vector<Node> out;
  for (Node s : block.named_children())
    if (!s.is(Kind::Comment)) out.push_back(s);
  return out;
}

bool is_print(Node s) {
  Node e = expression_of(s);
  return e && e.is(Kind::Call) && e.field(Field::Function).text() == "print";
}

// `name = value` with the texts given (value empty: any zero literal).
bool assigns(Node s, const std::string& name, const std::string& value) {
  Node e = expression_of(s);
  if (!e || !e.is(Kind::Assignment) || e.field(Field::Left).text() != name) return false;
  const std::string r(e.field(Field::Right).text());
  return value.empty() ? (r == "0" || r == "0.0") : r == value;
}

}  // namespace

std::optional<EarlyStopping> match_early_stopping(Node if_stmt,
                                                  const std::set<std::string>& validation_losses,
                                                  const std::function<Node(Node)>& saved_path) {
  if (!if_stmt.is(Kind::IfStatement)) return std::nullopt;
  Node alternative = if_stmt.field(Field::Alternative);
  if (!alternative || !alternative.is(Kind::ElseClause)) return std::nullopt;
  // The condition: `monitored < best` or `monitored < best - min_delta`.
  Node cond = if_stmt.field(Field::Condition);
  if (!cond.is(Kind::ComparisonOperator) || cond.named_child_count() != 2 ||
      cond.child(1).type() != "<")
    return std::nullopt;
  Node lhs = cond.named_child(0), rhs = cond.named_child(1);
  if (!lhs.is(Kind::Identifier) || !validation_losses.count(std::string(lhs.text())))
    return std::nullopt;
  EarlyStopping out;
  out.monitored = std::string(lhs.text());
  out.min_delta = pivot::SetupValue::real(0);
  Node best = rhs;
  if (rhs.is(Kind::BinaryOperator) && rhs.child(1).type() == "-") {
    best = rhs.field(Field::Left);
    out.min_delta = setup_value(rhs.field(Field::Right));
  }
  if (!best.is(Kind::Identifier)) return std::nullopt;
  const std::string best_name(best.text());
  // Improved: best = monitored, counter = 0, optionally the weights saved.
  std::string counter;
  bool best_set = false;
  for (Node s : statements(if_stmt.field(Field::Consequence))) {
    if (assigns(s, best_name, out.monitored)) {
      best_set = true;
      continue;
    }
    Node e = expression_of(s);
    if (counter.empty() && e && e.is(Kind::Assignment) &&
        e.field(Field::Left).is(Kind::Identifier) &&
        assigns(s, std::string(e.field(Field::Left).text()), "")) {
      counter = std::string(e.field(Field::Left).text());
      continue;
    }
    if (Node path = saved_path(s); path && !out.save_path.set()) {
      out.save_path = setup_value(path);
      continue;
    }
    if (is_print(s)) continue;
    return std::nullopt;
  }
  if (!best_set || counter.empty()) return std::nullopt;
  // Not improved: counter += 1, and `if counter >= patience: break`.
  std::vector<Node> alt = statements(alternative.named_children().back());
  if (alt.size() != 2) return std::nullopt;
  Node inc = expression_of(alt[0]);
  if (!inc || !inc.is(Kind::AugmentedAssignment) || inc.field(Field::Left).text() != counter ||
      inc.child(1).type() != "+=" || inc.field(Field::Right).text() != "1")
    return std::nullopt;
  Node stop = alt[1];
  if (!stop.is(Kind::IfStatement) || stop.field(Field::Alternative)) return std::nullopt;
  Node stop_cond = stop.field(Field::Condition);
  if (!stop_cond.is(Kind::ComparisonOperator) || stop_cond.named_child_count() != 2 ||
      stop_cond.child(1).type() != ">=" || stop_cond.named_child(0).text() != counter)
    return std::nullopt;
  out.patience = setup_value(stop_cond.named_child(1));
  bool breaks = false;
  for (Node s : statements(stop.field(Field::Consequence))) {
    if (s.type() == "break_statement") {
      breaks = true;
      continue;
    }
    if (!is_print(s)) return std::nullopt;
  }
  if (!breaks) return std::nullopt;
  return out;
}

}  // namespace nnport::readers::pytorch
