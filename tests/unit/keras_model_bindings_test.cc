// Keras scripts that bind the model variable several times (a hold-out run, then the final
// model retrained from scratch; several networks in one guide), clear_session() / set_seed next
// to them, and keras.datasets unpacked from a parenthesised right side.
#include <gtest/gtest.h>

#include "keras_reader_test_util.h"
#include "script_read_util.h"
#include "writers/pytorch/builtin_datasets.h"
#include "writers/pytorch/several_classes.h"

using namespace nnport;
using nnport::testing::ScriptRead;
using pivot::ScriptStep;

namespace {

const char* const kRebound = R"(import keras
from keras import layers

model = keras.Sequential([layers.Dense(4), layers.Dense(2)])
model.compile(optimizer="adam", loss="mse")

model = keras.Sequential([layers.Dense(8), layers.Dense(2)])
model.compile(optimizer="adam", loss="mse")
)";

std::vector<const ScriptStep*> steps_of(const std::vector<ScriptStep>& steps, ScriptStep::Kind k) {
  std::vector<const ScriptStep*> out;
  for (const auto& s : steps) {
    if (s.kind == k) out.push_back(&s);
    for (const auto& c : s.clauses)
      for (const auto* inner : steps_of(c.body, k)) out.push_back(inner);
  }
  return out;
}

}  // namespace

TEST(KerasModelBindings, ReboundVariableIsReadAtItsLastBinding) {
  auto r = nnport::testing::keras_reader::read(
      kRebound, nnport::testing::keras_reader::with_input({pivot::kBatch, 3}));
  ASSERT_TRUE(r->model.has_value()) << r->dump();
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  ASSERT_EQ(r->model->bindings.size(), 2u);
  EXPECT_EQ(r->model->bindings[0].line, 4u);
  EXPECT_EQ(r->model->bindings[1].line, 7u);
  EXPECT_EQ(r->model->binding, 1u);
  // The last binding's network: Dense(8) first.
  EXPECT_EQ(r->out_type("dense").shape, (nnport::testing::keras_reader::Shape{pivot::kBatch, 8}));
}

TEST(KerasModelBindings, BindingLinePicksAnEarlierNetwork) {
  DiagnosticEngine diags;
  auto model =
      readers::read_keras("model.py", kRebound,
                          nnport::testing::keras_reader::with_input({pivot::kBatch, 3}), diags, 4);
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->binding, 0u);
  bool four = false;
  for (const auto& v : model->entry_module().graph.values)
    four = four || (v.type.shape.size() == 2 && v.type.shape[1] == 4);
  EXPECT_TRUE(four) << "the first binding's Dense(4) is read";
}

TEST(KerasModelBindings, EveryBindingIsABuildStep) {
  ScriptRead r;
  nnport::testing::read_keras_with_script(
      kRebound, r, nnport::testing::keras_reader::with_input({pivot::kBatch, 3}));
  const auto builds = steps_of(r.script->steps, ScriptStep::Kind::BuildModel);
  ASSERT_EQ(builds.size(), 2u);
  EXPECT_EQ(builds[0]->location.line, 4u);
  EXPECT_EQ(builds[1]->location.line, 7u);
  EXPECT_EQ(steps_of(r.script->steps, ScriptStep::Kind::Compile).size(), 2u);
}

TEST(KerasModelBindings, ClearSessionSeedAndParenthesisedLoadData) {
  ScriptRead r;
  nnport::testing::read_keras_with_script(
      R"(import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.datasets import boston_housing

tf.keras.backend.clear_session()
tf.random.set_seed(42)
keras.utils.set_random_seed(7)
(x_train, y_train), (x_test, y_test) = (
    boston_housing.load_data(seed=5))
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer="rmsprop", loss="mse")
model.fit(x_train, y_train)
)",
      r, nnport::testing::keras_reader::with_input({pivot::kBatch, 13}));
  EXPECT_EQ(r.diags.error_count(), 0u);
  for (const auto& d : r.diags.diagnostics()) EXPECT_NE(d.severity, Severity::Error) << d.message;
  const auto& steps = r.script->steps;
  ASSERT_GE(steps.size(), 4u);
  EXPECT_EQ(steps[0].kind, ScriptStep::Kind::Verbatim);
  EXPECT_EQ(steps[0].text.rfind("# keras.backend.clear_session(): nothing to reset", 0), 0u)
      << steps[0].text;
  const auto seeds = steps_of(steps, ScriptStep::Kind::Seed);
  ASSERT_EQ(seeds.size(), 2u);
  EXPECT_EQ(seeds[0]->variable, "framework");  // tf.random.set_seed: the framework's only
  EXPECT_EQ(seeds[1]->variable, "");           // set_random_seed: Python, NumPy, framework
  const auto data = steps_of(steps, ScriptStep::Kind::MakeData);
  ASSERT_EQ(data.size(), 1u);
  const auto& d = r.script->setup.datasets.at(data[0]->index);
  EXPECT_EQ(d.kind, "builtin");
  EXPECT_EQ(d.args.at("name").text, "boston_housing");
  EXPECT_EQ(d.args.at("seed").i, 5);
  EXPECT_DOUBLE_EQ(d.args.at("test_split").f, 0.2);
}

