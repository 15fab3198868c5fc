// Keras side of the equivalence tests: run the migrated model in TensorFlow.js and compare.
//
//   node run_keras.mjs --model-json OUT/model.json --weights OUT/stem.weights.h5 \
//                      --report REPORT.json --case CASEDIR [--tol 1e-5]
//
// What it checks:
//   * the Keras JSON config (tf.keras 2.x `model.to_json()` format) deserialises with
//     tf.models.modelFromJSON, after tests/equivalence/oracle/keras_custom.mjs (when present) has
//     registered the layers TensorFlow.js lacks (class "TFOpLambda" and friends);
//   * the Keras 3 `.weights.h5` file fits the model exactly, addressed the way Keras 3's
//     model.load_weights addresses it: the i-th layer of a class in model.layers order lives at
//     "layers/<snake_case(class)>[_<i>]/vars" (e.g. layers/dense, layers/dense_1, layers/conv2d;
//     Keras 3 deliberately does not use layer.name there; op layers take no slot); each group of a
//     layer with weights holds datasets "0".."n-1" whose count and shapes equal the layer's weights
//     in Keras order; every dataset in the file is consumed by some layer; nested models are
//     followed as "layers/<model>/layers/<layer>/vars";
//   * the report's inputs/outputs agree with the model (count, shapes with null for the batch);
//   * feeding the PyTorch input permuted by inputs[i].source_to_target_perm (integer ids stay
//     int32) to model.predict gives the PyTorch output permuted by outputs[i].source_to_target_perm,
//     within an absolute tolerance (default 1e-5, float32). The max abs difference is printed
//     either way; exit status 0 = equivalent, 1 = mismatch or any structural error.
//
// What it cannot check: training behaviour (predict runs in inference mode), the TensorFlow/Keras 3
// Python runtime itself (TensorFlow.js is the oracle; its kernels follow Keras semantics but a few
// ops differ in low-order bits, e.g. erf in GELU), the generated Python code (see
// check_python_json.py, which proves the Python and this JSON describe the same layers), and dtypes
// other than float32/int32 (int64 inputs are run as int32, ids being < 2^31).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const args = { tol: 1e-5 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    if (key === '--model-json') args.modelJson = value;
    else if (key === '--weights') args.weights = value;
    else if (key === '--report') args.report = value;
    else if (key === '--case') args.caseDir = value;
    else if (key === '--tol') args.tol = Number(value);
    else throw new Error(`unknown argument ${key}`);
  }
  for (const k of ['modelJson', 'weights', 'report', 'caseDir']) {
    if (!args[k]) throw new Error(`missing --${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
  }
  return args;
}

class Failure extends Error {}
const fail = (msg) => { throw new Failure(msg); };

// Drop the "install tfjs-node" banner TensorFlow.js prints in Node (it is noise in test logs).
for (const fn of ['log', 'warn', 'info']) {
  const orig = console[fn].bind(console);
  console[fn] = (...a) => {
    if (a.length && typeof a[0] === 'string' && /tfjs-node|^\s*=+\s*$/.test(a[0])) return;
    orig(...a);
  };
}

async function importTf() {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

async function registerCustom(tf) {
  const custom = path.join(here, 'oracle', 'keras_custom.mjs');
  if (!fs.existsSync(custom)) {
    console.log('note: oracle/keras_custom.mjs not present; no custom layers registered');
    return;
  }
  const mod = await import(pathToFileURL(custom).href);
  if (typeof mod.registerCustomLayers !== 'function') {
    fail('oracle/keras_custom.mjs does not export registerCustomLayers(tf)');
  }
  await mod.registerCustomLayers(tf);
}

// Every dataset path in the file (recursively), so unused ones can be reported.
function listDatasets(h5wasm, group, prefix, out) {
  for (const key of group.keys()) {
    const child = group.get(key);
    const p = prefix ? `${prefix}/${key}` : key;
    if (child instanceof h5wasm.Dataset) out.add(p);
    else if (child instanceof h5wasm.Group) listDatasets(h5wasm, child, p, out);
  }
  return out;
}

function sameShape(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// Keras 3 (keras/src/utils/naming.py) to_snake_case: "Conv2D" -> "conv2d", "ReLU" -> "re_lu".
function toSnakeCase(name) {
  let n = name.replace(/\W+/g, '');
  n = n.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return n.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

// Keras 3's .weights.h5 does NOT address a layer by layer.name: saving_lib._save_container_state
// names each entry of model.layers snake_case(class name) plus a per-class counter in layer order
// ("dense", "dense_1", ...). keras.ops calls are operations, not layers, so the JSON's op layers
// (TFOpLambda/SlicingOpLambda) take no slot. The class name is the JSON config's (= the Python's).
const RNN_CLASSES = new Set(['LSTM', 'GRU', 'SimpleRNN']);

// Keras 3 Bidirectional keeps its two RNNs in attributes forward_layer / backward_layer
// (keras/src/layers/rnn/bidirectional.py), each saving under its `cell`; TensorFlow.js lists the
// forward layer's weights, then the backward layer's.
function bidirectionalWeightPaths(layer) {
  const half = layer.weights.length / 2;
  return layer.weights.map((_, i) => (i < half ? `forward_layer/cell/vars/${i}` : `backward_layer/cell/vars/${i - half}`));
}

function loadWeights(tf, h5wasm, model, file, classOf) {
  const unused = listDatasets(h5wasm, file, '', new Set());
  const total = unused.size;
  let layersWithWeights = 0;
  const visit = (container, prefix) => {
    const used = {};
    for (const layer of container.layers) {
      const cls = classOf[layer.name] || layer.getClassName();
      if (cls === 'TFOpLambda' || cls === 'SlicingOpLambda') {
        if (layer.weights.length > 0) fail(`op layer '${layer.name}' (${cls}) unexpectedly owns weights`);
        continue;
      }
      let key = toSnakeCase(cls);
      if (key in used) { used[key] += 1; key = `${key}_${used[key]}`; } else used[key] = 0;
      const lpath = `${prefix}/${key}`;
      if (layer instanceof tf.LayersModel) {
        visit(layer, `${lpath}/layers`); // nested model
        continue;
      }
      const expected = layer.weights;
      if (expected.length === 0) continue;
      layersWithWeights += 1;
      const weightPaths = typeof layer.kerasWeightPaths === 'function' ? layer.kerasWeightPaths()
          : cls === 'Bidirectional' ? bidirectionalWeightPaths(layer) : null;
      if (weightPaths) {
        // Layers saving variables in sublayers (MultiHeadAttention): one path per weight.
        const values = weightPaths.map((rel, i) => {
          const path = `${lpath}/${rel}`;
          const ds = file.get(path);
          if (!(ds instanceof h5wasm.Dataset)) fail(`weights: '${path}' is missing for layer '${layer.name}'`);
          if (!sameShape(ds.shape || [], expected[i].shape)) {
            fail(`weights: '${path}' has shape [${ds.shape}] but layer '${layer.name}' needs [${expected[i].shape}]`);
          }
          unused.delete(path);
          return tf.tensor(Float32Array.from(ds.value), ds.shape || [], 'float32');
        });
        layersWithWeights += 1;
        layer.setWeights(values);
        tf.dispose(values);
        continue;
      }
      // Keras 3 recurrent layers own no variables themselves: they live in the layer's `cell`
      // attribute (keras/src/layers/rnn/rnn.py), saved as <layer>/cell/vars.
      const gpath = RNN_CLASSES.has(cls) ? `${lpath}/cell/vars` : `${lpath}/vars`;
      const group = file.get(gpath);
      const who = `layer '${layer.name}' (${cls}, Keras 3 path '${lpath}')`;
      if (!group || !(group instanceof h5wasm.Group)) {
        fail(`weights: ${who} has ${expected.length} weights but the file has no group '${gpath}'`);
      }
      const keys = group.keys().slice().sort((a, b) => Number(a) - Number(b));
      const want = expected.map((_, i) => String(i));
      if (keys.length !== want.length || !keys.every((k, i) => k === want[i])) {
        fail(`weights: '${gpath}' holds [${group.keys().join(', ')}] but ${who} ` +
             `needs ${expected.length} variables [${expected.map((w) => w.originalName || w.name).join(', ')}]`);
      }
      const values = expected.map((w, i) => {
        const ds = group.get(String(i));
        if (!(ds instanceof h5wasm.Dataset)) fail(`weights: '${gpath}/${i}' is not a dataset`);
        const shape = ds.shape || [];
        if (!sameShape(shape, w.shape)) {
          fail(`weights: '${gpath}/${i}' has shape [${shape}] but ${who}'s ` +
               `'${w.originalName || w.name}' needs [${w.shape}]`);
        }
        if (ds.dtype !== '<f') {
          console.log(`warning: '${gpath}/${i}' is stored as ${JSON.stringify(ds.dtype)}, not float32`);
        }
        unused.delete(`${gpath}/${i}`);
        return tf.tensor(Float32Array.from(ds.value), shape, 'float32');
      });
      layer.setWeights(values);
      tf.dispose(values);
    }
  };
  visit(model, 'layers');
  if (unused.size > 0) {
    fail(`weights: ${unused.size} dataset(s) in the file are not used by any layer: ` +
         [...unused].slice(0, 10).join(', '));
  }
  return { total, layersWithWeights };
}

