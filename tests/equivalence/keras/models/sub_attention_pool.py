# nnport-test: class=AttentionPool input=N,8,6
"""Subclassed model with attention pooling written in keras.ops: scores = Dense(1), softmax over
time, weighted sum of the projected sequence."""
import keras
from keras import layers, ops


class AttentionPool(keras.Model):
    def __init__(self, hidden=10, classes=3):
        super().__init__()
        self.proj = layers.Dense(hidden, activation="tanh")
        self.score = layers.Dense(1)
        self.out = layers.Dense(classes)

    def call(self, x):
        h = self.proj(x)
        weights = ops.softmax(self.score(h), axis=1)
        pooled = ops.sum(h * weights, axis=1)
        return self.out(pooled)
