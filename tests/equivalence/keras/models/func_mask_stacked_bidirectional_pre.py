# nnport-test: function=build_model input=N,11 dtype=int32 vocab=30 batch=4 pad=pre note=GRU reset_after=True runs in OUR transcription (oracle/keras_custom.mjs)
"""Embedding(mask_zero=True) -> Bidirectional(GRU, return_sequences=True) -> Bidirectional(LSTM):
the mask passes through the returned sequence to the second layer; ids padded at the start."""
import keras
from keras import layers


def build_model():
    ids = keras.Input(shape=(11,), dtype="int32")
    x = layers.Embedding(30, 8, mask_zero=True)(ids)
    x = layers.Bidirectional(layers.GRU(6, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(4))(x)
    return keras.Model(ids, layers.Dense(3)(x))
