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

TEST(SyntaxEvaluator, PureBuiltinsOnConstantText) {
  const std::string text = "text = 'the lazy dog. the end'\n";
  EXPECT_EQ(eval_last(text + "x = sorted(list(set(text)))[:4]")->repr(), "[' ', '.', 'a', 'd']");
  EXPECT_EQ(eval_last(text + "x = len(set(text))")->i, 13);
  EXPECT_EQ(eval_last(text + "x = len(text.split())")->i, 5);
  EXPECT_EQ(eval_last(text + "x = '-'.join(text.upper().split()[::2])")->s, "THE-DOG.-END");
  EXPECT_EQ(eval_last(text + "x = text[::-1][:3]")->s, "dne");
  EXPECT_EQ(eval_last("x = list(enumerate('ab', start=1))")->repr(), "[(1, 'a'), (2, 'b')]");
  EXPECT_EQ(eval_last("x = list(zip((1, 2, 3), 'ab'))")->repr(), "[(1, 'a'), (2, 'b')]");
  EXPECT_EQ(eval_last("x = sum(range(5), 10)")->i, 20);
  EXPECT_EQ(eval_last("x = sorted([3, 1, 2], reverse=True)")->repr(), "[3, 2, 1]");
  EXPECT_EQ(eval_last("x = max(set([3, 1, 2]))")->i, 3);
  EXPECT_EQ(eval_last("x = int(' -42 ') + int(float('2.5'))")->i, -40);
  EXPECT_EQ(eval_last("x = ' a,b '.strip().split(',')")->repr(), "['a', 'b']");
  EXPECT_EQ(eval_last("x = 'a b a'.replace('a', 'xy').count('xy')")->i, 2);
  EXPECT_TRUE(eval_last("x = 'abc'.startswith('ab') and 'b' in set('abc')")->b);
}

TEST(SyntaxEvaluator, SetOrderIsNotGuessedAndWorkIsBounded) {
  // Python does not define the order of a set's items: only order-free uses are folded.
  EXPECT_FALSE(eval_last("x = list(set('hello'))[0]"));
  EXPECT_FALSE(eval_last("x = list(set('hello'))[:2]"));
  EXPECT_FALSE(eval_last("x = list(set('hello')) + ['z']"));
  EXPECT_FALSE(eval_last("x = ''.join(set('hello'))"));
  EXPECT_FALSE(eval_last("x = list(enumerate(set('ab')))"));
  EXPECT_EQ(eval_last("x = len(list(set('hello')))")->i, 4);
  EXPECT_EQ(eval_last("x = set('hello') == set('olleh')")->b, true);
  // A constant beyond the folding cap is not folded (no unbounded work on huge literals).
  EXPECT_FALSE(eval_last("x = len(set('ab' * 40000))"));
  EXPECT_FALSE(eval_last("x = sorted(range(100000))"));
  EXPECT_FALSE(eval_last("x = list(range(10))[::0]"));
  EXPECT_EQ(eval_last("x = list(range(10))[8:1:-3]")->repr(), "[8, 5, 2]");
  EXPECT_EQ(eval_last("x = list(range(5))[::9223372036854775807]")->repr(), "[0]");
}

TEST(SyntaxEvaluator, PercentFormatting) {
  EXPECT_EQ(eval_last("x = 'conv_dw_%d' % 3")->s, "conv_dw_3");
  EXPECT_EQ(eval_last("x = 'mobilenet_%0.2f' % (0.5)")->s, "mobilenet_0.50");
  EXPECT_EQ(eval_last("x = '%s_%03d|%-4s|%5.1f%%' % ('a', 7, 'b', 2.25)")->s, "a_007|b   |  2.2%");
  EXPECT_EQ(eval_last("x = '%r' % ('a',)")->s, "'a'");
  EXPECT_FALSE(eval_last("x = '%d %d' % (1,)"));      // not enough arguments
  EXPECT_FALSE(eval_last("x = '%d' % (1, 2)"));       // not all arguments converted
  EXPECT_FALSE(eval_last("x = '%(a)s' % {'a': 1}"));  // mapping keys are not folded
}
