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


def _absent(name):
    return name not in sys.modules and importlib.util.find_spec(name) is None


def install():
    for name in ("matplotlib", "matplotlib.pyplot", "seaborn", "imageio", "IPython", "IPython.display"):
        top = name.split(".")[0]
        if name not in sys.modules and (top in sys.modules or _absent(top)):
            sys.modules[name] = _AnythingModule(name)
    sys.modules["pandas"] = _AnythingModule("pandas")
    if _absent("sklearn"):
        sklearn = sys.modules["sklearn"] = _AnythingModule("sklearn")
        sklearn.datasets = sys.modules["sklearn.datasets"] = _AnythingModule("sklearn.datasets")
        sklearn.datasets.fetch_california_housing = _fetch_california_housing
        sklearn.model_selection = sys.modules["sklearn.model_selection"] = _AnythingModule("sklearn.model_selection")
        sklearn.model_selection.train_test_split = _train_test_split
