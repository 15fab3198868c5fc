# nnport-test: object=model input=N,8
"""Activation layers and strings: elu, selu, swish, gelu, softplus, softsign, relu6, LeakyReLU,
ELU(alpha), PReLU, ReLU(max_value), Softmax."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(12, activation="elu"),
    layers.Dense(12, activation="selu"),
    layers.Dense(12, activation="swish"),
    layers.Dense(12, activation="gelu"),
    layers.Dense(12, activation="softplus"),
    layers.Dense(12, activation="softsign"),
    layers.Dense(12, activation="relu6"),
    layers.Dense(12),
    layers.LeakyReLU(negative_slope=0.1),
    layers.Dense(12),
    layers.ELU(alpha=0.5),
    layers.Dense(12),
    layers.PReLU(),
    layers.Dense(12),
    layers.ReLU(max_value=0.8),
    layers.Dense(5),
    layers.Softmax(),
])
