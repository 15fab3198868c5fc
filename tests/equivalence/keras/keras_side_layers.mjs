// What the Keras -> PyTorch oracle needs from TensorFlow.js beyond oracle/keras_custom.mjs:
// spellings Keras 3 changed, and the layers TensorFlow.js lacks. Each adaptation is listed here
// so it is clear what the oracle checks against Google's kernels and what against OUR code.
//
//   adaptConfig(config): rewrites the oracle's config in place (the config keeps the arguments
//   as the model file wrote them; only this loader's copy changes):
//     - LeakyReLU(negative_slope=) -> alpha= (Keras 3 renamed it; TensorFlow.js has alpha);
//     - activation "silu" -> "swish" (the same function, x * sigmoid(x));
//     - kernel_initializer "lecun_normal" / "lecun_uniform" -> TensorFlow.js' "leCunNormal" / "leCunUniform";
//     - kernel_initializer "orthogonal" -> "zeros" (TensorFlow.js' QR is slow; weights are seeded);
//     - GRU(reset_after=False) -> NnportKerasGRUResetBefore, TensorFlow.js' own GRU (which only
//       implements reset_after=False), because keras_custom.mjs replaces "GRU" by OUR
//       reset_after=True transcription;
//     - UpSampling2D(size=k) -> size=[k, k] (Keras takes an int; TensorFlow.js computes NaN sizes);
//     - InputLayer dtype int64 -> int32 (TensorFlow.js has no int64);
//     - Softmax(axis != -1) -> NnportKerasSoftmax (TensorFlow.js' softmax kernel only takes the
//       last axis).
//     - GlobalAveragePooling1D(data_format="channels_first") -> NnportKerasGlobalAvgPool1DChannelsFirst
//       (TensorFlow.js' GlobalAveragePooling1D has no data_format and always averages axis 1);
//     - ReLU(threshold != 0 or negative_slope != 0) -> NnportKerasReLU (TensorFlow.js' ReLU only
//       has max_value);
//     - LSTM / GRU / SimpleRNN / ConvLSTM2D without recurrent_initializer -> "zeros" (seeded
//       afterwards anyway);
//     - Conv1D(padding="causal") -> NnportKerasCausalConv1D: TensorFlow.js' own Conv1D on the input
//       left-padded with dilation_rate * (kernel_size - 1) zero steps (its conv1d has no causal mode);
//     - Global{Average,Max}Pooling{1,2}D(keepdims=True) -> NnportKerasGlobalPoolKeepdims
//       (TensorFlow.js' global pooling layers have no keepdims);
//     - the random augmentation layers (RandomFlip, RandomRotation, RandomZoom, ...) ->
//       NnportKerasInferenceIdentity: Keras applies them only when training.
//   registerKerasSideLayers(tf): OUR implementations of
//     - Normalization(mean=, variance=, axis=-1): keras/src/layers/preprocessing/normalization.py
//       call(): (x - mean) / maximum(sqrt(variance), epsilon), epsilon = backend.epsilon() = 1e-7,
//       mean/variance broadcast along the last axis. No weights (they are constructor arguments).
//       Without mean=/variance= (statistics from adapt()) they are the layer's variables, as
//       Keras 3 builds them: mean, variance (shape (last axis,)) and count (a scalar; Keras keeps
//       it as an int64, written here as float32), seeded like every weight.
//     - NnportKerasReLU(max_value, negative_slope, threshold): keras/src/activations/activations.py
//       ReLU.static_call, step by step: x * (x > threshold) (relu when threshold = 0, relu6 when
//       max_value = 6), clipped to [0, max_value], minus negative_slope * relu(threshold - x).
//     - NnportKerasSoftmax(axis): exp(x - max) / sum(exp(x - max)) over `axis` (keras.ops.softmax).
//     - NnportArange(stop): keras.ops.arange(0, stop) positions (int32, rank 1);
//     - NnportTensordot(axes): keras.ops.tensordot with an integer axes;
//     - NnportKerasGlobalPoolKeepdims(op): keras/src/layers/pooling/base_global_pooling.py with
//       keepdims=True, channels_last: mean or max over the steps / spatial axes, kept as size 1.
//     - NnportWeightOp(fn, shape): x @ w, x + w or x * w with a user layer's add_weight variable.

