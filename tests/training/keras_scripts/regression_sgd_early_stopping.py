# nnport-training: data=regression features=6 train=120 test=30
"""Regression with SGD + momentum, a validation split and early stopping."""
import logging
import os

import numpy as np
from tensorflow import keras

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("regression")

DATA_DIR = os.environ.get("DATA_DIR", "data")
EPOCHS = 3
BATCH_SIZE = 20

x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_test = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_test = np.load(os.path.join(DATA_DIR, "y_test.npy"))
mean, std = x_train.mean(axis=0), x_train.std(axis=0) + 1e-6
x_train = (x_train - mean) / std
x_test = (x_test - mean) / std
log.info("normalised %d training rows", len(x_train))

model = keras.Sequential([
    keras.layers.Dense(32, activation="tanh", input_shape=(6,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02, momentum=0.9), loss="mse", metrics=["mae"])
early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
history = model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS, validation_split=0.25,
                    callbacks=[early], verbose=2)
log.info("final training loss %.4f", history.history["loss"][-1])
test_mse, test_mae = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {test_mse:.4f} mae {test_mae:.4f}")
