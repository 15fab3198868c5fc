// Batches sliced by hand from arrays (see script_loops.h): the loop counts the batches with
// ceil(n / bs) and each iteration slices [i * bs, i * bs + bs) of the arrays, in order. Keras fit
// with batch_size=bs and shuffle=False trains on the same batches (the last one smaller).
#include "readers/pytorch/script_loops.h"
#include "readers/pytorch/script_syntax.h"
#include "readers/script_walker.h"

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

std::string squeezed(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != ' ' && c != '(' && c != ')') out += c;
  return out;
}

// `(n - 1) // bs + 1`, `math.ceil(n / bs)`, `-(-n // bs)`: the number of batches of `bs`, the
// last one partial. The batch size's text, or empty.
std::string ceil_division_by(Node count) {
  const std::string t = squeezed(count.text());
  if (count.is(Kind::BinaryOperator) && count.field(Field::Right).text() == "1" &&
      count.child(1).type() == "+") {
    Node div = count.field(Field::Left);
    while (div.type() == "parenthesized_expression" && div.named_child_count() == 1)
      div = div.named_child(0);
    if (div.is(Kind::BinaryOperator) && div.child(1).type() == "//") {
      const std::string n = squeezed(div.field(Field::Left).text());
      if (n.size() > 2 && n.compare(n.size() - 2, 2, "-1") == 0)
        return std::string(div.field(Field::Right).text());
    }
  }
  if (t.rfind("math.ceil", 0) == 0 && count.is(Kind::Call)) {
    ScriptArgs a = call_args(count);
    Node div = a.positional.size() == 1 ? a.positional[0] : Node{};
    if (div && div.is(Kind::BinaryOperator) && div.child(1).type() == "/")
      return std::string(div.field(Field::Right).text());
  }
  return "";
}

}  // namespace

std::optional<ManualBatches> analyze_manual_batches(Node loop, const LoopNames& names) {
  if (!loop.is(Kind::ForStatement) || !loop.field(Field::Left).is(Kind::Identifier))
    return std::nullopt;
  Node right = loop.field(Field::Right);
  if (!right.is(Kind::Call) || right.field(Field::Function).text() != "range") return std::nullopt;
  ScriptArgs range = call_args(right);
  if (range.positional.size() != 1 || !range.keywords.empty()) return std::nullopt;
  const std::string bs = ceil_division_by(range.positional[0]);
  if (bs.empty()) return std::nullopt;
  const std::string i(loop.field(Field::Left).text());
  // Index variables (`start_i = i * bs`, `end_i = start_i + bs`) by their value, squeezed.
  std::map<std::string, std::string> index;
  auto resolve = [&](Node e) {
    std::string t = squeezed(e.text());
    if (auto it = index.find(t); it != index.end()) return it->second;
    // `start_i + bs` with start_i an index variable.
    for (const auto& [name, value] : index)
      if (t.rfind(name + "+", 0) == 0) return value + t.substr(name.size());
    return t;
  };
  const std::string start_a = i + "*" + squeezed(bs), start_b = squeezed(bs) + "*" + i;
  auto is_start = [&](const std::string& v) { return v == start_a || v == start_b; };
  auto is_end = [&](const std::string& v) {
    return v == start_a + "+" + squeezed(bs) || v == start_b + "+" + squeezed(bs) ||
           v == "(" + i + "+1)*" + squeezed(bs) || v == i + "+1*" + squeezed(bs);
  };
  std::map<std::string, Node> sliced;  // batch name -> the array it is sliced from
  std::vector<Node> rest;
  for (Node stmt : loop.field(Field::Body).named_children()) {
    if (stmt.is(Kind::Comment)) continue;
    Node e = expression_of(stmt);
    if (rest.empty() && e && e.is(Kind::Assignment) && e.field(Field::Left).is(Kind::Identifier)) {
      Node r = e.field(Field::Right);
      const std::string var(e.field(Field::Left).text());
      // `xb = x_train[start_i:end_i]`
      if (r.is(Kind::Subscript) && r.field(Field::Value).is(Kind::Identifier)) {
        Node slice = r.field(Field::Subscript);
        if (slice && slice.type() == "slice" && slice.named_child_count() == 2 &&
            is_start(resolve(slice.named_child(0))) && is_end(resolve(slice.named_child(1)))) {
          sliced[var] = r.field(Field::Value);
          continue;
        }
      }
      const std::string v = resolve(r);
      if (is_start(v) || is_end(v)) {
        index[var] = v;
        continue;
      }
    }
    rest.push_back(stmt);
  }
  if (sliced.empty()) return std::nullopt;
  std::set<std::string> batch;
  for (const auto& [name, array] : sliced) batch.insert(name);
  auto step = analyze_step_statements(loop, rest, names, batch, batch);
  if (!step || !step->model_input || !step->loss_target) return std::nullopt;
  auto x = sliced.find(std::string(step->model_input.text()));
  auto y = sliced.find(std::string(step->loss_target.text()));
  if (x == sliced.end() || y == sliced.end()) return std::nullopt;
  ManualBatches out;
  out.step = std::move(*step);
  out.features = x->second;
  out.labels = y->second;
  out.batch_size = range.positional[0].field(Field::Left);
  // The batch size node: the divisor of the count.
  for (Node n : find_all(range.positional[0], [&](Node m) { return m.text() == bs; })) {
    out.batch_size = n;
    break;
  }
  return out;
}

}  // namespace nnport::readers::pytorch
