// Keras training scripts with user-defined loss and metric functions (a def, a closure returned
// by a factory), fit/evaluate/predict with one array per input (list or dict), and compile()
// metrics for a model with several outputs.
#include <gtest/gtest.h>

#include "script_read_util.h"

#include "writers/pytorch/script_functions.h"
#include "writers/pytorch/script_steps.h"
#include "writers/script_writer.h"

using namespace nnport;
using pivot::FunctionExpr;
using pivot::FunctionStatement;

namespace {

using Read = nnport::testing::ScriptRead;

std::string render(Read& r) {
  auto renderer = writers::pytorch::make_step_renderer(*r.script, "Net",
                                                       r.model->entry_module().graph, r.diags);
  return writers::write_script("import torch\n\n\nclass Net:\n    pass\n", *r.script, *renderer)
      .python;
}

const char* kContrastive = R"(import numpy as np
import keras
from keras import ops

margin = 1
x = np.zeros((8, 4), dtype="float32")
y = np.zeros((8,), dtype="float32")
inputs = keras.Input(shape=(4,))
outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)
model = keras.Model(inputs, outputs)


def loss(margin=1):
    """Gives contrastive_loss its margin."""

    def contrastive_loss(y_true, y_pred):
        square_pred = ops.square(y_pred)
        margin_square = ops.square(ops.maximum(margin - (y_pred), 0))
        return ops.mean((1 - y_true) * square_pred + (y_true) * margin_square)

    return contrastive_loss


def last_step_mse(y_true, y_pred):
    return keras.metrics.mean_squared_error(y_true[:, -1:], y_pred[:, -1:])


model.compile(loss=loss(margin=margin), optimizer="RMSprop", metrics=[last_step_mse])
model.fit(x, y, epochs=1)
)";

TEST(KerasScriptFunctions, FactoryClosureAndMetricFunctionAreTranslated) {
  Read r;
  nnport::testing::read_keras_with_script(kContrastive, r);
  EXPECT_EQ(r.diags.error_count(), 0u);
  const auto& fns = r.script->functions;
  ASSERT_EQ(fns.size(), 2u);
  EXPECT_EQ(fns[0].name, "contrastive_loss");
  EXPECT_EQ(fns[0].factory, "loss");
  ASSERT_EQ(fns[0].factory_params.size(), 1u);
  EXPECT_EQ(fns[0].factory_params[0], "margin=1");
  ASSERT_EQ(fns[0].body.size(), 3u);
  EXPECT_TRUE(fns[0].translated());
  // ops.maximum(margin - (y_pred), 0): a canonical call of a binary expression and a number.
  const FunctionExpr& square = fns[0].body[1].value;
  ASSERT_EQ(square.kind, FunctionExpr::Kind::Call);
  EXPECT_EQ(square.text, "square");
  EXPECT_EQ(square.args.at(0).text, "maximum");
  EXPECT_EQ(square.args.at(0).args.at(1).kind, FunctionExpr::Kind::Number);
  EXPECT_EQ(fns[1].body.at(0).value.text, "mean_squared_error");
  // The loss is the factory's call, the metric the function, named after it.
  ASSERT_TRUE(r.script->setup.loss);
  EXPECT_EQ(r.script->setup.loss->kind, "custom");
  EXPECT_EQ(r.script->setup.loss->function, "loss(margin=margin)");
  ASSERT_EQ(r.script->setup.metrics.size(), 1u);
  EXPECT_EQ(r.script->setup.metrics[0].kind, "custom");
  EXPECT_EQ(r.script->setup.metrics[0].display_name, "last_step_mse");
  // "RMSprop": Keras takes the class name as a string too.
  ASSERT_TRUE(r.script->setup.optimizer);
  EXPECT_EQ(r.script->setup.optimizer->kind, "rmsprop");

  const std::string py = render(r);
  EXPECT_NE(py.find("def loss(margin=1):"), std::string::npos) << py;
  EXPECT_NE(py.find("    def contrastive_loss(y_true, y_pred):\n"
                    "        square_pred = torch.square(y_pred)\n"
                    "        margin_square = torch.square(torch.clamp(margin - y_pred, min=0))\n"
                    "        return torch.mean((1 - y_true) * square_pred + y_true * "
                    "margin_square)\n"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("return torch.mean(torch.square(y_true[:, -1:] - y_pred[:, -1:]), dim=-1)"),
            std::string::npos)
      << py;
  // Keras' argument order (y_true, y_pred) and its averaging of the function's values.
  EXPECT_NE(py.find("return loss(margin=margin)(keras_targets(targets, outputs), outputs).mean()"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("\"last_step_mse\": lambda outputs, targets: "
                    "last_step_mse(keras_targets(targets, outputs), outputs).mean(),"),
            std::string::npos)
      << py;
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
}

TEST(KerasScriptFunctions, UntranslatableStatementIsReportedAtItsLineAndMarked) {
  const std::string source = R"(import numpy as np
import keras
from keras import ops

x = np.zeros((8, 4), dtype="float32")
y = np.zeros((8, 1), dtype="float32")
inputs = keras.Input(shape=(4,))
outputs = keras.layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs)


def odd_loss(y_true, y_pred):
    d = ops.cumsum(y_pred - y_true)
    return ops.mean(ops.square(d), axis=-1)


model.compile(loss=odd_loss, optimizer="adam")
model.fit(x, y, epochs=1)
)";
  Read r;
  nnport::testing::read_keras_with_script(source, r);
  ASSERT_EQ(r.diags.error_count(), 1u);
  const auto& d = r.diags.diagnostics().front();
  EXPECT_EQ(d.code, Code::ScriptUnsupported);
  EXPECT_EQ(d.location.line, 13u);
  ASSERT_EQ(r.script->functions.size(), 1u);
  EXPECT_EQ(r.script->functions[0].body[0].kind, FunctionStatement::Kind::Todo);
  const std::string py = render(r);
  EXPECT_NE(py.find("    # TODO(nnport): 'ops.cumsum' has no mapping yet:\n"
                    "    # d = ops.cumsum(y_pred - y_true)\n"
                    "    return torch.mean(torch.square(d), dim=-1, keepdim=False)"),
            std::string::npos)
      << py;
}

