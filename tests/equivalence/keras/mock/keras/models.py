"""Mock keras.models."""
from ._models import Model, Sequential  # noqa: F401
