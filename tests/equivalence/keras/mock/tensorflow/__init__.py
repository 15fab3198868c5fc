"""Mock of `tensorflow` for the equivalence oracle: tf.keras is the mock keras package, and the
few tf.* functions the test models call are recorded as tf.keras records them (TFOpLambda)."""
import sys

import numpy as _np

import keras
from keras import _graph as _g
from keras import ops as _ops
from keras._anything import Anything as _Anything

sys.modules[__name__ + ".keras"] = keras
sys.modules[__name__ + ".keras.layers"] = keras.layers
sys.modules[__name__ + ".keras.models"] = keras.models


def concat(values, axis):
    return _ops.concatenate(values, axis=axis)


def reduce_mean(x, axis=None, keepdims=False):
    return _ops.mean(x, axis=axis, keepdims=keepdims)


def reduce_max(x, axis=None, keepdims=False):
    return _ops.max(x, axis=axis, keepdims=keepdims)


def reduce_sum(x, axis=None, keepdims=False):
    return _ops.sum(x, axis=axis, keepdims=keepdims)


def transpose(x, perm):
    return _ops.transpose(x, perm)


def reshape(x, shape):
    return _ops.reshape(x, shape)


def add(x, y):
    return _ops.add(x, y)


def multiply(x, y):
    return _ops.multiply(x, y)


class _Namespace:
    def __init__(self, **fns):
        self.__dict__.update(fns)


def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002 - tf spelling
    """tf.nn.depth_to_space on a symbolic tensor: recorded as tf.keras records it (TFOpLambda
    nn.depth_to_space), computed by TensorFlow.js' depthToSpace (DCR order, as TensorFlow)."""
    if data_format != "NHWC":
        raise _g.OracleError("tf.nn.depth_to_space is only recorded for NHWC")
    return _g.op_call("nn.depth_to_space", [input], {"block_size": int(block_size)})


def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002 - tf spelling
    """tf.nn.space_to_depth on a symbolic tensor: recorded as TFOpLambda nn.space_to_depth,
    computed by OUR transcription in oracle/keras_structure_ops.mjs (TensorFlow.js has no
    spaceToDepth)."""
    if data_format != "NHWC":
        raise _g.OracleError("tf.nn.space_to_depth is only recorded for NHWC")
    return _g.op_call("nn.space_to_depth", [input], {"block_size": int(block_size)})


def convert_to_tensor(value, dtype=None, **kwargs):
    """On data around the model (inference samples): the NumPy array."""
    return _np.asarray(value, dtype=dtype)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """On data around the model (noisy training images): NumPy."""
    if isinstance(t, _g.KTensor):
        raise _g.OracleError("tf.clip_by_value of a symbolic tensor is not recorded")
    return _np.clip(t, clip_value_min, clip_value_max)


def _random_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    """tf.random.normal: with a static shape (data around the model) NumPy draws; with a shape
    read from a symbolic tensor the placeholder op keras.random.normal records."""
    if all(isinstance(d, int) for d in shape):
        return _np.random.default_rng(0).normal(mean, stddev, size=tuple(shape)).astype(dtype)
    return keras.random.normal(shape)


def _data_only(name):
    """A tf.* function the tutorials apply to predictions or losses after training, never to the
    model's own tensors: no value here (the oracle never predicts)."""

    def fn(*args, **kwargs):
        if _g._tensors_or_none(list(args) + list(kwargs.values())):
            raise _g.OracleError(f"tf.{name} of a symbolic tensor is not recorded")
        return _Anything()

    return fn


# Data around the model (a batch of one image for predict): no value here.
expand_dims = _data_only("expand_dims")


def _softmax(logits, axis=-1, name=None):
    """tf.nn.softmax: recorded on the model's tensors; on predictions after training (scores
    printed by tutorials, indexed with np.argmax) a single score: the oracle never predicts."""
    if _g._tensors_or_none([logits]):
        return _ops.softmax(logits, axis=axis)
    return _np.ones(1, dtype="float32")


math = _Namespace(reduce_mean=reduce_mean, reduce_max=reduce_max, reduce_sum=reduce_sum,
                  add=add, multiply=multiply, maximum=_ops.maximum, less=_data_only("math.less"),
                  log=_ops.log, exp=_ops.exp)
exp, log, abs, square, sqrt = _ops.exp, _ops.log, _ops.abs, _ops.square, _ops.sqrt  # noqa: A001
nn = _Namespace(relu=_ops.relu, sigmoid=_ops.sigmoid, tanh=_ops.tanh, softmax=_softmax,
                depth_to_space=depth_to_space, space_to_depth=space_to_depth)
float32, int32, int64 = "float32", "int32", "int64"
initializers = keras.initializers
random_normal_initializer = keras.initializers.RandomNormal
# Training-loop machinery around the model (checkpoints, summaries, @tf.function): nothing recorded.
train = summary = keras._Namespace()


def function(fn=None, **kwargs):
    return fn if fn is not None else (lambda f: f)


# Input pipelines and string ops around the model (tf.data, tf.strings): nothing recorded.
data = strings = keras._Namespace()


class _Random(keras._Namespace):
    normal = staticmethod(_random_normal)

    @staticmethod
    def set_seed(seed):
        return None


random = _Random()
# tf.losses / tf.optimizers / ...: the tf.keras namespaces.
losses, optimizers, metrics, callbacks = keras.losses, keras.optimizers, keras.metrics, keras.callbacks
sys.modules[__name__ + ".keras.regularizers"] = keras.regularizers
newaxis = None
__version__ = "2.15.0-nnport-mock"
