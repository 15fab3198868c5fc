// Keras side of the training tests: trains the recorded model (record.py) in TensorFlow.js from
// the seeded initial weights (make_case.mjs) and logs the loss of every training batch.
//
//   node train_tfjs.mjs --record RECDIR --case CASEDIR --steps N --out losses.json
//
// The model is tf.models.modelFromJSON(CASEDIR/model.tfjs.json) with the weights of
// CASEDIR/model.weights.h5 (datasets in the order make_case.mjs wrote them). The batches are
// those of the first fit(...): the arrays it was given (the LEADING 1 - validation_split part,
// as Keras splits before shuffling), batch_size (32 when absent) or the pipeline's batch(...),
// in order: shuffling is OFF here, and the PyTorch side is run with shuffling off too, so both
// see the same batches. Losses and optimisers are Keras 3's formulas written out here
// (keras/src/losses, keras/src/optimizers), not tfjs's, whose epsilon handling differs:
// cross-entropies from probabilities clip to [1e-7, 1 - 1e-7]; L2 kernel regularizers add
// c * sum(w^2) to the loss; Adam/AdamW/SGD(momentum, nesterov)/RMSprop/Adagrad updates.
// Dropout layers run in training mode (tests use none, or rate 0).
//
// Writes {"losses": [...], "optimizer": {...}, "loss": {...}, "batches": K}.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const equiv = path.join(here, '..', '..', 'equivalence');

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
  const args = {steps: 5};
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) fail(`missing value for ${key}`);
    if (key === '--record') args.record = value;
    else if (key === '--case') args.caseDir = value;
    else if (key === '--steps') args.steps = Number(value);
    else if (key === '--out') args.out = value;
    else fail(`unknown argument ${key}`);
  }
  for (const k of ['record', 'caseDir', 'out']) if (!args[k]) fail(`missing --${k}`);
  return args;
}

// NumPy .npy (version 1/2, little-endian, C order) -> {data: Float32Array|Int32Array, shape}.
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') fail(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) fail(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = buf.subarray(start + headerLen);
  const n = shape.reduce((a, b) => a * b, 1);
  const ab = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
  const readers = {
    '<f4': () => new Float32Array(ab, 0, n), '<f8': () => Float32Array.from(new Float64Array(ab, 0, n)),
    '<i4': () => new Int32Array(ab, 0, n), '<i8': () => Int32Array.from(new BigInt64Array(ab, 0, n), Number),
    '|u1': () => Int32Array.from(new Uint8Array(ab, 0, n)), '|b1': () => Int32Array.from(new Uint8Array(ab, 0, n)),
    '<i2': () => Int32Array.from(new Int16Array(ab, 0, n)), '<u2': () => Int32Array.from(new Uint16Array(ab, 0, n)),
  };
  if (!readers[descr]) fail(`${file}: dtype ${descr} not read`);
  return {data: readers[descr](), shape, float: descr.includes('f')};
}

// The class name of a recorded object or the string itself.
function specOf(value) {
  if (typeof value === 'string') return {name: value, kwargs: {}, args: []};
  if (value && value.class) return {name: value.class.split('.').pop(), kwargs: value.kwargs || {}, args: value.args || []};
  fail(`cannot read ${JSON.stringify(value)}`);
}

