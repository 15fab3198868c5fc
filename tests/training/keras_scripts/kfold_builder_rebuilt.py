# nnport-training: data=regression features=8 train=64 test=16
"""Deep Learning with Python's K-fold validation: build_model() compiles its own model and is
called once per fold in a for loop (NumPy slicing and concatenate around it) and once more for the
final model; every call is a fresh model with an optimizer of its own."""
import os

import numpy as np
import keras
from keras import layers

data_dir = os.environ.get("DATA_DIR", "data")
train_data = np.load(os.path.join(data_dir, "x_train.npy"))
train_targets = np.load(os.path.join(data_dir, "y_train.npy"))


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(8,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


k = 2
num_val_samples = len(train_data) // k
all_scores = []
for i in range(k):
    val_data = train_data[i * num_val_samples: (i + 1) * num_val_samples]
    val_targets = train_targets[i * num_val_samples: (i + 1) * num_val_samples]
    partial_train_data = np.concatenate(
        [train_data[:i * num_val_samples], train_data[(i + 1) * num_val_samples:]], axis=0)
    partial_train_targets = np.concatenate(
        [train_targets[:i * num_val_samples], train_targets[(i + 1) * num_val_samples:]], axis=0)
    model = build_model()
    model.fit(partial_train_data, partial_train_targets, epochs=2, batch_size=8, verbose=0)
    val_mse, val_mae = model.evaluate(val_data, val_targets, verbose=0)
    all_scores.append(val_mae)
print("mean validation MAE:", np.mean(all_scores))

model = build_model()
model.fit(train_data, train_targets, epochs=1, batch_size=16, verbose=0)
