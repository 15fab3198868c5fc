// Keras reader: which model of a file with several is migrated (keras.io's GAN and VAE examples:
// models trained by a keras.Model subclass that has train_step / compile but no call()).
#include "keras_reader_test_util.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;

namespace {

// The keras.io DCGAN layout: two module-level Sequential models and a training wrapper holding
// both, instantiated at the end of the file.
const char* const kGanFile = R"(
import keras
from keras import layers

discriminator = keras.Sequential(
    [keras.Input(shape=(8,)), layers.Dense(4), layers.Dense(1, activation="sigmoid")],
    name="discriminator",
)

generator = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(8)], name="generator")


class GAN(keras.Model):
    def __init__(self, discriminator, generator):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer = d_optimizer


gan = GAN(discriminator=discriminator, generator=generator)
gan.compile(d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam())
)";

std::string messages(const ReadResult& r, Code code) {
  std::string out;
  for (const auto& d : r.diags.diagnostics())
    if (d.code == code) out += d.message + "\n";
  return out;
}

}  // namespace

TEST(KerasModelChoice, TrainingWrapperIsSetAsideAndItsModelsStayCandidates) {
  auto r = read(kGanFile);
  EXPECT_FALSE(r->model.has_value());
  // The wrapper class and its instance are set aside with a note each.
  EXPECT_TRUE(r->has(Code::ModelSetAside, 13)) << r->dump();
  EXPECT_TRUE(r->has(Code::ModelSetAside, 24)) << r->dump();
  // The two models it trains are listed with their lines and --class values.
  ASSERT_TRUE(r->has(Code::AmbiguousModel, 5)) << r->dump();
  EXPECT_EQ(messages(*r, Code::AmbiguousModel),
            "several top-level models: discriminator (line 5), generator (line 10); pick one "
            "with --class discriminator or --class generator\n");
}

TEST(KerasModelChoice, ClassPicksAModelTheWrapperHolds) {
  readers::ReadOptions pick;
  pick.class_name = "discriminator";
  auto r = read(kGanFile, pick);
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->out_type("dense_1").shape, (Shape{N, 1}));
}

TEST(KerasModelChoice, WrapperWithTrainStepLeavesOneModel) {
  auto r = read(R"(
import keras

class Trainer(keras.Model):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def train_step(self, data):
        return {}

def make_net():
    return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
)");
  expect_valid(*r);
  EXPECT_EQ(r->model->entry_module().name, "make_net");
  EXPECT_TRUE(r->has(Code::ModelSetAside, 4)) << r->dump();
}

TEST(KerasModelChoice, SubclassWithoutCallOrTrainingMethodsStaysACandidate) {
  // A Functional model built in __init__ has no call() and is a model like any other.
  auto r = read(R"(
import keras

class Net(keras.Model):
    def __init__(self):
        inputs = keras.Input(shape=(3,))
        super().__init__(inputs=inputs, outputs=keras.layers.Dense(2)(inputs))
)");
  EXPECT_FALSE(r->has(Code::ModelSetAside)) << r->dump();
}

TEST(KerasModelChoice, PartOfAnotherModelIsNotedAndPickable) {
  const std::string source = R"(
import keras
base = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
full = keras.Sequential([base, keras.layers.Softmax()])
)";
  auto r = read(source);
  expect_valid(*r);
  EXPECT_TRUE(r->has(Code::ModelSetAside, 3)) << r->dump();
  readers::ReadOptions pick;
  pick.class_name = "base";
  auto picked = read(source, pick);
  expect_valid(*picked);
  EXPECT_EQ(picked->kinds().size(), 1u) << picked->dump();
}

TEST(KerasModelChoice, AssertOnTheModelIsFollowed) {
  auto r = read(R"(
import tensorflow as tf
def make():
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(4, input_shape=(2,)))
    assert model.output_shape == (None, 4)
    return model
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
}
