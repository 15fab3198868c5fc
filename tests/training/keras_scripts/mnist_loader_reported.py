# nnport-training: data=tabular features=8 classes=3 expect=partial todo=14,15
"""keras.datasets.cifar100 has no counterpart in the migrated script yet: nnport reports it
and marks it TODO in the migrated script, like keras.mixed_precision.set_global_policy(); the rest
is migrated."""
import os

import numpy as np
import keras

DATA_DIR = os.environ.get("DATA_DIR", "data")
x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
if os.environ.get("USE_CIFAR100"):
    (x_train, y_train), _ = keras.datasets.cifar100.load_data()
    keras.mixed_precision.set_global_policy("mixed_float16")

model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=2)