const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function makeLoss(tf, recorded) {
  const {name, kwargs} = specOf(recorded);
  const key = snake(name);
  const eps = 1e-7;
  const fromLogits = Boolean(kwargs.from_logits);
  const probs = (p) => tf.clipByValue(p.div(p.sum(-1, true)), eps, 1 - eps);
  const losses = {
    sparse_categorical_crossentropy: (y, p) => {
      const logp = fromLogits ? tf.logSoftmax(p) : tf.log(probs(p));
      const onehot = tf.oneHot(y.reshape([-1]).toInt(), p.shape[p.shape.length - 1]);
      return onehot.mul(logp).sum(-1).neg().mean();
    },
    categorical_crossentropy: (y, p) => {
      const logp = fromLogits ? tf.logSoftmax(p) : tf.log(probs(p));
      // Keras 3: y * (1 - label_smoothing) + label_smoothing / number of classes.
      const ls = kwargs.label_smoothing ?? 0;
      const target = ls ? y.mul(1 - ls).add(ls / p.shape[p.shape.length - 1]) : y;
      return target.mul(logp).sum(-1).neg().mean();
    },
    binary_crossentropy: (y, p) => {
      // Keras 3: y * (1 - label_smoothing) + label_smoothing / 2.
      const ls = kwargs.label_smoothing ?? 0;
      if (ls) y = y.mul(1 - ls).add(ls / 2);
      let bce;
      if (fromLogits) {
        bce = tf.relu(p).sub(p.mul(y)).add(tf.log1p(tf.exp(p.abs().neg())));
      } else {
        const q = tf.clipByValue(p, eps, 1 - eps);
        bce = y.mul(tf.log(q.add(eps))).add(tf.scalar(1).sub(y).mul(tf.log(tf.scalar(1).sub(q).add(eps)))).neg();
      }
      return bce.mean(-1).mean();
    },
    mean_squared_error: (y, p) => p.sub(y).square().mean(-1).mean(),
    mean_absolute_error: (y, p) => p.sub(y).abs().mean(-1).mean(),
    huber: (y, p) => {
      const d = kwargs.delta ?? 1.0;
      const err = p.sub(y).abs();
      const quad = tf.minimum(err, d);
      return quad.square().mul(0.5).add(err.sub(quad).mul(d)).mean(-1).mean();
    },
  };
  const alias = {mse: 'mean_squared_error', mae: 'mean_absolute_error', huber_loss: 'huber',
                 sparse_categorical_crossentropy: 'sparse_categorical_crossentropy'};
  const mean = losses[alias[key] || key];
  if (!mean) fail(`loss ${name} is not transcribed here`);
  // reduction="sum": the per-sample losses summed (each function above averages them).
  const reduction = kwargs.reduction ?? 'sum_over_batch_size';
  if (!['sum', 'sum_over_batch_size'].includes(reduction)) fail(`reduction ${reduction} is not transcribed`);
  const fn = reduction === 'sum' ? (y, p) => mean(y, p).mul(p.shape[0]) : mean;
  return {fn, description: {name: alias[key] || key, from_logits: fromLogits, reduction}};
}