const KERAS_EPSILON = 1e-7;

function adaptLayer(layer) {
  const cfg = layer.config ?? {};
  if (layer.class_name === 'LeakyReLU' && cfg.negative_slope !== undefined) {
    cfg.alpha = cfg.negative_slope;
    delete cfg.negative_slope;
  }
  if (cfg.activation === 'silu') cfg.activation = 'swish';
  for (const key of ['kernel_initializer', 'recurrent_initializer', 'bias_initializer']) {
    if (cfg[key] in LECUN_INITIALIZERS) cfg[key] = LECUN_INITIALIZERS[cfg[key]];
    // TensorFlow.js' orthogonal initializer (a QR in JavaScript) may take minutes; the value is
    // never used (make_case.mjs seeds every weight).
    if (typeof cfg[key] === 'string' && cfg[key].toLowerCase() === 'orthogonal') cfg[key] = 'zeros';
  }
  if (RECURRENT.includes(layer.class_name) && cfg.recurrent_initializer === undefined) {
    cfg.recurrent_initializer = 'zeros'; // every weight is seeded afterwards
  }
  if (layer.class_name === 'Conv1D' && cfg.padding === 'causal') layer.class_name = 'NnportKerasCausalConv1D';
  if (layer.class_name === 'UpSampling2D' && typeof cfg.size === 'number') cfg.size = [cfg.size, cfg.size];
  if (layer.class_name === 'GRU' && cfg.reset_after === false) layer.class_name = 'NnportKerasGRUResetBefore';
  if (layer.class_name === 'InputLayer' && cfg.dtype === 'int64') cfg.dtype = 'int32';
  if (layer.class_name === 'Softmax' && (cfg.axis ?? -1) !== -1) layer.class_name = 'NnportKerasSoftmax';
  if (layer.class_name === 'GlobalAveragePooling1D' && cfg.data_format === 'channels_first') {
    layer.class_name = 'NnportKerasGlobalAvgPool1DChannelsFirst';
  }
  if (layer.class_name === 'ReLU' && ((cfg.threshold ?? 0) !== 0 || (cfg.negative_slope ?? 0) !== 0)) {
    layer.class_name = 'NnportKerasReLU';
  }
  if (GLOBAL_POOLS[layer.class_name] && cfg.keepdims) {
    cfg.op = GLOBAL_POOLS[layer.class_name];
    delete cfg.keepdims;
    layer.class_name = 'NnportKerasGlobalPoolKeepdims';
  }
  if (INFERENCE_IDENTITY.includes(layer.class_name)) layer.class_name = 'NnportKerasInferenceIdentity';
  if (cfg.layer && cfg.layer.class_name) adaptLayer(cfg.layer); // Bidirectional, TimeDistributed
}

// TensorFlow.js' default recurrent initializer, orthogonal, takes minutes in JavaScript on a
// 128-unit LSTM; the value is never used (make_case.mjs seeds every weight), so it is skipped.
const RECURRENT = ['LSTM', 'GRU', 'SimpleRNN', 'NnportKerasGRUResetBefore', 'ConvLSTM2D'];

// Keras spells these initializer names in snake case; TensorFlow.js' camel-case conversion
// ("lecunNormal") misses its registered "leCunNormal". Only the spelling changes: weights are seeded.
const LECUN_INITIALIZERS = {lecun_normal: 'leCunNormal', lecun_uniform: 'leCunUniform'};

// keras/src/layers/preprocessing/image_preprocessing: these return their input unless training.
const INFERENCE_IDENTITY = ['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast',
                            'RandomCrop', 'RandomBrightness'];

export function adaptConfig(config) {
  for (const layer of config.config.layers) adaptLayer(layer);
  return config;
}

