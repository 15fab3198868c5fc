// The committed reference docs equal a fresh rendering of the catalog and the code table.
#include <gtest/gtest.h>

#include "docs/generate.h"
#include "support/atomic_file.h"

namespace {

std::string committed(const std::string& name) {
  bool ok = false;
  std::string text = nnport::read_file(std::string(NNPORT_SOURCE_DIR) + "/docs/" + name, &ok);
  EXPECT_TRUE(ok) << "docs/" << name << " missing";
  return text;
}

}  // namespace

TEST(Docs, OpsReferenceIsUpToDate) {
  EXPECT_EQ(committed("ops.md"), nnport::docs::ops_markdown())
      << "run `nnport dev gen-docs docs` and commit the result";
}

TEST(Docs, DiagnosticsReferenceIsUpToDate) {
  EXPECT_EQ(committed("diagnostics.md"), nnport::docs::diagnostics_markdown())
      << "run `nnport dev gen-docs docs` and commit the result";
}

TEST(Docs, TrainingReferenceIsUpToDate) {
  EXPECT_EQ(committed("training.md"), nnport::docs::training_markdown())
      << "run `nnport dev gen-docs docs` and commit the result";
}

TEST(Docs, InitializersReferenceIsUpToDate) {
  EXPECT_EQ(committed("initializers.md"), nnport::docs::initializers_markdown())
      << "run `nnport dev gen-docs docs` and commit the result";
}
