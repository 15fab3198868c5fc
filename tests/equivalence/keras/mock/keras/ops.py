"""Mock keras.ops: the few functions the test models call between layers, each recorded as the
op tf.keras would record (TFOpLambda) or as a weightless merge/activation layer. Anything else
is an AttributeError, so a model using it fails loudly in the oracle."""
from . import _graph as g


def _axis_list(axis):
    return list(axis) if isinstance(axis, (list, tuple)) else axis


def add(x, y):
    return g.binary_op("__operators__.add", x, y)


def subtract(x, y):
    return g.binary_op("math.subtract", x, y)


def multiply(x, y):
    return g.binary_op("math.multiply", x, y)


def divide(x, y):
    return g.binary_op("math.truediv", x, y)


def maximum(x, y):
    return g.binary_op("math.maximum", x, y)


def mean(x, axis=None, keepdims=False):
    return g.op_call("math.reduce_mean", [x], {"axis": _axis_list(axis), "keepdims": keepdims})


def max(x, axis=None, keepdims=False):  # noqa: A001 - keras.ops spelling
    return g.op_call("math.reduce_max", [x], {"axis": _axis_list(axis), "keepdims": keepdims})


def sum(x, axis=None, keepdims=False):  # noqa: A001 - keras.ops spelling
    return g.op_call("math.reduce_sum", [x], {"axis": _axis_list(axis), "keepdims": keepdims})


def transpose(x, axes=None):
    return g.op_call("compat.v1.transpose", [x], {"perm": list(axes)})


def reshape(x, newshape):
    return g.op_call("reshape", [x], {"shape": list(newshape)})


def concatenate(xs, axis=0):
    # keras.ops.concatenate defaults to axis 0; the test models always pass it.
    return g.layer_op("Concatenate", list(xs), {"axis": axis})


def relu(x):
    return g.layer_op("Activation", [x], {"activation": "relu"})


def sigmoid(x):
    return g.layer_op("Activation", [x], {"activation": "sigmoid"})


def tanh(x):
    return g.layer_op("Activation", [x], {"activation": "tanh"})


def softmax(x, axis=-1):
    return g.layer_op("Softmax", [x], {"axis": axis})
