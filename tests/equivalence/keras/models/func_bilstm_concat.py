# nnport-test: function=build_model input=N,10 dtype=int32 vocab=80
"""Bidirectional(LSTM) over embeddings (merge_mode concat), returning sequences, max over
time, Dense."""
import keras
from keras import layers


def build_model():
    ids = keras.Input(shape=(10,), dtype="int32")
    x = layers.Embedding(80, 12)(ids)
    x = layers.Bidirectional(layers.LSTM(8, return_sequences=True))(x)
    x = layers.GlobalMaxPooling1D()(x)
    return keras.Model(ids, layers.Dense(2)(x))