function readBin(file, dtype, shape) {
  const buf = fs.readFileSync(file);
  const n = shape.reduce((a, b) => a * b, 1);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const arr = dtype === 'int32' ? new Int32Array(ab) : new Float32Array(ab);
  if (arr.length !== n) fail(`${file}: ${arr.length} values, expected ${n} for shape [${shape}]`);
  return arr;
}

function checkPerm(perm, rank, what) {
  if (!Array.isArray(perm) || perm.length !== rank ||
      !sameShape([...perm].sort((a, b) => a - b), [...Array(rank).keys()])) {
    fail(`report: ${what}.source_to_target_perm ${JSON.stringify(perm)} is not a permutation of ` +
         `${rank} axes`);
  }
}

function checkReportShape(reportShape, actual, what) {
  if (!Array.isArray(reportShape) || reportShape.length !== actual.length ||
      !reportShape.every((d, i) => d === null || d === actual[i]) || reportShape[0] !== null) {
    fail(`report: ${what}.shape ${JSON.stringify(reportShape)} does not match the target shape ` +
         `[${actual}] (batch must be null)`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const tf = await importTf();
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  await registerCustom(tf);

  const report = JSON.parse(fs.readFileSync(args.report, 'utf8'));
  const caseInfo = JSON.parse(fs.readFileSync(path.join(args.caseDir, 'case.json'), 'utf8'));
  let config = JSON.parse(fs.readFileSync(args.modelJson, 'utf8'));
  if (typeof config === 'string') config = JSON.parse(config); // json.dump(model.to_json())

  // TensorFlow.js has no int64: an int64 InputLayer (valid Keras for token ids) is loaded as int32.
  // This only adapts the oracle; check_python_json.py compares the JSON as written.
  for (const l of (config.config && config.config.layers) || []) {
    if (l.class_name === 'InputLayer' && l.config && l.config.dtype === 'int64') {
      console.log(`note: InputLayer '${l.config.name}' is int64 in the JSON; TensorFlow.js loads it as int32`);
      l.config.dtype = 'int32';
    }
  }

  // TensorFlow.js's ELU layer rejects alpha != 1 ("not supported yet"); run such layers with an
  // equivalent harness layer (x > 0 ? x : alpha * (exp(x) - 1)). Weight naming keeps the original
  // class (ELU).
  const originalClass = {};
  class HarnessELU extends tf.layers.Layer {
    static className = 'NnportHarnessELU';
    constructor(cfg) { super(cfg); this.alpha = cfg.alpha; }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        return tf.where(tf.greater(x, 0), x, tf.mul(this.alpha, tf.expm1(x)));
      });
    }
    getConfig() { return { ...super.getConfig(), alpha: this.alpha }; }
  }
  tf.serialization.registerClass(HarnessELU);
  for (const l of (config.config && config.config.layers) || []) {
    if (l.class_name === 'ELU' && l.config && l.config.alpha != null && l.config.alpha !== 1) {
      console.log(`note: ELU '${l.config.name}' alpha=${l.config.alpha} runs as a harness layer (tfjs ELU only has alpha=1)`);
      originalClass[l.config.name] = 'ELU';
      l.class_name = 'NnportHarnessELU';
    }
  }

  let model;
  try {
    model = await tf.models.modelFromJSON(config);
  } catch (e) {
    fail(`tf.models.modelFromJSON rejected ${args.modelJson}: ${e.message}`);
  }

  const file = new h5wasm.File(args.weights, 'r');
  let stats;
  try {
    const classOf = {};
    for (const l of (config.config && config.config.layers) || []) {
      if (l.config && l.config.name) classOf[l.config.name] = originalClass[l.config.name] || l.class_name;
    }
    stats = loadWeights(tf, h5wasm, model, file, classOf);
  } finally {
    file.close();
  }
  console.log(`weights: ${stats.total} datasets loaded into ${stats.layersWithWeights} layers`);

  // Inputs.
  const rIn = report.inputs || [];
  if (rIn.length !== caseInfo.inputs.length) {
    fail(`report lists ${rIn.length} inputs, the PyTorch model takes ${caseInfo.inputs.length}`);
  }
  if (model.inputs.length !== caseInfo.inputs.length) {
    fail(`Keras model has ${model.inputs.length} inputs, the PyTorch model takes ${caseInfo.inputs.length}`);
  }
  const feeds = caseInfo.inputs.map((inp, i) => {
    const data = readBin(path.join(args.caseDir, inp.file), inp.dtype, inp.shape);
    const perm = rIn[i].source_to_target_perm;
    checkPerm(perm, inp.shape.length, `inputs[${i}]`);
    const src = tf.tensor(data, inp.shape, inp.dtype);
    const t = tf.transpose(src, perm);
    checkReportShape(rIn[i].shape, t.shape, `inputs[${i}]`);
    const kshape = model.inputs[i].shape;
    if (kshape.length !== t.shape.length || !kshape.every((d, j) => d === null || d === t.shape[j])) {
      fail(`Keras input ${i} ('${model.inputs[i].name}') has shape [${kshape}] but the permuted ` +
           `PyTorch input has [${t.shape}]`);
    }
    if (inp.dtype === 'int32' && model.inputs[i].dtype !== 'int32') {
      console.log(`note: Keras input ${i} has dtype ${model.inputs[i].dtype}; feeding int32 ids`);
    }
    return t;
  });

  // predict() reshapes a rank-1 input (sequence lengths, (N,)) to (N, 1); apply() runs the model
  // on the tensors as they are, in inference mode too.
  const rank1 = feeds.some((t) => t.rank === 1);
  let preds = rank1 ? model.apply(feeds.length === 1 ? feeds[0] : feeds, { training: false })
                    : model.predict(feeds.length === 1 ? feeds[0] : feeds, { batchSize: feeds[0].shape[0] });
  if (!Array.isArray(preds)) preds = [preds];

  const rOut = report.outputs || [];
  const n = caseInfo.outputs.length;
  if (rOut.length !== n) fail(`report lists ${rOut.length} outputs, the PyTorch model returns ${n}`);
  if (preds.length !== n) fail(`Keras model returns ${preds.length} outputs, the PyTorch model returns ${n}`);

  let worst = 0;
  let ok = true;
  caseInfo.outputs.forEach((out, i) => {
    const data = readBin(path.join(args.caseDir, out.file), 'float32', out.shape);
    const perm = rOut[i].source_to_target_perm;
    checkPerm(perm, out.shape.length, `outputs[${i}]`);
    const expected = tf.transpose(tf.tensor(data, out.shape, 'float32'), perm);
    checkReportShape(rOut[i].shape, expected.shape, `outputs[${i}]`);
    const got = preds[i];
    if (!sameShape(got.shape, expected.shape)) {
      fail(`output ${i}: Keras gives shape [${got.shape}], permuted PyTorch output is [${expected.shape}]`);
    }
    const g = got.dataSync();
    const e = expected.dataSync();
    let maxDiff = 0;
    let at = 0;
    for (let j = 0; j < e.length; j++) {
      const d = Math.abs(g[j] - e[j]);
      if (!(d <= maxDiff)) { maxDiff = Number.isNaN(d) ? Infinity : d; at = j; }
    }
    worst = Math.max(worst, maxDiff);
    const verdict = maxDiff <= args.tol ? 'ok' : 'MISMATCH';
    if (maxDiff > args.tol) ok = false;
    console.log(`output ${i}: shape [${got.shape}] max abs diff ${maxDiff.toExponential(3)} ` +
                `(tolerance ${args.tol}) ${verdict}` +
                (maxDiff > args.tol ? `; first worst at flat index ${at}: keras ${g[at]} vs torch ${e[at]}` : ''));
  });
  console.log(`RESULT ${ok ? 'PASS' : 'FAIL'} max_abs_diff=${worst.toExponential(3)}`);
  return ok ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  if (err instanceof Failure) console.log(`RESULT FAIL ${err.message}`);
  else console.log(`RESULT FAIL unexpected error: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
