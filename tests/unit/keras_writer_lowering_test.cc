// Keras writer: how pivot ops become Keras layers where the frameworks differ (explicit
// padding, pooling, reductions, activations of both APIs) and what happens without a mapping.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "pivot/ops/catalog.h"
#include "writers/keras/writer.h"

#include "keras_model_builder.h"

namespace {

using nnport::testing::ModelBuilder;
using namespace nnport;
using namespace nnport::pivot;
using nlohmann::json;
using nnport::writers::keras::Api;

struct Written {
  writers::keras::KerasOutput out;
  std::vector<Diagnostic> diags;
};

Written write(const Model& model, Api api = Api::Keras3) {
  DiagnosticEngine diags;
  auto out = writers::keras::write_keras(model, {api, "net.py"}, diags);
  EXPECT_TRUE(out.has_value());
  // When NNPORT_KERAS_JSON_DIR is set, keeps each config for loading in TensorFlow.js by hand.
  if (const char* dir = std::getenv("NNPORT_KERAS_JSON_DIR"); dir && out) {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::ofstream(std::string(dir) + "/" + test->name() + (api == Api::TfKeras ? "_tf" : "") +
                  ".json")
        << out->config.dump(1);
  }
  return {out ? *out : writers::keras::KerasOutput{}, diags.diagnostics()};
}

bool contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  ADD_FAILURE() << "missing:\n" << part << "\nin:\n" << text;
  return false;
}

bool python_parses(const std::string& code) {
  char path[] = "/tmp/nnport_keras_lowering_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return false;
  std::ofstream(path) << code;
  const std::string command =
      std::string("/usr/bin/python3 -c \"import ast,sys; ast.parse(open(sys.argv[1]).read())\" ") +
      path;
  const int status = std::system(command.c_str());
  std::remove(path);
  return status == 0;
}

Attrs conv2d(int64_t in, int64_t out, std::vector<int64_t> kernel, std::vector<int64_t> pads,
             std::vector<int64_t> stride = {}) {
  return {{"in_channels", in},
          {"out_channels", out},
          {"kernel_size", std::move(kernel)},
          {"pads", std::move(pads)},
          {"stride", std::move(stride)},
          {"data_format", std::string("channels_last")}};
}

Attrs pool(std::vector<int64_t> kernel, std::vector<int64_t> pads,
           std::vector<int64_t> stride = {}) {
  return {{"kernel_size", std::move(kernel)},
          {"pads", std::move(pads)},
          {"stride", std::move(stride)},
          {"data_format", std::string("channels_last")}};
}

TEST(KerasWriterLowering, ConvPaddingValidSameOrExplicit) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 9, 9, 1});
  // Symmetric pad 2 for a 3x3 kernel is not Keras 'same': explicit ZeroPadding2D.
  auto a =
      b.node(OpKind::Conv, "conv_a", {x}, {kBatch, 11, 11, 2}, conv2d(1, 2, {3, 3}, {2, 2, 2, 2}));
  // Stride 2 on 11: 'same' pads total 2 -> (1, 1): PyTorch padding=1 matches.
  auto c = b.node(OpKind::Conv, "conv_b", {a}, {kBatch, 6, 6, 2},
                  conv2d(2, 2, {3, 3}, {1, 1, 1, 1}, {2, 2}));
  // Stride 2 on 6: 'same' pads (0, 1), PyTorch's symmetric (1, 1) is not: explicit padding.
  auto d = b.node(OpKind::Conv, "conv_c", {c}, {kBatch, 3, 3, 2},
                  conv2d(2, 2, {3, 3}, {1, 1, 1, 1}, {2, 2}));
  b.output(d);
  auto w = write(b.model);
  const std::string& py = w.out.python;
  contains(py, "layers.ZeroPadding2D(2, name=\"conv_a_pad\"),");
  contains(py, "layers.Conv2D(2, kernel_size=3, name=\"conv_a\"),");
  contains(py, "layers.Conv2D(2, kernel_size=3, strides=2, padding=\"same\", name=\"conv_b\"),");
  contains(py, "layers.ZeroPadding2D(1, name=\"conv_c_pad\"),");
  contains(py, "layers.Conv2D(2, kernel_size=3, strides=2, name=\"conv_c\"),");
  EXPECT_EQ(w.out.config["config"]["layers"][1]["config"]["padding"],
            json::parse("[[2, 2], [2, 2]]"));
  EXPECT_TRUE(w.diags.empty());
  EXPECT_FALSE(w.out.partial);
}

