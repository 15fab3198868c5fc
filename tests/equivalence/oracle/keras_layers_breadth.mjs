// Keras layers and tf functions nnport's Keras JSON uses for the wider layer set that
// TensorFlow.js 4.22 lacks or implements with other semantics. All of these are OUR OWN
// implementations on TensorFlow.js kernels, written from the Keras / TensorFlow sources:
//   - GroupNormalization {groups, axis, epsilon, center, scale} (keras/src/layers/normalization/
//     group_normalization.py): channels split into `groups` along `axis`; mean and biased
//     variance over each group and every non-batch axis; (x - mean) * rsqrt(var + eps) * gamma + beta;
//     weights gamma then beta (the order of its build()).
//   - Conv1D / Conv2D with groups > 1 (Keras' `groups`): the built-in class with a kernel of
//     (*k, in/groups, filters), input channels and kernel outputs split into `groups` blocks,
//     one convolution per block, concatenated. groups == 1 runs the built-in unchanged.
//   - UpSampling2D(interpolation="bilinear"): Keras resizes with tf.image.resize (half-pixel
//     centres); TensorFlow.js' layer calls resizeBilinear without half-pixel centres, so the
//     bilinear path is replaced by resizeBilinear(halfPixelCenters=true). 'nearest' with
//     integer sizes is a repeat in both and stays the built-in.
//   - UpSampling1D / UpSampling3D (repeat along the spatial axes), ZeroPadding3D, Cropping1D,
//     SpatialDropout2D / 3D (identity: inference only), Conv1DTranspose (conv2dTranspose on a
//     unit height; 'valid' padding, output_padding adds trailing rows).
//   - BatchNormalization on rank-5 inputs (TensorFlow.js' kernel stops at rank 4): D and H are
//     merged around the built-in call, which normalises per channel anyway.
//   - TFOpLambda `pad` {paddings, mode: CONSTANT | REFLECT | SYMMETRIC, constant_values}: tf.pad.

function firstInput(inputs) {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

// The tf functions, in keras_structure_ops.mjs' {shape, call} form.
export function breadthOps(tf) {
  const pairsOf = (kw) => kw.paddings ?? kw.pad_width ?? kw.padWidth;
  return {
    pad: {
      shape: (shapes, kw) => shapes[0].map((d, i) => (d == null ? null : d + pairsOf(kw)[i][0] + pairsOf(kw)[i][1])),
      call: (list, kw) => {
        const mode = String(kw.mode ?? 'CONSTANT').toUpperCase();
        const pads = pairsOf(kw);
        if (mode === 'CONSTANT') return tf.pad(list[0], pads, kw.constant_values ?? kw.constantValues ?? 0);
        return tf.mirrorPad(list[0], pads, mode.toLowerCase());
      },
    },
  };
}

// Repeats every axis listed in `factors` (axis -> factor) by gathering floor(i / factor).
function repeatAxes(tf, x, factors) {
  let y = x;
  for (const [axis, f] of Object.entries(factors)) {
    const n = y.shape[Number(axis)];
    const idx = tf.tensor1d(Array.from({length: n * f}, (_, i) => Math.floor(i / f)), 'int32');
    y = tf.gather(y, idx, Number(axis));
  }
  return y;
}

function makeUpSampling(tf, rank) {
  class UpSampling extends tf.layers.Layer {
    constructor(config) {
      super(config);
      const s = config.size ?? 2;
      this.size = Array.isArray(s) ? s : Array(rank).fill(s);
    }
    computeOutputShape(s) {
      return s.map((d, i) => (i >= 1 && i <= rank && d != null ? d * this.size[i - 1] : d));
    }
    call(inputs) {
      return tf.tidy(() => {
        const factors = {};
        this.size.forEach((f, i) => { factors[i + 1] = f; });
        return repeatAxes(tf, firstInput(inputs), factors);
      });
    }
    getConfig() {
      return {...super.getConfig(), size: this.size};
    }
  }
  UpSampling.className = `UpSampling${rank}D`;
  return UpSampling;
}

function makeUpSampling2D(tf, Base) {
  class UpSampling2D extends Base {
    call(inputs, kwargs) {
      if (this.interpolation !== 'bilinear') return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const x = firstInput(inputs);
        const [h, w] = [x.shape[1] * this.size[0], x.shape[2] * this.size[1]];
        return tf.image.resizeBilinear(x, [h, w], false, true);
      });
    }
  }
  UpSampling2D.className = 'UpSampling2D';
  return UpSampling2D;
}

