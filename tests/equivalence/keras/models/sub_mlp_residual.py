# nnport-test: class=ResidualMLP input=N,16
"""Subclassed keras.Model with a custom layers.Layer residual block used twice; x + y in call()."""
import keras
from keras import layers


class ResidualDense(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.fc1 = layers.Dense(units, activation="relu")
        self.fc2 = layers.Dense(units)
        self.norm = layers.LayerNormalization(epsilon=1e-5)

    def call(self, x):
        return self.norm(x + self.fc2(self.fc1(x)))


class ResidualMLP(keras.Model):
    def __init__(self):
        super().__init__()
        self.stem = layers.Dense(16)
        self.block_a = ResidualDense(16)
        self.block_b = ResidualDense(16)
        self.head = layers.Dense(5)

    def call(self, inputs):
        x = self.stem(inputs)
        x = self.block_a(x)
        x = self.block_b(x)
        return self.head(x)