TEST(KerasWriterLowering, PoolingPaddingAndCeilMode) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 7, 7, 3});
  // ceil_mode on 7 with k=2, s=2: one extra window past the end = trailing pad 1 = 'same'.
  Attrs ceil = pool({2, 2}, {});
  ceil["ceil_mode"] = true;
  auto a = b.node(OpKind::MaxPool, "pool1", {x}, {kBatch, 4, 4, 3}, ceil);
  // avg with count_include_pad (the PyTorch default) and pad 1: ZeroPadding + valid.
  auto c =
      b.node(OpKind::AvgPool, "pool2", {a}, {kBatch, 2, 2, 3}, pool({3, 3}, {1, 1, 1, 1}, {2, 2}));
  // max pool pad 1 with k=3, s=1 on 2: Keras 'same' also pads (1, 1).
  auto d =
      b.node(OpKind::MaxPool, "pool3", {c}, {kBatch, 2, 2, 3}, pool({3, 3}, {1, 1, 1, 1}, {1, 1}));
  b.output(d);
  auto w = write(b.model);
  const std::string& py = w.out.python;
  contains(py, "layers.MaxPooling2D(pool_size=2, padding=\"same\", name=\"pool1\"),");
  contains(py, "layers.ZeroPadding2D(1, name=\"pool2_pad\"),");
  contains(py, "layers.AveragePooling2D(pool_size=3, strides=2, name=\"pool2\"),");
  contains(py, "layers.MaxPooling2D(pool_size=3, strides=1, padding=\"same\", name=\"pool3\"),");
  EXPECT_TRUE(w.diags.empty());
}

TEST(KerasWriterLowering, MaxPoolPaddingWithoutKerasFormIsReported) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 8, 8, 3});
  // k=2, s=2, pad 1 on 8: Keras 'same' would not pad at all.
  auto a = b.node(OpKind::MaxPool, "pool", {x}, {kBatch, 5, 5, 3}, pool({2, 2}, {1, 1, 1, 1}));
  b.output(a);
  auto w = write(b.model);
  ASSERT_EQ(w.diags.size(), 1u);
  EXPECT_EQ(w.diags[0].code, Code::NoTargetMapping);
  EXPECT_TRUE(w.out.partial);
  contains(w.out.python, "# TODO(nnport): no-target-mapping: max_pool padding");
  EXPECT_TRUE(python_parses(w.out.python));
}

TEST(KerasWriterLowering, UnsupportedNodeBecomesTodoAndPassesThrough) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 4});
  auto u = b.node(OpKind::Unsupported, "@weird", {x}, {kBatch, 4},
                  {{"code", std::string("unsupported-operation")},
                   {"text", std::string("torch.weird(x)")},
                   {"message", std::string("torch.weird has no pivot op")}});
  auto y = b.node(OpKind::Linear, "fc", {u}, {kBatch, 2},
                  {{"in_features", int64_t{4}}, {"out_features", int64_t{2}}});
  b.output(y);
  auto w = write(b.model);
  EXPECT_TRUE(w.out.partial);
  ASSERT_EQ(w.diags.size(), 1u);
  EXPECT_EQ(w.diags[0].code, Code::UnsupportedOperation);
  contains(w.out.python,
           "            # TODO(nnport): unsupported-operation: torch.weird has no pivot op\n"
           "            layers.Dense(2, name=\"fc\"),\n");
  EXPECT_TRUE(python_parses(w.out.python));
}

TEST(KerasWriterLowering, GlobalPoolingKeepdimsAndOtherReductions) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 4, 4, 6});
  auto m = b.node(OpKind::ReduceMean, "@pool", {x}, {kBatch, 1, 1, 6},
                  {{"axes", std::vector<int64_t>{1, 2}}, {"keepdims", true}});
  auto s = b.node(OpKind::ReduceSum, "@total", {m}, {kBatch, 1, 1},
                  {{"axes", std::vector<int64_t>{-1}}, {"keepdims", false}});
  b.output(s);
  auto keras3 = write(b.model);
  contains(keras3.out.python,
           "x = layers.GlobalAveragePooling2D(name=\"pool\")(inputs)\n"
           "    x = layers.Reshape((1, 1, 6), name=\"pool_keepdims\")(x)\n"
           "    x = keras.ops.sum(x, axis=3)\n");
  auto tfk = write(b.model, Api::TfKeras);
  contains(tfk.out.python, "    x = tf.reduce_sum(x, axis=3)\n");
  EXPECT_TRUE(python_parses(keras3.out.python));
  EXPECT_TRUE(python_parses(tfk.out.python));
}

