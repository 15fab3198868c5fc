# nnport-training: data=csv features=5 classes=3 train=90 test=30
"""Tabular classification from a CSV file, one-hot labels, RMSprop with a non-default rho."""
import csv
import os

import numpy as np
import keras

DATA_DIR = os.environ.get("DATA_DIR", "data")


def load_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    features = np.array([[float(r[f"f{i}"]) for i in range(5)] for r in rows], dtype="float32")
    labels = np.array([int(r["label"]) for r in rows])
    return features, np.eye(3, dtype="float32")[labels]


x_train, y_train = load_csv(os.path.join(DATA_DIR, "train.csv"))
x_test, y_test = load_csv(os.path.join(DATA_DIR, "test.csv"))

model = keras.Sequential()
model.add(keras.Input(shape=(5,)))
model.add(keras.layers.Dense(12, activation="relu"))
model.add(keras.layers.Dense(3, activation="softmax"))
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.003, rho=0.8),
              loss=keras.losses.CategoricalCrossentropy(), metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, batch_size=10, shuffle=True)
scores = model.evaluate(x_test, y_test)
print("loss and accuracy:", scores)
