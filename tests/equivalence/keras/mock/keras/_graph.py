"""Recording core of the mock `keras` package (test oracle only, never shipped).

Executing one of OUR Keras test models against this package records what it builds: every layer
construction (class name + the keyword arguments exactly as written, positional ones named from
SIGNATURES) and every call on a symbolic tensor. `serialize` then turns the recorded graph into a
tf.keras 2.x Functional config that TensorFlow.js' `tf.models.modelFromJSON` loads, and
`weight_layout` computes where Keras 3's `model.save_weights` puts each layer's variables
(keras/src/saving/saving_lib.py: _save_state / _walk_saveable / _save_container_state).

Defaults are left to TensorFlow.js, except the few where TensorFlow.js differs from Keras 3 (see
KERAS3_DEFAULTS): those are written into the config so the oracle computes what Keras 3 computes.
"""
import re
import types

from ._anything import Anything

# Positional parameters of the layer constructors our models use, in Keras 3 order.
SIGNATURES = {
    "Dense": ["units", "activation", "use_bias"],
    "Conv1D": ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "activation"],
    "Conv2D": ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "activation"],
    "Conv3D": ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "activation"],
    "Conv2DTranspose": ["filters", "kernel_size", "strides", "padding", "output_padding", "data_format"],
    "Conv1DTranspose": ["filters", "kernel_size", "strides", "padding", "output_padding", "data_format",
                        "dilation_rate", "activation"],
    "SeparableConv2D": ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                        "depth_multiplier", "activation"],
    "DepthwiseConv2D": ["kernel_size", "strides", "padding", "depth_multiplier", "data_format",
                        "dilation_rate", "activation"],
    "MaxPooling1D": ["pool_size", "strides", "padding"],
    "MaxPooling2D": ["pool_size", "strides", "padding"],
    "MaxPooling3D": ["pool_size", "strides", "padding"],
    "AveragePooling1D": ["pool_size", "strides", "padding"],
    "AveragePooling2D": ["pool_size", "strides", "padding"],
    "AveragePooling3D": ["pool_size", "strides", "padding"],
    "GlobalAveragePooling1D": ["data_format"],
    "GlobalAveragePooling2D": ["data_format"],
    "GlobalAveragePooling3D": ["data_format"],
    "GlobalMaxPooling1D": ["data_format"],
    "GlobalMaxPooling2D": ["data_format"],
    "BatchNormalization": ["axis", "momentum", "epsilon", "center", "scale"],
    "LayerNormalization": ["axis", "epsilon", "center", "scale"],
    "Dropout": ["rate"],
    "SpatialDropout1D": ["rate"],
    "SpatialDropout2D": ["rate"],
    "Masking": ["mask_value"],
    "Flatten": ["data_format"],
    "Reshape": ["target_shape"],
    "Permute": ["dims"],
    "RepeatVector": ["n"],
    "Embedding": ["input_dim", "output_dim"],
    "LSTM": ["units"],
    "GRU": ["units"],
    "SimpleRNN": ["units"],
    "ConvLSTM2D": ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                   "activation", "recurrent_activation"],
    "Bidirectional": ["layer", "merge_mode"],
    "TimeDistributed": ["layer"],
    "Activation": ["activation"],
    "ReLU": ["max_value", "negative_slope", "threshold"],
    "LeakyReLU": ["negative_slope"],
    "ELU": ["alpha"],
    "PReLU": [],
    "Softmax": ["axis"],
    "UpSampling1D": ["size"],
    "UpSampling2D": ["size", "data_format", "interpolation"],
    "ZeroPadding1D": ["padding"],
    "ZeroPadding2D": ["padding"],
    "ZeroPadding3D": ["padding"],
    "Cropping1D": ["cropping"],
    "Cropping2D": ["cropping"],
    "Rescaling": ["scale", "offset"],
    "Normalization": ["axis", "mean", "variance"],
    "Concatenate": ["axis"],
    "Add": [],
    "Subtract": [],
    "Multiply": [],
    "Average": [],
    "Maximum": [],
    "Minimum": [],
    "Dot": ["axes", "normalize"],
    "MultiHeadAttention": ["num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape"],
    # Random augmentation: identity at inference (keras_side_layers.mjs), no variables saved.
    "RandomFlip": ["mode", "seed"],
    "RandomRotation": ["factor", "fill_mode", "interpolation", "seed"],
    "RandomZoom": ["height_factor", "width_factor", "fill_mode", "interpolation", "seed"],
}

