# nnport-test: function=build_model input=N,6 input=N,9
"""Two inputs, each through its own Dense, joined with Concatenate, then a head."""
import keras
from keras import layers


def build_model():
    a = keras.Input(shape=(6,))
    b = keras.Input(shape=(9,))
    ha = layers.Dense(8, activation="relu")(a)
    hb = layers.Dense(8, activation="sigmoid")(b)
    h = layers.Concatenate()([ha, hb])
    out = layers.Dense(3)(h)
    return keras.Model([a, b], out)
