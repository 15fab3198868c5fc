"""Mock keras.activations: the functions, applied to a symbolic tensor, as ops."""
from .ops import relu, sigmoid, softmax, tanh  # noqa: F401
