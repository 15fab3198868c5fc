#!/usr/bin/python3
"""Drift check: the generated Keras Python and the Keras JSON config must describe the same model.

    /usr/bin/python3 check_python_json.py GENERATED.py MODEL.json [--outdir OUTDIR]

nnport renders <stem>.py and (with --keras-json) the model's JSON config from one in-memory
description. The numeric equivalence test (run_keras.mjs) runs the JSON; this script proves that
what it ran is what the Python says, so the Python is covered too. It also `ast.parse`s and
compiles every generated .py file in OUTDIR (default: the directory of GENERATED.py).

What it checks, strictly for everything the Python states:
  * every Keras layer construction in the Python - `layers.X(...)`, `keras.layers.X(...)`,
    `tf.keras.layers.X(...)`, names imported from keras.layers, `keras.Input(...)`, and classes the
    module itself derives from keras.layers.Layer - carries a literal `name=`, unique in the file;
  * the JSON config has a layer of that name with the same class (Input <-> InputLayer; a layer
    class defined in the generated module may appear as "TFOpLambda");
  * every keyword (and positional, mapped through a table of Keras signatures) argument the Python
    passes has an equal value under the same key in the JSON layer's config;
  * wiring, where the Python is straight-line functional code: a layer called on variables bound
    to other layers' outputs has the same inbound layers, in order, in the JSON;
  * op statements in the Python (keras.ops.* / tf.* calls, arithmetic operators on tensors,
    slicing) and the JSON's op layers (TFOpLambda / SlicingOpLambda, whose names the Python never
    states): the counts must agree and each op must pair with an unpaired JSON op layer fed by the
    same layers (tf.keras puts a second tensor operand in the node kwargs, e.g. y=[...]), ties
    broken by function name; layers consuming op outputs are then wiring-checked too;
  * the JSON has no layer the Python does not construct, except InputLayer and those op layers.

Documented, accepted differences (tf.keras 2.x `to_json()` normalises values at build time):
  * JSON-only keys (defaults such as trainable, dtype, initializers) are ignored;
  * an int in Python equals a JSON list whose leaves are all that int (kernel_size=3 vs [3, 3],
    ZeroPadding2D padding=1 vs [[1, 1], [1, 1]]); ZeroPadding2D/Cropping2D (a, b) equals
    [[a, a], [b, b]]; tuples equal lists;
  * activation=None equals "linear"; "silu" equals "swish" (tf.keras 2 and TensorFlow.js only
    know "swish"); a `keras.activations.relu` reference equals "relu";
  * Keras 3 `negative_slope` (LeakyReLU) equals tf.keras `alpha`;
  * axis=k equals [k]; a negative axis equals any single non-negative [k] (tf.keras rewrites it
    with the input rank, which this script does not know);
  * MaxPooling/AveragePooling strides=None equals strides == pool_size;
  * dtype "float32" equals a Keras 3 DTypePolicy {"config": {"name": "float32"}};
  * an initializer/regularizer/constraint given as a string or a call equals the JSON
    {"class_name": ..., "config": {...}} with the same class (snake_case vs CamelCase) and the
    arguments the Python passes.

What it cannot check: the arguments of op statements (keras.ops names and keywords differ from the
tf functions the JSON records, e.g. axes= vs perm=; the numeric test covers their semantics via
the JSON, not via the Python); non-literal argument values
other than the forms above (reported as errors, never silently accepted); wiring through
non-layer expressions; that the Python actually runs (no TensorFlow/Keras Python is installed here).
"""
import ast
import json
import os
import re
import sys

KERAS_LAYER_MODULES = ("keras.layers", "tensorflow.keras.layers", "tf.keras.layers")
KERAS_INPUT_FUNCS = ("keras.Input", "tensorflow.keras.Input", "tf.keras.Input",
                     "keras.layers.Input", "tensorflow.keras.layers.Input", "tf.keras.layers.Input")