function makeReLU(tf) {
  class NnportKerasReLU extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.maxValue = config.maxValue ?? config.max_value ?? null;
      this.negativeSlope = config.negativeSlope ?? config.negative_slope ?? 0;
      this.threshold = config.threshold ?? 0;
    }
    computeOutputShape(s) {
      return s;
    }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const slope = this.negativeSlope;
        const t = this.threshold;
        const m = this.maxValue;
        if (slope !== 0 && m === null && t === 0) return tf.leakyRelu(x, slope);
        let negativePart = null;
        if (slope !== 0) negativePart = t !== 0 ? tf.relu(tf.add(tf.neg(x), t)) : tf.relu(tf.neg(x));
        let clipMax = m !== null;
        let y;
        if (t !== 0) {
          y = tf.mul(x, tf.cast(tf.greater(x, t), x.dtype));
        } else if (m === 6) {
          y = tf.relu6(x);
          clipMax = false;
        } else {
          y = tf.relu(x);
        }
        if (clipMax) y = tf.clipByValue(y, 0, m);
        if (slope !== 0) y = tf.sub(y, tf.mul(slope, negativePart));
        return y;
      });
    }
    getConfig() {
      return {...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope,
              threshold: this.threshold};
    }
  }
  NnportKerasReLU.className = 'NnportKerasReLU';
  return NnportKerasReLU;
}

function makeNormalization(tf) {
  class Normalization extends tf.layers.Layer {
    constructor(config) {
      super(config);
      if ((config.mean == null) !== (config.variance == null)) {
        throw new Error('Normalization oracle: mean= and variance= must be given together');
      }
      if ((config.axis ?? -1) !== -1) throw new Error('Normalization oracle: only axis=-1 is implemented');
      if (config.invert) throw new Error('Normalization oracle: invert=True is not implemented');
      this.mean = config.mean;
      this.variance = config.variance;
    }
    build(inputShape) {
      if (this.mean == null) { // adapt()ed: the statistics are variables
        const last = inputShape[inputShape.length - 1];
        this.meanVar = this.addWeight('mean', [last], 'float32', tf.initializers.zeros(), undefined, false);
        this.varianceVar = this.addWeight('variance', [last], 'float32', tf.initializers.ones(), undefined, false);
        this.addWeight('count', [], 'float32', tf.initializers.zeros(), undefined, false);
      }
      this.built = true;
    }
    computeOutputShape(s) {
      return s;
    }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const mean = this.meanVar ? this.meanVar.read() : tf.tensor(this.mean, undefined, 'float32');
        const variance = this.varianceVar ? this.varianceVar.read() : tf.tensor(this.variance, undefined, 'float32');
        const scale = tf.maximum(tf.sqrt(variance), KERAS_EPSILON);
        return tf.div(tf.sub(x, mean), scale);
      });
    }
    getConfig() {
      return {...super.getConfig(), mean: this.mean, variance: this.variance};
    }
  }
  Normalization.className = 'Normalization';
  return Normalization;
}

function makeSoftmax(tf) {
  class NnportKerasSoftmax extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.axis = config.axis ?? -1;
    }
    computeOutputShape(s) {
      return s;
    }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const e = tf.exp(tf.sub(x, tf.max(x, this.axis, true)));
        return tf.div(e, tf.sum(e, this.axis, true));
      });
    }
    getConfig() {
      return {...super.getConfig(), axis: this.axis};
    }
  }
  NnportKerasSoftmax.className = 'NnportKerasSoftmax';
  return NnportKerasSoftmax;
}

// NnportArange(stop): the mock's record of keras.ops.arange(0, ops.shape(x)[i]): int32 positions
// 0..stop-1 (rank 1, no batch axis), whatever x holds; x only ties the op into the graph.
function makeArange(tf) {
  class NnportArange extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.stop = config.stop;
    }
    computeOutputShape() {
      return [this.stop];
    }
    call() {
      return tf.range(0, this.stop, 1, 'int32');
    }
    getConfig() {
      return {...super.getConfig(), stop: this.stop};
    }
  }
  NnportArange.className = 'NnportArange';
  return NnportArange;
}

