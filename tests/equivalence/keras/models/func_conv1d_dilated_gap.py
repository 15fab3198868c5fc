# nnport-test: function=build_model input=N,24,4
"""Dilated causal-style Conv1D stack (valid padding), GlobalAveragePooling1D, regression head."""
import keras
from keras import layers


def build_model():
    x_in = keras.Input(shape=(24, 4))
    x = layers.Conv1D(8, 3, dilation_rate=2, activation="tanh")(x_in)
    x = layers.Conv1D(8, 3, dilation_rate=4, activation="tanh")(x)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(x_in, layers.Dense(1)(x))