const char* kTwoInputsTwoOutputs = R"(import numpy as np
import keras
from keras import layers

title = keras.Input(shape=(6,), name="title")
body = keras.Input(shape=(4,), name="body")
features = layers.Concatenate()([title, body])
priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
department = layers.Dense(3, activation="softmax", name="department")(features)
model = keras.Model(inputs=[title, body], outputs=[priority, department])
title_data = np.zeros((8, 6))
body_data = np.zeros((8, 4))
priority_data = np.zeros((8, 1))
department_data = np.zeros((8, 3))
model.compile(optimizer="rmsprop",
              loss={"priority": "mean_squared_error", "department": "categorical_crossentropy"},
              metrics={"priority": ["mean_absolute_error"], "department": ["accuracy"]})
model.fit({"body": body_data, "title": title_data},
          {"priority": priority_data, "department": department_data}, epochs=1)
model.predict([title_data, body_data])
)";

TEST(KerasScriptFunctions, InputsAsDictAndMetricsPerOutput) {
  Read r;
  nnport::testing::read_keras_with_script(kTwoInputsTwoOutputs, r);
  EXPECT_EQ(r.diags.error_count(), 0u);
  ASSERT_EQ(r.script->setup.datasets.size(), 1u);
  // The dict of inputs in the model's input order.
  EXPECT_EQ(r.script->setup.datasets[0].features.text, "[title_data, body_data]");
  const auto& metrics = r.script->setup.metrics;
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[0].kind, "mae");
  EXPECT_EQ(metrics[0].output, 0);
  EXPECT_EQ(metrics[0].display_name, "priority_mean_absolute_error");
  // "accuracy" resolved from the department output's categorical cross-entropy.
  EXPECT_EQ(metrics[1].kind, "categorical_accuracy");
  EXPECT_EQ(metrics[1].output, 1);
  const std::string py = render(r);
  EXPECT_NE(py.find("\"priority_mean_absolute_error\": lambda outputs, targets: "
                    "(outputs[0] - targets[0].float().view_as(outputs[0])).abs().mean(),"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("for title, body, *targets in train_loader:"), std::string::npos) << py;
  EXPECT_NE(py.find("outputs = model(title, body)"), std::string::npos) << py;
  EXPECT_NE(py.find("return DataLoader(TensorDataset(*inputs, *targets)"), std::string::npos) << py;
  EXPECT_NE(py.find("for title, body in _batches"), std::string::npos) << py;
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
}

TEST(KerasScriptFunctions, FlatMetricListForSeveralOutputsIsComputedOnEach) {
  std::string source = kTwoInputsTwoOutputs;
  const std::string from =
      "metrics={\"priority\": [\"mean_absolute_error\"], \"department\": "
      "[\"accuracy\"]}";
  source.replace(source.find(from), from.size(), "metrics=[\"mae\"]");
  Read r;
  nnport::testing::read_keras_with_script(source, r);
  EXPECT_EQ(r.diags.error_count(), 0u);
  const auto& metrics = r.script->setup.metrics;
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[0].display_name, "priority_mae");
  EXPECT_EQ(metrics[1].display_name, "department_mae");
  EXPECT_EQ(metrics[1].output, 1);
}

TEST(KerasScriptFunctions, ExpressionsKeepTheirBrackets) {
  // (a - b) - (c - d) and a - (b - c) and (a + b) ** 2.
  FunctionExpr a{FunctionExpr::Kind::Name, "a", {}, {}};
  FunctionExpr b{FunctionExpr::Kind::Name, "b", {}, {}};
  FunctionExpr sub{FunctionExpr::Kind::Binary, "-", {a, b}, {}};
  FunctionExpr outer{FunctionExpr::Kind::Binary, "-", {sub, sub}, {}};
  std::string why;
  EXPECT_EQ(writers::pytorch::function_expression(outer, why), "a - b - (a - b)");
  FunctionExpr add{FunctionExpr::Kind::Binary, "+", {a, b}, {}};
  FunctionExpr two{FunctionExpr::Kind::Number, "2", {}, {}};
  FunctionExpr power{FunctionExpr::Kind::Binary, "**", {add, two}, {}};
  EXPECT_EQ(writers::pytorch::function_expression(power, why), "(a + b) ** 2");
  FunctionExpr mse{FunctionExpr::Kind::Call, "mean_squared_error", {add, b}, {}};
  EXPECT_EQ(writers::pytorch::function_expression(mse, why),
            "torch.mean(torch.square((a + b) - b), dim=-1)");
  FunctionExpr unknown{FunctionExpr::Kind::Call, "cumsum", {a}, {}};
  EXPECT_EQ(writers::pytorch::function_expression(unknown, why), "");
  EXPECT_NE(why.find("cumsum"), std::string::npos);
}

}  // namespace