# Constructor arguments that only act in training or on fresh weights (every weight is seeded by
# make_case.mjs): when their value is an object the mock does not record (keras.regularizers.l2(...),
# tf.initializers.zeros(): an Anything), they are left out of the config. Names and recorded
# objects stay.
TRAINING_ONLY_ARGS = {"kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                      "activity_regularizer", "kernel_constraint", "bias_constraint",
                      "embeddings_initializer", "embeddings_regularizer"}

# Keras 3 defaults that TensorFlow.js does NOT share (tfjs-layers recurrent.js uses the Keras 2.0
# recurrent_activation "hardSigmoid" and GRU reset_after=False). Written into the config when the
# model leaves them out, so the oracle computes what Keras 3 computes.
KERAS3_DEFAULTS = {
    "LSTM": {"recurrent_activation": "sigmoid"},
    "GRU": {"recurrent_activation": "sigmoid", "reset_after": True},
    "ConvLSTM2D": {"recurrent_activation": "sigmoid"},
}

RNN_CLASSES = {"LSTM", "GRU", "SimpleRNN"}
STATES_PER_RNN = {"LSTM": 2, "GRU": 1, "SimpleRNN": 1}


class OracleError(Exception):
    """The model uses something this mock does not record; the case is broken, not nnport."""


def to_snake_case(name):
    """keras/src/utils/naming.py to_snake_case: "Conv2D" -> "conv2d", "ReLU" -> "re_lu"."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def _plain(value):
    """A kwarg value as JSON: tuples become lists, nested layers their {class_name, config}."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Layer):
        return {"class_name": value._nnport_class, "config": value._nnport_config()}
    if hasattr(value, "tolist"):
        return value.tolist()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise OracleError(f"cannot serialise argument value {value!r}")


class Graph:
    """The names given out while one model file runs (Keras-style: "dense", "dense_1", ...)."""

    def __init__(self):
        self.names = set()
        self.counters = {}

    def unique_name(self, base):
        n = self.counters.get(base, 0)
        name = base if n == 0 else f"{base}_{n}"
        while name in self.names:
            n += 1
            name = f"{base}_{n}"
        self.counters[base] = n + 1
        self.names.add(name)
        return name


GRAPH = Graph()


def reset():
    global GRAPH
    GRAPH = Graph()


# The user layers / models whose call() is running, outermost first: a node recorded inside
# belongs to the outermost one, which is what the enclosing Functional model lists as its layer.
OWNERS = []


class owner_scope:
    def __init__(self, layer):
        self.layer = layer

    def __enter__(self):
        OWNERS.append(self.layer)

    def __exit__(self, *exc):
        OWNERS.pop()


class Node:
    """One call of an Operation: its input tensors, call kwargs (JSON) and output tensors."""

    def __init__(self, operation, inputs, kwargs, n_outputs, inbound=None):
        self._nnport_model = OWNERS[0] if OWNERS else None
        self.operation = operation
        self.inputs = inputs
        self.kwargs = kwargs
        self.index = len(operation._nnport_nodes)
        operation._nnport_nodes.append(self)
        self.outputs = [KTensor(self, i) for i in range(n_outputs)]
        # The tf.keras inbound_nodes entry (None = the nested default form).
        self.inbound = inbound

    @property
    def parents(self):
        return [t.node for t in self.inputs]


