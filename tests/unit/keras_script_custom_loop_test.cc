// Keras custom training loops (tf.GradientTape) in a training script: the step's statements as
// typed steps (Forward, LossCall, Gradients, ApplyGradients, metric objects), the loops and step
// functions around them as Blocks, and their PyTorch spelling.
#include <gtest/gtest.h>

#include "script_read_util.h"

#include <functional>

#include "writers/pytorch/script_steps.h"
#include "writers/script_writer.h"

using namespace nnport;
using pivot::ScriptStep;

namespace {

using Read = nnport::testing::ScriptRead;

void read(const std::string& source, Read& r) {
  nnport::testing::read_keras_with_script(source, r);
}

// Every step, nested bodies included, in order.
std::vector<const ScriptStep*> all_steps(const std::vector<ScriptStep>& steps) {
  std::vector<const ScriptStep*> out;
  std::function<void(const std::vector<ScriptStep>&)> walk = [&](const auto& list) {
    for (const auto& s : list) {
      out.push_back(&s);
      for (const auto& c : s.clauses) walk(c.body);
    }
  };
  walk(steps);
  return out;
}

std::vector<const ScriptStep*> steps_of(const pivot::Script& s, ScriptStep::Kind kind) {
  std::vector<const ScriptStep*> out;
  for (const auto* step : all_steps(s.steps))
    if (step->kind == kind) out.push_back(step);
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

const char* kKerasIo = R"(import numpy as np
import tensorflow as tf
from tensorflow import keras

inputs = keras.Input(shape=(4,))
outputs = keras.layers.Dense(3)(inputs)
model = keras.Model(inputs=inputs, outputs=outputs)
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
x_train = np.zeros((8, 4), dtype="float32")
y_train = np.zeros((8,), dtype="int64")
train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(4)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss_value = loss_fn(y, logits)
        loss_value += sum(model.losses)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    train_acc_metric.update_state(y, logits)
    return loss_value


def test_step(x, y):
    val_logits = model(x, training=False)
    train_acc_metric.update_state(y, val_logits)


for epoch in range(2):
    for step, (x_batch, y_batch) in enumerate(train_dataset):
        loss_value = train_step(x_batch, y_batch)
    train_acc = train_acc_metric.result()
    print("acc %.4f" % (float(train_acc),))
    train_acc_metric.reset_state()
    for x_batch, y_batch in train_dataset:
        test_step(x_batch, y_batch)
)";

TEST(KerasScriptCustomLoop, GradientTapeStepBecomesTypedSteps) {
  Read r;
  read(kKerasIo, r);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  EXPECT_EQ(errors(r.diags), "");
  using K = ScriptStep::Kind;
  auto forward = steps_of(*r.script, K::Forward);
  ASSERT_EQ(forward.size(), 2u);
  EXPECT_EQ(forward[0]->variable, "logits");
  EXPECT_EQ(forward[0]->text, "x");
  EXPECT_TRUE(forward[0]->training);
  EXPECT_TRUE(forward[0]->gradients);
  EXPECT_FALSE(forward[1]->training);
  EXPECT_FALSE(forward[1]->gradients);
  auto loss = steps_of(*r.script, K::LossCall);
  ASSERT_EQ(loss.size(), 1u);
  EXPECT_EQ(loss[0]->args, (std::vector<std::string>{"y", "logits"}));
  ASSERT_EQ(steps_of(*r.script, K::Gradients).size(), 1u);
  EXPECT_EQ(steps_of(*r.script, K::Gradients)[0]->text, "loss_value");
  EXPECT_EQ(steps_of(*r.script, K::ApplyGradients).size(), 1u);
  EXPECT_EQ(steps_of(*r.script, K::AddModelLosses).size(), 1u);
  EXPECT_EQ(steps_of(*r.script, K::MetricUpdate).size(), 2u);
  EXPECT_EQ(steps_of(*r.script, K::MetricReset).size(), 1u);
  ASSERT_EQ(steps_of(*r.script, K::MakeMetric).size(), 1u);
  ASSERT_EQ(r.script->setup.metrics.size(), 1u);
  EXPECT_EQ(r.script->setup.metrics[0].kind, "sparse_categorical_accuracy");
  EXPECT_EQ(r.script->setup.metrics[0].variable, "train_acc_metric");
  // Both step functions are recorded; only the decorated one was compiled.
  ASSERT_EQ(r.script->custom_steps.size(), 1u);
  EXPECT_EQ(r.script->custom_steps[0].function, "train_step");
  EXPECT_TRUE(r.script->custom_steps[0].training);
  EXPECT_TRUE(r.script->custom_steps[0].compiled);
  ASSERT_TRUE(r.script->setup.loss);
  EXPECT_EQ(r.script->setup.loss->input_form, "logits");
  EXPECT_EQ(steps_of(*r.script, K::Unsupported).size(), 0u);

  const std::string py = pytorch_script(r);
  EXPECT_EQ(py.find("tf.function"), std::string::npos) << py;
  EXPECT_EQ(py.find("GradientTape"), std::string::npos) << py;
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
  // Keras' argument order: the loss object is a function of (y_true, y_pred).
  EXPECT_NE(py.find("def loss_fn(targets, outputs):"), std::string::npos) << py;
  EXPECT_NE(py.find("def train_step(x, y):\n"
                    "    model.train()\n"
                    "    logits = model(x)\n"
                    "    loss_value = loss_fn(y, logits)\n"
                    "    # sum(model.losses) is 0 here: the model has no weight regularizers.\n"
                    "    optimizer.zero_grad()\n"
                    "    loss_value.backward()\n"
                    "    optimizer.step()\n"
                    "    train_acc_metric.update_state(y, logits)\n"
                    "    return loss_value\n"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("    model.eval()\n"
                    "    with torch.no_grad():\n"
                    "        val_logits = model(x)\n"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("class RunningMetric:"), std::string::npos) << py;
  EXPECT_NE(py.find("train_acc_metric = RunningMetric(lambda targets, outputs: "
                    "(outputs.argmax(dim=-1) == targets.view(-1).long()).float())"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("for step, (x_batch, y_batch) in enumerate(train_dataset):"), std::string::npos)
      << py;
  EXPECT_NE(py.find("train_acc = train_acc_metric.result()"), std::string::npos) << py;
  EXPECT_NE(py.find("train_acc_metric.reset_state()"), std::string::npos) << py;
}

TEST(KerasScriptCustomLoop, InlineStepWithMeanMetricsAndSumReduction) {
  const std::string source = R"(import numpy as np
import tensorflow as tf

x = np.zeros((8, 4), dtype="float32")
y = np.zeros((8,), dtype="int64")
ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(3, activation="softmax")])
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(reduction=tf.keras.losses.Reduction.SUM)
optimizer = tf.keras.optimizers.SGD(0.1)
train_loss = tf.keras.metrics.Mean(name="train_loss")
for epoch in range(2):
    train_loss.reset_states()
    for xb, yb in ds:
        with tf.GradientTape() as tape:
            probs = model(xb, training=True)
            loss = loss_object(yb, probs)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
    print(f"loss {train_loss.result():.4f}")
)";
  Read r;
  read(source, r);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  EXPECT_EQ(errors(r.diags), "");
  ASSERT_TRUE(r.script->setup.loss);
  EXPECT_EQ(r.script->setup.loss->input_form, "probabilities");
  EXPECT_EQ(r.script->setup.loss->args.at("reduction").text, "sum");
  ASSERT_EQ(r.script->setup.metrics.size(), 1u);
  EXPECT_EQ(r.script->setup.metrics[0].kind, "mean");
  EXPECT_EQ(r.script->setup.metrics[0].display_name, "train_loss");
  EXPECT_TRUE(r.script->custom_steps.empty());  // inline: no step function
  const std::string py = pytorch_script(r);
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
  // The per-sample losses on clipped probabilities, summed.
  EXPECT_NE(py.find("return (F.nll_loss(torch.log(torch.clamp(outputs, 1e-7, 1 - 1e-7)), "
                    "targets.view(-1).long(), reduction=\"none\")).sum()"),
            std::string::npos)
      << py;
  // Under `if __name__ == "__main__":` and the epoch loop.
  EXPECT_NE(py.find("        for xb, yb in ds:\n"
                    "            model.train()\n"
                    "            probs = model(xb)\n"
                    "            loss = loss_object(yb, probs)\n"
                    "            optimizer.zero_grad()\n"
                    "            loss.backward()\n"
                    "            optimizer.step()\n"
                    "            train_loss.update_state(loss)\n"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("train_loss = RunningMetric()"), std::string::npos) << py;
  EXPECT_NE(py.find("    train_loss.reset_state()\n"), std::string::npos) << py;
  EXPECT_NE(py.find("    print(f\"loss {train_loss.result():.4f}\")"), std::string::npos) << py;
}

TEST(KerasScriptCustomLoop, UntranslatableStepStatementsAreReportedAtTheirLine) {
  const std::string source = R"(import numpy as np
import tensorflow as tf

x = np.zeros((8, 4), dtype="float32")
y = np.zeros((8,), dtype="int64")
ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(3)])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam()


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        logits = model(xb, training=True)
        loss = loss_fn(yb, logits, sample_weight=yb)
    grads = tape.gradient(loss, model.trainable_weights)
    grads, _ = tf.clip_by_global_norm(grads, 1.0)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    return loss


for xb, yb in ds:
    train_step(xb, yb)
)";
  Read r;
  read(source, r);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  auto unsupported = steps_of(*r.script, ScriptStep::Kind::Unsupported);
  ASSERT_EQ(unsupported.size(), 2u);
  EXPECT_EQ(unsupported[0]->location.line, 16u);  // sample_weight
  EXPECT_EQ(unsupported[1]->location.line, 18u);  // tf.clip_by_global_norm
  std::vector<uint32_t> lines;
  for (const auto& d : r.diags.diagnostics())
    if (d.code == Code::ScriptUnsupported) lines.push_back(d.location.line);
  EXPECT_EQ(lines, (std::vector<uint32_t>{16u, 18u}));
  // The rest still migrates: the gradients are applied.
  EXPECT_EQ(steps_of(*r.script, ScriptStep::Kind::ApplyGradients).size(), 1u);
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("    # TODO(nnport): "), std::string::npos) << py;
}

TEST(KerasScriptCustomLoop, LossReductionSpellings) {
  for (const auto& [spelled, want] :
       std::vector<std::pair<std::string, std::string>>{{"\"sum\"", "sum"},
                                                        {"\"sum_over_batch_size\"", "mean"},
                                                        {"None", "none"},
                                                        {"keras.losses.Reduction.NONE", "none"}}) {
    const std::string source =
        "import numpy as np\nfrom tensorflow import keras\n\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])\n"
        "loss_fn = keras.losses.MeanSquaredError(reduction=" +
        spelled +
        ")\nmodel.compile(optimizer=\"sgd\", loss=loss_fn)\n"
        "model.fit(np.zeros((4, 4)), np.zeros((4, 1)))\n";
    Read r;
    read(source, r);
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    EXPECT_EQ(errors(r.diags), "") << spelled;
    ASSERT_TRUE(r.script->setup.loss) << spelled;
    EXPECT_EQ(r.script->setup.loss->args.at("reduction").text, want) << spelled;
  }
}

}  // namespace
