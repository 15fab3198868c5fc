// A Keras layer whose constructor arguments cannot be read (a builder parameter given no value,
// a value known only at run time, a rejected value) is an unsupported node marked TODO in the
// output with the reason at the argument, never a layer built with a fallback size; a builder
// called with different constants at different bindings is one class per network.
#include <gtest/gtest.h>

#include <fstream>

#include "keras_reader_test_util.h"
#include "run_nnport.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;

namespace {

const char* const kBuilderInALoop = R"(from tensorflow import keras
from tensorflow.keras import layers
import numpy as np
def build_model(units):
    model = keras.Sequential([layers.Dense(units, activation="relu", input_shape=(10,)), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model
x = np.random.rand(100, 10).astype("float32"); y = np.random.rand(100, 1).astype("float32")
for units in [32, 64]:
    model = build_model(units)
    model.fit(x, y, epochs=2, batch_size=16)
)";

bool has_at(const ReadResult& r, Code code, uint32_t line, uint32_t column) {
  for (const auto& d : r.diags.diagnostics())
    if (d.code == code && d.location.line == line && d.location.column == column) return true;
  return false;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Migrated {
  nnport::testing::RunResult run;
  std::string python;
};

Migrated migrate_to_pytorch(const std::string& name, const std::string& source) {
  const auto scratch = nnport::testing::scratch_dir(name);
  const auto file = scratch / (name + ".py");
  std::ofstream(file) << source;
  Migrated m;
  m.run = nnport::testing::run_nnport(
      {"migrate", file.string(), "--to", "pytorch", "-o", (scratch / "out").string()}, scratch);
  bool ok = false;
  m.python = nnport::read_file(scratch / "out" / (name + ".py"), &ok);
  return m;
}

}  // namespace

TEST(KerasUnreadArguments, BuilderParameterWithoutValueIsAnUnsupportedLayer) {
  auto r = read(kBuilderInALoop);
  ASSERT_TRUE(r->model.has_value()) << r->dump();
  // The reason is at the argument `units` (line 5, column 44), once as what the name is and
  // once as what it does to the layer.
  EXPECT_TRUE(has_at(*r, Code::NotConstant, 5, 44)) << r->dump();
  bool unsupported = false;
  for (const auto& n : r->graph().nodes) {
    EXPECT_FALSE(n.kind == pivot::OpKind::Linear && pivot::attr_int(n, "out_features") == 0)
        << "a layer built with the fallback size";
    unsupported = unsupported || n.kind == pivot::OpKind::Unsupported;
  }
  EXPECT_TRUE(unsupported);
}

TEST(KerasUnreadArguments, ARejectedArgumentIsAnUnsupportedLayer) {
  auto r = read(R"(import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(6,)),
    layers.Dense(4, activation="no_such_activation"),
    layers.Dense(2),
])
)");
  ASSERT_TRUE(r->model.has_value()) << r->dump();
  EXPECT_TRUE(r->has(Code::UnsupportedArgument, 5)) << r->dump();
  size_t linear = 0, unsupported = 0;
  for (const auto& n : r->graph().nodes) {
    linear += n.kind == pivot::OpKind::Linear;
    unsupported += n.kind == pivot::OpKind::Unsupported;
  }
  EXPECT_EQ(linear, 1u) << "only Dense(2) is a layer";
  EXPECT_EQ(unsupported, 1u);
}

TEST(KerasUnreadArguments, ReadableArgumentsStillMakeLayers) {
  auto r = read(R"(import keras
from keras import layers
def build_model(units=8):
    return keras.Sequential([keras.Input(shape=(6,)), layers.Dense(units), layers.Dense(2)])
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->out_type("dense").shape, (Shape{N, 8}));
}

TEST(KerasUnreadArguments, BuilderInALoopIsMarkedTodoNotAFallbackSize) {
  const auto m = migrate_to_pytorch("builder_in_a_loop", kBuilderInALoop);
  EXPECT_EQ(m.run.exit_status, 3) << m.run.err;
  EXPECT_EQ(m.python.find("nn.Linear(10, 0)"), std::string::npos) << m.python;
  EXPECT_NE(m.python.find("TODO(nnport)"), std::string::npos) << m.python;
  EXPECT_NE(m.run.err.find("'units' is a parameter of 'build_model'"), std::string::npos)
      << m.run.err;
}

TEST(KerasUnreadArguments, BuilderCalledWithOtherConstantsIsAClassPerNetwork) {
  const auto m = migrate_to_pytorch("builder_two_sizes", R"(import keras
from keras import layers
import numpy as np
def build_model(units):
    model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(units, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model
x = np.random.rand(100, 10).astype("float32")
y = np.random.rand(100, 1).astype("float32")
model = build_model(32)
model.fit(x, y, epochs=2, batch_size=16)
model = build_model(64)
model.fit(x, y, epochs=2, batch_size=16)
model = build_model(32)
model.fit(x, y, epochs=2, batch_size=16)
)");
  EXPECT_EQ(m.run.exit_status, 0) << m.run.err;
  EXPECT_EQ(count_of(m.python, "nn.Linear(10, 32)"), 1u) << m.python;
  EXPECT_EQ(count_of(m.python, "nn.Linear(10, 64)"), 1u) << m.python;
  EXPECT_EQ(count_of(m.python, "(nn.Module):"), 2u) << m.python;
}