class KTensor:
    """A symbolic tensor: output `index` of `node`. Python operators record TFOpLambda ops."""

    def __init__(self, node, index):
        self.node = node
        self.index = index

    def ref(self):
        return [self.node.operation._nnport_name, self.node.index, self.index]

    def __add__(self, other):
        return binary_op("__operators__.add", self, other)

    def __radd__(self, other):
        return binary_op("__operators__.add", other, self)

    def __sub__(self, other):
        return binary_op("math.subtract", self, other)

    def __rsub__(self, other):
        return binary_op("math.subtract", other, self)

    def __mul__(self, other):
        return binary_op("math.multiply", self, other)

    def __rmul__(self, other):
        return binary_op("math.multiply", other, self)

    def __truediv__(self, other):
        return binary_op("math.truediv", self, other)

    def __neg__(self):
        return binary_op("math.multiply", self, -1.0)

    @property
    def shape(self):
        return PartialShape((None, last_dim(self)))

    def __getitem__(self, spec):
        items = spec if isinstance(spec, tuple) else (spec,)
        out = []
        for item in items:
            if isinstance(item, int):
                out.append(item)
            elif isinstance(item, slice):
                out.append({"start": item.start, "stop": item.stop, "step": item.step})
            else:
                raise OracleError(f"indexing with {item!r} is not recorded")
        return op_call("__operators__.getitem", [self], {"slice_spec": out}, cls="SlicingOpLambda")

    def __bool__(self):
        raise OracleError("a symbolic tensor has no truth value (data-dependent control flow)")


class Operation:
    """Base of layers and recorded ops: a name, a Keras class and the nodes it was called in."""

    _nnport_is_op = False

    def _nnport_init(self, cls, name):
        self._nnport_class = cls
        self._nnport_name = name or GRAPH.unique_name(to_snake_case(cls))
        if name:
            GRAPH.names.add(name)
        self._nnport_nodes = []


class OpLayer(Operation):
    """A keras.ops / tf.* call or Python operator: a TFOpLambda (or merge layer) in the config.
    In Keras 3 these are Operations, not Layers, so they take no slot in the weights file."""

    _nnport_is_op = True

    def __init__(self, cls, function=None, config=None):
        self._nnport_init(cls, None if function is None else GRAPH.unique_name("tf." + function))
        self._nnport_function = function
        self._nnport_extra = config or {}

    def _nnport_config(self):
        config = {"name": self._nnport_name, "trainable": True, "dtype": "float32"}
        if self._nnport_function is not None:
            config["function"] = self._nnport_function
        config.update(self._nnport_extra)
        return config


def _tensors(value):
    if isinstance(value, KTensor):
        return [value]
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            out.extend(_tensors(v))
        return out
    raise OracleError(f"expected a symbolic tensor, got {type(value).__name__}")


