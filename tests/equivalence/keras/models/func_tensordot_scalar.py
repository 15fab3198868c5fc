# nnport-test: function=build_model input=N,6 input=N,5
"""keras.ops.tensordot(a, b, 2) of two (N, 4) branches: one scalar for the whole batch (both axes
contracted, the batch included), broadcast onto a per-sample Dense output."""
import keras
from keras import layers, ops


def build_model():
    x1 = keras.Input(shape=(6,))
    x2 = keras.Input(shape=(5,))
    a = layers.Dense(4)(x1)
    b = layers.Dense(4)(x2)
    dot = ops.tensordot(a, b, 2)
    return keras.Model([x1, x2], layers.Dense(2)(a) + dot)
