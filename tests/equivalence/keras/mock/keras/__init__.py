"""Mock of the `keras` package for the Keras -> PyTorch equivalence oracle (see _graph.py).

Only OUR test models are executed with it; it records layers and calls, computes nothing."""
from . import activations, backend, datasets, layers, models, ops, random, utils  # noqa: F401
from ._anything import Namespace as _Namespace
from ._graph import Input  # noqa: F401
from ._models import Model, Sequential  # noqa: F401

__version__ = "3.0.0-nnport-mock"

# Training-side namespaces: model files construct optimizers, losses, metrics and callbacks
# around the model; none of them changes what the oracle records.
optimizers = losses = metrics = callbacks = _Namespace()
# Weight regularizers and initializers: layer arguments the oracle leaves out of the config
# (_graph.TRAINING_ONLY_ARGS); every weight is seeded.
regularizers = initializers = constraints = _Namespace()
