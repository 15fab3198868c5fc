// The tf.* functions nnport's Keras JSON records for indexing and combining ops, for the
// TFOpLambda / SlicingOpLambda layers of keras_custom.mjs. Each entry follows the TensorFlow
// function's own semantics (these are our implementations on TensorFlow.js kernels, not
// Google's code):
//   - __operators__.getitem {slice_spec}: Python/NumPy basic indexing (tf.keras' SlicingOpLambda);
//     an int removes its axis (negative counts from the end), {start, stop, step} slices with
//     Python's clamping (step > 0 only, which is all nnport writes), axes beyond the spec are kept.
//   - stack {axis}: tf.stack of the layer's list input.
//   - tile {multiples}: tf.tile.
//   - reshape {shape}: tf.reshape (one -1 inferred).
//   - nn.space_to_depth {block_size}: tf.nn.space_to_depth on NHWC (TensorFlow.js has none):
//     out[n, h, w, (i*b + j)*C + c] = in[n, h*b + i, w*b + j, c], the inverse of depthToSpace.
//   - math.l2_normalize {axis, epsilon}: x * rsqrt(max(sum(x^2, axis, keepdims), epsilon)),
//     exactly as tf.math.l2_normalize computes it (epsilon bounds the SQUARED sum).
// math.maximum / math.minimum are in keras_custom.mjs' binary table.

function normalizeAxis(axis, rank) {
  return axis < 0 ? axis + rank : axis;
}

function sliceSpecOf(kw) {
  const spec = kw.slice_spec ?? kw.sliceSpec;
  return Array.isArray(spec) ? spec : [spec];
}

// Per axis of the input: {drop, begin, end, stride, length} for a known size n.
function sliceAxis(item, n) {
  if (typeof item === 'number') {
    const k = item < 0 ? item + n : item;
    return {drop: true, begin: k, end: k + 1, stride: 1, length: 1};
  }
  const step = item?.step ?? 1;
  const clamp = (b, dflt) => {
    if (b == null) return dflt;
    const v = b < 0 ? b + n : b;
    return Math.min(Math.max(v, 0), n);
  };
  const begin = clamp(item?.start, 0);
  const end = Math.max(clamp(item?.stop, n), begin);
  return {drop: false, begin, end, stride: step, length: Math.ceil((end - begin) / step)};
}

export function structureOps(tf) {
  return {
    'operators.getitem': {
      shape(shapes, kw) {
        const s = shapes[0];
        const spec = sliceSpecOf(kw);
        const out = [];
        s.forEach((n, i) => {
          if (i >= spec.length) return out.push(n);
          if (typeof spec[i] === 'number') return undefined;
          if (n == null) return out.push(null);
          return out.push(sliceAxis(spec[i], n).length);
        });
        return out;
      },
      call(list, kw) {
        const x = list[0];
        const spec = sliceSpecOf(kw);
        const begin = [], end = [], strides = [];
        let shrink = 0;
        x.shape.forEach((n, i) => {
          const a = i < spec.length ? sliceAxis(spec[i], n) : {drop: false, begin: 0, end: n, stride: 1};
          begin.push(a.begin);
          end.push(a.end);
          strides.push(a.stride);
          if (a.drop) shrink |= 1 << i;
        });
        return tf.stridedSlice(x, begin, end, strides, 0, 0, 0, 0, shrink);
      },
    },
    'stack': {
      shape(shapes, kw) {
        const out = shapes[0].slice();
        out.splice(normalizeAxis(kw.axis ?? 0, out.length + 1), 0, shapes.length);
        return out;
      },
      call(list, kw) {
        return tf.stack(list, normalizeAxis(kw.axis ?? 0, list[0].rank + 1));
      },
    },
    'tile': {
      shape(shapes, kw) {
        return shapes[0].map((d, i) => (d == null ? null : d * kw.multiples[i]));
      },
      call(list, kw) {
        return tf.tile(list[0], kw.multiples);
      },
    },
    'reshape': {
      shape(shapes, kw) {
        const s = shapes[0];
        const target = kw.shape.slice();
        const at = target.indexOf(-1);
        if (at >= 0) {
          const total = s.some((d) => d == null) ? null : s.reduce((a, b) => a * b, 1);
          const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
          target[at] = total == null ? null : total / known;
        }
        return target;
      },
      call(list, kw) {
        return tf.reshape(list[0], kw.shape);
      },
    },
    // tf.nn.depth_to_space (NHWC, DCR order as TensorFlow; TensorFlow.js' depthToSpace).
    'nn.depthtospace': {
      shape(shapes, kw) {
        const [n, h, w, c] = shapes[0];
        const b = kw.block_size ?? kw.blockSize;
        return [n, h == null ? null : h * b, w == null ? null : w * b, c == null ? null : c / (b * b)];
      },
      call(list, kw) {
        return tf.depthToSpace(list[0], kw.block_size ?? kw.blockSize, 'NHWC');
      },
    },
    'nn.spacetodepth': {
      shape(shapes, kw) {
        const [n, h, w, c] = shapes[0];
        const b = kw.block_size ?? kw.blockSize;
        return [n, h == null ? null : h / b, w == null ? null : w / b, c == null ? null : c * b * b];
      },
      call(list, kw) {
        const x = list[0];
        const b = kw.block_size ?? kw.blockSize;
        const [n, h, w, c] = x.shape;
        // (N, H, i, W, j, C) -> (N, H, W, i, j, C): the block's row, column, then channel.
        const blocks = tf.reshape(x, [n, h / b, b, w / b, b, c]);
        return tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4, 5]), [n, h / b, w / b, b * b * c]);
      },
    },
    'math.l2normalize': {
      shape(shapes) {
        return shapes[0].slice();
      },
      call(list, kw) {
        const x = list[0];
        const axis = normalizeAxis(kw.axis ?? -1, x.rank);
        const squareSum = tf.sum(tf.square(x), axis, true);
        return tf.mul(x, tf.rsqrt(tf.maximum(squareSum, kw.epsilon ?? 1e-12)));
      },
    },
  };
}
