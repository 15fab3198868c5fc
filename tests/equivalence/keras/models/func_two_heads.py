# nnport-test: function=build_model input=N,20
"""Functional MLP with a shared trunk and two outputs (class probabilities and a regression)."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(20,), name="features")
    trunk = layers.Dense(32, activation="relu", name="trunk")(inputs)
    trunk = layers.Dense(16, activation="tanh")(trunk)
    probs = layers.Dense(4, activation="softmax", name="cls")(trunk)
    value = layers.Dense(1, name="reg")(trunk)
    return keras.Model(inputs=inputs, outputs=[probs, value])
