# nnport-training: data=regression features=5 train=96 test=24
"""Regression with a Normalization layer adapted on the training features (the TensorFlow
"Basic regression" tutorial's pattern): the layer is built and adapted at module level, then put
first in the Sequential model a builder compiles (Adam, mean_absolute_error)."""
import os

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

DATA_DIR = os.environ.get("DATA_DIR", "data")

x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_test = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_test = np.load(os.path.join(DATA_DIR, "y_test.npy"))

normalizer = layers.Normalization(axis=-1)
normalizer.adapt(np.array(x_train))


def build_and_compile_model(norm):
    model = keras.Sequential([
        keras.Input(shape=(5,)),
        norm,
        layers.Dense(16, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(loss="mean_absolute_error", optimizer=tf.keras.optimizers.Adam(0.01))
    return model


dnn_model = build_and_compile_model(normalizer)
history = dnn_model.fit(x_train, y_train, batch_size=16, epochs=2, verbose=0)
test_loss = dnn_model.evaluate(x_test, y_test, verbose=0)
print("test loss", test_loss)
