"""Mock of the `keras` package for the Keras -> PyTorch equivalence oracle (see _graph.py).

Only OUR test models are executed with it; it records layers and calls, computes nothing."""
from . import activations, datasets, layers, models, ops, utils  # noqa: F401
from ._anything import Namespace as _Namespace
from ._graph import Input  # noqa: F401
from ._models import Model, Sequential  # noqa: F401

__version__ = "3.0.0-nnport-mock"

# Training-side namespaces: model files construct optimizers, losses, metrics and callbacks
# around the model; none of them changes what the oracle records.
optimizers = losses = metrics = callbacks = _Namespace()
