# nnport-test: class=Encoder input=N,10,6
"""Custom layers inside custom layers: an Encoder model holding a dict of FeedForward blocks,
each holding a Dense pair and a private _norm attribute (private names are saved last)."""
import keras
from keras import layers


class DensePair(layers.Layer):
    def __init__(self, hidden, out, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(hidden, activation="relu")
        self.outer = layers.Dense(out)

    def call(self, x):
        return self.outer(self.inner(x))


class FeedForward(layers.Layer):
    def __init__(self, dim, **kwargs):
        super().__init__(**kwargs)
        self.pair = DensePair(2 * dim, dim)
        self._norm = layers.LayerNormalization(epsilon=1e-6)

    def call(self, x):
        return self._norm(x + self.pair(x))


class Encoder(keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = {"first": FeedForward(6), "second": FeedForward(6)}
        self.pool = layers.GlobalAveragePooling1D()
        self.fc = layers.Dense(3)

    def call(self, x):
        x = self.blocks["first"](x)
        x = self.blocks["second"](x)
        return self.fc(self.pool(x))
