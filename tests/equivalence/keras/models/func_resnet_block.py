# nnport-test: function=build_model input=N,10,10,4
"""Residual blocks: two Conv2D+BN with an identity shortcut, then one with a 1x1 stride-2
projection shortcut; Add then ReLU."""
import keras
from keras import layers


def residual(x, filters, strides, project):
    shortcut = x
    y = layers.Conv2D(filters, 3, strides=strides, padding="same")(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    y = layers.BatchNormalization()(y)
    if project:
        shortcut = layers.Conv2D(filters, 1, strides=strides)(x)
    return layers.Activation("relu")(layers.Add()([y, shortcut]))


def build_model():
    inputs = keras.Input(shape=(10, 10, 4))
    x = residual(inputs, 4, 1, project=False)
    x = residual(x, 8, 2, project=True)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(3)(x))
