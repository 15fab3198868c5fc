// TensorFlow.js versions of the Keras layers nnport's attention migrations use and TensorFlow.js
// lacks. These are OUR transcriptions, not Google's code:
//   - MultiHeadAttention: keras/src/layers/attention/multi_head_attention.py for rank-3 inputs
//     and attention_axes=None: query/key/value EinsumDense "abc,cde->abde" (+ bias (heads,
//     head_dim)), query * 1/sqrt(key_dim), scores = einsum("aecd,abcd->acbe", key, query),
//     softmax over the key axis, einsum("acbe,aecd->abcd", scores, value), output EinsumDense
//     "abcd,cde->abe" (+ bias). Masks (_compute_attention_mask / _masked_softmax / Softmax):
//     `attention_mask` (B, T, S) or (B, 1, S), True = attend, expanded over the heads;
//     `use_causal_mask=True` ANDs the lower-triangular (T, S) mask; masked scores are replaced
//     by -1e9 before the softmax. Inference only (dropout off).
//   - AddParameter / PrependParameter: the custom layers nnport writes into generated modules
//     (src/writers/keras/custom_layers.cc).
// Weights are addressed like Keras 3 saves them: kerasWeightPaths() lists, per weight, its path
// below the layer's group (run_keras.mjs uses it instead of "vars/<i>").

function toRefs(byCamel, ref) { return [byCamel.get(ref[0]) ?? ref[0], ref[1], ref[2], {}]; }

// tf.keras serializes mha(query, value, key) as one inbound entry with value/key in kwargs;
// TensorFlow.js passes only inbound tensors to call(), so list all three there.
export function normalizeAttentionNodes(config) {
  if (config == null || !Array.isArray(config.layers)) return config;
  const byCamel = new Map();
  for (const layer of config.layers) {
    const name = layer.name ?? layer.config?.name;
    byCamel.set(name, name);
    byCamel.set(String(name).replace(/[_]+(\w|$)/g, (m, p1) => p1.toUpperCase()), name);
  }
  for (const layer of config.layers) {
    if (layer.className !== 'MultiHeadAttention' || !Array.isArray(layer.inboundNodes)) continue;
    layer.inboundNodes = layer.inboundNodes.map((node) => {
      const first = node[0];
      const kwargs = first[3] ?? {};
      // Call options travel in every entry's kwargs (TensorFlow.js passes the last entry's to
      // apply()); an attention_mask tensor is listed last, after (query[, value[, key]]).
      const mask = kwargs.attention_mask ?? kwargs.attentionMask;
      const options = {useCausalMask: Boolean(kwargs.use_causal_mask ?? kwargs.useCausalMask),
                       hasMask: Boolean(mask)};
      const out = [[first[0], first[1], first[2], {}]];
      out.push(kwargs.value ? toRefs(byCamel, kwargs.value) : out[0]);
      out.push(kwargs.key ? toRefs(byCamel, kwargs.key) : out[1]);
      // TensorFlow.js decrements a tensor's consumer count once per listed input but counts
      // each consuming node once, so a tensor listed twice would be disposed while still
      // needed: list self-attention as (query) and key == value as (query, value).
      const same = (a, b) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
      if (same(out[2], out[1])) out.pop();
      if (out.length === 2 && same(out[1], out[0])) out.pop();
      if (mask) out.push(toRefs(byCamel, mask));
      return out.map((entry) => [entry[0], entry[1], entry[2], options]);
    });
  }
  return config;
}

// (query, value, key) shapes from 1-3 listed inputs (see normalizeAttentionNodes); a listed
// attention mask (hasMask) comes last and is dropped here.
function shapesOf(inputShape, hasMask = false) {
  const list = Array.isArray(inputShape[0]) ? inputShape.slice() : [inputShape];
  if (hasMask) list.pop();
  const [q, v = q, k = v] = list;
  return [q, v, k];
}

