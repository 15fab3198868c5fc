# nnport-test: function=build_model input=N,6 input=N,6
"""Elementwise keras.ops math in Lambda bodies and Functional code: square, sqrt, abs, exp, log,
and maximum / minimum against a constant (the siamese distance idiom)."""
import keras
from keras import layers, ops


def manhattan(vects):
    a, b = vects
    return ops.exp(-ops.sum(ops.abs(a - b), axis=1, keepdims=True))


def euclidean(vects):
    a, b = vects
    return ops.sqrt(ops.maximum(ops.sum(ops.square(a - b), axis=1, keepdims=True),
                                keras.backend.epsilon()))


def build_model():
    left = keras.Input(shape=(6,))
    right = keras.Input(shape=(6,))
    tower = layers.Dense(5, activation="tanh")
    ta, tb = tower(left), tower(right)
    d1 = layers.Lambda(euclidean, output_shape=(1,))([ta, tb])
    d2 = layers.Lambda(manhattan, output_shape=(1,))([ta, tb])
    logs = ops.log(ops.minimum(ops.exp(ta), 2.0) + 1.0)
    merged = layers.Concatenate()([d1, d2, logs])
    return keras.Model(inputs=[left, right], outputs=layers.Dense(2)(merged))
