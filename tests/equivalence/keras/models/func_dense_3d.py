# nnport-test: function=build_model input=N,5,8
"""Dense on a rank-3 input (applied to the last axis), LayerNormalization, a second Dense."""
import keras
from keras import layers


def build_model():
    x_in = keras.Input(shape=(5, 8))
    x = layers.Dense(16, activation="gelu")(x_in)
    x = layers.LayerNormalization()(x)
    x = layers.Dense(6)(x)
    return keras.Model(x_in, x)
