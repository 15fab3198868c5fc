# nnport-test: class=SmallConvNet input=N,16,16,3
"""Subclassed model with a list of custom ConvBlock layers, a nested Sequential head and
attributes on both sides of "layers" alphabetically (Keras 3 saves the ones after it under
"layers/<class>": the weights file's subclassed-model paths)."""
import keras
from keras import layers


class ConvBlock(layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv2D(filters, 3, padding="same", use_bias=False)
        self.bn = layers.BatchNormalization()
        self.pool = layers.MaxPooling2D()

    def call(self, x, training=False):
        return self.pool(keras.ops.relu(self.bn(self.conv(x), training=training)))


class SmallConvNet(keras.Model):
    def __init__(self, num_classes=5):
        super().__init__()
        self.blocks = [ConvBlock(8), ConvBlock(16)]
        self.gap = layers.GlobalAveragePooling2D()
        self.proj = layers.Dense(12, activation="relu")
        self.head = keras.Sequential([layers.Dropout(0.3), layers.Dense(num_classes)])

    def call(self, x, training=False):
        for block in self.blocks:
            x = block(x, training=training)
        return self.head(self.proj(self.gap(x)))
