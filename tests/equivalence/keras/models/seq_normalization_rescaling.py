# nnport-test: object=model input=N,4
"""Preprocessing in the model: Rescaling then Normalization(mean=, variance=), then an MLP."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Rescaling(2.0, offset=-0.5),
    layers.Normalization(mean=[0.1, -0.2, 0.3, 0.0], variance=[1.5, 0.5, 2.0, 1.0]),
    layers.Dense(8, activation="relu"),
    layers.Dense(2),
])
