// `self.attr = value` inside forward(): a side effect on the module, not a value of the graph.
// When nothing in the class ever reads `self.attr` (the tutorial idiom
// `lstm_out, self.hidden_cell = self.lstm(x)` with hidden_cell never passed back), the write
// cannot change any output and is skipped. A member that is also read carries state from one
// call to the next, which a stateless Keras model cannot reproduce: it stays a diagnostic.
#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;

namespace {

// Whether `node` (an attribute) is only written where it appears: an assignment's left side,
// directly or inside a tuple/list pattern of it.
bool is_write(Node node) {
  Node child = node;
  for (Node p = node.parent(); p; child = p, p = p.parent()) {
    if (p.is(Kind::PatternList) || p.is(Kind::TuplePattern) || p.is(Kind::ListPattern)) continue;
    return p.is(Kind::Assignment) && p.field(Field::Left) == child;
  }
  return false;
}

// Whether `self_name.attr` is read anywhere under `node`.
bool reads_member(Node node, const std::string& self_name, std::string_view attr, int depth) {
  if (depth > 200) return true;  // too deep to tell: assume it is read
  if (node.is(Kind::Attribute) && node.field(Field::Attribute).text() == attr &&
      node.field(Field::Object).is(Kind::Identifier) &&
      node.field(Field::Object).text() == self_name && !is_write(node))
    return true;
  for (Node c : node.named_children())
    if (reads_member(c, self_name, attr, depth + 1)) return true;
  return false;
}

}  // namespace

bool Tracer::write_only_member(Node target) {
  if (!target.is(Kind::Attribute) || !self_ || !self_->cls) return false;
  Node obj = target.field(Field::Object);
  if (!obj.is(Kind::Identifier) || obj.text() != self_name_) return false;
  const std::string_view attr = target.field(Field::Attribute).text();
  // The member may also be a submodule or constant that forward() uses: then it is read.
  for (const ClassInfo* c = self_->cls; c; c = c->user_base)
    if (reads_member(c->node, self_name_, attr, 0)) return false;
  return true;
}

}  // namespace nnport::readers::pytorch