TEST(KerasWriterLowering, ActivationsSpelledPerApi) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 5});
  auto a = b.node(OpKind::Silu, "act1", {x}, {kBatch, 5});
  auto c = b.node(OpKind::Gelu, "act2", {a}, {kBatch, 5}, {{"approximate", std::string("tanh")}});
  auto d = b.node(OpKind::Elu, "act3", {c}, {kBatch, 5}, {{"alpha", 0.5}});
  auto e = b.node(OpKind::Softmax, "act4", {d}, {kBatch, 5}, {{"axis", int64_t{1}}});
  auto f = b.node(OpKind::LogSoftmax, "act5", {e}, {kBatch, 5}, {{"axis", int64_t{-1}}});
  b.output(f);
  auto keras3 = write(b.model);
  contains(keras3.out.python,
           "x = layers.Activation(\"silu\", name=\"act1\")(inputs)\n"
           "    x = keras.ops.gelu(x, approximate=True)\n"
           "    x = layers.ELU(alpha=0.5, name=\"act3\")(x)\n"
           "    x = layers.Softmax(axis=-1, name=\"act4\")(x)\n"
           "    x = layers.Activation(\"log_softmax\", name=\"act5\")(x)\n");
  auto tfk = write(b.model, Api::TfKeras);
  contains(tfk.out.python,
           "x = layers.Activation(\"swish\", name=\"act1\")(inputs)\n"
           "    x = tf.nn.gelu(x, approximate=True)\n");
  contains(tfk.out.python, "    x = tf.nn.log_softmax(x, axis=-1)\n");
  // The JSON spells SiLU "swish" for both APIs: the tf.keras 2 name TensorFlow.js knows.
  for (const auto& layer : keras3.out.config["config"]["layers"])
    if (layer["name"] == "act1") {
      EXPECT_EQ(layer["config"]["activation"], "swish");
    }
}

TEST(KerasWriterLowering, SequenceLayersAndMerges) {
  ModelBuilder b;
  auto ids = b.input("ids", {kBatch, 6}, DType::Int32);
  auto e = b.node(OpKind::Embedding, "embed", {ids}, {kBatch, 6, 4},
                  {{"num_embeddings", int64_t{20}}, {"embedding_dim", int64_t{4}}});
  Attrs conv = {{"in_channels", int64_t{4}},
                {"out_channels", int64_t{4}},
                {"kernel_size", std::vector<int64_t>{3}},
                {"pads", std::vector<int64_t>{2, 0}},
                {"data_format", std::string("channels_last")}};
  auto c = b.node(OpKind::Conv, "causal", {e}, {kBatch, 6, 4}, conv);
  auto d = b.node(OpKind::Sub, "@diff", {c, e}, {kBatch, 6, 4});
  auto p = b.node(OpKind::Transpose, "@swap", {d}, {kBatch, 4, 6},
                  {{"perm", std::vector<int64_t>{0, 2, 1}}});
  auto q = b.node(OpKind::Dropout, "drop", {p}, {kBatch, 4, 6}, {{"rate", 0.1}});
  auto cat = b.node(OpKind::Concat, "@cat", {q, q}, {kBatch, 4, 12}, {{"axis", int64_t{2}}});
  auto m =
      b.node(OpKind::ReduceMax, "@pool", {cat}, {kBatch, 12}, {{"axes", std::vector<int64_t>{1}}});
  b.output(m);
  auto w = write(b.model);
  contains(w.out.python,
           "    inputs = keras.Input(shape=(6,), dtype=\"int32\", name=\"ids\")\n"
           "    embed_out = layers.Embedding(input_dim=20, output_dim=4, name=\"embed\")(inputs)\n"
           "    x = layers.ZeroPadding1D((2, 0), name=\"causal_pad\")(embed_out)\n"
           "    x = layers.Conv1D(4, kernel_size=3, name=\"causal\")(x)\n"
           "    x = layers.Subtract(name=\"diff\")([x, embed_out])\n"
           "    x = layers.Permute((2, 1), name=\"swap\")(x)\n"
           "    drop_out = layers.Dropout(0.1, name=\"drop\")(x)\n"
           "    x = layers.Concatenate(axis=-1, name=\"cat\")([drop_out, drop_out])\n"
           "    x = layers.GlobalMaxPooling1D(name=\"pool\")(x)\n");
  EXPECT_TRUE(python_parses(w.out.python));
  EXPECT_TRUE(python_parses(write(b.model, Api::TfKeras).out.python));
}

TEST(KerasWriterLowering, LongCallsAreWrapped) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 16, 16, 3});
  Attrs attrs = conv2d(3, 64, {3, 5}, {1, 1, 2, 2}, {1, 1});
  attrs["dilation"] = std::vector<int64_t>{1, 1};
  attrs["bias"] = false;
  auto c = b.node(OpKind::Conv, "encoder.stage_one.block_zero.convolution", {x},
                  {kBatch, 16, 16, 64}, attrs);
  auto r =
      b.node(OpKind::Relu, "encoder.stage_one.block_zero.activation", {c}, {kBatch, 16, 16, 64});
  b.output(r);
  auto w = write(b.model);
  for (size_t start = 0, end; (end = w.out.python.find('\n', start)) != std::string::npos;
       start = end + 1)
    EXPECT_LE(end - start, 99u) << w.out.python.substr(start, end - start);
  contains(w.out.python,
           "            layers.Conv2D(\n"
           "                64,\n"
           "                kernel_size=(3, 5),\n"
           "                padding=\"same\",\n"
           "                activation=\"relu\",\n"
           "                use_bias=False,\n");
  EXPECT_TRUE(python_parses(w.out.python));
}

}  // namespace
