# nnport-training: data=tabular features=8 classes=3
"""Weight regularizers: kernel_regularizer=regularizers.l2(0.02), the "l2" string (0.01) and a
bias_regularizer; Keras trains on (and reports) the loss plus sum(c * sum(w^2))."""
import os

import numpy as np
import keras
from keras import layers, regularizers

data_dir = os.environ.get("DATA_DIR", "data")
x_train = np.load(os.path.join(data_dir, "x_train.npy")).astype("float32")
y_train = np.load(os.path.join(data_dir, "y_train.npy"))

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu", kernel_regularizer=regularizers.l2(0.02),
                 bias_regularizer=regularizers.L2(0.05)),
    layers.Dense(12, activation="tanh", kernel_regularizer="l2"),
    layers.Dense(3),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1, batch_size=16)
