// The op catalog is complete and self-consistent.
#include <gtest/gtest.h>

#include "pivot/ops/catalog.h"

using namespace nnport::pivot;

TEST(Catalog, EveryKindRegisteredWithItsName) {
  const auto& all = all_schemas();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(all[i].kind), i);
    EXPECT_EQ(all[i].name, op_name(all[i].kind));
    EXPECT_EQ(find_op(all[i].name), all[i].kind);
    EXPECT_FALSE(all[i].summary.empty()) << all[i].name;
    EXPECT_TRUE(static_cast<bool>(all[i].infer)) << all[i].name;
  }
}

TEST(Catalog, AttributesAreDocumentedAndDefaultsTyped) {
  for (const auto& op : all_schemas()) {
    for (const auto& attr : op.attrs) {
      EXPECT_FALSE(attr.doc.empty()) << op.name << "." << attr.name;
      if (!std::holds_alternative<std::monostate>(attr.default_value)) {
        EXPECT_TRUE(attr_matches(attr.default_value, attr.type)) << op.name << "." << attr.name;
      }
    }
    if (!op.params.empty()) {
      EXPECT_TRUE(static_cast<bool>(op.param_shape)) << op.name;
    }
  }
}

TEST(Catalog, WindowOutputMatchesPyTorchFormula) {
  // floor((32 + 2*1 - 1*(3-1) - 1) / 2) + 1 = 16
  EXPECT_EQ(shape_rules::window_output(32, 3, 2, 1, 1, 1, false), 16);
  // ceil mode: (5 - 2) / 2 -> ceil(1.5) + 1 = 3, last window starts at 4 < 5: kept
  EXPECT_EQ(shape_rules::window_output(5, 2, 2, 1, 0, 0, true), 3);
  EXPECT_EQ(shape_rules::window_output(5, 2, 2, 1, 0, 0, false), 2);
  EXPECT_EQ(shape_rules::window_output(kUnknown, 2, 2, 1, 0, 0, false), kUnknown);
}
