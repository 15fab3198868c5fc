// Command-line value parsing and framework detection.
#include <gtest/gtest.h>

#include "cli/detect_framework.h"
#include "cli/input_spec.h"

using namespace nnport;

TEST(CliInputShape, ParsesBatchSymbolsAndRejectsGarbage) {
  std::string error;
  EXPECT_EQ(cli::parse_input_shape("N,3,32,32", error),
            (std::vector<int64_t>{pivot::kBatch, 3, 32, 32}));
  EXPECT_EQ(cli::parse_input_shape("?,10", error), (std::vector<int64_t>{pivot::kBatch, 10}));
  EXPECT_EQ(cli::parse_input_shape("4,10", error), (std::vector<int64_t>{4, 10}));
  EXPECT_FALSE(cli::parse_input_shape("", error));
  EXPECT_FALSE(cli::parse_input_shape("N,,3", error));
  EXPECT_FALSE(cli::parse_input_shape("N,-3", error));
  // The batch may sit elsewhere (an RNN initial state (layers, N, hidden)), but only once.
  EXPECT_EQ(cli::parse_input_shape("2,N,16", error), (std::vector<int64_t>{2, pivot::kBatch, 16}));
  EXPECT_FALSE(cli::parse_input_shape("N,3,N", error));
  EXPECT_FALSE(cli::parse_input_shape("N,3x", error));
  EXPECT_FALSE(cli::parse_input_shape("N,99999999999999999999999", error));
  EXPECT_TRUE(cli::parse_input_dtype("int64", error));
  EXPECT_FALSE(cli::parse_input_dtype("float16", error));
}

TEST(CliDetectFramework, UsesImportLines) {
  EXPECT_EQ(cli::detect_framework("import torch\nimport torch.nn as nn\n"), "pytorch");
  EXPECT_EQ(cli::detect_framework("from torch import nn\n"), "pytorch");
  EXPECT_EQ(cli::detect_framework("import tensorflow as tf\n"), "keras");
  EXPECT_EQ(cli::detect_framework("from keras import layers\n"), "keras");
  EXPECT_EQ(cli::detect_framework("import torchvision_like\n"), "");
  EXPECT_EQ(cli::detect_framework("import numpy\n"), "");
  EXPECT_EQ(cli::detect_framework("import torch\nimport keras\n"), "");
}
