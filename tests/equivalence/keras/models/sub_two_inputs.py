# nnport-test: class=ImageAndMeta input=N,12,12,1 input=N,3
"""Subclassed model with two inputs (an image and a metadata vector) passed as a list to call()."""
import keras
from keras import layers


class ImageAndMeta(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")
        self.flatten = layers.Flatten()
        self.meta = layers.Dense(4, activation="relu")
        self.merge = layers.Concatenate()
        self.head = layers.Dense(2)

    def call(self, inputs):
        image, meta = inputs
        a = self.flatten(self.conv(image))
        b = self.meta(meta)
        return self.head(self.merge([a, b]))
