# nnport-test: function=build_model input=N,8 dtype=int32 vocab=20 batch=4 pad=scattered note=Bidirectional zeroes masked steps of returned sequences (zero_output_for_mask), patched into TensorFlow.js' Bidirectional (oracle/keras_custom.mjs)
"""Embedding(mask_zero=True) -> Bidirectional(LSTM, return_sequences=True), the sequence as the
output: zero at the masked steps (scattered zeros), each direction over the unmasked steps."""
import keras
from keras import layers


def build_model():
    ids = keras.Input(shape=(8,), dtype="int32")
    x = layers.Embedding(20, 6, mask_zero=True)(ids)
    return keras.Model(ids, layers.Bidirectional(layers.LSTM(4, return_sequences=True))(x))
