"""Mock keras.models."""
from . import _graph as g
from ._models import LAST_FIT, Model, Sequential  # noqa: F401


def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
    """keras.models.clone_model of a Sequential: new layers of the same classes and arguments
    (fresh weights, as Keras' default clone_function from_config(get_config()) gives)."""
    if not isinstance(model, Sequential) or input_tensors is not None or clone_function is not None:
        raise g.OracleError("only clone_model(sequential_model) is recorded by the mock")
    layers = []
    if model._nnport_input is not None:
        op = model._nnport_input.node.operation
        layers.append(g.Input(shape=op._nnport_shape[1:], dtype=op._nnport_dtype))
    for layer in model._nnport_layers:
        if not layer._nnport_builtin_layer:
            raise g.OracleError("clone_model of a model with user layers is not recorded by the mock")
        layers.append(type(layer)(**layer._nnport_kwargs))
    return Sequential(layers)


def load_model(filepath, *args, **kwargs):
    """keras.models.load_model of the checkpoint fit() saved (ModelCheckpoint): the same model,
    the one fit() last trained (the oracle never trains, so its weights are the same too)."""
    if LAST_FIT[0] is None:
        raise g.OracleError("load_model without a model trained before is not recorded by the mock")
    return LAST_FIT[0]
