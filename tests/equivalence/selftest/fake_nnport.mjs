// Self-test of the equivalence harness, independent of nnport: a hand-written "migration" of two
// of the test models (mlp_basic, cnn_small), producing exactly what `nnport migrate` is supposed
// to produce - the Keras JSON config (tf.keras 2.x model.to_json() format), a Keras 3
// `.weights.h5` file ("layers/<snake_case class>[_k]/vars/<i>", written with h5wasm from the case's
// weights.safetensors) and the JSON report - plus a generated Keras Python file for the
// Python/JSON drift check.
//
//   node fake_nnport.mjs MODEL_STEM CASEDIR OUTDIR [--break WHAT]
//
// --break introduces one deliberate fault, so the self-test also proves the harness catches it:
//   weights-missing | weights-extra | weights-shape | perm | value | py-kwarg | py-name
//
// It checks nothing by itself; run_case.py --selftest drives it.
import fs from 'node:fs';
import path from 'node:path';

const [stem, caseDir, outDir, breakFlag, breakWhat] = process.argv.slice(2);
const brk = breakFlag === '--break' ? breakWhat : null;

function readSafetensors(file) {
  const buf = fs.readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const out = {};
  for (const [k, info] of Object.entries(header)) {
    if (k === '__metadata__') continue;
    const [b, e] = info.data_offsets;
    const bytes = buf.subarray(8 + n + b, 8 + n + e);
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    out[k] = { shape: info.shape, data: info.dtype === 'F32' ? new Float32Array(ab) : new BigInt64Array(ab) };
  }
  return out;
}

// Generic transpose of a flat row-major array.
function transpose(data, shape, perm) {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
  const out = new Float32Array(data.length);
  const idx = new Array(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d] * inStrides[perm[d]];
    out[o] = data[src];
    for (let d = rank - 1; d >= 0; d--) { if (++idx[d] < outShape[d]) break; idx[d] = 0; }
  }
  return { data: out, shape: outShape };
}

const sd = readSafetensors(path.join(caseDir, 'weights.safetensors'));
const dense = (k) => [transpose(sd[`${k}.weight`].data, sd[`${k}.weight`].shape, [1, 0]), sd[`${k}.bias`]];
const conv2d = (k) => [transpose(sd[`${k}.weight`].data, sd[`${k}.weight`].shape, [2, 3, 1, 0]), sd[`${k}.bias`]];
const bn = (k) => ['weight', 'bias', 'running_mean', 'running_var'].map((s) => sd[`${k}.${s}`]);

// Layer list: [className, name, config, inboundNames, weights, pythonKwargsText]
const L = [];
const layer = (cls, name, config, inbound, weights = [], py = null) =>
  L.push({ cls, name, config, inbound, weights, py });
let inputs;
let outputs;
let report;

if (stem === 'mlp_basic') {
  layer('InputLayer', 'x', { batch_input_shape: [null, 20], dtype: 'float32', sparse: false, ragged: false }, []);
  layer('Dense', 'fc1', { units: 64, activation: 'linear', use_bias: true }, ['x'], dense('fc1'), 'units=64, activation=None, use_bias=True');
  layer('ReLU', 'act1', {}, ['fc1'], [], '');
  layer('Dropout', 'drop1', { rate: 0.3 }, ['act1'], [], 'rate=0.3');
  layer('Dense', 'fc2', { units: 32, activation: 'linear', use_bias: true }, ['drop1'], dense('fc2'), '32, activation=None');
  layer('ReLU', 'act2', {}, ['fc2'], [], '');
  layer('Dropout', 'drop2', { rate: 0.3 }, ['act2'], [], '0.3');
  layer('Dense', 'out', { units: 5, activation: 'linear', use_bias: true }, ['drop2'], dense('out'), 'units=5');
  inputs = ['x']; outputs = ['out'];
  report = { inputs: [{ name: 'x', shape: [null, 20], dtype: 'float32', source_to_target_perm: [0, 1] }],
             outputs: [{ name: 'output_0', shape: [null, 5], dtype: 'float32', source_to_target_perm: [0, 1] }] };
} else if (stem === 'cnn_small') {
  const bnc = { axis: -1, momentum: 0.9, epsilon: 1e-5, center: true, scale: true };
  layer('InputLayer', 'x', { batch_input_shape: [null, 16, 16, 3], dtype: 'float32', sparse: false, ragged: false }, []);
  layer('ZeroPadding2D', 'conv1_pad', { padding: [[1, 1], [1, 1]] }, ['x'], [], 'padding=1');
  layer('Conv2D', 'conv1', { filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], activation: 'linear', use_bias: true, data_format: 'channels_last' }, ['conv1_pad'], conv2d('conv1'), "8, 3, strides=1, padding='valid'");
  layer('BatchNormalization', 'bn1', bnc, ['conv1'], bn('bn1'), 'axis=-1, momentum=0.9, epsilon=1e-05');
  layer('ReLU', 'relu1', {}, ['bn1'], [], '');
  layer('MaxPooling2D', 'pool1', { pool_size: [2, 2], strides: [2, 2], padding: 'valid' }, ['relu1'], [], 'pool_size=2, strides=2');
  layer('ZeroPadding2D', 'conv2_pad', { padding: [[1, 1], [1, 1]] }, ['pool1'], [], 'padding=(1, 1)');
  layer('Conv2D', 'conv2', { filters: 16, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], activation: 'linear', use_bias: true }, ['conv2_pad'], conv2d('conv2'), 'filters=16, kernel_size=(3, 3)');
  layer('BatchNormalization', 'bn2', bnc, ['conv2'], bn('bn2'), 'axis=-1, epsilon=1e-05');
  layer('ReLU', 'relu2', {}, ['bn2'], [], '');
  layer('MaxPooling2D', 'pool2', { pool_size: [2, 2], strides: [2, 2], padding: 'valid' }, ['relu2'], [], '(2, 2)');
  layer('Permute', 'flatten_nchw', { dims: [3, 1, 2] }, ['pool2'], [], 'dims=(3, 1, 2)');
  layer('Flatten', 'flatten', {}, ['flatten_nchw'], [], '');
  layer('Dense', 'fc', { units: 10, activation: 'linear' }, ['flatten'], dense('fc'), '10');
  inputs = ['x']; outputs = ['fc'];
  report = { inputs: [{ name: 'x', shape: [null, 16, 16, 3], dtype: 'float32', source_to_target_perm: [0, 2, 3, 1] }],
             outputs: [{ name: 'output_0', shape: [null, 10], dtype: 'float32', source_to_target_perm: [0, 1] }] };
} else {
  console.error(`fake_nnport: no hand migration for ${stem}`);
  process.exit(2);
}

