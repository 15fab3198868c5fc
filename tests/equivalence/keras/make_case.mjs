// Keras side of the Keras -> PyTorch equivalence tests: build the oracle's model in
// TensorFlow.js, seed every weight, write them as a Keras 3 `.weights.h5`, run a seeded input.
//
//   node make_case.mjs --model-json ORACLE/model.json --layout ORACLE/layout.json --out CASEDIR
//
// Writes CASEDIR/model.weights.h5, CASEDIR/model.tfjs.json (the config as loaded, after
// keras_side_layers.mjs' adaptConfig), CASEDIR/input_<i>.bin, CASEDIR/output_<i>.bin (little-endian
// float32, int32 for integer inputs) and CASEDIR/case.json ({inputs: [{file, dtype, shape}],
// outputs: [{file, shape}], weights, layers}), the form run_keras.mjs reads.
//
// The weights file has exactly the layout Keras 3's saving_lib writes for model.save_weights:
// a "<path>/vars" group for every saveable the oracle listed (empty for weightless layers and
// containers, "vars" at the root), each layer's variables as datasets "0".."n-1" in Keras order
// (trainable then non-trainable: kernel, bias; gamma, beta, moving_mean, moving_variance), a
// recurrent layer's under "<path>/cell/vars", Bidirectional's under
// "<path>/{forward,backward}_layer/cell/vars", TimeDistributed's under "<path>/layer/vars",
// MultiHeadAttention's under "<path>/{key,output,query,value}_dense/vars" (its public properties
// sort before the private attributes holding the same EinsumDense layers).
// The layer paths come from the oracle (layout.json), which mirrors saving_lib's walk over the
// model object, so subclassed models get their attribute-based paths.
//
// Weights are drawn from a fixed-seed generator, per layer name, at a scale that keeps the
// activations O(1): kernels U(+-sqrt(3 / fan_in)), biases U(+-0.2), BatchNormalization gamma
// U(0.6, 1.4) and moving_variance U(0.5, 1.5) (positive), embeddings U(+-1). Float inputs are
// U(-1, 1) (header range=LO,HI: U(LO, HI)); integer inputs U{0..vocab-1}. Outputs that are nearly constant or larger than 50 in
// magnitude are refused, so the 1e-5 comparison stays meaningful.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

import {adaptConfig, registerKerasSideLayers} from './keras_side_layers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

class Failure extends Error {}
const fail = (msg) => {
  throw new Failure(msg);
};

for (const fn of ['log', 'warn', 'info']) {
  const orig = console[fn].bind(console);
  console[fn] = (...a) => {
    if (a.length && typeof a[0] === 'string' && /tfjs-node|^\s*=+\s*$/.test(a[0])) return;
    orig(...a);
  };
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) fail(`missing value for ${key}`);
    if (key === '--model-json') args.modelJson = value;
    else if (key === '--layout') args.layout = value;
    else if (key === '--out') args.out = value;
    else fail(`unknown argument ${key}`);
  }
  for (const k of ['modelJson', 'layout', 'out']) if (!args[k]) fail(`missing --${k}`);
  return args;
}

