# nnport-test: function=build_model input=N,6,3
"""Seq2seq autoencoder: LSTM encoder (last state), RepeatVector, LSTM decoder returning
sequences, TimeDistributed(Dense) per step."""
import keras
from keras import layers


def build_model():
    x_in = keras.Input(shape=(6, 3))
    code = layers.LSTM(8)(x_in)
    x = layers.RepeatVector(6)(code)
    x = layers.LSTM(8, return_sequences=True)(x)
    return keras.Model(x_in, layers.TimeDistributed(layers.Dense(3))(x))
