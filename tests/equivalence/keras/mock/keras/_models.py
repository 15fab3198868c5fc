"""Mock keras.Model / keras.Sequential: tracing into one Functional graph, the tf.keras 2.x
config TensorFlow.js loads, and the Keras 3 `.weights.h5` path of every layer."""
from . import _graph as g
from ._anything import Anything


# The model fit() last trained (its checkpoint callbacks save it).
LAST_FIT = [None]

class Model(g.Layer):
    """keras.Model: Functional when given inputs/outputs, else a subclassed model traced by
    calling it on keras.Input tensors."""

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        self._nnport_kwargs = {}
        self._nnport_builtin_layer = False
        # Keras (models/functional.py functional_init_arguments): Functional only with both inputs
        # and outputs; `super().__init__(self)` in a subclass (TensorFlow tutorials) passes one
        # positional argument and stays a subclassed model.
        functional = inputs is not None and outputs is not None
        self._nnport_init("Functional" if functional else type(self).__name__, name)
        self._nnport_functional = functional
        if self._nnport_functional:
            self._nnport_inputs = g._tensors(inputs)
            # outputs={"name": tensor}: Keras 3 flattens the dict by sorted key (tree.flatten),
            # the order of model.outputs.
            self._nnport_outputs = g._tensors([outputs[k] for k in sorted(outputs)]
                                              if isinstance(outputs, dict) else outputs)
            self._nnport_outputs_single = isinstance(outputs, g.KTensor)

    def __call__(self, inputs, *args, **kwargs):
        kwargs.pop("training", None)
        if not g._tensors_or_none(inputs):
            # model(x_test).numpy() on data: an eager computation the oracle does not do.
            return Anything()
        if self._nnport_functional:
            if args or kwargs:
                raise g.OracleError(f"calling a Functional model with {list(kwargs) or args} is not recorded")
            with g.owner_scope(self):
                return self._nnport_replay(g._tensors(inputs))
        with g.owner_scope(self):
            return self.call(inputs, *args, **kwargs)

    def _nnport_replay(self, inputs):
        """A Functional model called like a layer: its layers are called again on `inputs`
        (the config gets them inline; the weights layout keeps the nesting, see weight_layout)."""
        if len(inputs) != len(self._nnport_inputs):
            raise g.OracleError(f"model {self._nnport_name} takes {len(self._nnport_inputs)} inputs")
        mapping = {id(t): x for t, x in zip(self._nnport_inputs, inputs)}
        ops, own_nodes = operations_in_order(self._nnport_inputs, self._nnport_outputs)
        if not getattr(self, "_nnport_detached", False):
            # The model's own graph is not part of the caller's: its nodes leave the layers'
            # node lists so that the replayed calls are numbered as the caller's config needs.
            self._nnport_detached = True
            for op in ops:
                op._nnport_nodes = [n for n in op._nnport_nodes if id(n) not in own_nodes]
                for i, n in enumerate(op._nnport_nodes):
                    n.index = i
        done = set()

        def value(t):
            if id(t) in mapping:
                return mapping[id(t)]
            node = t.node
            if id(node) not in done:
                done.add(id(node))
                args = [value(x) for x in node.inputs]
                op = node.operation
                if op._nnport_is_op or node.inbound is not None:
                    raise g.OracleError(f"replaying {op._nnport_name} ({op._nnport_class}) inside "
                                        f"model {self._nnport_name} is not recorded")
                outs = op(args[0] if len(args) == 1 else args)
                outs = outs if isinstance(outs, list) else [outs]
                for i, o in enumerate(outs):
                    mapping[id(node.outputs[i])] = o
            return mapping[id(t)]

        outs = [value(t) for t in self._nnport_outputs]
        return outs[0] if self._nnport_outputs_single else outs

    # Training-side methods tutorials call on the model: nothing to record.
    def summary(self, *args, **kwargs):
        return None

    def compile(self, *args, **kwargs):
        return None

    def fit(self, *args, **kwargs):
        LAST_FIT[0] = self  # what keras.models.load_model of its checkpoint gives back
        return Anything()  # a History: tutorials plot history.history[...]

    def evaluate(self, *args, **kwargs):
        return [0.0, 0.0]

    def predict(self, *args, **kwargs):
        return Anything()  # predictions printed or indexed by tutorials: no values here

    def build(self, *args, **kwargs):
        return None

    def load_weights(self, *args, **kwargs):  # checkpoints written by fit callbacks
        return None

    def save_weights(self, *args, **kwargs):
        return None

    def save(self, *args, **kwargs):
        return None

    @property
    def layers(self):
        """model.layers (Keras: InputLayers left out of Sequential's list, kept in Functional's)."""
        if isinstance(self, Sequential):
            return list(self._nnport_layers)
        if self._nnport_functional:
            return _functional_layers(self)
        return _tracked_layers(self)


