"""Stand-ins for the plotting / data libraries tutorial model files import around the model
(matplotlib, seaborn, imageio, scikit-learn), installed only when the real one is absent: the
oracle runs the file to record the model and never plots or trains. pandas is always the
stand-in: tutorials read their CSV files from the network, which the oracle does not reach. scikit-learn's two data
helpers the tutorials call return small arrays of the real layout."""
import importlib.util
import sys
import types

import numpy as np

from keras._anything import Anything


class _AnythingModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything()


def _fetch_california_housing(*args, **kwargs):
    rng = np.random.default_rng(0)
    return types.SimpleNamespace(data=rng.normal(size=(40, 8)), target=rng.normal(size=(40,)))


def _train_test_split(*arrays, test_size=0.25, random_state=None, **kwargs):
    out = []
    for a in arrays:
        cut = len(a) - int(np.ceil(len(a) * test_size))
        out.extend([a[:cut], a[cut:]])
    return out


class _StandardScaler:
    """sklearn.preprocessing.StandardScaler on the arrays the tutorials scale before training."""

    def fit(self, x, *args, **kwargs):
        x = np.asarray(x, dtype="float64")
        self.mean_, self.scale_ = x.mean(axis=0), x.std(axis=0) + 1e-12
        return self

    def transform(self, x, *args, **kwargs):
        return (np.asarray(x, dtype="float64") - self.mean_) / self.scale_

    def fit_transform(self, x, *args, **kwargs):
        return self.fit(x).transform(x)


class _DataFrame:
    """pandas.DataFrame built in the file from in-memory columns (tutorials whose CSV is replaced
    by generated data): the NumPy arithmetic tutorials do before building the model (mean, std
    with pandas' ddof=1, elementwise operators, .values, len). Anything else: the stand-in."""

    def __init__(self, data=None, columns=None, **kwargs):
        if isinstance(data, dict):
            columns = list(data)
            data = np.column_stack([np.asarray(data[c], dtype="float64") for c in columns])
        self._values = np.asarray(data, dtype="float64")
        if self._values.ndim == 1:
            self._values = self._values[:, None]
        self.columns = columns

    def mean(self, *args, **kwargs):
        return self._values.mean(axis=0)

    def std(self, *args, **kwargs):
        return self._values.std(axis=0, ddof=1)

    @property
    def values(self):
        return self._values

    def to_numpy(self, *args, **kwargs):
        return self._values

    def __len__(self):
        return len(self._values)

    def _apply(self, other, fn):
        other = other._values if isinstance(other, _DataFrame) else other
        return _DataFrame(fn(self._values, other), self.columns)

    def __add__(self, o):
        return self._apply(o, np.add)

    def __sub__(self, o):
        return self._apply(o, np.subtract)

    def __mul__(self, o):
        return self._apply(o, np.multiply)

    def __truediv__(self, o):
        return self._apply(o, np.true_divide)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything()


def _absent(name):
    return name not in sys.modules and importlib.util.find_spec(name) is None


def install():
    for name in ("matplotlib", "matplotlib.pyplot", "seaborn", "imageio", "IPython", "IPython.display"):
        top = name.split(".")[0]
        if name not in sys.modules and (top in sys.modules or _absent(top)):
            sys.modules[name] = _AnythingModule(name)
    sys.modules["pandas"] = _AnythingModule("pandas")
    sys.modules["pandas"].DataFrame = _DataFrame
    if _absent("sklearn"):
        sklearn = sys.modules["sklearn"] = _AnythingModule("sklearn")
        sklearn.datasets = sys.modules["sklearn.datasets"] = _AnythingModule("sklearn.datasets")
        sklearn.datasets.fetch_california_housing = _fetch_california_housing
        sklearn.model_selection = sys.modules["sklearn.model_selection"] = _AnythingModule("sklearn.model_selection")
        sklearn.model_selection.train_test_split = _train_test_split
        sklearn.metrics = sys.modules["sklearn.metrics"] = _AnythingModule("sklearn.metrics")
        sklearn.preprocessing = sys.modules["sklearn.preprocessing"] = _AnythingModule("sklearn.preprocessing")
        sklearn.preprocessing.StandardScaler = _StandardScaler
