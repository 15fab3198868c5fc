"""Independent numpy references for the cases whose TensorFlow.js side runs OUR transcriptions
(GRU reset_after=True in oracle/keras_custom.mjs, MultiHeadAttention in oracle/keras_attention.mjs,
tf.nn.space_to_depth in oracle/keras_structure_ops.mjs) or whose channel order matters
(tf.nn.depth_to_space, TensorFlow.js' depthToSpace):
the same seeded weights (read back from the Keras 3 .weights.h5 with h5py) and input, the Keras
formulas written out again from keras/src/layers/rnn/gru.py and
keras/src/layers/attention/multi_head_attention.py. run_case.py compares them with the
TensorFlow.js output (max abs difference <= 1e-5) before nnport is involved.

REFERENCES maps a model stem to fn(weights, inputs) -> list of outputs, `weights(path)` giving the
datasets of the group `path` in order.
"""
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def dense(w, path, x):
    kernel, bias = w(path)
    return x @ kernel + bias


def gru_reset_after(kernel, recurrent, bias, x, go_backwards=False):
    """keras/src/layers/rnn/gru.py GRUCell.call, reset_after=True, zero initial state; the last
    state."""
    units = recurrent.shape[0]
    h = np.zeros((x.shape[0], units), np.float64)
    steps = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    for t in steps:
        xz, xr, xh = np.split(x[:, t] @ kernel + bias[0], 3, axis=-1)
        rz, rr, rh = np.split(h @ recurrent + bias[1], 3, axis=-1)
        z = sigmoid(xz + rz)
        r = sigmoid(xr + rr)
        hh = np.tanh(xh + r * rh)
        h = z * h + (1 - z) * hh
    return h


def layer_norm(x, gamma, beta, epsilon):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + epsilon) * gamma + beta


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def multi_head_attention(w, path, query, value, key_dim):
    """multi_head_attention.py for rank-3 inputs, attention_axes=None, no mask."""
    kk, kb = w(f"{path}/key_dense")
    ok, ob = w(f"{path}/output_dense")
    qk, qb = w(f"{path}/query_dense")
    vk, vb = w(f"{path}/value_dense")
    q = np.einsum("abc,cde->abde", query, qk) + qb
    k = np.einsum("abc,cde->abde", value, kk) + kb
    v = np.einsum("abc,cde->abde", value, vk) + vb
    q = q * (1.0 / np.sqrt(float(key_dim)))
    scores = softmax(np.einsum("aecd,abcd->acbe", k, q), axis=-1)
    out = np.einsum("acbe,aecd->abcd", scores, v)
    return np.einsum("abcd,cde->abe", out, ok) + ob


def conv2d(w, path, x, relu=False):
    """Conv2D, stride 1, 'same' padding (k // 2 cells each side for an odd kernel k)."""
    kernel, bias = w(path)
    kh, kw = kernel.shape[:2]
    padded = np.pad(x, ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    h, width = x.shape[1:3]
    out = sum(padded[:, a:a + h, b:b + width, :] @ kernel[a, b] for a in range(kh) for b in range(kw))
    out = out + bias
    return np.maximum(out, 0) if relu else out


def depth_to_space(x, r):
    """tf.nn.depth_to_space on NHWC as TensorFlow documents it: out[n, h*r + i, w*r + j, c] =
    x[n, h, w, (i*r + j)*C + c] (the block's row and column are the high-order channel digits)."""
    c = x.shape[3] // (r * r)
    out = np.empty((x.shape[0], x.shape[1] * r, x.shape[2] * r, c), x.dtype)
    for i in range(r):
        for j in range(r):
            out[:, i::r, j::r, :] = x[:, :, :, (i * r + j) * c:(i * r + j + 1) * c]
    return out


def space_to_depth(x, r):
    """tf.nn.space_to_depth on NHWC, the inverse: out[n, h, w, (i*r + j)*C + c] =
    x[n, h*r + i, w*r + j, c]."""
    c = x.shape[3]
    out = np.empty((x.shape[0], x.shape[1] // r, x.shape[2] // r, c * r * r), x.dtype)
    for i in range(r):
        for j in range(r):
            out[:, :, :, (i * r + j) * c:(i * r + j + 1) * c] = x[:, i::r, j::r, :]
    return out


def func_depth_to_space(w, inputs):
    x = depth_to_space(conv2d(w, "layers/conv2d", inputs[0], relu=True), 3)
    x = depth_to_space(conv2d(w, "layers/conv2d_1", x), 2)
    return [conv2d(w, "layers/conv2d_2", x)]


def func_space_to_depth(w, inputs):
    x = space_to_depth(conv2d(w, "layers/conv2d", inputs[0], relu=True), 2)
    x = depth_to_space(conv2d(w, "layers/conv2d_1", x), 2)
    return [conv2d(w, "layers/conv2d_2", x)]


def seq_gru_reset_after(w, inputs):
    (embeddings,) = w("layers/embedding")
    x = embeddings[inputs[0]]
    h = gru_reset_after(*w("layers/gru/cell"), x)
    return [dense(w, "layers/dense", h)]


def func_bigru_sum(w, inputs):
    x = inputs[0]
    fwd = gru_reset_after(*w("layers/bidirectional/forward_layer/cell"), x)
    bwd = gru_reset_after(*w("layers/bidirectional/backward_layer/cell"), x, go_backwards=True)
    return [dense(w, "layers/dense", fwd + bwd)]


def func_mha_block(w, inputs):
    tokens = inputs[0]
    attn = multi_head_attention(w, "layers/multi_head_attention", tokens, tokens, key_dim=4)
    x = layer_norm(tokens + attn, *w("layers/layer_normalization"), 1e-6)
    ff = dense(w, "layers/dense_1", np.maximum(dense(w, "layers/dense", x), 0))
    x = layer_norm(x + ff, *w("layers/layer_normalization_1"), 1e-6)
    return [dense(w, "layers/dense_2", x.mean(axis=1))]


REFERENCES = {f.__name__: f for f in (seq_gru_reset_after, func_bigru_sum, func_mha_block,
                                      func_depth_to_space, func_space_to_depth)}


def check(stem, h5_path, inputs, outputs):
    """Max abs difference between the numpy reference and `outputs`, or None when `stem` has no
    reference."""
    import h5py

    if stem not in REFERENCES:
        return None
    with h5py.File(h5_path, "r") as f:
        def weights(path):
            group = f[f"{path}/vars"]
            return [np.array(group[str(i)], np.float64) for i in range(len(group))]

        want = REFERENCES[stem](weights, [x if x.dtype.kind == "i" else x.astype(np.float64) for x in inputs])
    return max(float(np.max(np.abs(a - b))) for a, b in zip(want, outputs))