class Sequential(Model):
    def __init__(self, layers=None, name=None, **kwargs):
        self._nnport_kwargs = {}
        self._nnport_builtin_layer = False
        self._nnport_init("Sequential", name)
        self._nnport_functional = False
        self._nnport_layers = []
        self._nnport_input = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        if isinstance(layer, g.KTensor):  # keras.Input(...) as the first element
            if self._nnport_layers or self._nnport_input is not None:
                raise g.OracleError("keras.Input must come first in a Sequential")
            self._nnport_input = layer
            return
        if isinstance(layer, g.InputLayer):
            self._nnport_input = layer._nnport_tensor
            return
        if not self._nnport_layers and self._nnport_input is None:
            shape = layer._nnport_kwargs.get("input_shape")
            if shape is None and "batch_input_shape" in layer._nnport_kwargs:
                shape = layer._nnport_kwargs["batch_input_shape"][1:]
            if shape is not None:
                self._nnport_input = g.Input(shape=shape, dtype=layer._nnport_kwargs.get("dtype"))
        self._nnport_layers.append(layer)

    def call(self, x):
        for layer in self._nnport_layers:
            x = layer(x)
        return x

    @property
    def output_shape(self):
        """`assert model.output_shape == (...)` in tutorials: the mock computes no shapes
        (TensorFlow.js checks them when it builds the config), so any comparison holds."""
        return _UncheckedShape()


class _UncheckedShape:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


# -- tracing ------------------------------------------------------------------------------------
def trace(model, specs):
    """(inputs, outputs) symbolic tensors of `model`; specs = [(shape_without_batch, dtype)]."""
    if getattr(model, "_nnport_functional", False):
        return model._nnport_inputs, model._nnport_outputs
    if isinstance(model, Sequential) and model._nnport_input is not None:
        inputs = [model._nnport_input]
    else:
        inputs = [g.Input(shape=s, dtype=d) for s, d in specs]
    out = model.call(inputs[0] if len(inputs) == 1 else inputs)
    return inputs, g._tensors(out)


def operations_in_order(inputs, outputs):
    """Keras 3 keras/src/ops/function.py map_graph: operations ordered by decreasing depth,
    ties by first-visit order of the depth-first walk from the outputs."""
    finished, in_progress, order, indices = set(), set(), [], {}
    input_ids = {id(t) for t in inputs}

    def visit(tensor):
        node = tensor.node
        op = node.operation
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise g.OracleError("cycle in the graph")
        if op not in indices:
            indices[op] = len(indices)
        in_progress.add(id(node))
        if node.inputs and id(tensor) not in input_ids:
            for t in node.inputs:
                visit(t)
        finished.add(id(node))
        in_progress.discard(id(node))
        order.append(node)

    for t in outputs:
        visit(t)
    node_depth, op_depth = {}, {}
    for node in reversed(order):
        depth = node_depth.setdefault(id(node), 0)
        depth = max(depth, op_depth.get(node.operation, 0))
        op_depth[node.operation] = depth
        node_depth[id(node)] = depth
        for parent in node.parents:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for t in inputs:
        op = t.node.operation
        if op not in op_depth:
            op_depth[op] = 0
            indices[op] = -1
    by_depth = {}
    for op, depth in op_depth.items():
        by_depth.setdefault(depth, []).append(op)
    ops = []
    for depth in sorted(by_depth, reverse=True):
        ops.extend(sorted(by_depth[depth], key=lambda o: indices[o]))
    return ops, {id(n) for n in order}


