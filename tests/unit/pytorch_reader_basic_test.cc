// PyTorch reader: small models read into the pivot (kinds, attributes, params, shapes).
#include "pytorch_reader_test_util.h"

using namespace nnport;
using namespace nnport::testing;
using pivot::OpKind;

TEST(PyTorchReader, MlpWithLinearAndRelu) {
  auto r = read(R"(
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.fc1 = nn.Linear(784, hidden)
        self.fc2 = nn.Linear(in_features=hidden, out_features=10, bias=False)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        return self.fc2(x)
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto& g = r->graph();
  ASSERT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(g.nodes[0].kind, OpKind::Linear);
  EXPECT_EQ(g.nodes[0].name, "fc1");
  EXPECT_EQ(g.nodes[0].module_path, "fc1");
  EXPECT_EQ(g.nodes[1].kind, OpKind::Relu);
  EXPECT_EQ(g.nodes[1].name, "relu");
  EXPECT_EQ(g.nodes[1].location.line, 13u);
  EXPECT_EQ(g.nodes[1].location.column, 13u);
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.inputs[0].name, "x");
  EXPECT_EQ(g.values[g.inputs[0].value].type.shape, (std::vector<int64_t>{N, 784}));
  EXPECT_EQ(r->out_type("fc2").shape, (std::vector<int64_t>{N, 10}));
  ASSERT_EQ(g.params.size(), 3u);
  EXPECT_EQ(g.params[0].name, "fc1.weight");
  EXPECT_EQ(g.params[0].shape, (std::vector<int64_t>{64, 784}));
  EXPECT_EQ(g.params[1].name, "fc1.bias");
  EXPECT_EQ(g.params[2].name, "fc2.weight");
  EXPECT_EQ(r->model->entry_kind, "class");
  EXPECT_EQ(r->model->entry_module().name, "Net");
}

TEST(PyTorchReader, ConvNetWithSequentialAndView) {
  auto r = read(R"(
from torch import nn

class ConvNet(nn.Module):
    def __init__(self):
        super(ConvNet, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.head = nn.Linear(16 * 16 * 16, 10)

    def forward(self, x):
        x = self.features(x)
        x = x.view(x.size(0), -1)
        return self.head(x)
)",
                readers::ReadOptions{"", {{std::vector<int64_t>{N, 3, 32, 32}, std::nullopt}}});
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto& g = r->graph();
  ASSERT_EQ(g.nodes.size(), 6u);
  EXPECT_EQ(g.nodes[0].name, "features.0");
  EXPECT_EQ(ints(g.nodes[0], "pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(g.nodes[1].kind, OpKind::BatchNorm);
  EXPECT_EQ(g.nodes[3].kind, OpKind::MaxPool);
  EXPECT_EQ(r->out_type("features.3").shape, (std::vector<int64_t>{N, 16, 16, 16}));
  EXPECT_EQ(g.nodes[4].kind, OpKind::Reshape);
  EXPECT_EQ(ints(g.nodes[4], "shape"), (std::vector<int64_t>{N, -1}));
  EXPECT_EQ(r->out_type("reshape").shape, (std::vector<int64_t>{N, 4096}));
  std::vector<std::string> names;
  for (const auto& p : g.params) names.push_back(p.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"features.0.weight", "features.0.bias", "features.1.weight",
                                      "features.1.bias", "features.1.running_mean",
                                      "features.1.running_var", "head.weight", "head.bias"}));
}

