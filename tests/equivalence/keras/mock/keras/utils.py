"""Mock keras.utils: to_categorical computes; plot_model and the rest do nothing."""
import numpy as np

from ._anything import Anything


def to_categorical(y, num_classes=None, dtype="float32"):
    y = np.asarray(y, dtype="int64").reshape(-1)
    n = int(num_classes or (y.max() + 1))
    out = np.zeros((y.size, n), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out


def plot_model(*args, **kwargs):
    return None


def __getattr__(name):
    return Anything
