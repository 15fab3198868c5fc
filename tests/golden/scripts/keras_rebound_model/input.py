# Keras -> PyTorch: `model` is bound three times: a first classifier trained with a hold-out set,
# a wider one, then the first network again, retrained from scratch on all the data. Each network
# is a class (the last binding's is the entry, which --weights fills); the retrain is a fresh
# instance of the first class, with an optimizer of its own. tf.random.set_seed seeds the
# framework only; clear_session() has nothing to reset in PyTorch.
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
import tensorflow as tf

keras.backend.clear_session()
tf.random.set_seed(42)
x_train = np.random.rand(256, 20).astype("float32")
y_train = np.random.randint(0, 3, size=(256,))

model = keras.Sequential([
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train[64:], y_train[64:], epochs=2, batch_size=32,
          validation_data=(x_train[:64], y_train[:64]))

model = keras.Sequential([
    layers.Dense(64, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, batch_size=32)

model = keras.Sequential([
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, batch_size=32)
results = model.evaluate(x_train, y_train)
