"""Recurrent layers: glorot kernels over the whole gate block, orthogonal recurrent kernels,
LSTM's forget-gate bias of one, GRU's two bias rows; Embedding's uniform(-0.05, 0.05)."""
import keras
from keras import initializers, layers


def build_model():
    ids = keras.Input(shape=(20,), dtype="int32")
    x = layers.Embedding(100, 16)(ids)
    x = layers.LSTM(32, return_sequences=True)(x)
    x = layers.GRU(24, recurrent_initializer=initializers.Orthogonal(gain=2.0))(x)
    x = layers.Dense(64, kernel_initializer="lecun_uniform", bias_initializer=initializers.Constant(0.1))(x)
    return keras.Model(ids, layers.Dense(5, kernel_initializer="variance_scaling")(x))
