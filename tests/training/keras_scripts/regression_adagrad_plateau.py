# nnport-training: data=regression features=4 train=80 test=20
"""Regression with MAE, Adagrad and a ReduceLROnPlateau callback on the validation loss."""
import json
import os

import numpy as np
import keras

DATA_DIR = os.environ.get("DATA_DIR", "data")
with open("config.json", "w") as f:
    json.dump({"epochs": 3, "batch_size": 8}, f)
with open("config.json") as f:
    config = json.load(f)

x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_val = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_val = np.load(os.path.join(DATA_DIR, "y_test.npy"))

model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adagrad(learning_rate=0.05), loss="mae")
reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1)
model.fit(x_train, y_train, epochs=config["epochs"], batch_size=config["batch_size"],
          validation_data=(x_val, y_val), callbacks=[reduce_lr])
val_mae = model.evaluate(x_val, y_val)
print("validation MAE:", round(float(val_mae), 4))
