# nnport-test: function=build_model input=N,7,10
"""keras.ops between layers: mean and max over time, concatenate, transpose, a scaled sum."""
import keras
from keras import layers, ops


def build_model():
    x_in = keras.Input(shape=(7, 10))
    h = layers.Dense(8, activation="relu")(x_in)
    mean = ops.mean(h, axis=1)
    peak = ops.max(h, axis=1)
    pooled = ops.concatenate([mean, peak], axis=-1)
    t = ops.transpose(h, (0, 2, 1))
    t = layers.Dense(4)(t)
    t = ops.sum(t, axis=-1) * 0.5
    out = layers.Dense(3)(ops.concatenate([pooled, t], axis=1))
    return keras.Model(x_in, out)
