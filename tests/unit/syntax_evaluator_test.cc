// Syntax layer: parsing, node view, syntax-error location, constant evaluation.
#include <gtest/gtest.h>

#include "syntax/evaluator.h"

using namespace nnport::syntax;

namespace {

// Evaluates the right side of the last `x = ...` line of `source`.
std::optional<Constant> eval_last(const std::string& source) {
  auto tree = Tree::parse_python("t.py", source);
  EXPECT_TRUE(tree.has_value());
  Scope scope;
  bind_module_constants(tree->root(), scope);
  const Constant* c = scope.lookup("x");
  return c ? std::optional<Constant>(*c) : std::nullopt;
}

}  // namespace

TEST(SyntaxTree, NodeViewAndLocations) {
  auto tree = Tree::parse_python("t.py", "a = 1\nclass Net(nn.Module):\n    pass\n");
  ASSERT_TRUE(tree);
  Node root = tree->root();
  EXPECT_TRUE(root.is(Kind::Module));
  auto stmts = root.named_children();
  ASSERT_EQ(stmts.size(), 2u);
  Node cls = stmts[1];
  EXPECT_TRUE(cls.is(Kind::ClassDefinition));
  EXPECT_EQ(cls.field(Field::Name).text(), "Net");
  EXPECT_EQ(cls.field(Field::Name).line(), 2u);
  EXPECT_EQ(cls.field(Field::Name).column(), 7u);
  EXPECT_EQ(cls.field(Field::Superclasses).named_child(0).kind(), Kind::Attribute);
  EXPECT_FALSE(tree->first_error());
  Node null;
  EXPECT_TRUE(null.field(Field::Name).null());
  EXPECT_EQ(null.text(), "");
}

TEST(SyntaxTree, FirstErrorLocation) {
  auto tree = Tree::parse_python("t.py", "x = 1\ny = (2 +\nz = 3\n");
  ASSERT_TRUE(tree);
  auto loc = tree->first_error();
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->file, "t.py");
  EXPECT_GE(loc->line, 2u);
  auto ok = Tree::parse_python("t.py", "def f(:\n");
  ASSERT_TRUE(ok->first_error());
  EXPECT_EQ(ok->first_error()->line, 1u);
}

TEST(SyntaxEvaluator, Literals) {
  EXPECT_EQ(eval_last("x = 0x1F")->i, 31);
  EXPECT_EQ(eval_last("x = 1_000")->i, 1000);
  EXPECT_DOUBLE_EQ(eval_last("x = 1e-3")->f, 1e-3);
  EXPECT_EQ(eval_last("x = 'same'")->s, "same");
  EXPECT_EQ(eval_last("x = r'a\\n'")->s, "a\\n");
  EXPECT_TRUE(eval_last("x = None")->is_none());
  EXPECT_TRUE(eval_last("x = True")->b);
  EXPECT_EQ(eval_last("x = (1, 2)")->repr(), "(1, 2)");
  EXPECT_EQ(eval_last("x = [3]")->repr(), "[3]");
  EXPECT_FALSE(eval_last("x = 99999999999999999999"));
  EXPECT_FALSE(eval_last("x = f'{y}'"));
}

TEST(SyntaxEvaluator, ArithmeticWithPythonSemantics) {
  EXPECT_EQ(eval_last("x = 7 // -2")->i, -4);
  EXPECT_EQ(eval_last("x = -7 % 3")->i, 2);
  EXPECT_DOUBLE_EQ(eval_last("x = 7 / 2")->f, 3.5);
  EXPECT_EQ(eval_last("x = 2 ** 10")->i, 1024);
  EXPECT_EQ(eval_last("x = -(3 - 5) * 4")->i, 8);
  EXPECT_FALSE(eval_last("x = 1 // 0"));
  EXPECT_FALSE(eval_last("x = 2 ** 100"));
  EXPECT_FALSE(eval_last("x = 9223372036854775807 + 1"));
  EXPECT_EQ(eval_last("x = (1, 2) + (3,)")->repr(), "(1, 2, 3)");
  EXPECT_EQ(eval_last("x = (0,) * 3")->repr(), "(0, 0, 0)");
  EXPECT_FALSE(eval_last("x = (0,) * 10**12"));
}

TEST(SyntaxEvaluator, NamesComparisonsAndBuiltins) {
  EXPECT_EQ(eval_last("a = 4\nb = a * 2\nx = b + 1")->i, 9);
  EXPECT_TRUE(eval_last("x = 1 < 2 <= 2")->b);
  EXPECT_FALSE(eval_last("x = 1 < 2 > 3")->b);
  EXPECT_TRUE(eval_last("x = 3 in (1, 3)")->b);
  EXPECT_TRUE(eval_last("x = 2 not in (1, 3)")->b);
  EXPECT_TRUE(eval_last("a = None\nx = a is None")->b);
  EXPECT_EQ(eval_last("x = 0 or 5")->i, 5);
  EXPECT_EQ(eval_last("x = not 0")->b, true);
  EXPECT_EQ(eval_last("x = 1 if False else 2")->i, 2);
  EXPECT_EQ(eval_last("x = int(3.9)")->i, 3);
  EXPECT_EQ(eval_last("x = len((1, 2, 3))")->i, 3);
  EXPECT_EQ(eval_last("x = max(1, 7, 3)")->i, 7);
  EXPECT_EQ(eval_last("x = min([4, 2])")->i, 2);
  EXPECT_EQ(eval_last("x = (5, 6, 7)[-1]")->i, 7);
  EXPECT_EQ(eval_last("x = (5, 6, 7)[1:]")->repr(), "(6, 7)");
  EXPECT_FALSE(eval_last("x = y + 1"));
  EXPECT_FALSE(eval_last("x = open('f')"));
}

TEST(SyntaxEvaluator, ErrorPointsAtTheNonConstantPart) {
  auto tree = Tree::parse_python("t.py", "x = 1 + foo\n");
  Node right = tree->root().named_child(0).named_child(0).field(Field::Right);
  Scope scope;
  ConstEvaluator ev(scope);
  EXPECT_FALSE(ev.eval(right));
  EXPECT_EQ(ev.error().node.text(), "foo");
  EXPECT_EQ(ev.error().node.column(), 9u);
}