TEST(PyTorchReader, ConvSamePaddingAndInferredInput) {
  auto r = read(R"(
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv1d(8, 4, 4, padding='same', dilation=2, bias=False)
        self.pool = nn.AdaptiveAvgPool1d(1)
    def forward(self, x):
        return torch.flatten(self.pool(self.c(x)), 1)
)");
  expect_valid(*r);
  const auto& g = r->graph();
  EXPECT_EQ(ints(g.nodes[0], "pads"), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(g.values[g.inputs[0].value].type.shape, (std::vector<int64_t>{N, 8, -1}));
  EXPECT_EQ(g.values[g.inputs[0].value].type.layout, "NCW");
  EXPECT_EQ(g.params.size(), 1u);
  EXPECT_EQ(g.nodes[1].kind, OpKind::ReduceMean);
  EXPECT_EQ(ints(g.nodes[1], "axes"), (std::vector<int64_t>{2}));
  EXPECT_EQ(r->out_type("flatten").shape, (std::vector<int64_t>{N, 4}));
}

TEST(PyTorchReader, SharedModuleAndTensorOps) {
  auto r = read(R"(
import torch
from torch.nn import Linear
class M(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = Linear(16, 16)
    def forward(self, a, b):
        y = self.fc(a) + self.fc(b) * 2.0
        z = torch.cat([y, a], dim=1)
        m = z.mean(dim=-1, keepdim=True)
        v, _ = torch.max(z, dim=1)
        return 1 - m, z.permute(1, 0), v
)");
  expect_valid(*r);
  const auto& g = r->graph();
  EXPECT_EQ(g.nodes[0].name, "fc");
  EXPECT_EQ(g.nodes[1].name, "fc_1");
  EXPECT_EQ(g.nodes[1].module_path, "fc");
  EXPECT_EQ(g.nodes[0].params, g.nodes[1].params);
  EXPECT_EQ(g.params.size(), 2u);
  EXPECT_EQ(g.nodes[2].kind, OpKind::Mul);
  EXPECT_EQ(pivot::attr_float(g.nodes[2], "scalar"), 2.0);
  EXPECT_EQ(r->out_type("concat").shape, (std::vector<int64_t>{N, 32}));
  EXPECT_EQ(ints(*r->node("mean"), "axes"), (std::vector<int64_t>{1}));
  EXPECT_TRUE(pivot::attr_bool(*r->node("sub"), "scalar_first"));
  EXPECT_EQ(r->out_type("transpose").shape, (std::vector<int64_t>{32, N}));
  EXPECT_EQ(g.outputs.size(), 3u);
}

TEST(PyTorchReader, BlocksBecomeCallNodesAndDefinitions) {
  auto r = read(R"(
import torch.nn as nn
import torch.nn.functional as F

class Block(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv1 = nn.Conv2d(ch, ch, 3, padding=1)
    def forward(self, x):
        return F.relu(self.conv1(x)) + x

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3)
        self.block1 = Block(8)
        self.block2 = Block(8)
        self.head = nn.AdaptiveAvgPool2d((1, 1))
    def forward(self, x):
        x = self.block2(self.block1(self.stem(x)))
        return self.head(x)
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  ASSERT_EQ(r->model->modules.size(), 2u);
  EXPECT_EQ(r->model->modules[0].name, "Block");
  EXPECT_EQ(r->model->modules[0].graph.params[0].name, "conv1.weight");
  EXPECT_EQ(r->model->entry, 1u);
  const auto& g = r->graph();
  ASSERT_EQ(g.nodes[1].kind, OpKind::Call);
  EXPECT_EQ(g.nodes[1].module_path, "block1");
  EXPECT_EQ(pivot::attr_string(g.nodes[2], "callee"), "Block");
  EXPECT_EQ(r->out_type("head").shape, (std::vector<int64_t>{N, 8, 1, 1}));
}

TEST(PyTorchReader, ModuleLevelSequential) {
  auto r = read(R"(
import torch.nn as nn
model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2), nn.Softmax(dim=1))
)");
  expect_valid(*r);
  EXPECT_EQ(r->model->entry_kind, "function");
  EXPECT_EQ(r->model->entry_module().name, "model");
  EXPECT_EQ(r->graph().nodes[0].name, "0");
  EXPECT_EQ(r->graph().params[0].name, "0.weight");
  EXPECT_EQ(pivot::attr_int(r->graph().nodes[3], "axis"), 1);
}
