"""Mock keras.activations: the functions, applied to a symbolic tensor, as ops."""
from .ops import relu, sigmoid, softmax, tanh  # noqa: F401


def get(identifier):
    """keras.activations.get: a name -> the function (a callable is returned as it is)."""
    if callable(identifier):
        return identifier
    return {"relu": relu, "sigmoid": sigmoid, "softmax": softmax, "tanh": tanh}[identifier]