KERAS_LAYER_BASES = tuple(m + ".Layer" for m in KERAS_LAYER_MODULES)
JSON_ONLY_CLASSES = {"InputLayer", "TFOpLambda", "SlicingOpLambda"}

_conv = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
         "activation", "use_bias"]
_deconv = ["filters", "kernel_size", "strides", "padding", "output_padding", "data_format",
           "dilation_rate", "activation", "use_bias"]
_pool = ["pool_size", "strides", "padding", "data_format"]
_gpool = ["data_format", "keepdims"]
POSITIONAL = {
    "Dense": ["units", "activation", "use_bias"],
    "Conv1D": _conv, "Conv2D": _conv, "Conv3D": _conv,
    "MaxPooling1D": _pool, "MaxPooling2D": _pool, "AveragePooling1D": _pool, "AveragePooling2D": _pool,
    "MaxPool1D": _pool, "MaxPool2D": _pool, "AvgPool1D": _pool, "AvgPool2D": _pool,
    "GlobalAveragePooling1D": _gpool, "GlobalAveragePooling2D": _gpool,
    "GlobalMaxPooling1D": _gpool, "GlobalMaxPooling2D": _gpool,
    "BatchNormalization": ["axis", "momentum", "epsilon", "center", "scale"],
    "Dropout": ["rate", "noise_shape", "seed"],
    "Flatten": ["data_format"],
    "Embedding": ["input_dim", "output_dim"],
    # keras/src/layers/rnn/{lstm,gru,simple_rnn}.py: units, activation, recurrent_activation, ...
    "LSTM": ["units", "activation", "recurrent_activation", "use_bias"],
    "GRU": ["units", "activation", "recurrent_activation", "use_bias"],
    "SimpleRNN": ["units", "activation", "use_bias"],
    "Bidirectional": ["layer", "merge_mode"],
    "ReLU": ["max_value", "negative_slope", "threshold"],
    "LeakyReLU": ["negative_slope"],
    "ELU": ["alpha"],
    "Softmax": ["axis"],
    "Activation": ["activation"],
    "Permute": ["dims"],
    "Reshape": ["target_shape"],
    "ZeroPadding1D": ["padding"], "ZeroPadding2D": ["padding", "data_format"],
    "Cropping1D": ["cropping"], "Cropping2D": ["cropping", "data_format"],
    "UpSampling1D": ["size"], "UpSampling2D": ["size", "data_format", "interpolation"],
    "UpSampling3D": ["size", "data_format"],
    "ZeroPadding3D": ["padding", "data_format"], "Cropping3D": ["cropping", "data_format"],
    # keras/src/layers/convolutional/depthwise_conv2d.py and conv{1,2,3}d_transpose.py
    "DepthwiseConv2D": ["kernel_size", "strides", "padding", "depth_multiplier", "data_format",
                        "dilation_rate", "activation", "use_bias"],
    "Conv1DTranspose": _deconv, "Conv2DTranspose": _deconv, "Conv3DTranspose": _deconv,
    "SpatialDropout1D": ["rate"], "SpatialDropout2D": ["rate"], "SpatialDropout3D": ["rate"],
    "Concatenate": ["axis"],
    "Add": [], "Multiply": [], "Subtract": [], "Average": [], "Maximum": [], "Minimum": [],
    "Identity": [],
    "Input": ["shape", "batch_size", "dtype", "sparse", "batch_shape", "name", "tensor"],
}
KEY_ALIASES = {("LeakyReLU", "negative_slope"): ["negative_slope", "alpha"],
               ("LeakyReLU", "alpha"): ["alpha", "negative_slope"]}


