// Keras random augmentation layers (keras.io's data_augmentation block inside the model):
// identity at inference, random in training. Read as random_augment nodes, never dropped; written
// to PyTorch as RandomFlip (per-sample flips in training) or a layer that refuses training.
#include <gtest/gtest.h>

#include "keras_reader_test_util.h"
#include "passes/layout_planning.h"
#include "writers/pytorch/writer.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;
using pivot::OpKind;

namespace {

const char* const kAugmented = R"(
import keras
from keras import layers

def make_model():
    inputs = keras.Input(shape=(8, 6, 3))
    x = layers.RandomFlip("horizontal")(inputs)
    x = layers.RandomRotation(0.1)(x)
    x = layers.Conv2D(4, 3)(x)
    return keras.Model(inputs, x)
)";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(KerasAugmentation, LayersBecomeRandomAugmentNodes) {
  auto r = read(kAugmented);
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto& flip = r->node("random_flip");
  EXPECT_EQ(flip.kind, OpKind::RandomAugment);
  EXPECT_EQ(pivot::attr_string(flip, "transform"), "flip");
  EXPECT_EQ(pivot::attr_string(flip, "mode"), "horizontal");
  EXPECT_EQ(pivot::attr_string(flip, "data_format"), "channels_last");
  EXPECT_EQ(pivot::attr_string(r->node("random_rotation"), "transform"), "rotation");
  // The rotation is not written in training: a warning says so at its line.
  EXPECT_TRUE(r->has(Code::TrainingOnly, 8)) << r->dump();
}

TEST(KerasAugmentation, BadFlipModeIsReported) {
  auto r = read(R"(
import keras
model = keras.Sequential([keras.Input(shape=(4, 4, 1)), keras.layers.RandomFlip("diagonal")])
)");
  EXPECT_TRUE(r->has(Code::UnsupportedArgument, 3)) << r->dump();
}

TEST(KerasAugmentation, PyTorchFlipsTheWidthAxisInTrainingOnly) {
  auto r = read(kAugmented);
  ASSERT_TRUE(r->model.has_value()) << r->dump();
  DiagnosticEngine diags;
  ASSERT_TRUE(passes::plan_channels_first(*r->model, diags));
  auto out = writers::pytorch::write_pytorch(*r->model, {"net.py"}, diags);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(diags.error_count(), 0u);
  // Channels-first (N, C, H, W): the horizontal flip mirrors axis 3.
  EXPECT_TRUE(contains(out->python, "RandomFlip((3,))")) << out->python;
  EXPECT_TRUE(contains(out->python, "class RandomFlip(nn.Module):")) << out->python;
  EXPECT_TRUE(contains(out->python, "if not self.training:")) << out->python;
  EXPECT_TRUE(contains(out->python, "UnmigratedAugmentation('layers.RandomRotation(0.1)')") ||
              contains(out->python, "UnmigratedAugmentation(\"layers.RandomRotation(0.1)\")"))
      << out->python;
  EXPECT_TRUE(contains(out->python, "class UnmigratedAugmentation(nn.Module):")) << out->python;
}
