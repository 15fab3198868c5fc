// Keras Normalization.adapt(data) in a training script: an Adapt step naming the layer's module
// path in the migrated model, written as that layer's adapt() after the model is built.
#include <gtest/gtest.h>

#include "script_read_util.h"

#include <algorithm>

#include "readers/keras/reader.h"
#include "readers/keras/script_reader.h"
#include "writers/pytorch/script_steps.h"
#include "writers/script_writer.h"

using namespace nnport;
using pivot::ScriptStep;

namespace {

using Read = nnport::testing::ScriptRead;

void read(const std::string& source, Read& r) {
  nnport::testing::read_keras_with_script(source, r);
}

std::vector<const ScriptStep*> steps_of(const pivot::Script& s, ScriptStep::Kind kind) {
  std::vector<const ScriptStep*> out;
  for (const auto& step : s.steps)
    if (step.kind == kind) out.push_back(&step);
  return out;
}

std::string errors(const DiagnosticEngine& diags) {
  std::string out;
  for (const auto& d : diags.diagnostics())
    if (d.severity == Severity::Error) out += format_diagnostic(d) + "\n";
  return out;
}

std::string pytorch_script(Read& r) {
  pivot::Graph graph;
  auto renderer = writers::pytorch::make_step_renderer(*r.script, "Net", graph, r.diags);
  return writers::write_script("import torch\n\n\nclass Net:\n    pass\n", *r.script, *renderer)
      .python;
}

// The TensorFlow regression tutorial: a module-level layer adapted before the builder that puts
// it into the model is called.
const char* kTutorial = R"(import numpy as np
import tensorflow as tf

x_train = np.zeros((10, 3))
y_train = np.zeros((10,))
normalizer = tf.keras.layers.Normalization(axis=-1)
normalizer.adapt(np.array(x_train))


def build_and_compile_model(norm):
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), norm, tf.keras.layers.Dense(1)])
    model.compile(loss="mean_absolute_error", optimizer=tf.keras.optimizers.Adam(0.001))
    return model


dnn_model = build_and_compile_model(normalizer)
dnn_model.fit(x_train, y_train, epochs=2)
)";

TEST(KerasScriptAdapt, ModuleLevelLayerAdaptsAfterTheModelIsBuilt) {
  Read r;
  read(kTutorial, r);
  EXPECT_EQ(errors(r.diags), "");
  auto adapts = steps_of(*r.script, ScriptStep::Kind::Adapt);
  ASSERT_EQ(adapts.size(), 1u);
  EXPECT_EQ(adapts[0]->variable, "normalization");
  EXPECT_EQ(adapts[0]->text, "np.array(x_train)");
  EXPECT_EQ(adapts[0]->location.line, 7u);
  // Held back until the model exists: right after the statement building it.
  const auto& steps = r.script->steps;
  auto build = std::find_if(steps.begin(), steps.end(), [](const ScriptStep& s) {
    return s.kind == ScriptStep::Kind::BuildModel;
  });
  ASSERT_NE(build, steps.end());
  ASSERT_NE(build + 1, steps.end());
  EXPECT_EQ((build + 1)->kind, ScriptStep::Kind::Adapt);
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("    dnn_model = Net()\n"
                    "    # Keras Normalization.adapt(): the layer's mean and variance from the "
                    "data.\n"
                    "    dnn_model.normalization.adapt(np.array(x_train))\n"),
            std::string::npos)
      << py;
}

// Hands-On Machine Learning: a subclassed model's Normalization attributes adapted through the
// model, matched to the layers call() applies as self.norm_wide(...) / self.norm_deep(...).
const char* kSubclass = R"(import numpy as np
import tensorflow as tf

x_wide = np.zeros((10, 2))
x_deep = np.zeros((10, 3))
y = np.zeros((10,))


class WideAndDeep(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.norm_wide = tf.keras.layers.Normalization()
        self.norm_deep = tf.keras.layers.Normalization()
        self.hidden = tf.keras.layers.Dense(4, activation="relu")
        self.out = tf.keras.layers.Dense(1)

    def call(self, inputs):
        wide, deep = inputs
        hidden = self.hidden(self.norm_deep(deep))
        return self.out(tf.keras.layers.concatenate([self.norm_wide(wide), hidden]))


model = WideAndDeep(name="wide_deep")
model.compile(loss="mse", optimizer="adam")
model.norm_wide.adapt(x_wide)
model.norm_deep.adapt(x_deep)
model.fit((x_wide, x_deep), y, epochs=1)
)";

TEST(KerasScriptAdapt, SubclassAttributesAdaptThroughTheModel) {
  Read r;
  readers::ReadOptions options;
  options.inputs.push_back(readers::InputSpec{std::vector<int64_t>{pivot::kBatch, 2}, {}});
  options.inputs.push_back(readers::InputSpec{std::vector<int64_t>{pivot::kBatch, 3}, {}});
  nnport::testing::read_keras_with_script(kSubclass, r, options);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  EXPECT_EQ(errors(r.diags), "");
  auto adapts = steps_of(*r.script, ScriptStep::Kind::Adapt);
  ASSERT_EQ(adapts.size(), 2u);
  // The layers keep their Keras names (norm_wide was constructed first) in the migrated model.
  EXPECT_EQ(adapts[0]->variable, "normalization");
  EXPECT_EQ(adapts[0]->text, "x_wide");
  EXPECT_EQ(adapts[1]->variable, "normalization_1");
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("    model.normalization.adapt(x_wide)\n"), std::string::npos) << py;
  EXPECT_NE(py.find("    model.normalization_1.adapt(x_deep)\n"), std::string::npos) << py;
}

TEST(KerasScriptAdapt, AdaptOfSomethingElseIsReported) {
  Read r;
  read(R"(import numpy as np
import tensorflow as tf

x = np.zeros((10, 3))
y = np.zeros((10,))
model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.dense.adapt(x)
model.fit(x, y)
)",
       r);
  EXPECT_TRUE(steps_of(*r.script, ScriptStep::Kind::Adapt).empty());
  bool reported = false;
  for (const auto& d : r.diags.diagnostics())
    reported = reported || (d.code == Code::ScriptUnsupported && d.location.line == 8);
  EXPECT_TRUE(reported) << errors(r.diags);
}

}  // namespace
