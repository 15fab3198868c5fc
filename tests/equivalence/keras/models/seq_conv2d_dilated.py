# nnport-test: object=model input=N,14,14,2
"""Dilated Conv2D (valid and same), AveragePooling2D valid, Flatten."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(14, 14, 2)),
    layers.Conv2D(4, 3, dilation_rate=2, activation="relu"),
    layers.Conv2D(4, 3, dilation_rate=(1, 2), padding="same"),
    layers.AveragePooling2D(2),
    layers.Flatten(),
    layers.Dense(3),
])