function makeZeroPadding3D(tf) {
  class ZeroPadding3D extends tf.layers.Layer {
    constructor(config) {
      super(config);
      const p = config.padding ?? 1;
      this.padding = typeof p === 'number' ? [[p, p], [p, p], [p, p]]
          : p.map((q) => (typeof q === 'number' ? [q, q] : q));
    }
    computeOutputShape(s) {
      return s.map((d, i) => (i >= 1 && i <= 3 && d != null ? d + this.padding[i - 1][0] + this.padding[i - 1][1] : d));
    }
    call(inputs) {
      return tf.pad(firstInput(inputs), [[0, 0], ...this.padding, [0, 0]]);
    }
    getConfig() {
      return {...super.getConfig(), padding: this.padding};
    }
  }
  ZeroPadding3D.className = 'ZeroPadding3D';
  return ZeroPadding3D;
}

function makeCropping1D(tf) {
  class Cropping1D extends tf.layers.Layer {
    constructor(config) {
      super(config);
      const c = config.cropping ?? [1, 1];
      this.cropping = typeof c === 'number' ? [c, c] : c;
    }
    computeOutputShape(s) {
      return [s[0], s[1] == null ? null : s[1] - this.cropping[0] - this.cropping[1], s[2]];
    }
    call(inputs) {
      const x = firstInput(inputs);
      return tf.slice(x, [0, this.cropping[0], 0], [-1, x.shape[1] - this.cropping[0] - this.cropping[1], -1]);
    }
    getConfig() {
      return {...super.getConfig(), cropping: this.cropping};
    }
  }
  Cropping1D.className = 'Cropping1D';
  return Cropping1D;
}

function makeIdentityLayer(tf, name) {
  class IdentityLayer extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.rate = config.rate;
    }
    computeOutputShape(s) {
      return s;
    }
    call(inputs) {
      return tf.clone(firstInput(inputs));
    }
  }
  IdentityLayer.className = name;
  return IdentityLayer;
}

function makeGroupNormalization(tf) {
  class GroupNormalization extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.groups = config.groups ?? 32;
      this.axis = config.axis ?? -1;
      this.epsilon = config.epsilon ?? 1e-3;
      this.center = config.center ?? true;
      this.scale = config.scale ?? true;
    }
    build(inputShape) {
      const axis = this.axis < 0 ? this.axis + inputShape.length : this.axis;
      const c = inputShape[axis];
      if (this.scale) this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
      if (this.center) this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
      this.built = true;
    }
    computeOutputShape(s) {
      return s;
    }
    call(inputs) {
      return tf.tidy(() => {
        const x = firstInput(inputs);
        const rank = x.rank;
        const axis = this.axis < 0 ? this.axis + rank : this.axis;
        const c = x.shape[axis];
        const grouped = [...x.shape.slice(0, axis), this.groups, c / this.groups, ...x.shape.slice(axis + 1)];
        const xg = tf.reshape(x, grouped);
        const reduce = [];
        for (let i = 1; i < grouped.length; ++i) if (i !== axis) reduce.push(i);
        const {mean, variance} = tf.moments(xg, reduce, true);
        let y = tf.reshape(tf.mul(tf.sub(xg, mean), tf.rsqrt(tf.add(variance, this.epsilon))), x.shape);
        const bshape = x.shape.map((d, i) => (i === axis ? c : 1));
        if (this.scale) y = tf.mul(y, tf.reshape(this.gamma.read(), bshape));
        if (this.center) y = tf.add(y, tf.reshape(this.beta.read(), bshape));
        return y;
      });
    }
    getConfig() {
      return {...super.getConfig(), groups: this.groups, axis: this.axis, epsilon: this.epsilon,
        center: this.center, scale: this.scale};
    }
  }
  GroupNormalization.className = 'GroupNormalization';
  return GroupNormalization;
}

function makeGroupedConv(tf, Base, rank) {
  class GroupedConv extends Base {
    constructor(config) {
      super(config);
      this.groups = config.groups ?? 1;
    }
    build(inputShape) {
      if (this.groups === 1) return super.build(inputShape);
      const c = inputShape[inputShape.length - 1];
      super.build([...inputShape.slice(0, -1), c / this.groups]);
      this.inputSpec = [{ndim: rank + 2, axes: {[-1]: c}}];
    }
    call(inputs, kwargs) {
      if (this.groups === 1) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const x = firstInput(inputs);
        const xs = tf.split(x, this.groups, -1);
        const ks = tf.split(this.kernel.read(), this.groups, -1);
        const outs = xs.map((xi, g) => (rank === 1
            ? tf.conv1d(xi, ks[g], this.strides[0], this.padding, 'NWC', this.dilationRate[0])
            : tf.conv2d(xi, ks[g], this.strides, this.padding, 'NHWC', this.dilationRate)));
        let y = tf.concat(outs, -1);
        if (this.useBias) y = tf.add(y, this.bias.read());
        return this.activation.apply(y);
      });
    }
    getConfig() {
      return {...super.getConfig(), groups: this.groups};
    }
  }
  GroupedConv.className = `Conv${rank}D`;
  return GroupedConv;
}

