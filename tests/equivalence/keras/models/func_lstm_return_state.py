# nnport-test: function=build_model input=N,7,4
"""LSTM(return_sequences=True, return_state=True): the sequence is pooled, both states
(h, c) are used; three outputs."""
import keras
from keras import layers


def build_model():
    x_in = keras.Input(shape=(7, 4))
    seq, state_h, state_c = layers.LSTM(8, return_sequences=True, return_state=True)(x_in)
    pooled = layers.GlobalAveragePooling1D()(seq)
    head = layers.Dense(3)(layers.Concatenate()([pooled, state_h]))
    return keras.Model(x_in, [head, state_h, state_c])
