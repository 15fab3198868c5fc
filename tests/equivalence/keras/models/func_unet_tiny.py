# nnport-test: function=build_model input=N,16,16,2
"""Tiny U-Net: encoder Conv2D + MaxPooling2D, decoder Conv2DTranspose (stride 2) and
UpSampling2D, skip connections by Concatenate on the channel axis."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(16, 16, 2))
    e1 = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    p1 = layers.MaxPooling2D()(e1)
    e2 = layers.Conv2D(8, 3, padding="same", activation="relu")(p1)
    p2 = layers.MaxPooling2D()(e2)
    b = layers.Conv2D(8, 3, padding="same", activation="relu")(p2)
    u2 = layers.Conv2DTranspose(8, 2, strides=2)(b)
    d2 = layers.Conv2D(8, 3, padding="same", activation="relu")(layers.Concatenate()([u2, e2]))
    u1 = layers.UpSampling2D()(d2)
    d1 = layers.Conv2D(4, 3, padding="same", activation="relu")(layers.Concatenate(axis=-1)([u1, e1]))
    return keras.Model(inputs, layers.Conv2D(1, 1, activation="sigmoid")(d1))
