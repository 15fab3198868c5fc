// Teaches TensorFlow.js the parts of nnport's Keras JSON (tf.keras 2.x `model.to_json()`
// format) that TensorFlow.js 4.x does not know, so `tf.models.modelFromJSON` can load and run
// it:
//   - TFOpLambda: the layer tf.keras records for a `tf.*` call or a Python operator on a
//     Keras tensor. It implements every `function` the nnport Keras writer emits, with the
//     kwargs the writer records: math.reduce_mean / reduce_max / reduce_sum {axis, keepdims},
//     __operators__.add, math.subtract, math.multiply, math.truediv {y, name},
//     transpose {perm}, nn.log_softmax {axis}, nn.gelu {approximate}.
//   - tf.keras writes a TFOpLambda's single inbound node un-nested (`[name, node, tensor,
//     kwargs]`), a scalar left operand as `["_CONSTANT_VALUE", -1, c, {y: ref}]` and a second
//     tensor operand as kwarg `y: [name, node, tensor]`. TensorFlow.js only reads nested
//     nodes, so the functional-model loaders are wrapped to rewrite those three forms first.
//   - ZeroPadding1D and Subtract, which tf.keras has and TensorFlow.js lacks, and an ELU that
//     accepts any alpha (TensorFlow.js' ELU layer rejects alpha != 1; nnport always writes
//     PyTorch's alpha explicitly).
//
// Usage: import {registerCustomLayers} from './keras_custom.mjs'; registerCustomLayers(tf);

import {structureOps} from './keras_structure_ops.mjs';
import {breadthOps, registerBreadthLayers} from './keras_layers_breadth.mjs';
import {makeAttentionLayers, normalizeAttentionNodes} from './keras_attention.mjs';
import {makeRecurrentLayers} from './keras_recurrent.mjs';
import {tensorOps} from './keras_tensor_ops.mjs';

const PATCHED = Symbol.for('nnport.keras_custom.patched');

// "math.reduceMean" (camel-cased by TensorFlow.js) and "math.reduce_mean" -> "math.reducemean".
function canonicalFunction(name) {
  return String(name).replace(/^tf\./, '').replace(/_/g, '').toLowerCase();
}

function normalizeAxes(axis, rank) {
  const list = Array.isArray(axis) ? axis : [axis];
  return list.map((a) => (a < 0 ? a + rank : a));
}

function broadcastShapes(a, b) {
  const rank = Math.max(a.length, b.length);
  const out = [];
  for (let i = 0; i < rank; ++i) {
    const da = i + a.length >= rank ? a[i + a.length - rank] : 1;
    const db = i + b.length >= rank ? b[i + b.length - rank] : 1;
    if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else out.push(da == null ? db : da);
  }
  return out;
}

function isLayerRef(value) {
  return Array.isArray(value) && value.length >= 3 && value.length <= 4 &&
      typeof value[0] === 'string' && typeof value[1] === 'number' && typeof value[2] === 'number';
}

// Rewrites tf.keras' TFOpLambda node forms into the nested form TensorFlow.js reads.
function normalizeFunctionalConfig(config) {
  if (config == null || !Array.isArray(config.layers)) return config;
  // Names inside kwargs were camel-cased by TensorFlow.js ("conv_1" -> "conv1"): map back.
  const byCamel = new Map();
  for (const layer of config.layers) {
    const name = layer.name ?? layer.config?.name;
    byCamel.set(name, name);
    byCamel.set(String(name).replace(/[_]+(\w|$)/g, (m, p1) => p1.toUpperCase()), name);
  }
  const fixRef = (ref) => [byCamel.get(ref[0]) ?? ref[0], ref[1], ref[2]];
  for (const layer of config.layers) {
    if (!['TFOpLambda', 'SlicingOpLambda'].includes(layer.className) || !Array.isArray(layer.inboundNodes)) continue;
    layer.inboundNodes = layer.inboundNodes.map((node) => {
      if (!Array.isArray(node) || typeof node[0] !== 'string') return node; // already nested
      const kwargs = {...(node[3] ?? {})};
      delete kwargs.name;
      if (node[0] === '_CONSTANT_VALUE') {
        const ref = fixRef(kwargs.y);
        delete kwargs.y;
        return [[...ref, {...kwargs, scalar: node[2], scalarFirst: true}]];
      }
      if (isLayerRef(kwargs.y)) {
        const second = fixRef(kwargs.y);
        delete kwargs.y;
        const shared = {...kwargs, yIsInput: true};
        return [[node[0], node[1], node[2], shared], [...second, shared]];
      }
      return [[node[0], node[1], node[2], kwargs]];
    });
  }
  return config;
}

