# nnport-training: data=tabular features=8 classes=3
"""Tabular classification: a small MLP trained on NumPy arrays, then evaluated and saved."""
import argparse
import os

import numpy as np
import keras
from keras import layers

parser = argparse.ArgumentParser(description="Train an MLP on a tabular dataset.")
parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", "data"))
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--out", default="mlp.weights.h5")
args = parser.parse_args()

x_train = np.load(os.path.join(args.data_dir, "x_train.npy")).astype("float32")
y_train = np.load(os.path.join(args.data_dir, "y_train.npy"))
x_test = np.load(os.path.join(args.data_dir, "x_test.npy")).astype("float32")
y_test = np.load(os.path.join(args.data_dir, "y_test.npy"))
print("train:", x_train.shape, "test:", x_test.shape)

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=16)
loss, acc = model.evaluate(x_test, y_test)
print(f"test loss {loss:.4f} accuracy {acc:.3f}")
model.save_weights(args.out)
