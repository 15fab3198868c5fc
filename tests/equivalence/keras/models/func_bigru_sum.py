# nnport-test: function=build_model input=N,8,5 note=GRU reset_after=True runs in OUR transcription (oracle/keras_custom.mjs)
"""Bidirectional(GRU) with merge_mode="sum" (last states added), then Dense."""
import keras
from keras import layers


def build_model():
    x_in = keras.Input(shape=(8, 5))
    x = layers.Bidirectional(layers.GRU(7), merge_mode="sum")(x_in)
    return keras.Model(x_in, layers.Dense(3)(x))