function makeTFOpLambda(tf) {
  const gelu = (x, approximate) => tf.tidy(() => {
    if (approximate) {
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
    }
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
  });
  const binary = {
    'operators.add': (a, b) => tf.add(a, b),
    'math.add': (a, b) => tf.add(a, b),
    'math.subtract': (a, b) => tf.sub(a, b),
    'math.multiply': (a, b) => tf.mul(a, b),
    'math.truediv': (a, b) => tf.div(a, b),
    'math.divide': (a, b) => tf.div(a, b),
    'math.maximum': (a, b) => tf.maximum(a, b),
    'math.minimum': (a, b) => tf.minimum(a, b),
  };
  // getitem, stack, tile, reshape, l2_normalize; pad (keras_layers_breadth.mjs)
  const structure = {...structureOps(tf), ...breadthOps(tf), ...tensorOps(tf)}; // + matmul (keras_tensor_ops.mjs)
  // keras.ops.square / sqrt / exp / abs / log between layers (Keras tensors -> TFOpLambda).
  const unary = {
    'math.square': (x) => tf.square(x),
    'math.sqrt': (x) => tf.sqrt(x),
    'math.exp': (x) => tf.exp(x),
    'math.abs': (x) => tf.abs(x),
    'math.log': (x) => tf.log(x),
  };
  const reductions = {
    'math.reducemean': (x, axis, keep) => tf.mean(x, axis, keep),
    'math.reducemax': (x, axis, keep) => tf.max(x, axis, keep),
    'math.reducesum': (x, axis, keep) => tf.sum(x, axis, keep),
  };

  class TFOpLambda extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.functionName = config.function;
      this.fn = canonicalFunction(config.function);
      this.callKwargs = config.callKwargs ?? {};
      const known = this.fn in binary || this.fn in reductions || this.fn in structure || this.fn in unary ||
          ['transpose', 'compat.v1.transpose', 'nn.logsoftmax', 'math.logsoftmax', 'nn.gelu']
              .includes(this.fn);
      if (!known) throw new Error(`TFOpLambda: unsupported function '${config.function}'`);
    }

    apply(inputs, kwargs) {
      // TensorFlow.js does not pass kwargs to computeOutputShape; a TFOpLambda layer is
      // called once, so its call's kwargs are its configuration.
      if (kwargs != null) {
        const own = {...kwargs};
        delete own.training;
        delete own.mask;
        if (Object.keys(own).length > 0) this.callKwargs = own;
      }
      return super.apply(inputs, kwargs);
    }

    computeOutputShape(inputShape) {
      const shapes = Array.isArray(inputShape[0]) || inputShape[0] === undefined && inputShape.length === 0
          ? inputShape : [inputShape];
      const first = shapes[0];
      const kw = this.callKwargs;
      if (this.fn in structure) return structure[this.fn].shape(shapes, kw);
      if (this.fn in reductions) {
        const axes = normalizeAxes(kw.axis ?? first.map((_, i) => i), first.length);
        const out = [];
        first.forEach((d, i) => {
          if (!axes.includes(i)) out.push(d);
          else if (kw.keepdims) out.push(1);
        });
        return out;
      }
      if (this.fn === 'transpose' || this.fn === 'compat.v1.transpose') {
        const perm = kw.perm ?? first.map((_, i) => first.length - 1 - i);
        return perm.map((p) => first[p]);
      }
      if (this.fn in binary && shapes.length > 1) return broadcastShapes(first, shapes[1]);
      return first.slice();
    }

    call(inputs, kwargs) {
      return tf.tidy(() => {
        const list = Array.isArray(inputs) ? inputs : [inputs];
        const x = list[0];
        const kw = {...this.callKwargs};
        if (this.fn in structure) return structure[this.fn].call(list, kw);
        if (this.fn in unary) return unary[this.fn](x);
        if (this.fn in binary) {
          const op = binary[this.fn];
          if (kw.scalarFirst) return op(tf.scalar(kw.scalar, x.dtype), x);
          if (kw.yIsInput) return op(x, list[1]);
          return op(x, tf.scalar(kw.y, x.dtype));
        }
        if (this.fn in reductions) {
          const axes = kw.axis == null ? null : normalizeAxes(kw.axis, x.rank);
          return reductions[this.fn](x, axes, Boolean(kw.keepdims));
        }
        if (this.fn === 'transpose' || this.fn === 'compat.v1.transpose') return tf.transpose(x, kw.perm);
        if (this.fn === 'nn.logsoftmax' || this.fn === 'math.logsoftmax') {
          const axis = kw.axis ?? -1;
          return tf.sub(x, tf.logSumExp(x, axis, true));
        }
        if (this.fn === 'nn.gelu') return gelu(x, Boolean(kw.approximate));
        throw new Error(`TFOpLambda: unsupported function '${this.functionName}'`);
      });
    }

    getConfig() {
      return {...super.getConfig(), function: this.functionName};
    }
  }
  TFOpLambda.className = 'TFOpLambda';
  return TFOpLambda;
}

