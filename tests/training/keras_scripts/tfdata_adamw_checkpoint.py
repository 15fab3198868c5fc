# nnport-training: data=tabular features=10 classes=4 train=96 test=32
"""A tf.data input pipeline, AdamW, logits with an explicit loss object, a checkpoint callback."""
import os

import numpy as np
import tensorflow as tf
from tensorflow import keras

DATA_DIR = os.environ.get("DATA_DIR", "data")
CHECKPOINT = "best.weights.h5"

x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_val = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_val = np.load(os.path.join(DATA_DIR, "y_test.npy"))

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(256).batch(32)
val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(32)

model = keras.Sequential([
    keras.Input(shape=(10,)),
    keras.layers.Dense(24, activation="relu"),
    keras.layers.Dense(4),
])
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.AdamW(learning_rate=0.003, weight_decay=0.01)
model.compile(optimizer=optimizer, loss=loss_fn, metrics=["accuracy"])
checkpoint = keras.callbacks.ModelCheckpoint(CHECKPOINT, monitor="val_accuracy", save_best_only=True,
                                             save_weights_only=True)
model.fit(train_ds, validation_data=val_ds, epochs=3, callbacks=[checkpoint])
print("checkpoint written:", os.path.exists(CHECKPOINT))