// NnportWeightOp(fn, shape, weight_name): the mock's record of `x (fn) w` where w is a variable
// a user layer created with add_weight: fn "matmul" (x @ w over the last axis of x), "add" or
// "multiply" (broadcast). The variable lives here; the oracle's layout places it in the weights
// file at the owning layer's path.
function makeWeightOp(tf) {
  class NnportWeightOp extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.fn = config.fn;
      this.wShape = config.shape;
      this.weightName = config.weight_name;
    }
    build() {
      this.w = this.addWeight(this.weightName, this.wShape, 'float32', tf.initializers.zeros());
      this.built = true;
    }
    computeOutputShape(s) {
      return this.fn === 'matmul' ? [...s.slice(0, -1), this.wShape[this.wShape.length - 1]] : s;
    }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const w = this.w.read();
        if (this.fn === 'add') return tf.add(x, w);
        if (this.fn === 'multiply') return tf.mul(x, w);
        const flat = tf.reshape(x, [-1, x.shape[x.shape.length - 1]]);
        return tf.reshape(tf.matMul(flat, w), [...x.shape.slice(0, -1), w.shape[1]]);
      });
    }
    getConfig() {
      return {...super.getConfig(), fn: this.fn, shape: this.wShape, weight_name: this.weightName};
    }
  }
  NnportWeightOp.className = 'NnportWeightOp';
  return NnportWeightOp;
}

// NnportKerasGlobalAvgPool1DChannelsFirst: keras GlobalAveragePooling1D(data_format="channels_first")
// on (batch, channels, steps): the mean over the last axis.
function makeGlobalAvgPool1DChannelsFirst(tf) {
  class NnportKerasGlobalAvgPool1DChannelsFirst extends tf.layers.Layer {
    computeOutputShape(s) {
      return [s[0], s[1]];
    }
    call(inputs) {
      return tf.tidy(() => tf.mean(Array.isArray(inputs) ? inputs[0] : inputs, 2));
    }
  }
  NnportKerasGlobalAvgPool1DChannelsFirst.className = 'NnportKerasGlobalAvgPool1DChannelsFirst';
  return NnportKerasGlobalAvgPool1DChannelsFirst;
}

const GLOBAL_POOLS = {GlobalAveragePooling1D: 'mean', GlobalAveragePooling2D: 'mean', GlobalMaxPooling1D: 'max',
  GlobalMaxPooling2D: 'max'};

// NnportKerasGlobalPoolKeepdims: channels-last global pooling keeping the reduced axes.
function makeGlobalPoolKeepdims(tf) {
  class NnportKerasGlobalPoolKeepdims extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.op = config.op;
      if (config.data_format != null && config.data_format !== 'channels_last') {
        throw new Error('NnportKerasGlobalPoolKeepdims: channels_last only');
      }
    }
    computeOutputShape(s) {
      return s.map((d, i) => (i === 0 || i === s.length - 1 ? d : 1));
    }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const axes = [];
        for (let i = 1; i < x.rank - 1; ++i) axes.push(i);
        return this.op === 'max' ? tf.max(x, axes, true) : tf.mean(x, axes, true);
      });
    }
    getConfig() {
      return {...super.getConfig(), op: this.op};
    }
  }
  NnportKerasGlobalPoolKeepdims.className = 'NnportKerasGlobalPoolKeepdims';
  return NnportKerasGlobalPoolKeepdims;
}

// NnportKerasInferenceIdentity: a random augmentation layer at inference.
function makeInferenceIdentity(tf) {
  class NnportKerasInferenceIdentity extends tf.layers.Layer {
    computeOutputShape(s) {
      return s;
    }
    call(inputs) {
      return tf.tidy(() => tf.clone(Array.isArray(inputs) ? inputs[0] : inputs));
    }
  }
  NnportKerasInferenceIdentity.className = 'NnportKerasInferenceIdentity';
  return NnportKerasInferenceIdentity;
}