function makeZeroPadding1D(tf) {
  class ZeroPadding1D extends tf.layers.Layer {
    constructor(config) {
      super(config);
      const p = config.padding ?? 1;
      this.padding = Array.isArray(p) ? [p[0], p[1]] : [p, p];
    }
    computeOutputShape(s) {
      return [s[0], s[1] == null ? null : s[1] + this.padding[0] + this.padding[1], s[2]];
    }
    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.pad(x, [[0, 0], this.padding, [0, 0]]);
    }
    getConfig() {
      return {...super.getConfig(), padding: this.padding};
    }
  }
  ZeroPadding1D.className = 'ZeroPadding1D';
  return ZeroPadding1D;
}

function makeSubtract(tf) {
  class Subtract extends tf.layers.Layer {
    computeOutputShape(shapes) {
      return broadcastShapes(shapes[0], shapes[1]);
    }
    call(inputs) {
      return tf.tidy(() => tf.sub(inputs[0], inputs[1]));
    }
  }
  Subtract.className = 'Subtract';
  return Subtract;
}

function makeElu(tf) {
  class ELU extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.alpha = config.alpha ?? 1.0;
    }
    computeOutputShape(s) {
      return s;
    }
    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.tidy(() => tf.where(tf.greater(x, 0), x, tf.mul(this.alpha, tf.sub(tf.exp(x), 1))));
    }
    getConfig() {
      return {...super.getConfig(), alpha: this.alpha};
    }
  }
  ELU.className = 'ELU';
  return ELU;
}

