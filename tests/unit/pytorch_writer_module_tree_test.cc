// The PyTorch writer's module tree: layers of dotted module paths nest in nn.ModuleDict /
// nn.ModuleList containers under the source's names; paths that cannot nest stay flat.
#include <gtest/gtest.h>

#include "writers/pytorch/module_tree.h"

using namespace nnport::writers::pytorch;

namespace {

ModuleUnit unit(const std::string& path, const std::string& callee) {
  return ModuleUnit{path, PyExpr::call(callee, {PyExpr::text("8")})};
}

}  // namespace

TEST(PytorchModuleTree, NestsDottedPathsUnderTheSourceNames) {
  std::set<std::string> used = {"training", "forward"};
  std::vector<std::string> init;
  const auto placed =
      place_modules({unit("layer1.conv1", "nn.Conv2d"), unit("blocks.0.fc", "nn.Linear"),
                     unit("layer1.bn1", "nn.BatchNorm2d"), unit("blocks.1.fc", "nn.Linear"),
                     unit("features.0_pad", "nn.ZeroPad2d"), unit("features.0", "nn.Conv2d"),
                     unit("head", "nn.Linear")},
                    used, init);
  ASSERT_EQ(placed.size(), 7u);
  EXPECT_EQ(placed[0].key, "layer1.conv1");
  EXPECT_EQ(placed[0].ref, "self.layer1.conv1");
  EXPECT_EQ(placed[1].key, "blocks.0.fc");
  EXPECT_EQ(placed[1].ref, "self.blocks[0].fc");
  EXPECT_EQ(placed[4].ref, "self.features[\"0_pad\"]");
  EXPECT_EQ(placed[5].key, "features.0");
  EXPECT_EQ(placed[6].ref, "self.head");
  ASSERT_EQ(init.size(), 4u);
  EXPECT_EQ(init[0],
            "        self.layer1 = nn.ModuleDict({\"conv1\": nn.Conv2d(8), \"bn1\": "
            "nn.BatchNorm2d(8)})");
  // Too long for one line: the list goes on its own line, as black writes it.
  EXPECT_EQ(init[1],
            "        self.blocks = nn.ModuleList(\n"
            "            [nn.ModuleDict({\"fc\": nn.Linear(8)}), nn.ModuleDict({\"fc\": "
            "nn.Linear(8)})]\n"
            "        )");
  EXPECT_EQ(init[3], "        self.head = nn.Linear(8)");
}

TEST(PytorchModuleTree, FallsBackToFlatAttributesWhenPathsCannotNest) {
  std::set<std::string> used = {"training", "forward"};
  std::vector<std::string> init;
  // "a" is a layer and would hold "a.b" too; "keys" is a method of nn.ModuleDict.
  const auto placed = place_modules({unit("a", "nn.Linear"), unit("a.b", "nn.Linear"),
                                     unit("d.keys", "nn.Linear"), unit("0", "nn.Linear")},
                                    used, init);
  EXPECT_EQ(placed[0].ref, "self.a");
  EXPECT_EQ(placed[1].ref, "self.a_b");
  EXPECT_EQ(placed[1].key, "a_b");
  EXPECT_EQ(placed[2].ref, "self.d_keys");
  EXPECT_EQ(placed[3].ref, "self.v_0");
}

TEST(PytorchModuleTree, WrapsLongContainersOneItemPerLine) {
  PyExpr display;
  display.display = true;
  display.open = "{";
  display.close = "}";
  for (const char* k : {"first_convolution", "second_convolution", "third_convolution"})
    display.items.emplace_back(std::string("\"") + k + "\": ",
                               PyExpr::call("nn.Conv2d", {PyExpr::text("16"), PyExpr::text("16")}));
  EXPECT_EQ(render_expr("self.block = ", PyExpr::call("nn.ModuleDict", {display}), 8),
            "        self.block = nn.ModuleDict(\n"
            "            {\n"
            "                \"first_convolution\": nn.Conv2d(16, 16),\n"
            "                \"second_convolution\": nn.Conv2d(16, 16),\n"
            "                \"third_convolution\": nn.Conv2d(16, 16),\n"
            "            }\n"
            "        )");
}
