"""Mock keras.datasets: load_data() returns small deterministic arrays of the real shapes and
dtypes, so tutorial code that loads and preprocesses data runs; the oracle never trains."""
import numpy as np


class _Dataset:
    def __init__(self, image_shape):
        self._shape = image_shape

    def load_data(self, *args, **kwargs):
        rng = np.random.default_rng(0)

        def split(n):
            x = rng.integers(0, 256, size=(n,) + self._shape).astype("uint8")
            y = rng.integers(0, 10, size=(n,)).astype("uint8")
            return x, y

        return split(8), split(4)


mnist = _Dataset((28, 28))
fashion_mnist = _Dataset((28, 28))
cifar10 = _Dataset((32, 32, 3))