// GRU with reset_after=True (the Keras 2.x/3 default, = PyTorch nn.GRU): TensorFlow.js 4.22
// only implements reset_after=False (its GRUCell throws otherwise), so this is OUR OWN
// implementation, written from keras/src/layers/rnn/gru.py GRUCell.call (reset_after branch):
//   [x_z, x_r, x_h] = x @ kernel + bias[0];  [r_z, r_r, r_h] = h @ recurrent_kernel + bias[1]
//   z = recurrent_activation(x_z + r_z); r = recurrent_activation(x_r + r_r)
//   hh = activation(x_h + r * r_h);       h = z * h_prev + (1 - z) * hh
// with a zero initial state. Supported: units, activation, recurrent_activation, use_bias,
// return_sequences, go_backwards (steps read last to first and, as in Keras, returned in the
// order read; Bidirectional flips them back); not: return_state, masks, dropout (inference only).
function makeGru(tf) {
  class GRU extends tf.layers.Layer {
    constructor(config) {
      super(config);
      if (config.resetAfter === false) throw new Error('GRU oracle: only reset_after=True is implemented');
      this.goBackwards = Boolean(config.goBackwards);
      this.units = config.units;
      this.activation = config.activation ?? 'tanh';
      this.recurrentActivation = config.recurrentActivation ?? 'sigmoid';
      this.useBias = config.useBias ?? true;
      this.returnSequences = Boolean(config.returnSequences);
      this.returnState = Boolean(config.returnState);
      this.supportsMasking = true;
      // As TensorFlow.js' RNN layers: Bidirectional copies it and extends it by the state specs.
      this.inputSpec = [{ndim: 3}];
    }
    // gru(x, initial_state=[h0]) arrives as the inputs [x, h0]; the spec covers x only.
    apply(inputs, kwargs) {
      if (!Array.isArray(inputs) || inputs.length === 1) return super.apply(inputs, kwargs);
      const spec = this.inputSpec;
      this.inputSpec = null;
      try {
        return super.apply(inputs, kwargs);
      } finally {
        this.inputSpec = spec;
      }
    }
    computeMask(inputs, mask) {
      const m = Array.isArray(mask) ? mask[0] : mask;
      const out = this.returnSequences ? m ?? null : null;
      return this.returnState ? [out, null] : out;
    }
    build(inputShape) {
      if (Array.isArray(inputShape[0])) inputShape = inputShape[0]; // [x, h0]: initial state
      const input = inputShape[inputShape.length - 1];
      const u = this.units;
      this.kernel = this.addWeight('kernel', [input, 3 * u], 'float32', tf.initializers.zeros());
      this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', tf.initializers.zeros());
      if (this.useBias) this.bias = this.addWeight('bias', [2, 3 * u], 'float32', tf.initializers.zeros());
      this.built = true;
    }
    computeOutputShape(inputShape) {
      if (Array.isArray(inputShape[0])) inputShape = inputShape[0];
      const out = this.returnSequences ? [inputShape[0], inputShape[1], this.units] : [inputShape[0], this.units];
      return this.returnState ? [out, [inputShape[0], this.units]] : out;
    }
    // Initial state: a second input (gru(x, initial_state=[h0]) in a model) or, inside
    // Bidirectional, kwargs.initialState.
    call(inputs, kwargs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const given = kwargs?.initialState ?? (Array.isArray(inputs) && inputs.length > 1 ? inputs.slice(1) : null);
        // A masked step keeps the state and repeats the previous output (keras/src/backend
        // tensorflow rnn, zero_output_for_mask=False).
        const masks = kwargs?.mask ? tf.unstack(tf.cast(kwargs.mask, 'bool'), 1) : null;
        if (masks && this.goBackwards) masks.reverse();
        const act = (name, v) => (name === 'relu' ? tf.relu(v) : name === 'sigmoid' ? tf.sigmoid(v)
            : name === 'linear' ? v : tf.tanh(v));
        const u = this.units;
        const k = this.kernel.read();
        const rk = this.recurrentKernel.read();
        const [bIn, bRec] = this.useBias ? tf.unstack(this.bias.read()) : [tf.zeros([3 * u]), tf.zeros([3 * u])];
        let h = given ? given[0] : tf.zeros([x.shape[0], u]);
        const outputs = [];
        const steps = tf.unstack(x, 1);
        if (this.goBackwards) steps.reverse();
        for (const [t, xt] of steps.entries()) {
          const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, k), bIn), 3, -1);
          const [rz, rr, rh] = tf.split(tf.add(tf.matMul(h, rk), bRec), 3, -1);
          const z = act(this.recurrentActivation, tf.add(xz, rz));
          const r = act(this.recurrentActivation, tf.add(xr, rr));
          const hh = act(this.activation, tf.add(xh, tf.mul(r, rh)));
          const next = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
          h = masks ? tf.where(tf.expandDims(masks[t], 1), next, h) : next;
          outputs.push(h);
        }
        const out = this.returnSequences ? tf.stack(outputs, 1) : h;
        return this.returnState ? [out, h] : out;
      });
    }
    getConfig() {
      return {...super.getConfig(), units: this.units, activation: this.activation,
              recurrentActivation: this.recurrentActivation, useBias: this.useBias,
              returnSequences: this.returnSequences, returnState: this.returnState, goBackwards: this.goBackwards,
              resetAfter: true};
    }
  }
  GRU.className = 'GRU';
  return GRU;
}

// TensorFlow.js' executor hands ONE kwargs object to every layer of a model call, and its RNN and
// Bidirectional apply() store the initial states in it (kwargs.initialState): a later recurrent
// layer would then see an earlier layer's states (or reject its own). Each call gets a copy.
function isolateRecurrentKwargs(tf) {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const rnn = Object.getPrototypeOf(map.LSTM[0].prototype);
  for (const proto of [rnn, map.Bidirectional[0].prototype]) {
    if (proto[PATCHED]) continue;
    const apply = proto.apply;
    proto.apply = function (inputs, kwargs) { return apply.call(this, inputs, kwargs == null ? kwargs : {...kwargs}); };
    proto[PATCHED] = true;
  }
}

