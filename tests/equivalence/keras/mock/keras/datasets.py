"""Mock keras.datasets: load_data() returns small deterministic arrays of the real shapes and
dtypes (word-index sequences for the text sets), so tutorial code that loads and preprocesses
data runs; the oracle never trains."""
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


class _Sequences:
    """imdb / reuters: lists of word indices (an object array), integer labels, a word index."""

    def __init__(self, num_labels):
        self._labels = num_labels

    def load_data(self, num_words=None, *args, **kwargs):
        rng = np.random.default_rng(0)
        top = num_words or 1000

        def split(n):
            x = np.empty(n, dtype=object)
            for i in range(n):
                x[i] = [1] + rng.integers(2, top, size=int(rng.integers(5, 20))).tolist()
            return x, rng.integers(0, self._labels, size=(n,)).astype("int64")

        return split(16), split(8)

    def get_word_index(self, *args, **kwargs):
        return {f"word{i}": i for i in range(1, 50)}


class _Tabular:
    """boston_housing: float64 features and targets."""

    def load_data(self, *args, **kwargs):
        rng = np.random.default_rng(0)

        def split(n):
            return rng.normal(size=(n, 13)), rng.normal(size=(n,))

        return split(16), split(4)


imdb = _Sequences(2)
reuters = _Sequences(46)
boston_housing = _Tabular()