def serialize(model, specs, name="model"):
    """tf.keras 2.x `model.to_json()` form of the traced model (a Functional config)."""
    inputs, outputs = trace(model, specs)
    ops, used_nodes = operations_in_order(inputs, outputs)
    layers = []
    for op in ops:
        nodes = []
        for node in op._nnport_nodes:
            if id(node) not in used_nodes or not node.inputs:
                continue
            if node.inbound is not None:
                nodes.append(node.inbound)  # tf.keras' own form for ops and attention
            else:
                nodes.append([[*t.ref(), dict(node.kwargs)] for t in node.inputs])
        layers.append({"class_name": op._nnport_class, "config": op._nnport_config(),
                       "name": op._nnport_name, "inbound_nodes": nodes})
    config = {"name": name, "layers": layers,
              "input_layers": [t.ref() for t in inputs],
              "output_layers": [t.ref() for t in outputs]}
    return {"class_name": "Functional", "config": config, "keras_version": "2.15.0",
            "backend": "tensorflow"}, inputs, outputs, ops


# -- Keras 3 weights-file layout ------------------------------------------------------------------
def _name_key(name):
    return "~" + name if name.startswith("_") else name


def _is_saveable(obj):
    return isinstance(obj, g.Layer)


def _tracked_layers(obj):
    """Model.layers of a subclassed model: layers assigned to attributes (also inside lists,
    tuples and dicts), in assignment order (Layer._tracker)."""
    out = []

    def add(v):
        if _is_saveable(v):
            if all(v is not o for o in out):
                out.append(v)
        elif isinstance(v, (list, tuple)):
            for x in v:
                add(x)
        elif isinstance(v, dict):
            for x in v.values():
                add(x)

    for k, v in vars(obj).items():
        if not k.startswith("_nnport_"):
            add(v)
    return out


def _functional_layers(model):
    """Functional.layers of a model used as a layer: its own graph's layers."""
    ops, _ = operations_in_order(model._nnport_inputs, model._nnport_outputs)
    return [op for op in ops if not op._nnport_is_op]


def _outer_layers(model, ops):
    """The top model's layers: a layer called only through a nested Functional model (replayed
    inline in the config) is that model's, which takes its place, once."""
    out = []
    used = None
    if getattr(model, "_nnport_functional", False):
        _, used = operations_in_order(model._nnport_inputs, model._nnport_outputs)
    for op in ops:
        if op._nnport_is_op:
            continue
        owners = {getattr(n, "_nnport_model", None) for n in op._nnport_nodes
                  if used is None or id(n) in used}
        item = next(iter(owners)) if len(owners) == 1 and None not in owners else op
        if all(item is not o for o in out):
            out.append(item)
    return out


def _children(obj, functional_layers):
    """keras/src/saving/saving_lib.py _walk_saveable for the mock objects."""
    if isinstance(obj, Sequential):
        yield "layers", list(obj._nnport_layers)
        return
    if getattr(obj, "_nnport_functional", False):
        yield "layers", functional_layers.get(id(obj)) or _functional_layers(obj)
        return
    if getattr(obj, "_nnport_builtin_layer", False):
        return  # sub-objects of built-ins (RNN cell, wrappers) are laid out by the writer
    attrs = {k: v for k, v in vars(obj).items() if not k.startswith("_nnport_")}
    if isinstance(obj, Model):
        attrs["layers"] = _tracked_layers(obj)  # Model.layers property; Layer has none
    for k in sorted(attrs, key=_name_key):
        yield k, attrs[k]


def weight_layout(model, ops):
    """{layer name: Keras 3 h5 path} for every built-in layer reachable from `model`, and the
    groups of every saveable (Keras writes `<path>/vars` for each, empty or not)."""
    functional_layers = {id(model): _outer_layers(model, ops)}
    paths, groups, visited = {}, [], set()

    def save(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        groups.append(path)
        if (getattr(obj, "_nnport_builtin_layer", False) or getattr(obj, "_nnport_weights", None)) \
                and not isinstance(obj, Model):
            paths[obj._nnport_name] = path
        for attr, child in _children(obj, functional_layers):
            child_path = f"{path}/{attr}" if path else attr
            if _is_saveable(child):
                save(child, child_path)
            elif isinstance(child, (list, tuple, dict)):
                container(child, child_path)

    def container(items, path):
        used = {}
        for item in (items.values() if isinstance(items, dict) else items):
            if not _is_saveable(item):
                continue
            cls = "Functional" if getattr(item, "_nnport_functional", False) else type(item).__name__
            name = g.to_snake_case(cls)
            if name in used:
                used[name] += 1
                name = f"{name}_{used[name]}"
            else:
                used[name] = 0
            save(item, f"{path}/{name}")

    save(model, "")
    return paths, groups