def _tensors_or_none(value):
    """The symbolic tensors in `value` (a tensor or a list/tuple/dict of them); [] when it holds
    none (NumPy data, a tf.data stand-in)."""
    if isinstance(value, KTensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors_or_none(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors_or_none(v)]
    return []


def op_call(function, inputs, kwargs, cls="TFOpLambda"):
    """Records a tf.* function on symbolic tensors, tf.keras style: inbound node un-nested,
    `[name, node, tensor, kwargs]` (keras_custom.mjs normalises it for TensorFlow.js)."""
    op = OpLayer(cls, function)
    node = Node(op, inputs, kwargs, 1)
    first = inputs[0]
    node.inbound = [first.node.operation._nnport_name, first.node.index, first.index,
                    {**kwargs, "name": None}]
    return node.outputs[0]


class KWeight:
    """A variable created by add_weight: variable `index` of user layer `owner`."""

    def __init__(self, owner, index, shape, name):
        self.owner, self.index, self.shape, self.name = owner, index, shape, name
        self.used = False

    def __radd__(self, other):
        return weight_op("add", other, self)

    def __add__(self, other):
        return weight_op("add", other, self)

    def __rmul__(self, other):
        return weight_op("multiply", other, self)

    def __mul__(self, other):
        return weight_op("multiply", other, self)


def weight_op(fn, x, w):
    """x (op) w for a custom variable w: OUR layer NnportWeightOp holding w (keras_side_layers.mjs);
    the oracle's layout gives its variable the owner's weights-file path."""
    if not isinstance(x, KTensor):
        raise OracleError(f"{fn} of a custom weight and {type(x).__name__} is not recorded")
    if w.used:
        raise OracleError("a custom weight used twice is not recorded by the mock")
    w.used = True
    op = OpLayer("NnportWeightOp", None, {"fn": fn, "shape": w.shape, "weight_name": w.name})
    op._nnport_weight = w
    node = Node(op, [x], {}, 1)
    return node.outputs[0]


def binary_op(function, a, b):
    if isinstance(b, KWeight) or isinstance(a, KWeight):
        fn = {"__operators__.add": "add", "math.multiply": "multiply"}.get(function)
        if fn is None:
            raise OracleError(f"{function} with a custom weight is not recorded")
        return weight_op(fn, a, b) if isinstance(b, KWeight) else weight_op(fn, b, a)
    if isinstance(a, KTensor) and isinstance(b, KTensor):
        op = OpLayer("TFOpLambda", function)
        node = Node(op, [a, b], {}, 1)
        node.inbound = [*a.ref(), {"y": b.ref(), "name": None}]
        return node.outputs[0]
    if isinstance(a, KTensor):
        return op_call(function, [a], {"y": float(b)})
    if isinstance(b, KTensor):
        op = OpLayer("TFOpLambda", function)
        node = Node(op, [b], {}, 1)
        node.inbound = ["_CONSTANT_VALUE", -1, float(a), {"y": b.ref(), "name": None}]
        return node.outputs[0]
    raise OracleError("binary op without a symbolic tensor")


def layer_op(cls, inputs, config=None):
    """An op that IS a Keras layer in the config (e.g. ops.concatenate -> Concatenate) but,
    being a keras.ops call, owns no slot in the weights file."""
    op = OpLayer(cls, None, config)
    node = Node(op, _tensors(inputs), {}, 1)
    return node.outputs[0]


class Layer(Operation):
    """Mock keras.layers.Layer. Subclasses named in SIGNATURES are built-in layers (recorded);
    any other subclass is a user layer whose call() is traced inline."""

    def __init__(self, *args, **kwargs):
        cls = type(self).__name__
        builtin = getattr(type(self), "_nnport_builtin", False)
        if builtin:
            names = SIGNATURES[cls]
            if len(args) > len(names):
                raise OracleError(f"{cls}: {len(args)} positional arguments, the mock knows {names}")
            kw = dict(zip(names, args))
            for k, v in kwargs.items():
                if k in kw:
                    raise OracleError(f"{cls}: argument {k} given twice")
                kw[k] = v
            name = kw.pop("name", None)
            if isinstance(kw.get("padding"), str):
                # keras/src/utils/argument_validation.py standardize_padding: value.lower(),
                # so padding="SAME" (Hands-On ML) is "same".
                kw["padding"] = kw["padding"].lower()
            self._nnport_kwargs = kw
        else:
            # A user layer: Layer.__init__(name=..., **kwargs) of Keras; nothing to record.
            name = kwargs.get("name")
            self._nnport_kwargs = {}
        self._nnport_builtin_layer = builtin
        self._nnport_init(cls, name)

    # -- recording ---------------------------------------------------------------------------
    def _nnport_config(self):
        config = {"name": self._nnport_name, "trainable": True, "dtype": "float32"}
        for k, v in KERAS3_DEFAULTS.get(self._nnport_class, {}).items():
            config[k] = v
        for k, v in self._nnport_kwargs.items():
            if k in ("input_shape", "batch_input_shape", "input_dim") and self._nnport_class != "Embedding":
                continue  # becomes the InputLayer (Sequential)
            if k in TRAINING_ONLY_ARGS and (isinstance(v, Anything) or isinstance(v, types.FunctionType)):
                continue  # a user initializer / regularizer / constraint function: training only
            if k == "activation" and isinstance(v, types.FunctionType):
                continue  # a user activation function: traced after the layer (__call__)
            config[k] = _plain(v)
        return config

    def _nnport_output_count(self):
        kw = self._nnport_kwargs
        cls = self._nnport_class
        if cls in RNN_CLASSES and kw.get("return_state"):
            return 1 + STATES_PER_RNN[cls]
        if cls == "Bidirectional":
            inner = kw["layer"]
            if inner._nnport_kwargs.get("return_state"):
                return 1 + 2 * STATES_PER_RNN[inner._nnport_class]
        return 1

    def __call__(self, inputs, *args, **kwargs):
        kwargs.pop("training", None)
        if not self._nnport_builtin_layer:
            if not getattr(self, "_nnport_built", False):
                self._nnport_built = True
                first = _tensors(inputs)[0]
                self.build(first.shape)  # Keras builds on the first call with the input shape
            with owner_scope(self):
                return self.call(inputs, *args, **kwargs)
        if self._nnport_class == "MultiHeadAttention":
            return self._nnport_attention_call(inputs, *args, **kwargs)
        states = kwargs.pop("initial_state", None)
        if isinstance(states, _ZeroStates):
            states = None  # rnn.get_initial_state(...): zeros, the default initial state
        if states is not None and self._nnport_class not in RNN_CLASSES:
            raise OracleError(f"{self._nnport_class}: initial_state is only recorded for recurrent layers")
        if args or kwargs:
            raise OracleError(f"{self._nnport_class}: call arguments {list(kwargs) or args} are not recorded")
        # rnn(x, initial_state=[h, c]): tf.keras records the states as further inputs of the node.
        tensors = _tensors(inputs) + (_tensors(states) if states is not None else [])
        node = Node(self, tensors, {}, self._nnport_output_count())
        activation = self._nnport_kwargs.get("activation")
        if isinstance(activation, types.FunctionType) and len(node.outputs) == 1:
            # Dense(1, activation=my_softplus): Keras applies the user function to the layer's
            # linear output; traced inline like a Lambda (its ops are recorded).
            return activation(node.outputs[0])
        return node.outputs[0] if len(node.outputs) == 1 else list(node.outputs)

    def _nnport_attention_call(self, query, value, key=None, use_causal_mask=False):
        """mha(query, value[, key]) as tf.keras writes it: one inbound entry, the query, with
        value/key (and use_causal_mask) in its kwargs (keras_attention.mjs reads that form)."""
        kwargs = {"value": value.ref()}
        inputs = [query, value]
        if key is not None:
            kwargs["key"] = key.ref()
            inputs.append(key)
        if use_causal_mask:
            kwargs["use_causal_mask"] = True
        node = Node(self, inputs, {}, 1)
        node.inbound = [[*query.ref(), kwargs]]
        return node.outputs[0]

    def call(self, *args, **kwargs):
        raise OracleError(f"{type(self).__name__} has no call()")

    def add_weight(self, shape=None, initializer=None, trainable=True, name=None, **kwargs):
        """A user layer's own variable (in build()): its index in the layer's variables is its
        dataset name in the weights file; ops on it are recorded as NnportWeightOp layers."""
        if not trainable:
            raise OracleError("non-trainable custom weights are not recorded by the mock")
        weights = self.__dict__.setdefault("_nnport_weights", [])
        w = KWeight(self, len(weights), [int(d) for d in shape], name or "variable")
        weights.append(w)
        return w

    def build(self, input_shape):
        pass

    @property
    def variables(self):
        """layer.variables / weights (inspected by tutorials): the mock holds no values."""
        return []

    weights = trainable_weights = non_trainable_weights = variables

    def get_weights(self):
        return []

    def get_initial_state(self, *args, **kwargs):
        """RNN.get_initial_state(batch_size) (tf.keras: (inputs)): the zero states, which is
        what the layer uses without initial_state."""
        if self._nnport_class not in RNN_CLASSES:
            raise OracleError(f"{self._nnport_class}.get_initial_state is not recorded")
        return _ZeroStates(STATES_PER_RNN[self._nnport_class])

    def adapt(self, data, *args, **kwargs):
        """Normalization.adapt(data): the statistics become the layer's variables, which the
        weights file holds (seeded); nothing to record here."""
        if self._nnport_class != "Normalization":
            raise OracleError(f"{self._nnport_class}.adapt is not recorded by the mock")


class _ZeroStates(list):
    """The zero initial states of a recurrent layer (get_initial_state), never recorded."""

    def __init__(self, n):
        super().__init__([None] * n)


class InputLayer(Layer):
    _nnport_builtin = True

    def __init__(self, shape=None, dtype=None, name=None, input_shape=None):
        if shape is None:
            shape = input_shape  # tf.keras 2.x InputLayer(input_shape=[...])
        self._nnport_kwargs = {}
        self._nnport_builtin_layer = True
        self._nnport_init("InputLayer", name)
        self._nnport_shape = [None] + [None if d is None else int(d) for d in shape]
        self._nnport_dtype = dtype or "float32"
        self._nnport_tensor = Node(self, [], {}, 1).outputs[0]

    def _nnport_config(self):
        return {"batch_input_shape": self._nnport_shape, "dtype": self._nnport_dtype,
                "sparse": False, "ragged": False, "name": self._nnport_name}


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None):
    if batch_shape is not None:
        shape = batch_shape[1:]
    if shape is None:
        raise OracleError("keras.Input without shape")
    return InputLayer(tuple(shape), dtype, name)._nnport_tensor