class Unresolvable:
    """A Python argument value this checker cannot evaluate statically."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return f"<expr {self.text}>"


class CallValue:
    """A call such as keras.initializers.HeNormal(seed=1) used as an argument value."""

    def __init__(self, dotted, kwargs):
        self.dotted, self.kwargs = dotted, kwargs

    def __repr__(self):
        return f"{self.dotted}(...)"


class RefValue:
    """A dotted reference such as keras.activations.relu used as an argument value."""

    def __init__(self, dotted):
        self.dotted = dotted

    def __repr__(self):
        return self.dotted


def dotted_name(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


class PythonModel:
    def __init__(self, path):
        self.path = path
        with open(path, "r", encoding="utf-8") as f:
            self.source = f.read()
        self.tree = ast.parse(self.source, filename=path)
        self.aliases = {}          # local name -> dotted module/object path
        self.custom_classes = set()
        self.records = []          # layer constructions
        self.ops = []              # op statements (keras.ops.*/tf.* calls, operators, slicing), in order
        self.problems = []
        self._collect_imports()
        self._collect_custom_classes()
        self._collect_layers()

    # --- name resolution
    def _collect_imports(self):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.aliases[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        self.aliases[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"

    def resolve(self, node):
        d = dotted_name(node)
        if d is None:
            return None
        head, _, rest = d.partition(".")
        if head in self.aliases:
            base = self.aliases[head]
            d = f"{base}.{rest}" if rest else base
        if d.startswith("tensorflow.keras."):
            pass
        elif d.startswith("tf.keras."):
            d = "tensorflow." + d[3:]
        return d

    def _collect_custom_classes(self):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ClassDef):
                for b in node.bases:
                    r = self.resolve(b)
                    if r and (r in KERAS_LAYER_BASES or r == "tensorflow.keras.layers.Layer"):
                        self.custom_classes.add(node.name)

    def layer_class_of_call(self, call):
        """Keras class name if `call` constructs a layer, else None."""
        if not isinstance(call, ast.Call):
            return None
        if isinstance(call.func, ast.Name) and call.func.id in self.custom_classes:
            return call.func.id
        r = self.resolve(call.func)
        if r is None:
            return None
        if r in KERAS_INPUT_FUNCS or r.replace("tensorflow.keras", "keras") in KERAS_INPUT_FUNCS:
            return "Input"
        for m in ("keras.layers.", "tensorflow.keras.layers."):
            if r.startswith(m) and r.count(".") == m.count("."):
                cls = r[len(m):]
                return cls if cls[:1].isupper() else None
        return None

    # --- values
    def value(self, node):
        try:
            return _tuples_to_lists(ast.literal_eval(node))
        except (ValueError, SyntaxError, TypeError):
            pass
        if isinstance(node, ast.Call):
            d = self.resolve(node.func) or ast.unparse(node.func)
            kwargs = {k.arg: self.value(k.value) for k in node.keywords if k.arg}
            if node.args:
                return Unresolvable(ast.unparse(node))
            return CallValue(d, kwargs)
        d = self.resolve(node)
        if d is not None and "." in d:
            return RefValue(d)
        return Unresolvable(ast.unparse(node))

    # --- layer constructions and wiring
    def _collect_layers(self):
        seen_calls = set()
        # Methods of the custom layer classes the module defines are layer internals, not model code.
        internal = {id(f) for c in ast.walk(self.tree)
                    if isinstance(c, ast.ClassDef) and c.name in self.custom_classes
                    for f in ast.walk(c) if isinstance(f, ast.FunctionDef)}
        for fn in [n for n in ast.walk(self.tree)
                   if isinstance(n, (ast.FunctionDef, ast.Module)) and id(n) not in internal]:
            env = {}      # variable -> ("out", layer_name) | ("layer", record)
            body = fn.body
            for stmt in body:
                self._walk_stmt(stmt, env, seen_calls)
        # constructions anywhere else (class bodies, nested expressions)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and id(node) not in seen_calls and \
                    id(node) not in self.nested_layer_calls:
                cls = self.layer_class_of_call(node)
                if cls:
                    seen_calls.add(id(node))
                    self._make_record(node, cls)

    # Layers constructed as another layer's argument (Bidirectional(LSTM(...))): compared as that
    # argument's value, not as layers of their own.
    nested_layer_calls = set()

    def _make_record(self, call, cls):
        rec = {"cls": cls, "line": call.lineno, "kwargs": {}, "name": None, "calls": []}
        for a in list(call.args) + [k.value for k in call.keywords]:
            if isinstance(a, ast.Call):
                self.nested_layer_calls.add(id(a))
        params = POSITIONAL.get(cls)
        if call.args:
            if cls in self.custom_classes:
                self.problems.append(f"line {call.lineno}: {cls}(...) has positional arguments; "
                                     "cannot map them to config keys")
            elif params is None:
                self.problems.append(f"line {call.lineno}: positional arguments to layers.{cls} "
                                     "(no signature table entry; extend POSITIONAL)")
            elif len(call.args) > len(params):
                self.problems.append(f"line {call.lineno}: too many positional arguments to {cls}")
            else:
                for p, a in zip(params, call.args):
                    rec["kwargs"][p] = self.value(a)
        for k in call.keywords:
            if k.arg is None:
                self.problems.append(f"line {call.lineno}: **kwargs in {cls}(...) cannot be checked")
                continue
            if k.arg == "name":
                v = self.value(k.value)
                if not isinstance(v, str):
                    self.problems.append(f"line {call.lineno}: {cls}(name=...) is not a string literal")
                else:
                    rec["name"] = v
                continue
            if k.arg in rec["kwargs"]:
                self.problems.append(f"line {call.lineno}: {cls} argument {k.arg} given twice")
            rec["kwargs"][k.arg] = self.value(k.value)
        if cls == "Input" and rec["name"] is None and "name" in rec["kwargs"]:
            rec["name"] = rec["kwargs"].pop("name")
        if rec["name"] is None:
            self.problems.append(f"line {call.lineno}: {cls}(...) has no literal name=; it cannot be "
                                 "matched to the JSON config or to its weights group")
        self.records.append(rec)
        return rec

    def _inputs_of(self, args, env):
        """Layer names feeding a call, or None if any input is not a tracked layer output."""
        names = []
        for a in args:
            if isinstance(a, (ast.List, ast.Tuple)):
                sub = self._inputs_of(a.elts, env)
                if sub is None:
                    return None
                names += sub
            elif isinstance(a, ast.Name) and a.id in env and env[a.id][0] == "out":
                names.append(env[a.id][1])
            else:
                return None
        return names

    def _eval_expr(self, expr, env, seen_calls):
        """Handle `Layer(...)`, `Layer(...)(inputs)`, `var(inputs)`; return env entry or None."""
        if isinstance(expr, ast.Call):
            cls = self.layer_class_of_call(expr)
            if cls:
                seen_calls.add(id(expr))
                rec = self._make_record(expr, cls)
                if cls == "Input":
                    return ("out", rec["name"])
                return ("layer", rec)
            inner = expr.func
            rec = None
            if isinstance(inner, ast.Call):
                icls = self.layer_class_of_call(inner)
                if icls and icls != "Input":
                    seen_calls.add(id(inner))
                    rec = self._make_record(inner, icls)
            elif isinstance(inner, ast.Name) and inner.id in env and env[inner.id][0] == "layer":
                rec = env[inner.id][1]
            if rec is not None:
                # Recurrent initial states (`lstm(x, initial_state=[h, c])`) are further inbound
                # tensors in tf.keras' JSON.
                states = [k.value for k in expr.keywords if k.arg == "initial_state"]
                args = list(expr.args) + states
                if rec["cls"] == "MultiHeadAttention" and args:
                    # mha(query, value, key, attention_mask=m): the JSON keeps every tensor after
                    # the query as a kwarg, in key order (attention_mask, key, value).
                    named = dict(zip(("value", "key"), args[1:3]))
                    named.update({k.arg: k.value for k in expr.keywords if k.arg in ("value", "key", "attention_mask")})
                    args = [args[0]] + [named[k] for k in sorted(named)]
                rec["calls"].append({"line": expr.lineno, "inputs": self._inputs_of(args, env)})
                return ("out", rec["name"])
            func = self.resolve(expr.func)
            if func and (func.startswith(("keras.ops.", "tensorflow.keras.backend.", "keras.backend."))
                         or (func.startswith("tensorflow.") and not func.startswith("tensorflow.keras."))):
                tensors = []
                for a in expr.args:
                    elts = a.elts if isinstance(a, (ast.List, ast.Tuple)) else [a]
                    for e in elts:
                        if isinstance(e, ast.Name):
                            tensors.append(e)  # untracked names make the inputs unknown
                        elif isinstance(self.value(e), Unresolvable):
                            tensors.append(e)  # an expression: inputs unknown, wiring skipped
                kwargs = {k.arg: self.value(k.value) for k in expr.keywords if k.arg}
                return self._add_op(expr, func, tensors, kwargs, env)
        elif isinstance(expr, ast.BinOp):
            tensors = [a for a in (expr.left, expr.right) if isinstance(a, ast.Name) and a.id in env]
            if tensors:
                return self._add_op(expr, type(expr.op).__name__, tensors, {}, env)
        elif isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and expr.value.id in env:
            return self._add_op(expr, "getitem", [expr.value], {}, env)
        return None

    def _add_op(self, expr, func, tensors, kwargs, env):
        k = len(self.ops)
        self.ops.append({"line": expr.lineno, "func": func, "kwargs": kwargs,
                         "inputs": self._inputs_of(tensors, env)})
        return ("out", f"\0op{k}")

    def _walk_stmt(self, stmt, env, seen_calls):
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            return  # handled as their own scope
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            entry = self._eval_expr(stmt.value, env, seen_calls)
            var = stmt.targets[0].id
            if entry is None:
                env.pop(var, None)
            else:
                env[var] = entry
            return
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple) \
                and all(isinstance(t, ast.Name) for t in stmt.targets[0].elts):
            # `seq, h, c = lstm(x)` (return_state=True): every name is an output of that layer.
            entry = self._eval_expr(stmt.value, env, seen_calls)
            for t in stmt.targets[0].elts:
                if entry is None or t.id == "_":
                    env.pop(t.id, None)
                else:
                    env[t.id] = entry
            return
        if isinstance(stmt, (ast.Expr, ast.Return)) and stmt.value is not None:
            self._eval_expr(stmt.value, env, seen_calls)
            return
        # Any other statement: constructions inside are picked up by the generic pass; variables
        # it assigns lose their tracked meaning.
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                env.pop(node.id, None)


def _tuples_to_lists(v):
    if isinstance(v, (tuple, list)):
        return [_tuples_to_lists(x) for x in v]
    if isinstance(v, dict):
        return {k: _tuples_to_lists(x) for k, x in v.items()}
    return v


def _leaves(v):
    if isinstance(v, list):
        for x in v:
            yield from _leaves(x)
    else:
        yield v


def _norm_class(s):
    return re.sub(r"[_\W]", "", str(s)).lower()


def values_equal(cls, key, py, js, jconf):
    if isinstance(py, Unresolvable):
        return False, f"Python value `{py.text}` cannot be evaluated statically"
    if isinstance(py, RefValue):
        last = py.dotted.rsplit(".", 1)[-1]
        if isinstance(js, str) and js == last:
            return True, ""
        if isinstance(js, dict) and _norm_class(js.get("class_name")) == _norm_class(last):
            return True, ""
        return False, f"{py.dotted} vs {js!r}"
    if isinstance(py, CallValue):
        if not isinstance(js, dict) or "class_name" not in js:
            return False, f"{py.dotted}(...) vs {js!r}"
        last = py.dotted.rsplit(".", 1)[-1]
        if _norm_class(js["class_name"]) != _norm_class(last):
            return False, f"{py.dotted} vs class {js['class_name']}"
        sub = js.get("config", {}) or {}
        for k, v in py.kwargs.items():
            if k not in sub:
                return False, f"{py.dotted}({k}=...) missing from JSON {js}"
            ok, why = values_equal(last, k, v, sub[k], sub)
            if not ok:
                return False, f"{py.dotted}({k}): {why}"
        return True, ""
    if isinstance(py, bool) or isinstance(js, bool):
        return (py is js), f"{py!r} vs {js!r}"
    if py == js:
        return True, ""
    if key == "activation" and py is None and js == "linear":
        return True, ""
    if key == "activation" and {py, js} == {"silu", "swish"}:
        return True, ""  # the same function; tf.keras 2 / TensorFlow.js only know "swish"
    if key == "dtype" and isinstance(py, str) and isinstance(js, dict):
        name = (js.get("config") or {}).get("name")
        return (name == py), f"{py!r} vs {js!r}"
    if isinstance(py, str) and isinstance(js, dict) and "class_name" in js:
        return (_norm_class(py) == _norm_class(js["class_name"])), f"{py!r} vs {js!r}"
    if key == "axis" and isinstance(py, int) and isinstance(js, list) and len(js) == 1:
        if py == js[0] or (py < 0 and isinstance(js[0], int) and js[0] >= 0):
            return True, ""
    if key == "strides" and py is None and "Pool" in cls:
        return (js == jconf.get("pool_size")), f"strides=None vs {js!r} (pool_size {jconf.get('pool_size')!r})"
    if key in ("padding", "cropping") and cls in ("ZeroPadding2D", "Cropping2D") and \
            isinstance(py, list) and len(py) == 2 and all(isinstance(x, int) for x in py):
        return (js == [[py[0], py[0]], [py[1], py[1]]]), f"{py!r} vs {js!r}"
    if isinstance(py, (int, float)) and isinstance(js, list) and js:
        leaves = list(_leaves(js))
        if all(isinstance(x, (int, float)) and not isinstance(x, bool) and x == py for x in leaves):
            return True, ""
    return False, f"{py!r} vs {js!r}"


def load_json_config(path):
    with open(path, "r", encoding="utf-8") as f:
        cfg = json.load(f)
    if isinstance(cfg, str):
        cfg = json.loads(cfg)
    if "modelTopology" in cfg:
        cfg = cfg["modelTopology"]
    if "model_config" in cfg:
        cfg = cfg["model_config"]
    return cfg


def json_inbound_names(node):
    """Layer names feeding one inbound node (tf.keras 2 list form or Keras 3 dict form)."""
    names = []
    if isinstance(node, list):
        if node and isinstance(node[0], str):
            node = [node]  # TFOpLambda nodes are one flat entry: [name, 0, 0, {kwargs}]
        for item in node:
            if isinstance(item, list) and item and isinstance(item[0], str):
                if item[0] != "_CONSTANT_VALUE":
                    names.append(item[0])
                kw = item[3] if len(item) > 3 and isinstance(item[3], dict) else {}
                for v in kw.values():
                    if isinstance(v, list) and len(v) >= 3 and isinstance(v[0], str) and \
                            isinstance(v[1], int) and isinstance(v[2], int) and v[0] != "_CONSTANT_VALUE":
                        names.append(v[0])
        return names

    def walk(v):
        if isinstance(v, dict):
            if v.get("class_name") == "__keras_tensor__":
                names.append(v["config"]["keras_history"][0])
                return
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(node.get("args", []) if isinstance(node, dict) else node)
    return names


def check(py_path, json_path, outdir=None):
    problems = []
    outdir = outdir or os.path.dirname(os.path.abspath(py_path))
    for fname in sorted(os.listdir(outdir)):
        if fname.endswith(".py"):
            p = os.path.join(outdir, fname)
            try:
                with open(p, "r", encoding="utf-8") as f:
                    text = f.read()
                ast.parse(text, filename=p)
                compile(text, p, "exec", dont_inherit=True)  # bytecode: also catches e.g. repeated keywords
            except (SyntaxError, UnicodeDecodeError, ValueError) as e:
                problems.append(f"{fname}: does not parse: {e}")
    try:
        pym = PythonModel(py_path)
    except SyntaxError as e:
        return problems + [f"{py_path}: does not parse: {e}"], None
    problems += [f"{os.path.basename(py_path)}: {p}" for p in pym.problems]

    cfg = load_json_config(json_path)
    jlayers = (cfg.get("config") or {}).get("layers")
    if not isinstance(jlayers, list):
        return problems + ["JSON config has no config.layers list"], None
    by_name = {}
    for jl in jlayers:
        name = (jl.get("config") or {}).get("name", jl.get("name"))
        if "name" in jl and jl["name"] != name:
            problems.append(f"JSON layer {jl['name']!r} has config.name {name!r}")
        if name in by_name:
            problems.append(f"JSON has two layers named {name!r}")
        by_name[name] = jl

    # Op statements <-> JSON op layers (TFOpLambda/SlicingOpLambda). The JSON lists layers in Keras'
    # topological (depth) order, not statement order, so each Python op (in statement order, so its
    # inputs are already resolved) is paired with the unpaired JSON op layer fed by the same layers,
    # ties broken by the function name (keras.ops.mean ~ math.reduce_mean, * ~ multiply).
    json_ops = [n for n, jl in by_name.items() if jl.get("class_name") in ("TFOpLambda", "SlicingOpLambda")]
    if len(json_ops) != len(pym.ops):
        problems.append(f"the Python has {len(pym.ops)} op statement(s) (keras.ops/tf calls, operators, "
                        f"slicing) but the JSON has {len(json_ops)} op layer(s) {json_ops}")
    op_names = {}

    def translate(names):
        if names is None:
            return None
        out = [op_names.get(n, n) for n in names]
        return None if any(n.startswith("\0op") for n in out) else out

    binop = {"Add": "add", "Sub": "subtract", "Mult": "multiply", "Div": "truediv", "getitem": "getitem"}

    def token(fn):
        t = binop.get(fn, fn.rsplit(".", 1)[-1])
        return {"divide": "truediv"}.get(t.replace("reduce_", ""), t.replace("reduce_", ""))

    unpaired = list(json_ops)
    op_wired = 0
    for k, op in enumerate(pym.ops):
        ins = translate(op["inputs"])
        cands = unpaired
        if ins is not None:
            cands = [n for n in unpaired
                     if json_inbound_names((by_name[n].get("inbound_nodes") or [[]])[0]) == ins]
        same_fn = [n for n in cands
                   if token((by_name[n].get("config") or {}).get("function", "getitem")) == token(op["func"])]
        # Several ops of one function on the same inputs (x[:, 0], x[:, -1]): nnport numbers op layers
        # in statement order (tf.f, tf.f_1, ...), so the lowest number pairs with the earliest statement.
        same_fn.sort(key=lambda n: int(re.search(r"_(\d+)$", n).group(1)) if re.search(r"_(\d+)$", n) else 0)
        pick = (same_fn or cands or [None])[0]
        if pick is None:
            if unpaired:
                problems.append(f"line {op['line']}: op {op['func']} applied to {ins} has no JSON op "
                                f"layer with those inputs (unpaired: {unpaired})")
            continue
        unpaired.remove(pick)
        op_names[f"\0op{k}"] = pick
        if ins is not None:
            op_wired += 1

    for rec in pym.records:
        for call in rec["calls"]:
            call["inputs"] = translate(call["inputs"])

    py_names = {}
    for rec in pym.records:
        if rec["name"] is None:
            continue
        where = f"line {rec['line']}: {rec['cls']}(name={rec['name']!r})"
        if rec["name"] in py_names:
            problems.append(f"{where}: the name is also used at line {py_names[rec['name']]['line']}")
            continue
        py_names[rec["name"]] = rec
        jl = by_name.get(rec["name"])
        if jl is None:
            problems.append(f"{where}: no layer of that name in the JSON config")
            continue
        jcls = jl.get("class_name")
        want = "InputLayer" if rec["cls"] == "Input" else rec["cls"]
        custom = rec["cls"] in pym.custom_classes
        if jcls != want and not (custom and jcls == "TFOpLambda"):
            problems.append(f"{where}: JSON class is {jcls!r}")
            continue
        jconf = jl.get("config") or {}
        if custom and jcls == "TFOpLambda":
            continue
        for key, pv in rec["kwargs"].items():
            if rec["cls"] == "Input" and key in ("shape", "batch_size"):
                continue
            jkey = next((k for k in KEY_ALIASES.get((rec["cls"], key), [key]) if k in jconf), None)
            if jkey is None:
                problems.append(f"{where}: argument {key}={pv!r} is absent from the JSON config "
                                f"(keys: {sorted(jconf)})")
                continue
            ok, why = values_equal(rec["cls"], key, pv, jconf[jkey], jconf)
            if not ok:
                problems.append(f"{where}: {key} differs: Python {why}")
        if rec["cls"] == "Input":
            shape = rec["kwargs"].get("shape")
            bshape = jconf.get("batch_input_shape", jconf.get("batch_shape"))
            if shape is not None:
                batch = rec["kwargs"].get("batch_size")
                if not isinstance(shape, list) or bshape != [batch] + shape:
                    problems.append(f"{where}: shape {shape!r} vs JSON batch shape {bshape!r}")
        # wiring
        nodes = jl.get("inbound_nodes")
        if isinstance(nodes, list):
            for i, call in enumerate(rec["calls"]):
                if call["inputs"] is None:
                    continue
                if i >= len(nodes):
                    problems.append(f"{where}: called at line {call['line']} but the JSON layer has "
                                    f"only {len(nodes)} inbound node(s)")
                    continue
                jin = json_inbound_names(nodes[i])
                if jin != call["inputs"]:
                    problems.append(f"{where}: at line {call['line']} it is applied to {call['inputs']} "
                                    f"but the JSON wires it to {jin}")
    for name, jl in by_name.items():
        if name not in py_names and jl.get("class_name") not in JSON_ONLY_CLASSES:
            problems.append(f"JSON layer {name!r} ({jl.get('class_name')}) is not constructed in the Python")
    summary = {
        "python_layers": len(py_names),
        "json_layers": len(by_name),
        "json_only": sorted(f"{n}:{jl.get('class_name')}" for n, jl in by_name.items() if n not in py_names),
        "wired_calls_checked": sum(1 for r in py_names.values() for c in r["calls"] if c["inputs"] is not None)
        + op_wired,
        "ops": len(pym.ops),
    }
    return problems, summary


def main(argv):
    args = argv[1:]
    outdir = None
    if "--outdir" in args:
        i = args.index("--outdir")
        outdir = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        print("usage: check_python_json.py GENERATED.py MODEL.json [--outdir OUTDIR]", file=sys.stderr)
        return 2
    problems, summary = check(args[0], args[1], outdir)
    if summary:
        print(f"python/json: {summary['python_layers']} Python layers matched against "
              f"{summary['json_layers']} JSON layers; {summary['wired_calls_checked']} layer calls' "
              f"wiring checked; JSON-only: {', '.join(summary['json_only']) or 'none'}")
    for p in problems:
        print(f"python/json: DRIFT: {p}")
    print(f"python/json: {'FAIL' if problems else 'PASS'} ({len(problems)} problem(s))")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