// Classes only this loader knows: a config using them cannot be cross-checked by run_keras.mjs.
export const KERAS_SIDE_CLASSES = ['Normalization', 'NnportKerasReLU', 'NnportKerasGRUResetBefore', 'NnportKerasSoftmax', 'NnportArange', 'NnportWeightOp',
                                   'NnportKerasGlobalAvgPool1DChannelsFirst', 'NnportKerasInferenceIdentity'];

// Keras Conv1D(padding="causal") (keras/src/ops/nn.py conv: pads the steps on the left by
// dilation_rate * (kernel_size - 1), then a "valid" convolution), on TensorFlow.js' Conv1D.
function makeCausalConv1D(tf) {
  const BuiltinConv1D = tf.layers.conv1d({filters: 1, kernelSize: 1}).constructor;
  const first = (v) => (Array.isArray(v) ? v[0] : v);
  class NnportKerasCausalConv1D extends BuiltinConv1D {
    constructor(config) {
      super({...config, padding: 'valid'});
      this.causalPad = first(config.dilationRate ?? 1) * (first(config.kernelSize) - 1);
    }
    computeOutputShape(s) {
      return super.computeOutputShape([s[0], s[1] == null ? null : s[1] + this.causalPad, s[2]]);
    }
    call(inputs, kwargs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        return super.call(tf.pad(x, [[0, 0], [this.causalPad, 0], [0, 0]]), kwargs);
      });
    }
  }
  NnportKerasCausalConv1D.className = 'NnportKerasCausalConv1D';
  return NnportKerasCausalConv1D;
}

// NnportTensordot(axes): keras.ops.tensordot(x1, x2, axes) with an integer axes: the last `axes`
// axes of x1 contracted with the first `axes` axes of x2 (numpy.tensordot), as one matMul.
function makeTensordot(tf) {
  const prod = (dims) => dims.reduce((a, b) => a * b, 1);
  class NnportTensordot extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.axes = config.axes;
    }
    computeOutputShape(shapes) {
      return [...shapes[0].slice(0, shapes[0].length - this.axes), ...shapes[1].slice(this.axes)];
    }
    call(inputs) {
      return tf.tidy(() => {
        const [a, b] = inputs;
        const keepA = a.shape.slice(0, a.rank - this.axes);
        const keepB = b.shape.slice(this.axes);
        const m = tf.matMul(tf.reshape(a, [prod(keepA), -1]), tf.reshape(b, [-1, prod(keepB)]));
        return tf.reshape(m, [...keepA, ...keepB]);
      });
    }
    getConfig() {
      return {...super.getConfig(), axes: this.axes};
    }
  }
  NnportTensordot.className = 'NnportTensordot';
  return NnportTensordot;
}

export function registerKerasSideLayers(tf) {
  // tf.layers.gru builds TensorFlow.js' own GRU class, whatever the registry now maps "GRU" to.
  const BuiltinGRU = tf.layers.gru({units: 1}).constructor;
  class NnportKerasGRUResetBefore extends BuiltinGRU {}
  NnportKerasGRUResetBefore.className = 'NnportKerasGRUResetBefore';
  tf.serialization.registerClass(NnportKerasGRUResetBefore);
  tf.serialization.registerClass(makeNormalization(tf));
  tf.serialization.registerClass(makeReLU(tf));
  tf.serialization.registerClass(makeSoftmax(tf));
  tf.serialization.registerClass(makeArange(tf));
  tf.serialization.registerClass(makeWeightOp(tf));
  tf.serialization.registerClass(makeGlobalAvgPool1DChannelsFirst(tf));
  tf.serialization.registerClass(makeInferenceIdentity(tf));
  tf.serialization.registerClass(makeCausalConv1D(tf));
  tf.serialization.registerClass(makeTensordot(tf));
  tf.serialization.registerClass(makeGlobalPoolKeepdims(tf));
}
