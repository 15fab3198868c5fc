// The tf.* functions nnport's Keras JSON records for products between activations, for the
// TFOpLambda layer of keras_custom.mjs (our implementation on TensorFlow.js kernels, following
// TensorFlow's documented semantics, not Google's code):
//   - linalg.matmul {y: second operand}: tf.linalg.matmul / keras.ops.matmul of two tensors of
//     rank >= 2, (..., n, k) @ (..., k, m) -> (..., n, m), leading axes broadcast as in NumPy.
//   - math.equal {y: a number or a second operand}: tf.math.equal, a bool tensor (padding masks
//     `ids == pad_idx`).
//   - math.logical_not: tf.math.logical_not of a bool tensor.
//   - expand_dims {axis}: tf.expand_dims (a negative axis counts from the end of the output).

function broadcastLeading(a, b) {
  const rank = Math.max(a.length, b.length);
  const out = [];
  for (let i = 0; i < rank; ++i) {
    const da = i + a.length >= rank ? a[i + a.length - rank] : 1;
    const db = i + b.length >= rank ? b[i + b.length - rank] : 1;
    if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (da != null && db != null && da !== db) throw new Error(`matmul: batch axes ${a} and ${b} do not broadcast`);
    else out.push(da ?? db);
  }
  return out;
}

export function tensorOps(tf) {
  return {
    'linalg.matmul': {
      shape(shapes) {
        const [a, b] = shapes;
        if (a.length < 2 || b.length < 2) throw new Error('matmul: operands must have rank >= 2');
        const batch = broadcastLeading(a.slice(0, -2), b.slice(0, -2));
        return [...batch, a[a.length - 2], b[b.length - 1]];
      },
      call(list) {
        if (list.length !== 2) throw new Error(`matmul: expected two operands, got ${list.length}`);
        // TensorFlow.js 4.22's own batch broadcasting in matMul gives wrong values for
        // (B, H, n, k) @ (B, 1, k, m): broadcast both operands explicitly first.
        const [a, b] = list;
        const batch = broadcastLeading(a.shape.slice(0, -2), b.shape.slice(0, -2));
        const full = (x) => tf.broadcastTo(x, [...batch, ...x.shape.slice(-2)]);
        return tf.matMul(full(a), full(b));
      },
    },
    'math.equal': {
      shape(shapes) { return shapes.length > 1 ? broadcastLeading(shapes[0], shapes[1]) : shapes[0].slice(); },
      call(list, kw) {
        const x = list[0];
        return tf.equal(x, list.length > 1 ? list[1] : tf.scalar(kw.y, x.dtype));
      },
    },
    'math.logicalnot': {
      shape(shapes) { return shapes[0].slice(); },
      call(list) { return tf.logicalNot(tf.cast(list[0], 'bool')); },
    },
    'expanddims': {
      shape(shapes, kw) {
        const out = shapes[0].slice();
        const axis = kw.axis < 0 ? kw.axis + out.length + 1 : kw.axis;
        out.splice(axis, 0, 1);
        return out;
      },
      call(list, kw) { return tf.expandDims(list[0], kw.axis); },
    },
  };
}
