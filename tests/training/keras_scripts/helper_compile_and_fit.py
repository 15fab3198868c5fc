# nnport-training: data=regression features=6 train=120 test=30
"""The TensorFlow time-series tutorial's training helper: compile_and_fit(model, train, val)
compiles the model passed in (MSE, Adam, MAE metric) and fits it on tf.data pipelines it is given,
with EarlyStopping on the validation loss; the helper is called once with the script's model."""
import os

import numpy as np
import tensorflow as tf

DATA_DIR = os.environ.get("DATA_DIR", "data")
MAX_EPOCHS = 3


def compile_and_fit(model, train, val, patience=2):
    early_stopping = tf.keras.callbacks.EarlyStopping(monitor="val_loss",
                                                      patience=patience,
                                                      mode="min")

    model.compile(loss=tf.keras.losses.MeanSquaredError(),
                  optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
                  metrics=[tf.keras.metrics.MeanAbsoluteError()])

    history = model.fit(train, epochs=MAX_EPOCHS,
                        validation_data=val,
                        callbacks=[early_stopping])
    return history


x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_val = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_val = np.load(os.path.join(DATA_DIR, "y_test.npy"))
train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(16)
val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(16)

dense = tf.keras.Sequential([
    tf.keras.Input(shape=(6,)),
    tf.keras.layers.Dense(units=16, activation="relu"),
    tf.keras.layers.Dense(units=1),
])
history = compile_and_fit(dense, train_ds, val_ds)
print("epochs run:", len(history.history["loss"]))
