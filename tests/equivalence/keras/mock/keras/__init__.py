"""Mock of the `keras` package for the Keras -> PyTorch equivalence oracle (see _graph.py).

Only OUR test models are executed with it; it records layers and calls, computes nothing."""
from . import activations, layers, models, ops  # noqa: F401
from ._graph import Input  # noqa: F401
from ._models import Model, Sequential  # noqa: F401

__version__ = "3.0.0-nnport-mock"