// Deliberate faults.
if (brk === 'perm') report.inputs[0].source_to_target_perm = [0, 3, 2, 1].slice(0, report.inputs[0].source_to_target_perm.length);
if (brk === 'perm' && stem === 'mlp_basic') report.inputs[0].source_to_target_perm = [1, 0];
if (brk === 'value') L.filter((l) => l.weights.length).pop().weights[1].data[0] += 1e-3;

const modelConfig = {
  class_name: 'Functional',
  config: {
    name: stem, trainable: true,
    layers: L.map((l) => ({
      class_name: l.cls,
      config: { name: l.name, trainable: true, dtype: 'float32', ...l.config },
      name: l.name,
      inbound_nodes: l.inbound.length ? [l.inbound.map((n) => [n, 0, 0, {}])] : [],
    })),
    input_layers: inputs.map((n) => [n, 0, 0]),
    output_layers: outputs.map((n) => [n, 0, 0]),
  },
  keras_version: '2.15.0', backend: 'tensorflow',
};
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'model.json'), JSON.stringify(modelConfig));

// Generated Python (functional style), one line per layer.
const pyLines = ['import keras', 'from keras import layers', '', '', `def build_${stem}():`];
for (const l of L) {
  let name = l.name;
  if (brk === 'py-name' && l.cls === 'Dense') name = `${name}_renamed`;
  let kw = l.py;
  if (brk === 'py-kwarg' && l.cls === 'Dense') kw = kw ? `${kw}, use_bias=False` : 'use_bias=False';
  if (l.cls === 'InputLayer') {
    const shape = l.config.batch_input_shape.slice(1);
    pyLines.push(`    ${l.name} = keras.Input(shape=(${shape.join(', ')},), name=${JSON.stringify(l.name)})`);
  } else {
    const args = (kw ? `${kw}, ` : '') + `name=${JSON.stringify(name)}`;
    pyLines.push(`    ${l.name} = layers.${l.cls}(${args})(${l.inbound.join(', ')})`);
  }
}
pyLines.push(`    return keras.Model(inputs=[${inputs.join(', ')}], outputs=[${outputs.join(', ')}], name=${JSON.stringify(stem)})`, '');
fs.writeFileSync(path.join(outDir, `${stem}.py`), pyLines.join('\n'));

// Keras 3 weights file.
const h5wasm = (await import('h5wasm/node')).default;
await h5wasm.ready;
const h5path = path.join(outDir, `${stem}.weights.h5`);
const f = new h5wasm.File(h5path, 'w');
f.create_group('layers');
const snake = (n) => n.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
const used = {};
for (const l of L) {
  if (l.cls === 'InputLayer') continue;
  let key = snake(l.cls);  // Keras 3 path: snake_case(class) + per-class counter
  if (key in used) { used[key] += 1; key = `${key}_${used[key]}`; } else used[key] = 0;
  const g = f.get('layers').create_group(key);
  const v = g.create_group('vars');
  let ws = l.weights;
  if (brk === 'weights-missing' && ws.length) ws = ws.slice(0, -1);
  ws.forEach((w, i) => {
    let shape = w.shape;
    if (brk === 'weights-shape' && i === 0 && shape.length === 2) shape = [shape[1], shape[0]];
    v.create_dataset({ name: String(i), data: Float32Array.from(w.data), shape, dtype: '<f' });
  });
}
if (brk === 'weights-extra') {
  f.get('layers').create_group('ghost').create_group('vars')
    .create_dataset({ name: '0', data: new Float32Array([1, 2]), shape: [2], dtype: '<f' });
}
f.create_group('vars');
f.close();

fs.writeFileSync(path.join(outDir, 'report.json'), JSON.stringify({
  nnport_version: 'selftest', source: `${stem}.py`, source_framework: 'pytorch', target_framework: 'keras',
  status: 'complete', output: path.join(outDir, `${stem}.py`),
  entry: { name: `build_${stem}`, kind: 'function', args: {} },
  ...report,
  weights: { input: 'weights.safetensors', output: h5path },
  diagnostics: [],
}, null, 1));
