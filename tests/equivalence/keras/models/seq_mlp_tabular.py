# nnport-test: object=model input=N,12
"""Tabular MLP, Sequential from a list with input_shape= on the first layer."""
import keras
from keras import layers

model = keras.Sequential([
    layers.Dense(32, activation="relu", input_shape=(12,)),
    layers.Dense(16, activation="tanh"),
    layers.Dropout(0.2),
    layers.Dense(3, activation="softmax"),
])
