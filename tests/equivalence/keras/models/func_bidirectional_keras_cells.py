# nnport-test: function=build_model input=N,6,4
"""Recurrences nn.GRU / nn.LSTM cannot express, in both directions: Bidirectional
GRU(reset_after=False) returning sequences, then a Bidirectional LSTM with softsign as its
activation and no bias, then Dense."""
import keras
from keras import layers


def build_model():
    x_in = keras.Input(shape=(6, 4))
    x = layers.Bidirectional(layers.GRU(5, reset_after=False, return_sequences=True))(x_in)
    x = layers.Bidirectional(layers.LSTM(3, activation="softsign", use_bias=False))(x)
    return keras.Model(x_in, layers.Dense(2)(x))
