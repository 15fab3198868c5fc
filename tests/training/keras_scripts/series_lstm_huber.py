# nnport-training: data=series length=10 features=2 train=64 test=16
"""Time-series forecasting: an LSTM predicts the next value of a noisy sine, Huber loss."""
import os

import numpy as np
import tensorflow as tf

DATA_DIR = os.environ.get("DATA_DIR", "data")
x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_test = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_test = np.load(os.path.join(DATA_DIR, "y_test.npy"))
print("windows:", x_train.shape)

tf.keras.utils.set_random_seed(7)
model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(10, 2)),
    tf.keras.layers.LSTM(12),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss=tf.keras.losses.Huber(delta=0.5), metrics=["mae"])
model.fit(x_train, y_train, epochs=2, batch_size=16, validation_data=(x_test, y_test))
mse = model.evaluate(x_test, y_test, verbose=0)
print("evaluation:", mse)
model.save_weights("forecaster.weights.h5")
