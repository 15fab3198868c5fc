# nnport-training: data=tabular features=8 classes=3 train=48 steps=9
"""A learning-rate schedule object as the optimizer's learning_rate: ExponentialDecay with
staircase=True halves SGD's rate every 2 optimizer steps (3 batches of 16 per epoch, 3 epochs),
so the compared steps run at 0.2, 0.1, 0.05, 0.025 and 0.0125."""
import os

import numpy as np
import keras
from keras import layers

data_dir = os.environ.get("DATA_DIR", "data")
x_train = np.load(os.path.join(data_dir, "x_train.npy")).astype("float32")
y_train = np.load(os.path.join(data_dir, "y_train.npy"))

lr_schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=0.2, decay_steps=2, decay_rate=0.5, staircase=True)

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="tanh"),
    layers.Dense(3),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr_schedule),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=3, batch_size=16)
print("final loss", history.history["loss"][-1])