# Layers whose output keeps the last axis of their first input (the channels).
_KEEPS_CHANNELS = {"MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
                   "AveragePooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
                   "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
                   "BatchNormalization", "LayerNormalization", "Dropout", "SpatialDropout1D",
                   "SpatialDropout2D", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax",
                   "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
                   "Cropping1D", "Cropping2D", "Rescaling", "Normalization", "Add", "Subtract",
                   "Multiply", "Average", "Maximum", "Minimum", "RandomFlip", "RandomRotation",
                   "RandomZoom"}
_CHANNELS_ARG = {"Dense": "units", "Embedding": "output_dim", "LSTM": "units", "GRU": "units",
                 "SimpleRNN": "units"}


def last_dim(t):
    """The last axis of a symbolic tensor, followed through the layers that set or keep it
    (the mock computes no shapes otherwise); None when not followed."""
    op = t.node.operation
    cls = op._nnport_class
    if cls == "InputLayer":
        return op._nnport_shape[-1]
    kw = getattr(op, "_nnport_kwargs", {})
    if cls == "NnportWeightOp" and op._nnport_extra["fn"] == "matmul":
        return op._nnport_extra["shape"][-1]
    elementwise = cls == "NnportWeightOp" or getattr(op, "_nnport_function", None) in (
        "__operators__.add", "math.subtract", "math.multiply", "math.truediv")
    if elementwise and t.node.inputs:
        return last_dim(t.node.inputs[0])  # elementwise with a weight or a number
    if cls.startswith(("Conv", "SeparableConv")):
        return kw.get("filters")
    if cls in _CHANNELS_ARG:
        return kw.get(_CHANNELS_ARG[cls])
    if cls in _KEEPS_CHANNELS and t.node.inputs:
        return last_dim(t.node.inputs[0])
    return None


class PartialShape(tuple):
    """KTensor.shape: only the last axis is known to the mock; other axes fail loudly."""

    def __getitem__(self, i):
        if i == -1:
            value = tuple.__getitem__(self, 1)
            if value is None:
                raise OracleError("the last axis of this tensor is not followed by the mock")
            return value
        raise OracleError(f"tensor.shape[{i!r}] is not recorded by the mock (only shape[-1])")


def static_shape(t):
    """ops.shape(x) for a model input: its declared shape, batch None."""
    op = t.node.operation
    if op._nnport_class != "InputLayer":
        raise OracleError("ops.shape is only recorded for model inputs")
    return list(op._nnport_shape)


def make_builtin(cls_name):
    return type(cls_name, (Layer,), {"_nnport_builtin": True})
