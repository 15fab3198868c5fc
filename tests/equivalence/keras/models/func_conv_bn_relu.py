# nnport-test: function=build_model input=N,12,12,3
"""Conv2D(use_bias=False) + BatchNormalization + ReLU blocks, GlobalMaxPooling2D, Dense."""
import keras
from keras import layers


def conv_bn(x, filters, strides=1):
    x = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def build_model():
    inputs = keras.Input(shape=(12, 12, 3))
    x = conv_bn(inputs, 8)
    x = conv_bn(x, 16, strides=2)
    x = layers.GlobalMaxPooling2D()(x)
    return keras.Model(inputs, layers.Dense(4)(x))