// keras.datasets.imdb: Keras' cached imdb.npz read with NumPy, each published split shuffled
// (train first, one generator) and prepared as Keras does.
TEST(KerasModelBindings, ImdbLoadDataReadsKerasCachedFile) {
  ScriptRead r;
  nnport::testing::read_keras_with_script(
      R"(from tensorflow import keras
from tensorflow.keras.datasets import imdb

(train_data, train_labels), (test_data, test_labels) = imdb.load_data(num_words=10000)
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(train_data, train_labels)
)",
      r, nnport::testing::keras_reader::with_input({pivot::kBatch, 10000}));
  for (const auto& d : r.diags.diagnostics()) EXPECT_NE(d.severity, Severity::Error) << d.message;
  const auto data = steps_of(r.script->steps, ScriptStep::Kind::MakeData);
  ASSERT_EQ(data.size(), 1u);
  const auto& d = r.script->setup.datasets.at(data[0]->index);
  EXPECT_EQ(d.args.at("name").text, "imdb");
  EXPECT_EQ(d.args.at("num_words").i, 10000);
  EXPECT_EQ(d.args.at("seed").i, 113);
  EXPECT_EQ(d.args.at("index_from").i, 3);
  const auto helper = writers::pytorch::npz_dataset_helper(d);
  ASSERT_FALSE(helper.empty());
  EXPECT_EQ(helper[0],
            "def load_imdb(num_words=None, skip_top=0, maxlen=None, seed=113,\n"
            "              start_char=1, oov_char=2, index_from=3):");
  EXPECT_EQ(writers::pytorch::npz_dataset_call(d),
            "load_imdb(num_words=10000, skip_top=0, maxlen=None, seed=113, start_char=1, "
            "oov_char=2, index_from=3)");
}

TEST(KerasModelBindings, ClassesOfAnotherBindingAreMergedOnce) {
  const std::string entry =
      "# Generated by nnport from m.py.\nimport torch\nimport torch.nn as nn\n\n\n"
      "class Helper(nn.Module):\n    pass\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
      "        super().__init__()\n";
  const std::string other =
      "# Generated by nnport from m.py.\nimport torch\nimport torch.nn as nn\nimport "
      "torch.nn.functional as F\n\n\nclass Helper(nn.Module):\n    pass\n\n\n"
      "class Net1(nn.Module):\n    def __init__(self):\n        super().__init__()\n";
  EXPECT_EQ(
      writers::pytorch::add_module_classes(entry, other, "first network"),
      "# Generated by nnport from m.py.\nimport torch\nimport torch.nn as nn\nimport "
      "torch.nn.functional as F\n\n\nclass Net1(nn.Module):\n    \"\"\"first network.\"\"\"\n\n"
      "    def __init__(self):\n        super().__init__()\n\n\nclass Helper(nn.Module):\n"
      "    pass\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
      "        super().__init__()\n");
}

// A script's entry point under `if __name__ == "__main__":` is module-level code: the model its
// builder call binds there is the model, read as complete.
TEST(KerasModelBindings, BuilderCalledUnderTheMainGuardBindsTheModel) {
  const char* const source = R"(import keras
from keras import layers


def build_model(units):
    return keras.Sequential([keras.Input(shape=(10,)), layers.Dense(units), layers.Dense(2)])


if __name__ == "__main__":
    model = build_model(16)
    model.compile(optimizer="adam", loss="mse")
)";
  auto r = nnport::testing::keras_reader::read(source, {});
  ASSERT_TRUE(r->model.has_value()) << r->dump();
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->out_type("dense").shape, (nnport::testing::keras_reader::Shape{pivot::kBatch, 16}));

  ScriptRead s;
  nnport::testing::read_keras_with_script(source, s);
  EXPECT_EQ(steps_of(s.script->steps, ScriptStep::Kind::Compile).size(), 1u);
}

// A builder called in a loop under the guard builds several models: which one is meant is not
// known, so the reader says so instead of picking one.
TEST(KerasModelBindings, BuilderCalledInALoopUnderTheMainGuardIsReported) {
  auto r = nnport::testing::keras_reader::read(R"(import keras
from keras import layers


def build_model(units):
    return keras.Sequential([keras.Input(shape=(10,)), layers.Dense(units), layers.Dense(2)])


if __name__ == "__main__":
    for units in (8, 16):
        model = build_model(units)
)",
                                               {});
  EXPECT_GT(r->diags.error_count(), 0u) << r->dump();
}
