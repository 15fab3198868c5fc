# nnport-test: class=Upscaler input=N,4,5,2
"""Subclassed model with a custom layer whose call() runs tf.nn.depth_to_space on its own
Conv2D's output (block size from the constructor), between two convolutions of the model."""
import tensorflow as tf
import keras
from keras import layers


class SubPixelUpsample(layers.Layer):
    def __init__(self, filters, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.conv = layers.Conv2D(filters * factor * factor, 3, padding="same")

    def call(self, x):
        return tf.nn.depth_to_space(self.conv(x), self.factor)


class Upscaler(keras.Model):
    def __init__(self):
        super().__init__()
        self.stem = layers.Conv2D(6, 3, padding="same", activation="relu")
        self.up = SubPixelUpsample(4, 2)
        self.head = layers.Conv2D(2, 3, padding="same")

    def call(self, x):
        return self.head(self.up(self.stem(x)))