function makeConv1DTranspose(tf) {
  class Conv1DTranspose extends tf.layers.Layer {
    constructor(config) {
      super(config);
      const one = (v, d) => (v == null ? d : Array.isArray(v) ? v[0] : v);
      this.filters = config.filters;
      this.kernelSize = one(config.kernelSize, 1);
      this.stride = one(config.strides, 1);
      this.outputPadding = one(config.outputPadding, null);
      this.useBias = config.useBias ?? true;
      this.padding = config.padding ?? 'valid';
      const activations = {linear: (y) => y, relu: (y) => tf.relu(y), sigmoid: (y) => tf.sigmoid(y),
        tanh: (y) => tf.tanh(y)};
      this.activationName = config.activation ?? 'linear';
      if (!(this.activationName in activations)) throw new Error(`Conv1DTranspose oracle: activation ${this.activationName}`);
      this.activationFn = activations[this.activationName];
      if (!['valid', 'same'].includes(this.padding)) throw new Error('Conv1DTranspose oracle: padding valid or same');
      if (this.padding === 'same' && this.outputPadding != null) throw new Error('Conv1DTranspose oracle: same + output_padding');
    }
    build(inputShape) {
      const c = inputShape[inputShape.length - 1];
      this.kernel = this.addWeight('kernel', [this.kernelSize, this.filters, c], 'float32', tf.initializers.zeros());
      if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
      this.built = true;
    }
    outLength(n) {
      // keras/src/utils/conv_utils.py deconv_output_length: "same" gives n * stride.
      if (this.padding === 'same') return n * this.stride;
      return this.outputPadding == null ? n * this.stride + Math.max(this.kernelSize - this.stride, 0)
          : (n - 1) * this.stride + this.kernelSize + this.outputPadding;
    }
    computeOutputShape(s) {
      return [s[0], s[1] == null ? null : this.outLength(s[1]), this.filters];
    }
    call(inputs) {
      return tf.tidy(() => {
        const x = tf.expandDims(firstInput(inputs), 1);
        const k = tf.expandDims(this.kernel.read(), 0);
        const out = [x.shape[0], 1, this.outLength(x.shape[2]), this.filters];
        let y = tf.squeeze(tf.conv2dTranspose(x, k, out, [1, this.stride], this.padding), [1]);
        if (this.useBias) y = tf.add(y, this.bias.read());
        return this.activationFn(y);
      });
    }
  }
  Conv1DTranspose.className = 'Conv1DTranspose';
  return Conv1DTranspose;
}

// BatchNormalization on rank-5 (N, D, H, W, C) inputs: TensorFlow.js' kernel stops at rank 4;
// inference normalisation is per channel, so (D, H) are merged around the built-in call.
function makeBatchNormalization(tf, Base) {
  class BatchNormalization extends Base {
    call(inputs, kwargs) {
      const x = firstInput(inputs);
      if (x.rank !== 5) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const [n, d, h, w, c] = x.shape;
        const y = super.call(tf.reshape(x, [n, d * h, w, c]), kwargs);
        return tf.reshape(y, [n, d, h, w, c]);
      });
    }
  }
  BatchNormalization.className = 'BatchNormalization';
  return BatchNormalization;
}

export function registerBreadthLayers(tf) {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const reg = (cls) => tf.serialization.registerClass(cls);
  if (!map.GroupNormalization) reg(makeGroupNormalization(tf));
  if (!map.ZeroPadding3D) reg(makeZeroPadding3D(tf));
  if (!map.Cropping1D) reg(makeCropping1D(tf));
  if (!map.UpSampling1D) reg(makeUpSampling(tf, 1));
  if (!map.UpSampling3D) reg(makeUpSampling(tf, 3));
  if (!map.Conv1DTranspose) reg(makeConv1DTranspose(tf));
  for (const name of ['SpatialDropout2D', 'SpatialDropout3D'])
    if (!map[name]) reg(makeIdentityLayer(tf, name));
  // Replace (once) the built-ins whose semantics differ for what nnport writes.
  if (!map.UpSampling2D[0].nnportBreadth) {
    const cls = makeUpSampling2D(tf, map.UpSampling2D[0]);
    cls.nnportBreadth = true;
    reg(cls);
  }
  if (!map.BatchNormalization[0].nnportBreadth) {
    const cls = makeBatchNormalization(tf, map.BatchNormalization[0]);
    cls.nnportBreadth = true;
    reg(cls);
  }
  for (const rank of [1, 2]) {
    const name = `Conv${rank}D`;
    if (map[name][0].nnportBreadth) continue;
    const cls = makeGroupedConv(tf, map[name][0], rank);
    cls.nnportBreadth = true;
    reg(cls);
  }
}