// mulberry32 over a string seed: the same layer name always gets the same weights.
function rng(seedText) {
  let h = 2166136261;
  for (const c of seedText) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  let a = h;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(n, lo, hi, next) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

// The range of one variable, from its Keras name (the part after the last '/').
function seededValues(variableName, shape, next) {
  const n = shape.reduce((a, b) => a * b, 1);
  const base = variableName.split('/').pop().replace(/_\d+$/, '');
  if (/kernel$/.test(base)) {
    const fanIn = shape.length >= 2 ? n / shape[shape.length - 1] : n;
    const a = Math.sqrt(3 / Math.max(fanIn, 1));
    return uniform(n, -a, a, next);
  }
  if (base === 'gamma') return uniform(n, 0.6, 1.4, next);
  if (base === 'moving_variance') return uniform(n, 0.5, 1.5, next);
  if (base === 'variance') return uniform(n, 0.5, 1.5, next); // Normalization statistics (adapt())
  if (base === 'moving_mean') return uniform(n, -0.3, 0.3, next);
  if (base === 'embeddings') return uniform(n, -1, 1, next);
  if (base === 'alpha') return uniform(n, 0.05, 0.3, next); // PReLU slope
  return uniform(n, -0.2, 0.2, next); // bias, beta, anything else
}

// Dataset paths of one layer's weights, in TensorFlow.js' weight order (= Keras' order).
function datasetPaths(cls, layerPath, count) {
  if (['LSTM', 'GRU', 'SimpleRNN', 'ConvLSTM2D'].includes(cls)) {
    return {paths: [...Array(count).keys()].map((i) => `${layerPath}/cell/vars/${i}`),
            groups: [`${layerPath}/cell`]};
  }
  if (cls === 'Bidirectional') {
    const half = count / 2;
    return {paths: [...Array(count).keys()].map((i) => (i < half ? `${layerPath}/forward_layer/cell/vars/${i}`
        : `${layerPath}/backward_layer/cell/vars/${i - half}`)),
            groups: ['forward_layer', 'forward_layer/cell', 'backward_layer', 'backward_layer/cell']
                .map((s) => `${layerPath}/${s}`)};
  }
  if (cls === 'TimeDistributed') {
    return {paths: [...Array(count).keys()].map((i) => `${layerPath}/layer/vars/${i}`),
            groups: [`${layerPath}/layer`]};
  }
  return {paths: [...Array(count).keys()].map((i) => `${layerPath}/vars/${i}`), groups: []};
}

function sublayerPaths(layerPath, relative) {
  const paths = relative.map((rel) => `${layerPath}/${rel}`);
  const groups = [...new Set(paths.map((p) => p.slice(0, p.lastIndexOf('/vars/'))))];
  return {paths, groups};
}

function ensureGroup(file, h5wasm, groupPath) {
  let node = file;
  for (const part of groupPath.split('/').filter(Boolean)) {
    const child = node.keys().includes(part) ? node.get(part) : node.create_group(part);
    if (!(child instanceof h5wasm.Group)) fail(`h5: '${groupPath}' crosses a dataset`);
    node = child;
  }
  return node;
}

function writeBin(file, typed) {
  fs.writeFileSync(file, Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  await tf.ready();
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const custom = await import(pathToFileURL(path.join(here, '..', 'oracle', 'keras_custom.mjs')).href);
  custom.registerCustomLayers(tf);
  registerKerasSideLayers(tf);

  const layout = JSON.parse(fs.readFileSync(args.layout, 'utf8'));
  const config = adaptConfig(JSON.parse(fs.readFileSync(args.modelJson, 'utf8')));
  fs.mkdirSync(args.out, {recursive: true});
  // The loader's copy of the config, for the run_keras.mjs layout cross-check (run_case.py).
  fs.writeFileSync(path.join(args.out, 'model.tfjs.json'), JSON.stringify(config));
  let model;
  try {
    model = await tf.models.modelFromJSON(config);
  } catch (e) {
    fail(`tf.models.modelFromJSON rejected the oracle's config: ${e.message}`);
  }

  // Seed and place every weight.
  const h5path = path.join(args.out, 'model.weights.h5');
  const file = new h5wasm.File(h5path, 'w');
  const written = [];
  try {
    for (const g of layout.groups) ensureGroup(file, h5wasm, g ? `${g}/vars` : 'vars');
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue;
      const entry = layout.layers[layer.name];
      if (!entry) fail(`layer '${layer.name}' has weights but the oracle gave it no Keras 3 path`);
      const next = rng(layer.name);
      // Layers that save variables in sublayers (MultiHeadAttention: key_dense, ...) list them;
      // the oracle lists the paths of a custom layer's variables (NnportWeightOp).
      const {paths, groups} = entry.var_paths ? {paths: entry.var_paths, groups: []}
          : typeof layer.kerasWeightPaths === 'function'
          ? sublayerPaths(entry.path, layer.kerasWeightPaths())
          : datasetPaths(entry.class, entry.path, layer.weights.length);
      for (const g of groups) ensureGroup(file, h5wasm, `${g}/vars`);
      const values = layer.weights.map((w, i) => {
        const data = seededValues(w.originalName || w.name, w.shape, next);
        const slash = paths[i].lastIndexOf('/');
        ensureGroup(file, h5wasm, paths[i].slice(0, slash)).create_dataset(
            {name: paths[i].slice(slash + 1), data, shape: w.shape, dtype: '<f'});
        written.push({path: paths[i], shape: w.shape, variable: w.originalName || w.name});
        return tf.tensor(data, w.shape, 'float32');
      });
      layer.setWeights(values);
      tf.dispose(values);
    }
  } finally {
    file.close();
  }

  // header pad=pre|post|scattered (ids (N, T)): id 0 is padding (Embedding(mask_zero=True)). The
  // other ids are drawn from U{1..vocab-1}; sequence b gets b * (T - 1) / (N - 1) padding steps
  // (from none to all but one) at the start (pre, Keras' pad_sequences default), at the end
  // (post), or at random steps (scattered, always keeping one).
  function paddedSteps(n, t, b, mode, next) {
    const pads = n > 1 ? Math.floor((b * (t - 1)) / (n - 1)) : 0;
    const padded = new Set();
    if (mode === 'pre') for (let i = 0; i < pads; ++i) padded.add(i);
    else if (mode === 'post') for (let i = 0; i < pads; ++i) padded.add(t - 1 - i);
    else if (mode === 'scattered') while (padded.size < pads) padded.add(Math.floor(next() * t));
    else fail(`pad=${mode}: expected pre, post or scattered`);
    return padded;
  }
  function padIds(data, shape, mode, next, vocab) {
    if (shape.length !== 2) fail('pad= needs (N, T) integer inputs');
    const [n, t] = shape;
    for (let b = 0; b < n; ++b) {
      const padded = paddedSteps(n, t, b, mode, next);
      for (let i = 0; i < t; ++i)
        data[b * t + i] = padded.has(i) ? 0 : 1 + Math.floor(next() * (vocab - 1));
    }
  }
  // Float (N, T, F) inputs (Masking(mask_value=0.0)): the padded steps are all-zero vectors.
  function padSteps(data, shape, mode, next) {
    if (shape.length !== 3) fail('pad= needs (N, T) integer or (N, T, F) float inputs');
    const [n, t, f] = shape;
    for (let b = 0; b < n; ++b)
      for (const i of paddedSteps(n, t, b, mode, next)) data.fill(0, (b * t + i) * f, (b * t + i + 1) * f);
  }

  // Seeded inputs, one forward pass.
  const header = layout.header;
  const batch = header.batch;
  const caseInfo = {inputs: [], outputs: [], weights: 'model.weights.h5', datasets: written};
  const feeds = layout.inputs.map((inp, i) => {
    const shape = [batch, ...inp.shape.slice(1)];
    const n = shape.reduce((a, b) => a * b, 1);
    const next = rng(`input_${i}`);
    const isInt = inp.dtype.startsWith('int');
    let data;
    if (isInt) {
      if (!header.vocab) fail('integer inputs need vocab= in the header');
      data = Int32Array.from({length: n}, () => Math.floor(next() * header.vocab));
      if (header.pad) padIds(data, shape, header.pad, next, header.vocab);
    } else {
      const [lo, hi] = header.range ?? [-1, 1];
      data = uniform(n, lo, hi, next);
      if (header.pad) padSteps(data, shape, header.pad, next);
    }
    writeBin(path.join(args.out, `input_${i}.bin`), data);
    caseInfo.inputs.push({file: `input_${i}.bin`, dtype: isInt ? 'int32' : 'float32', shape});
    return tf.tensor(data, shape, isInt ? 'int32' : 'float32');
  });
  let preds = model.predict(feeds.length === 1 ? feeds[0] : feeds, {batchSize: batch});
  if (!Array.isArray(preds)) preds = [preds];
  if (preds.length !== layout.outputs) {
    fail(`the model gives ${preds.length} outputs, the oracle traced ${layout.outputs}`);
  }
  preds.forEach((p, i) => {
    const data = Float32Array.from(p.dataSync());
    let lo = Infinity, hi = -Infinity, big = 0;
    for (const v of data) {
      if (!Number.isFinite(v)) fail(`output ${i} has a non-finite value`);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      big = Math.max(big, Math.abs(v));
    }
    if (hi - lo < 1e-3) fail(`output ${i} is nearly constant (range ${hi - lo}); the 1e-5 check would be weak`);
    if (big > 50) fail(`output ${i} reaches ${big}; rescale the model so 1e-5 stays meaningful`);
    writeBin(path.join(args.out, `output_${i}.bin`), data);
    caseInfo.outputs.push({file: `output_${i}.bin`, shape: p.shape});
    console.log(`output ${i}: shape [${p.shape}] range [${lo.toFixed(4)}, ${hi.toFixed(4)}]`);
  });
  fs.writeFileSync(path.join(args.out, 'case.json'), JSON.stringify(caseInfo, null, 1));
  console.log(`weights: ${written.length} datasets in ${layout.groups.length} saveable groups`);
  console.log('RESULT OK');
}

main().then(() => process.exit(0), (err) => {
  if (err instanceof Failure) console.log(`RESULT FAIL ${err.message}`);
  else console.log(`RESULT FAIL unexpected error: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