// Keras 3 optimiser updates (keras/src/optimizers/*.py update_step), one state per variable.
function makeOptimizer(tf, recorded) {
  const {name, kwargs} = specOf(recorded);
  const key = name.toLowerCase();
  const defaults = {
    sgd: {learning_rate: 0.01, momentum: 0.0, nesterov: false},
    adam: {learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7},
    adamw: {learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, weight_decay: 0.004},
    rmsprop: {learning_rate: 0.001, rho: 0.9, momentum: 0.0, epsilon: 1e-7, centered: false},
    adagrad: {learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7},
  };
  if (!defaults[key]) fail(`optimizer ${name} is not transcribed here`);
  // Positional arguments in Keras 3's order (Adam(0.01) is learning_rate=0.01).
  const order = {
    sgd: ['learning_rate', 'momentum', 'nesterov'],
    adam: ['learning_rate', 'beta_1', 'beta_2', 'epsilon'],
    adamw: ['learning_rate', 'weight_decay', 'beta_1', 'beta_2', 'epsilon'],
    rmsprop: ['learning_rate', 'rho', 'momentum', 'epsilon', 'centered'],
    adagrad: ['learning_rate', 'initial_accumulator_value', 'epsilon'],
  };
  const positional = specOf(recorded).args;
  if (positional.length > order[key].length) fail(`optimizer ${name}: ${positional.length} positional arguments`);
  const named = Object.fromEntries(positional.map((v, i) => [order[key][i], v]));
  const h = {...defaults[key], ...named, ...kwargs};
  // A LearningRateSchedule is recorded as its rate at each step (record.py evaluates it).
  const perStep = h.learning_rate && Array.isArray(h.learning_rate.per_step) ? h.learning_rate.per_step : null;
  if (typeof h.learning_rate !== 'number' && !perStep) fail(`learning_rate ${JSON.stringify(h.learning_rate)}: only constants and recorded schedules`);
  for (const k of ['clipnorm', 'clipvalue']) if (kwargs[k] != null) fail(`${k} is not transcribed`);
  const state = new Map();
  let iterations = 0;
  // keras.callbacks.LearningRateScheduler: the rate record.py computed for each epoch.
  let epochRate = null;
  const setEpochRate = (lr) => {
    if (perStep) fail('a LearningRateScheduler with a LearningRateSchedule is not transcribed');
    epochRate = lr;
  };
  const apply = (variables, grads) => {
    iterations += 1;
    const t = iterations;
    if (perStep && t > perStep.length) fail(`the schedule was recorded for ${perStep.length} steps only`);
    const lr = perStep ? perStep[t - 1] : epochRate ?? h.learning_rate;
    tf.tidy(() => {
      if (h.global_clipnorm != null) {
        // Keras 3 clip_by_global_norm: g * clipnorm / max(global norm, clipnorm).
        const norm = Math.sqrt(variables.reduce((acc, v) => acc + (grads[v.name] ? grads[v.name].square().sum().dataSync()[0] : 0), 0));
        const scale = h.global_clipnorm / Math.max(norm, h.global_clipnorm);
        for (const v of variables) if (grads[v.name]) grads[v.name] = tf.keep(grads[v.name].mul(scale));
      }
      for (const v of variables) {
        const g = grads[v.name];
        if (!g) continue;
        let s = state.get(v.name);
        if (!s) {
          s = {m: tf.zerosLike(v), v: key === 'adagrad' ? tf.fill(v.shape, h.initial_accumulator_value) : tf.zerosLike(v),
               mg: tf.zerosLike(v)};
          for (const x of Object.values(s)) tf.keep(x);
          state.set(v.name, s);
        }
        const replace = (field, value) => {
          const kept = tf.keep(value);
          s[field].dispose();
          s[field] = kept;
        };
        if (key === 'adam' || key === 'adamw') {
          if (key === 'adamw') v.assign(v.sub(v.mul(lr * h.weight_decay)));
          const alpha = lr * Math.sqrt(1 - Math.pow(h.beta_2, t)) / (1 - Math.pow(h.beta_1, t));
          replace('m', s.m.add(g.sub(s.m).mul(1 - h.beta_1)));
          replace('v', s.v.add(g.square().sub(s.v).mul(1 - h.beta_2)));
          v.assign(v.sub(s.m.mul(alpha).div(s.v.sqrt().add(h.epsilon))));
        } else if (key === 'sgd') {
          if (h.momentum) {
            replace('m', s.m.mul(h.momentum).sub(g.mul(lr)));
            v.assign(h.nesterov ? v.add(s.m.mul(h.momentum).sub(g.mul(lr))) : v.add(s.m));
          } else {
            v.assign(v.sub(g.mul(lr)));
          }
        } else if (key === 'rmsprop') {
          replace('v', s.v.mul(h.rho).add(g.square().mul(1 - h.rho)));
          let denom = s.v;
          if (h.centered) {
            replace('mg', s.mg.mul(h.rho).add(g.mul(1 - h.rho)));
            denom = s.v.sub(s.mg.square());
          }
          const increment = g.mul(lr).div(denom.add(h.epsilon).sqrt());
          if (h.momentum) {
            replace('m', s.m.mul(h.momentum).add(increment));
            v.assign(v.sub(s.m));
          } else {
            v.assign(v.sub(increment));
          }
        } else if (key === 'adagrad') {
          replace('v', s.v.add(g.square()));
          v.assign(v.sub(g.mul(lr).div(s.v.add(h.epsilon).sqrt())));
        }
      }
    });
  };
  return {apply, setEpochRate, description: {name: key, ...h, ...(perStep ? {learning_rate: `a schedule, ${perStep.length} steps recorded, from ${perStep[0]}`} : {})}};
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  await tf.ready();
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const custom = await import(pathToFileURL(path.join(equiv, 'oracle', 'keras_custom.mjs')).href);
  custom.registerCustomLayers(tf);
  const side = await import(pathToFileURL(path.join(equiv, 'keras', 'keras_side_layers.mjs')).href);
  side.registerKerasSideLayers(tf);

  const training = JSON.parse(fs.readFileSync(path.join(args.record, 'training.json'), 'utf8'));
  const layout = JSON.parse(fs.readFileSync(path.join(args.record, 'layout.json'), 'utf8'));
  const config = JSON.parse(fs.readFileSync(path.join(args.caseDir, 'model.tfjs.json'), 'utf8'));
  const caseInfo = JSON.parse(fs.readFileSync(path.join(args.caseDir, 'case.json'), 'utf8'));
  const model = await tf.models.modelFromJSON(config);

  // Initial weights: the datasets in the order make_case.mjs wrote them (= model.layers order).
  const file = new h5wasm.File(path.join(args.caseDir, caseInfo.weights), 'r');
  let k = 0;
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const values = layer.weights.map((w) => {
      const d = caseInfo.datasets[k++];
      const value = file.get(d.path).value;  // a number for a scalar (Normalization's count)
      return tf.tensor(Float32Array.from(typeof value === 'number' ? [value] : value), d.shape, 'float32');
    });
    layer.setWeights(values);
  }
  file.close();
  if (k !== caseInfo.datasets.length) fail(`${caseInfo.datasets.length - k} weights were not loaded`);

  const compile = training.compile[training.compile.length - 1];
  if (!compile) fail('no compile(...) recorded');
  // One loss per output of the model (Keras 3 CompileLoss): a list by position, a dict by output
  // name, one loss for every output; the total is sum(loss_weight * loss), each loss averaged
  // over the batch.
  const outputNames = model.outputNames;
  const isDict = (v) => v && typeof v === 'object' && !Array.isArray(v) && !v.class;
  let outputLosses;
  if (Array.isArray(compile.loss)) outputLosses = compile.loss.map((l) => makeLoss(tf, l));
  else if (isDict(compile.loss)) outputLosses = outputNames.map((name) => makeLoss(tf, compile.loss[name] ?? fail(`no loss for output ${name}`)));
  else outputLosses = outputNames.map(() => makeLoss(tf, compile.loss));
  if (outputLosses.length !== outputNames.length) fail(`${outputLosses.length} losses for ${outputNames.length} outputs`);
  const lossWeights = (compile.kwargs || {}).loss_weights;
  const weightOf = (i) => {
    if (lossWeights == null) return 1;
    if (Array.isArray(lossWeights)) {
      if (isDict(compile.loss)) fail('list loss_weights with a dict of losses is not transcribed');
      return lossWeights[i] ?? 1;
    }
    if (isDict(lossWeights)) return lossWeights[outputNames[i]] ?? 1;
    if (outputNames.length === 1) return lossWeights;
    return fail(`loss_weights ${JSON.stringify(lossWeights)} not read`);
  };
  const loss = {description: outputLosses.length === 1 ? outputLosses[0].description
    : outputLosses.map((l, i) => ({...l.description, output: outputNames[i], weight: weightOf(i)}))};
  const opt = makeOptimizer(tf, compile.optimizer);
  const fit = training.fits[0];
  const x = readNpy(path.join(args.record, fit.x));
  const ys = (Array.isArray(fit.y) ? fit.y : [fit.y]).map((f) => readNpy(path.join(args.record, f)));
  if (ys.length !== outputNames.length) fail(`${ys.length} target arrays for ${outputNames.length} outputs`);
  let n = x.shape[0];
  if (fit.validation_split) n = Math.floor(n * (1 - fit.validation_split));
  let batchSize = fit.batch_size ?? 32;
  if (fit.pipeline) {
    const batch = fit.pipeline.steps.filter((s) => s.op === 'batch');
    if (batch.length !== 1) fail('the pipeline must batch once');
    batchSize = batch[0].batch_size;
  }
  const epochs = typeof fit.epochs === 'number' ? fit.epochs : 1;
  const rowX = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const rowsY = ys.map((y) => y.shape.slice(1).reduce((a, b) => a * b, 1));
  const penalties = layout.regularizers || {};
  const trainable = model.trainableWeights.map((w) => w.val);
  // An L2 regularizer on every trainable weight (layout.weight_l2: the migrated coupled
  // weight_decay); its value is also logged per step, as the source's loss has no such term.
  const weightL2 = layout.weight_l2 ?? null;
  const weightPenalties = [];
  const losses = [];
  let batches = 0;
  const epochRates = fit.lr_per_epoch ?? null;
  const rates = [];
  for (let epoch = 0; epoch < epochs && losses.length < args.steps; epoch++) {
    if (epochRates) {
      opt.setEpochRate(epochRates[epoch]);
      rates.push(epochRates[epoch]);
    }
    for (let start = 0; start < n && losses.length < args.steps; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const xb = tf.tensor(x.data.slice(start * rowX, end * rowX), [end - start, ...x.shape.slice(1)],
                           x.float ? 'float32' : 'int32');
      const ybs = ys.map((y, i) => tf.tensor(y.data.slice(start * rowsY[i], end * rowsY[i]),
                                             [end - start, ...y.shape.slice(1)], 'float32'));
      const {value, grads} = tf.variableGrads(() => {
        const applied = model.apply(xb, {training: true});
        const preds = Array.isArray(applied) ? applied : [applied];
        let l = null;
        preds.forEach((pred, i) => {
          const yb = ybs[i];
          const one = outputLosses[i];
          let term = one.fn(yb.reshape(pred.shape.length === yb.shape.length ? yb.shape : pred.shape.length === 2 &&
                                       yb.shape.length === 1 && one.description.name !== 'sparse_categorical_crossentropy'
                                       ? [yb.shape[0], 1] : yb.shape), pred);
          if (weightOf(i) !== 1) term = term.mul(weightOf(i));
          l = l === null ? term : l.add(term);
        });
        for (const [layerName, terms] of Object.entries(penalties)) {
          const layer = model.getLayer(layerName);
          for (const [which, c] of Object.entries(terms)) {
            const w = layer.weights.find((v) => v.originalName.endsWith(`/${which}`));
            if (!w) fail(`layer ${layerName} has no ${which}`);
            l = l.add(w.read().square().sum().mul(c));
          }
        }
        if (weightL2 !== null) {
          const penalty = tf.addN(trainable.map((w) => w.square().sum())).mul(weightL2);
          weightPenalties.push(penalty.dataSync()[0]);
          l = l.add(penalty);
        }
        return l;
      }, trainable);
      losses.push(value.dataSync()[0]);
      opt.apply(trainable, grads);
      tf.dispose([xb, ...ybs, value, ...Object.values(grads)]);
      batches += 1;
    }
  }
  fs.writeFileSync(args.out, JSON.stringify({losses, optimizer: opt.description, loss: loss.description,
                                               batch_size: batchSize, train_samples: n, batches,
                                               ...(epochRates ? {epoch_rates: rates} : {}),
                                               ...(weightL2 !== null ? {weight_penalties: weightPenalties} : {})}, null, 1));
  console.log(`losses: ${losses.map((l) => l.toFixed(6)).join(' ')}`);
  console.log('RESULT OK');
}

main().then(() => process.exit(0), (err) => {
  if (err instanceof Failure) console.log(`RESULT FAIL ${err.message}`);
  else console.log(`RESULT FAIL unexpected error: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
