# nnport-test: function=build_model input=N,9,4
"""Indexing a Keras tensor: the last time step x[:, -1, :] and a channel slice x[:, :, 1:3]."""
import keras
from keras import layers


def build_model():
    x_in = keras.Input(shape=(9, 4))
    h = layers.SimpleRNN(6, return_sequences=True)(x_in)
    last = h[:, -1, :]
    part = layers.Flatten()(x_in[:, :, 1:3])
    merged = layers.Concatenate()([last, part])
    return keras.Model(x_in, layers.Dense(2)(merged))
