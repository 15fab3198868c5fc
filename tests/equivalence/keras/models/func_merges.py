# nnport-test: function=build_model input=N,12
"""Branches merged by Add, Multiply, Average and Maximum."""
import keras
from keras import layers


def build_model():
    x = keras.Input(shape=(12,))
    a = layers.Dense(10, activation="tanh")(x)
    b = layers.Dense(10, activation="sigmoid")(x)
    c = layers.Dense(10)(x)
    s = layers.Add()([a, b, c])
    m = layers.Multiply()([a, b])
    avg = layers.Average()([s, m])
    mx = layers.Maximum()([avg, c])
    return keras.Model(x, layers.Dense(4)(mx))
