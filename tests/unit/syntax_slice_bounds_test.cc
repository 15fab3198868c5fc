// Slice bounds shared by the constant evaluator and the PyTorch tracer: Python's clamping, and
// the evaluator's and a module container's slices agreeing on it.
#include <gtest/gtest.h>

#include "syntax/evaluator.h"
#include "syntax/slice_bounds.h"

using namespace nnport::syntax;

namespace {

std::optional<Constant> eval_last(const std::string& source) {
  auto tree = Tree::parse_python("t.py", source);
  EXPECT_TRUE(tree.has_value());
  Scope scope;
  bind_module_constants(tree->root(), scope);
  const Constant* c = scope.lookup("x");
  return c ? std::optional<Constant>(*c) : std::nullopt;
}

// "begin:end" of the range selected by [start:stop] from `size` items.
std::string range(std::optional<int64_t> start, std::optional<int64_t> stop, int64_t size) {
  const SliceRange r = slice_range(SliceBounds{start, stop, std::nullopt}, size);
  return std::to_string(r.begin) + ":" + std::to_string(r.end);
}

}  // namespace

TEST(SyntaxSliceBounds, ClampsAsPythonDoes) {
  EXPECT_EQ(range(std::nullopt, std::nullopt, 4), "0:4");
  EXPECT_EQ(range(1, std::nullopt, 4), "1:4");
  EXPECT_EQ(range(std::nullopt, -1, 4), "0:3");
  EXPECT_EQ(range(-10, 10, 4), "0:4");
  // An empty selection never runs backwards.
  EXPECT_EQ(range(3, 1, 4), "3:3");
  EXPECT_EQ(range(-1, -3, 4), "3:3");
}

TEST(SyntaxSliceBounds, ReadsEachPartOfTheSliceNode) {
  auto tree = Tree::parse_python("t.py", "x = s[1:None:2]\n");
  ASSERT_TRUE(tree);
  Node sub = tree->root().named_child(0).named_child(0).field(Field::Right);
  Node slice = sub.fields(Field::Subscript).at(0);
  ASSERT_TRUE(slice.is(Kind::Slice));
  std::vector<std::string> seen;
  auto bounds = slice_bounds(slice, [&](Node c) {
    seen.emplace_back(c.text());
    if (c.text() == "None") return SliceBound{};
    return SliceBound{false, std::stoll(std::string(c.text()))};
  });
  ASSERT_TRUE(bounds);
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "None", "2"}));
  EXPECT_EQ(bounds->start, 1);
  EXPECT_FALSE(bounds->stop);
  EXPECT_EQ(bounds->step, 2);
  EXPECT_FALSE(slice_bounds(slice, [](Node) { return SliceBound{true, std::nullopt}; }));
}

TEST(SyntaxSliceBounds, EvaluatorFoldsSlicesOfConstants) {
  EXPECT_EQ(eval_last("x = (5, 6, 7, 8)[1:-1]")->repr(), "(6, 7)");
  EXPECT_EQ(eval_last("x = (5, 6, 7)[5:]")->repr(), "()");
  EXPECT_EQ(eval_last("x = 'abcd'[:2]")->repr(), "'ab'");
  EXPECT_EQ(eval_last("x = (5, 6, 7)[::2]")->repr(), "(5, 7)");
  EXPECT_EQ(eval_last("x = (5, 6, 7)[::-1]")->repr(), "(7, 6, 5)");
  EXPECT_FALSE(eval_last("x = (5, 6, 7)[:'a']"));
}
