# nnport-test: function=build_model input=N,10 dtype=int32 vocab=30 batch=4 pad=post
"""Embedding(mask_zero=True) -> LSTM: ids padded with 0 at the end (pad_sequences(padding="post")),
the last output is the state after each sequence's last unmasked step."""
import keras
from keras import layers


def build_model():
    ids = keras.Input(shape=(10,), dtype="int32")
    x = layers.Embedding(30, 8, mask_zero=True)(ids)
    x = layers.LSTM(6)(x)
    return keras.Model(ids, layers.Dense(3)(x))
