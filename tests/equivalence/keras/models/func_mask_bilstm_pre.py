# nnport-test: function=build_model input=N,12 dtype=int32 vocab=40 batch=4 pad=pre
"""Embedding(mask_zero=True) -> Bidirectional(LSTM): ids padded with 0 at the start (Keras'
pad_sequences default); both directions read only the unmasked steps."""
import keras
from keras import layers


def build_model():
    ids = keras.Input(shape=(12,), dtype="int32")
    x = layers.Embedding(40, 8, mask_zero=True)(ids)
    x = layers.Bidirectional(layers.LSTM(5))(x)
    x = layers.Dropout(0.3)(x)
    return keras.Model(ids, layers.Dense(2, activation="sigmoid")(x))