export function makeAttentionLayers(tf) {
  class MultiHeadAttention extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.numHeads = config.numHeads;
      this.keyDim = config.keyDim;
      this.valueDim = config.valueDim ?? config.keyDim;
      this.useBias = config.useBias ?? true;
      this.useCausalMask = false;
      this.hasMask = false;
    }
    apply(inputs, kwargs) {
      // The call options of the (single) inbound node; see normalizeAttentionNodes.
      if (kwargs != null && 'hasMask' in kwargs) {
        this.useCausalMask = Boolean(kwargs.useCausalMask);
        this.hasMask = Boolean(kwargs.hasMask);
      }
      return super.apply(inputs, kwargs);
    }
    build(inputShape) {
      const [q, v, k] = shapesOf(inputShape, this.hasMask);
      const h = this.numHeads;
      const add = (name, shape) => this.addWeight(name, shape, 'float32', tf.initializers.zeros());
      // Order = the Keras 3 save order: key_dense, output_dense, query_dense, value_dense.
      this.paths = [];
      const dense = (sub, inShape, kernelShape, biasShape) => {
        this[`${sub}Kernel`] = add(`${sub}/kernel`, kernelShape);
        this.paths.push(`${sub}/vars/0`);
        if (this.useBias) {
          this[`${sub}Bias`] = add(`${sub}/bias`, biasShape);
          this.paths.push(`${sub}/vars/1`);
        }
      };
      dense('key_dense', k, [k[k.length - 1], h, this.keyDim], [h, this.keyDim]);
      dense('output_dense', q, [h, this.valueDim, q[q.length - 1]], [q[q.length - 1]]);
      dense('query_dense', q, [q[q.length - 1], h, this.keyDim], [h, this.keyDim]);
      dense('value_dense', v, [v[v.length - 1], h, this.valueDim], [h, this.valueDim]);
      this.built = true;
    }
    kerasWeightPaths() { return this.paths; }
    computeOutputShape(inputShape) { return shapesOf(inputShape, this.hasMask)[0]; }
    call(inputs) {
      return tf.tidy(() => {
        const list = Array.isArray(inputs) ? inputs.slice() : [inputs];
        const mask = this.hasMask ? list.pop() : null;
        const [query, value = query, key = value] = list;
        const h = this.numHeads;
        // EinsumDense "abc,cde->abde": (B, T, E) x (E, H, D) -> (B, T, H, D).
        const project = (x, kernel, bias, d) => {
          const [b, t, e] = x.shape;
          let y = tf.matMul(tf.reshape(x, [b * t, e]), tf.reshape(kernel.read(), [e, h * d]));
          y = tf.reshape(y, [b, t, h, d]);
          return bias ? tf.add(y, bias.read()) : y;
        };
        let q = project(query, this.query_denseKernel, this.query_denseBias, this.keyDim);
        const k = project(key, this.key_denseKernel, this.key_denseBias, this.keyDim);
        const v = project(value, this.value_denseKernel, this.value_denseBias, this.valueDim);
        q = tf.mul(q, 1 / Math.sqrt(this.keyDim));
        // einsum("aecd,abcd->acbe", key, query): scores (B, H, T, S).
        const qh = tf.transpose(q, [0, 2, 1, 3]);
        const kh = tf.transpose(k, [0, 2, 1, 3]);
        let logits = tf.matMul(qh, kh, false, true); // (B, H, T, S)
        let keep = null;
        if (mask) {
          keep = tf.cast(mask, 'bool');
          // (B, T, S) or (B, 1, S) -> one more axis before the last two: over the heads.
          while (keep.rank < logits.rank) keep = tf.expandDims(keep, -3);
        }
        if (this.useCausalMask) {
          const [t, s] = logits.shape.slice(-2);
          const lower = tf.cast(tf.linalg.bandPart(tf.ones([t, s]), -1, 0), 'bool');
          keep = keep ? tf.logicalAnd(keep, lower) : lower;
        }
        if (keep) logits = tf.where(tf.broadcastTo(keep, logits.shape), logits, tf.fill(logits.shape, -1e9));
        const scores = tf.softmax(logits, -1);
        // einsum("acbe,aecd->abcd", scores, value): (B, T, H, Dv).
        const ctx = tf.transpose(tf.matMul(scores, tf.transpose(v, [0, 2, 1, 3])), [0, 2, 1, 3]);
        // EinsumDense "abcd,cde->abe".
        const [b, t] = ctx.shape;
        const out = this.output_denseKernel.read();
        let y = tf.matMul(tf.reshape(ctx, [b * t, h * this.valueDim]), tf.reshape(out, [h * this.valueDim, out.shape[2]]));
        y = tf.reshape(y, [b, t, out.shape[2]]);
        return this.output_denseBias ? tf.add(y, this.output_denseBias.read()) : y;
      });
    }
    getConfig() {
      return {...super.getConfig(), numHeads: this.numHeads, keyDim: this.keyDim, valueDim: this.valueDim,
              useBias: this.useBias};
    }
    static get className() { return 'MultiHeadAttention'; }
  }

  class AddParameter extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.valueShape = config.shape;
      this.sliceAxis = config.sliceAxis ?? null;
      this.perm = config.perm ?? null; // the stored layout's axes, permuted after slicing
    }
    build() {
      this.value = this.addWeight('value', this.valueShape, 'float32', tf.initializers.zeros());
      this.built = true;
    }
    computeOutputShape(inputShape) { return inputShape; }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        let value = this.value.read();
        if (this.sliceAxis !== null) {
          const lands = this.perm === null ? this.sliceAxis : this.perm.indexOf(this.sliceAxis);
          const offset = x.shape.length - this.valueShape.length;
          const size = this.valueShape.slice();
          size[this.sliceAxis] = x.shape[offset + lands];
          value = tf.slice(value, this.valueShape.map(() => 0), size);
        }
        if (this.perm !== null) value = tf.transpose(value, this.perm);
        return tf.add(x, value);
      });
    }
    getConfig() {
      return {...super.getConfig(), shape: this.valueShape, sliceAxis: this.sliceAxis, perm: this.perm};
    }
    static get className() { return 'AddParameter'; }
  }

  class PrependParameter extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.valueShape = config.shape;
    }
    build() {
      this.value = this.addWeight('value', this.valueShape, 'float32', tf.initializers.zeros());
      this.built = true;
    }
    computeOutputShape(s) { return [s[0], s[1] == null ? null : s[1] + this.valueShape[1], s[2]]; }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const tokens = tf.broadcastTo(this.value.read(), [x.shape[0], this.valueShape[1], this.valueShape[2]]);
        return tf.concat([tokens, x], 1);
      });
    }
    getConfig() { return {...super.getConfig(), shape: this.valueShape}; }
    static get className() { return 'PrependParameter'; }
  }

  return [MultiHeadAttention, AddParameter, PrependParameter];
}