// Keras' Bidirectional sets zero_output_for_mask = return_sequences on both of its layers
// (keras/src/layers/rnn/bidirectional.py): a returned sequence is zero at masked steps, where
// TensorFlow.js' RNN repeats the previous output. Bidirectional.call's sequences are multiplied
// by the mask (past the lengths of a SequenceMask, ZeroPaddedSteps zeroes them anyway).
function patchBidirectionalMaskedOutputs(tf) {
  const proto = tf.serialization.SerializationMap.getMap().classNameMap.Bidirectional[0].prototype;
  const zeroing = Symbol.for('nnport.keras_custom.bidirectional_zero_masked');
  if (proto[zeroing]) return;
  const call = proto.call;
  proto.call = function (inputs, kwargs) {
    const out = call.call(this, inputs, kwargs);
    const mask = kwargs?.mask;
    if (!this.returnSequences || mask == null) return out;
    return tf.tidy(() => {
      const keep = tf.expandDims(tf.cast(Array.isArray(mask) ? mask[0] : mask, 'float32'), -1);
      const zeroed = (y) => tf.mul(y, keep);
      if (!Array.isArray(out)) return zeroed(out);
      // [merged, ...states], or [forward, backward, ...states] for merge_mode=None.
      const sequences = this.mergeMode == null ? 2 : 1;
      return out.map((y, i) => (i < sequences ? zeroed(y) : y));
    });
  };
  proto[zeroing] = true;
}

function patchFunctionalLoaders(tf) {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const name of ['Functional', 'Model']) {
    const entry = map[name];
    if (!entry || entry[PATCHED]) continue;
    const [cls, fromConfig] = entry;
    const patched = [cls, (c, config, ...rest) => fromConfig(c, normalizeAttentionNodes(normalizeFunctionalConfig(config)), ...rest)];
    patched[PATCHED] = true;
    map[name] = patched;
  }
}

// Keras' Flatten takes (batch, features) too (InputSpec min_ndim=1: the identity, e.g. after
// GlobalAveragePooling2D); TensorFlow.js' Flatten demands rank 3 or more.
function makeFlatten(tf) {
  class Flatten extends tf.layers.flatten().constructor {
    constructor(config) {
      super(config);
      this.inputSpec = [{minNDim: 2}];
    }
  }
  Flatten.className = 'Flatten';
  return Flatten;
}

export function registerCustomLayers(tf) {
  if (tf[PATCHED]) return;
  const TFOpLambda = makeTFOpLambda(tf);
  tf.serialization.registerClass(TFOpLambda);
  // tf.keras' class for `x[...]` on a Keras tensor: a TFOpLambda of __operators__.getitem.
  class SlicingOpLambda extends TFOpLambda {}
  SlicingOpLambda.className = 'SlicingOpLambda';
  tf.serialization.registerClass(SlicingOpLambda);
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  if (!map.ZeroPadding1D) tf.serialization.registerClass(makeZeroPadding1D(tf));
  if (!map.Subtract) tf.serialization.registerClass(makeSubtract(tf));
  tf.serialization.registerClass(makeElu(tf)); // replaces the alpha == 1 only built-in
  tf.serialization.registerClass(makeFlatten(tf)); // also rank 2, as Keras' (min_ndim=1)
  tf.serialization.registerClass(makeGru(tf)); // replaces the reset_after=False only built-in
  for (const cls of makeAttentionLayers(tf)) tf.serialization.registerClass(cls); // keras_attention.mjs
  for (const cls of makeRecurrentLayers(tf)) tf.serialization.registerClass(cls); // keras_recurrent.mjs
  registerBreadthLayers(tf); // GroupNormalization, grouped convs, UpSampling, pads (keras_layers_breadth.mjs)
  isolateRecurrentKwargs(tf);
  patchBidirectionalMaskedOutputs(tf);
  patchFunctionalLoaders(tf);
  try {
    tf[PATCHED] = true;
  } catch {
    // a frozen module namespace: registering twice is harmless anyway
  }
}
