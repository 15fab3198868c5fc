# nnport-test: object=model input=N,24
"""Reshape to (4, 6), Permute((2, 1)), Dense on the last axis, Reshape to an image, Flatten."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(24,)),
    layers.Reshape((4, 6)),
    layers.Permute((2, 1)),
    layers.Dense(5, activation="tanh"),
    layers.Reshape((6, 5, 1)),
    layers.Conv2D(3, 2),
    layers.Flatten(),
    layers.Dense(3),
])
