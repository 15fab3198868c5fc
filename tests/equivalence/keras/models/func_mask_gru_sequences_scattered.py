# nnport-test: function=build_model input=N,9 dtype=int32 vocab=25 batch=4 pad=scattered note=GRU reset_after=True runs in OUR transcription (oracle/keras_custom.mjs)
"""Embedding(mask_zero=True) -> GRU(return_sequences=True) -> Dense per step, with zeros at random
steps: a masked step keeps the state and repeats the previous output (zero before the first)."""
import keras
from keras import layers


def build_model():
    ids = keras.Input(shape=(9,), dtype="int32")
    x = layers.Embedding(25, 6, mask_zero=True)(ids)
    x = layers.GRU(5, return_sequences=True)(x)
    return keras.Model(ids, layers.Dense(4)(x))
