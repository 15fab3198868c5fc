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


def matmul(x, y):
    if isinstance(y, g.KWeight):
        return g.weight_op("matmul", x, y)
    raise g.OracleError("ops.matmul of two tensors is not recorded")


def maximum(x, y):
    return g.binary_op("math.maximum", x, y)


def minimum(x, y):
    return g.binary_op("math.minimum", x, y)


def abs(x):  # noqa: A001 - keras.ops spelling
    return g.op_call("math.abs", [x], {})


absolute = abs


def log(x):
    return g.op_call("math.log", [x], {})


def square(x):
    return g.op_call("math.square", [x], {})


def sqrt(x):
    return g.op_call("math.sqrt", [x], {})


def exp(x):
    return g.op_call("math.exp", [x], {})


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


def eye(N, M=None, k=0, dtype=None):
    """A constant (built in a regularizer's __init__, outside the graph): the NumPy array."""
    import numpy as np

    return np.eye(N, M, k, dtype=dtype or "float32")


class _Dim(int):
    """A dimension read with ops.shape(x)[i]: an int that remembers the tensor it came from."""

    def __new__(cls, value, tensor):
        d = super().__new__(cls, value)
        d._nnport_tensor = tensor
        return d


def shape(x):
    """ops.shape of a model input: its declared shape (batch None), dims remembering `x`. Of any
    other tensor: dims only random tensors may take (NnportRandomNormal ignores its shape)."""
    if x.node.operation._nnport_class != "InputLayer":
        return _RandomShapeOnly()
    dims = g.static_shape(x)
    return tuple(None if d is None else _Dim(d, x) for d in dims)


class _RandomShapeOnly:
    def __getitem__(self, i):
        return _RandomShapeDim()


class _RandomShapeDim:
    """A dimension the mock does not know: only keras.random.* may take it."""


def arange(start=0, stop=None, step=1, dtype=None):
    """ops.arange(0, n) with n = ops.shape(x)[-1]: recorded as OUR op NnportArange on x
    (positions 0..n-1, rank 1), computed by keras_side_layers.mjs."""
    if stop is None:
        start, stop = 0, start
    if step != 1 or start != 0 or not isinstance(stop, _Dim):
        raise g.OracleError("only ops.arange(0, ops.shape(x)[i]) is recorded")
    return g.layer_op("NnportArange", [stop._nnport_tensor], {"stop": int(stop)})


def tensordot(x1, x2, axes=2):
    """ops.tensordot with an integer `axes` (the last `axes` axes of x1 against the first ones of
    x2, e.g. a scalar for two (batch, d) tensors and axes=2): OUR op NnportTensordot
    (keras_side_layers.mjs)."""
    if not isinstance(axes, int):
        raise g.OracleError("only ops.tensordot with an integer axes is recorded")
    return g.layer_op("NnportTensordot", [x1, x2], {"axes": axes})


class _Nn:
    """keras.ops.nn: the activations also reachable as keras.ops.<name>."""

    sigmoid = staticmethod(sigmoid)
    relu = staticmethod(relu)
    tanh = staticmethod(tanh)
    softmax = staticmethod(softmax)


nn = _Nn()
