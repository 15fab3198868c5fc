"""Mock of `tensorflow` for the equivalence oracle: tf.keras is the mock keras package, and the
few tf.* functions the test models call are recorded as tf.keras records them (TFOpLambda)."""
import sys

import keras
from keras import ops as _ops

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


math = _Namespace(reduce_mean=reduce_mean, reduce_max=reduce_max, reduce_sum=reduce_sum,
                  add=add, multiply=multiply, maximum=_ops.maximum)
nn = _Namespace(relu=_ops.relu, sigmoid=_ops.sigmoid, tanh=_ops.tanh, softmax=_ops.softmax)
float32, int32, int64 = "float32", "int32", "int64"
initializers = keras.initializers
random_normal_initializer = keras.initializers.RandomNormal
# Training-loop machinery around the model (checkpoints, summaries, @tf.function): nothing recorded.
train = summary = keras._Namespace()


def function(fn=None, **kwargs):
    return fn if fn is not None else (lambda f: f)


# Input pipelines and string ops around the model (tf.data, tf.strings): nothing recorded.
data = strings = random = keras._Namespace()
sys.modules[__name__ + ".keras.regularizers"] = keras.regularizers
newaxis = None
__version__ = "2.15.0-nnport-mock"
