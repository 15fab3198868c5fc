// PyTorch reader: unsupported constructs are reported at their line:col with a reason code and
// keep the graph connected through `unsupported` nodes.
#include "pytorch_reader_test_util.h"

using namespace nnport;
using namespace nnport::testing;
using pivot::OpKind;

TEST(PyTorchReaderDiagnostics, SyntaxErrorLocated) {
  auto r = read("import torch\nclass A(nn.Module):\n    def f(self:\n        pass\n");
  EXPECT_FALSE(r->model.has_value());
  ASSERT_EQ(r->diags.diagnostics().size(), 1u);
  EXPECT_EQ(r->diags.diagnostics()[0].code, Code::SyntaxError);
  EXPECT_EQ(r->diags.diagnostics()[0].location.line, 3u) << r->dump();
}

TEST(PyTorchReaderDiagnostics, UnsupportedLayerAndOperation) {
  auto r = read(R"(
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.lrn = nn.LocalResponseNorm(2)
    def forward(self, x):
        y = self.lrn(self.fc(x))
        return torch.erf(y)
)");
  expect_valid(*r);
  EXPECT_TRUE(r->has(Code::UnsupportedLayer, 7, 20)) << r->dump();
  EXPECT_TRUE(r->has(Code::UnsupportedOperation, 10, 16)) << r->dump();
  const auto& g = r->graph();
  ASSERT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(g.nodes[1].kind, OpKind::Unsupported);
  EXPECT_EQ(pivot::attr_string(g.nodes[1], "code"), "unsupported-layer");
  EXPECT_EQ(g.nodes[1].inputs, g.nodes[0].outputs);
  EXPECT_EQ(g.nodes[2].kind, OpKind::Unsupported);
}

TEST(PyTorchReaderDiagnostics, UnsupportedArguments) {
  auto r = read(R"(
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 3, 3, padding_mode='circular')
        self.bn = nn.BatchNorm2d(3, momentum=None)
    def forward(self, x):
        return self.bn(self.c(x))
)");
  EXPECT_TRUE(r->has(Code::UnsupportedArgument, 6, 37)) << r->dump();
  EXPECT_TRUE(r->has(Code::UnsupportedArgument, 7, 37)) << r->dump();
}

TEST(PyTorchReaderDiagnostics, ModelChoice) {
  const char* two = R"(
import torch.nn as nn
class A(nn.Module):
    def forward(self, x):
        return x
class B(nn.Module):
    def forward(self, x):
        return x
)";
  auto r = read(two);
  EXPECT_FALSE(r->model);
  EXPECT_TRUE(r->has(Code::AmbiguousModel)) << r->dump();
  auto picked = read(two, readers::ReadOptions{"B", {{std::vector<int64_t>{N, 3}, std::nullopt}}});
  ASSERT_TRUE(picked->model) << picked->dump();
  EXPECT_EQ(picked->model->entry_module().name, "B");
  auto none = read("x = 1\n");
  EXPECT_TRUE(none->has(Code::NoModelFound));
}

TEST(PyTorchReaderDiagnostics, RequiredConstructorArgumentAndLoop) {
  auto r = read(R"(
import torch.nn as nn
class M(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, 2)
    def forward(self, x):
        return self.fc(x)
)");
  EXPECT_FALSE(r->model);
  EXPECT_TRUE(r->has(Code::NotConstant, 4, 24)) << r->dump();

  auto loop = read(R"(
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
    def forward(self, x):
        while True:
            x = self.fc(x)
        return x
)");
  EXPECT_TRUE(loop->has(Code::UnsupportedSyntax, 8, 9)) << loop->dump();
  EXPECT_TRUE(loop->has(Code::NeedsInputShape)) << loop->dump();
}
