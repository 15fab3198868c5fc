# nnport-training: data=tabular features=8 classes=3
"""A Functional model with two named outputs (a class and a score): compile() with a dict of
losses and a dict of loss_weights, fit() with a list of targets in output order."""
import os

import numpy as np
import keras
from keras import layers

data_dir = os.environ.get("DATA_DIR", "data")
x_train = np.load(os.path.join(data_dir, "x_train.npy"))
y_train = np.load(os.path.join(data_dir, "y_train.npy"))
x_test = np.load(os.path.join(data_dir, "x_test.npy"))
y_test = np.load(os.path.join(data_dir, "y_test.npy"))
# The second target: a score computed from the features.
score_train = (x_train[:, :2].sum(axis=1, keepdims=True) * 0.5).astype("float32")
score_test = (x_test[:, :2].sum(axis=1, keepdims=True) * 0.5).astype("float32")

inputs = keras.Input(shape=(8,))
hidden = layers.Dense(16, activation="relu")(inputs)
kind = layers.Dense(3, name="kind")(hidden)
score = layers.Dense(1, name="score")(hidden)
model = keras.Model(inputs, [kind, score])

model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss={"kind": keras.losses.SparseCategoricalCrossentropy(from_logits=True), "score": "mse"},
    loss_weights={"kind": 1.0, "score": 0.3},
)
history = model.fit(x_train, [y_train, score_train], epochs=2, batch_size=16)
print("last loss:", history.history["loss"][-1])
results = model.evaluate(x_test, [y_test, score_test])
print("test:", results)
