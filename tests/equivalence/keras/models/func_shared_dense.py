# nnport-test: function=build_model input=N,7 input=N,7
"""Siamese MLP: the same Dense layers applied to two inputs (shared weights), then |a - b| head."""
import keras
from keras import layers


def build_model():
    left = keras.Input(shape=(7,))
    right = keras.Input(shape=(7,))
    enc1 = layers.Dense(16, activation="relu")
    enc2 = layers.Dense(8)
    ea = enc2(enc1(left))
    eb = enc2(enc1(right))
    diff = layers.Subtract()([ea, eb])
    prod = layers.Multiply()([ea, eb])
    h = layers.Concatenate()([diff, prod])
    return keras.Model([left, right], layers.Dense(2)(h))
